package server

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A database restored from a backup is another feed: a follower's cursor
// from before the restore is FAILED_PRECONDITION telling it to read the
// registry in full again, over gRPC, REST and a watch, even once new
// changes have taken the sequence numbers it had read up to; else it
// would miss them, and keep the person the restore took away.
func TestChangesAfterRestore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.createPerson(&pb.Person{GivenName: "An"})
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := e.db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	e.createPerson(&pb.Person{GivenName: "Bình"})
	before := feedOf(t, e.client.Changes, "")
	old := before[len(before)-1].Cursor

	e.stop()
	if err := store.Restore(ctx, backup, e.path, true, store.Options{}); err != nil {
		t.Fatal(err)
	}
	e.start(nil)
	e.client = e.clientAs(e.token)
	chi := e.createPerson(&pb.Person{GivenName: "Chi"})
	if after := feedOf(t, e.client.Changes, ""); after[len(after)-1].Sequence != before[len(before)-1].Sequence {
		t.Fatalf("the test wants Chi's change to take Bình's sequence number: %d, %d",
			after[len(after)-1].Sequence, before[len(before)-1].Sequence)
	}

	const resync = "read the registry in full again"
	_, err := e.client.Changes.ListChanges(ctx, &pb.ListChangesRequest{PageToken: old})
	wantCode(t, err, codes.FailedPrecondition)
	if !strings.Contains(status.Convert(err).Message(), resync) {
		t.Errorf("the error does not say to read the registry again: %v", err)
	}
	code, body := e.rest("GET", "/v1/changes?pageToken="+old, nil)
	wantREST(t, code, body, http.StatusBadRequest)
	stream, err := e.client.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Cursor: old})
	if err == nil {
		_, err = stream.Recv()
	}
	wantCode(t, err, codes.FailedPrecondition)

	// The cursor before the first change is every feed's: a new
	// follower of an earlier examples/mirror starts from it.
	if got := feedOf(t, e.client.Changes, "ZmVlZDE6MA"); len(got) != 2 || got[1].Resource != chi.Name {
		t.Errorf("from the first change: %q", summaryOf(got))
	}
}
