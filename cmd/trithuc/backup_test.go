package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A file that is not there is named as missing, with what to give
// instead, not taken for a file that is no database.
func TestBackupAndRestoreMissingFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if _, err := cli(t, "keys", "create", "--create", "--db", db, "--role", "admin", "--name", "a"); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.db")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoDatabase", []string{"backup", "--db", missing, filepath.Join(dir, "b.db")}, "no database at " + missing + "; give its path with --db"},
		{"ErrNoBackup", []string{"restore", "--db", db, "--force", missing}, "no backup at " + missing + "; give the path of the backup file"},
		{"ErrNoBackupDirectory", []string{"backup", "--db", db, filepath.Join(dir, "nowhere", "b.db")},
			"there is no directory " + filepath.Join(dir, "nowhere") + " to write " + filepath.Join(dir, "nowhere", "b.db") + " in; make it first"},
		{"ErrNoRestoreDirectory", []string{"restore", "--db", filepath.Join(dir, "nowhere", "t.db"), db},
			"there is no directory " + filepath.Join(dir, "nowhere") + " to restore " + filepath.Join(dir, "nowhere", "t.db") + " in; check --db"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("trithuc %s: %v, want %q", strings.Join(tt.args, " "), err, tt.want)
			}
		})
	}
}

// trithuc restore of a backup taken before a purge purges the person again
// and says so: the erasure stands.
func TestRestorePurgesAgain(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình", NationalId: "001089012345"}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	backup := filepath.Join(dir, "b.db")
	if out, err := cli(t, "backup", "--db", path, backup); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if db, err = store.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: p.Name, Requester: "Trần Bình"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionDataSubjectRequest(ctx, r.Name, pb.DataSubjectRequest_COMPLETED, "", "", store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PurgePerson(ctx, p.Name, r.Name, "erasure", store.NewAuditEvent(time.Now())); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, errOut, err := cliApart(t, "restore", "--db", path, "--force", backup)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(errOut, "purged again") || !strings.Contains(errOut, p.Name) {
		t.Errorf("restore does not say it purged %s again:\n%s", p.Name, errOut)
	}
	if db, err = store.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.GetPerson(ctx, p.Name, pb.PersonView_PERSON_VIEW_FULL); err == nil {
		t.Errorf("%s, purged, is back after the restore", p.Name)
	}
	found, _, err := db.ListPeople(ctx, store.ListQuery{Filter: `national_id = "001089012345"`, ShowDeleted: true}, pb.PersonView_PERSON_VIEW_FULL)
	if err != nil || len(found) != 0 {
		t.Errorf("the purged person's national ID finds %v (%v)", found, err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Khác"}, store.CreateOptions{ID: strings.TrimPrefix(p.Name, "people/")}); err == nil {
		t.Errorf("%s, purged, was given again after the restore", p.Name)
	}
	events, _, err := db.ListAuditEvents(ctx, store.AuditQuery{Resource: p.Name, Method: store.ReapplyPurgeMethod})
	if err != nil || len(events) != 1 || !strings.Contains(events[0].PrincipalName, "restore") {
		t.Errorf("the audit trail has %v (%v); want one event of the purge made again after the restore", events, err)
	}
}
