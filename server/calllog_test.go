package server

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// TestCallLogIsLoggersLine wants the call's line that writeCallLog writes
// from a record of its own to be the line Logger.Log wrote of the same
// arguments, for each shape of call (principal or none, refused, limited,
// each level), through a handler with attributes and a group of its own.
func TestCallLogIsLoggersLine(t *testing.T) {
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	byLog := func(log *slog.Logger, c *call, d time.Duration, err error) {
		code := status.Code(err)
		who := "anonymous"
		if c.principal != nil {
			who = c.principal.ID
		}
		level := slog.LevelInfo
		if code == codes.Internal || code == codes.Unknown || code == codes.DataLoss {
			level = slog.LevelError
		}
		args := []any{"method", c.method, "transport", c.transport(), "principal", who,
			"code", code.String(), "duration", d, "request_id", c.id}
		switch {
		case c.refused:
			args = append(args, "client", c.client, "not_logged", c.suppressed)
		case c.limited:
			args = append(args, "not_logged", c.suppressed)
		}
		log.Log(context.Background(), level, "call", args...)
	}
	calls := []*call{
		{method: "/trithuc.v1.PersonService/GetPerson", id: "r1", principal: &Principal{ID: "key:k1"}},
		{method: "/trithuc.v1.PersonService/GetPerson", id: "r2", rest: true},
		{method: "/trithuc.v1.PersonService/ListPeople", id: "r3 \"x\"", console: true, principal: &Principal{ID: "session:ạ b"}},
		{method: "/m", id: "r4", refused: true, client: "10.0.0.1:5", suppressed: 3},
		{method: "/m", id: "r5", limited: true, suppressed: 0},
		{method: "/m", id: "r6", refused: true, limited: true, client: "[::1]:9"},
	}
	errs := []error{nil, status.Error(codes.NotFound, "no"), status.Error(codes.Internal, "x"), status.Error(codes.DataLoss, "y")}
	for _, withAttrs := range []bool{false, true} {
		for _, c := range calls {
			for _, err := range errs {
				var got, want bytes.Buffer
				newLog := func(b *bytes.Buffer) *slog.Logger {
					l := slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{ReplaceAttr: noTime, Level: slog.LevelDebug}))
					if withAttrs {
						l = l.With("service", "trithuc").WithGroup("g")
					}
					return l
				}
				d := 1234567 * time.Nanosecond
				(&Server{log: newLog(&got)}).writeCallLog(context.Background(), c, d, err)
				byLog(newLog(&want), c, d, err)
				if got.String() != want.String() || got.Len() == 0 {
					t.Errorf("call %+v, %v:\n got  %q\n want %q", c, err, got.String(), want.String())
				}
			}
		}
	}
	// Below the handler's level, nothing.
	var b bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: slog.LevelError}))}
	s.writeCallLog(context.Background(), calls[0], time.Millisecond, nil)
	if b.Len() != 0 {
		t.Errorf("an INFO line through an ERROR handler: %q", b.String())
	}
}
