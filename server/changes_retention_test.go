package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The server prunes the change feed at start (and daily) on the
// database's clock: changes within --changes-retention stay, older ones
// go, and a cursor older than what is kept is FAILED_PRECONDITION naming
// the oldest cursor held, over gRPC and REST.
func TestChangesRetentionPrunes(t *testing.T) {
	const day = 24 * time.Hour
	e := newEnvWith(t, func(c *Config) { c.ChangesRetention = 90 * day })
	ctx := context.Background()
	for _, n := range []string{"An", "Bình", "Chi"} {
		e.createPerson(&pb.Person{GivenName: n})
	}
	restart := func(ahead time.Duration) {
		t.Helper()
		e.stop()
		e.start(func(s *Server) {
			now := time.Now().Add(ahead)
			s.db.Now = func() time.Time { return now }
		})
		e.client = e.clientAs(e.token)
	}
	pruned := func() bool { return strings.Contains(e.logs.String(), "changes_pruned") }

	// Within the retention: nothing goes.
	restart(89 * day)
	waitFor(t, pruned)
	if got := feedOf(t, e.client.Changes, ""); len(got) != 3 {
		t.Fatalf("89 days on, the feed holds %d changes, want 3", len(got))
	}

	// Past it: all three go, and the cursors before them are refused.
	restart(91 * day)
	waitFor(t, pruned)
	oldest := e.db.EncodeCursor(3)
	_, err := e.client.Changes.ListChanges(ctx, &pb.ListChangesRequest{PageToken: e.db.EncodeCursor(1)})
	wantCode(t, err, codes.FailedPrecondition)
	if err == nil || !strings.Contains(err.Error(), oldest) {
		t.Errorf("the error does not name the oldest cursor %s: %v", oldest, err)
	}
	code, body := e.rest("GET", "/v1/changes?pageToken="+e.db.EncodeCursor(0), nil)
	wantREST(t, code, body, http.StatusBadRequest)
	if !strings.Contains(body["message"].(string), oldest) {
		t.Errorf("REST: the error does not name the oldest cursor: %v", body)
	}
	stream, err := e.client.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Cursor: e.db.EncodeCursor(2)})
	if err == nil {
		_, err = stream.Recv()
	}
	wantCode(t, err, codes.FailedPrecondition)

	// From the oldest cursor held, the feed goes on.
	d := e.createPerson(&pb.Person{GivenName: "Dung"})
	if got := feedOf(t, e.client.Changes, oldest); len(got) != 1 || got[0].Resource != d.Name {
		t.Errorf("from the oldest cursor: %q", summaryOf(got))
	}
}

func TestChangesRetentionChecked(t *testing.T) {
	e := newEnv(t)
	for _, d := range []time.Duration{-time.Hour, 24 * time.Hour} {
		_, err := New(e.db, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", ChangesRetention: d})
		if err == nil || !strings.Contains(err.Error(), "changes_retention") {
			t.Errorf("a retention of %s: %v", d, err)
		}
	}
}
