package server

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A gRPC request over --max-request-bytes is RESOURCE_EXHAUSTED with an
// ErrorInfo, REQUEST_TOO_LARGE, giving the limit and the size, whatever
// the method (unary, a server stream, ImportPeople, which names
// UploadImport); one over the transport's limit, twice that, is still
// refused by the transport, unread (TestLargeMessagesRefusedUnread).
func TestOversizeRequestsSayTheLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	limit := e.srv.cfg.MaxRequestBytes
	over := strings.Repeat("a", limit+limit/2)

	tooLarge := func(t *testing.T, err error, wantText string) {
		t.Helper()
		wantCode(t, err, codes.ResourceExhausted)
		if r := client.Reason(err); r != "REQUEST_TOO_LARGE" {
			t.Fatalf("reason %q, want REQUEST_TOO_LARGE: %v", r, err)
		}
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				size, _ := strconv.Atoi(info.Metadata["sizeBytes"])
				if info.Metadata["limitBytes"] != strconv.Itoa(limit) || size <= limit {
					t.Errorf("metadata %v, want limitBytes %d and the size", info.Metadata, limit)
				}
			}
		}
		if msg := status.Convert(err).Message(); !strings.Contains(msg, strconv.Itoa(limit)) || !strings.Contains(msg, wantText) {
			t.Errorf("message %q does not name the limit or %q", msg, wantText)
		}
	}
	t.Run("ErrUnary", func(t *testing.T) {
		_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: over, GivenName: "An"}})
		tooLarge(t, err, "limit")
		people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		if err != nil || len(people.People) != 0 {
			t.Errorf("a refused create made someone: %v, %v", people, err)
		}
	})
	t.Run("ErrServerStream", func(t *testing.T) {
		stream, err := e.client.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Filter: over})
		if err == nil {
			_, err = stream.Recv()
		}
		tooLarge(t, err, "limit")
	})
	t.Run("ErrImportInOneMessage", func(t *testing.T) {
		_, err := e.client.Transfer.ImportPeople(ctx, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(over)}})
		tooLarge(t, err, "UploadImport")
	})
	t.Run("ErrOverTheTransportLimit", func(t *testing.T) {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: strings.Repeat("a", 3*limit)})
		wantCode(t, err, codes.ResourceExhausted)
	})
	t.Run("OKAtTheLimit", func(t *testing.T) {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: strings.Repeat("a", limit-100)})
		wantCode(t, err, codes.InvalidArgument, "filter")
	})
}
