package store

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A restore of a backup taken before a purge says which purged people the
// backup brings back, so that an admin purges them again.
func TestRestoreNamesPurgedPeopleBroughtBack(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stays, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "An"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "b.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: gone.Name, Requester: "Trần Bình"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionDataSubjectRequest(ctx, r.Name, pb.DataSubjectRequest_COMPLETED, "", "", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ev := &AuditEvent{Time: time.Now(), Principal: "key:admin", Method: "/trithuc.v1.PrivacyService/PurgePerson", Code: "OK"}
	ev.AddResources(gone.Name)
	if _, err := db.PurgePerson(ctx, gone.Name, r.Name, "erasure", ev); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var log bytes.Buffer
	if err := Restore(ctx, backup, path, true, Options{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if !strings.Contains(out, "purged") || !strings.Contains(out, gone.Name) || strings.Contains(out, stays.Name) {
		t.Errorf("the restore's log does not name the purged person brought back, %s, alone:\n%s", gone.Name, out)
	}

	// Restored again over a database that purged no one: nothing to say.
	log.Reset()
	if err := Restore(ctx, backup, path, true, Options{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "purged") {
		t.Errorf("a restore over a database without purges warns:\n%s", log.String())
	}
}
