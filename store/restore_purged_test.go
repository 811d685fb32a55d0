package store

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A restore of a backup taken before a purge purges the person again: the
// erasure stands, the purge is recorded with its time, the requests about
// them hold its reason, and the audit trail says it was made again.
func TestRestorePurgesAgainPeoplePurgedSinceTheBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình", NationalId: "001089012345"}, CreateOptions{})
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
	if _, err := db.PurgePerson(ctx, gone.Name, r.Name, "erasure asked for", ev); err != nil {
		t.Fatal(err)
	}
	purgedAt := purgeTime(t, db, gone.Name)
	db.Close()

	var log bytes.Buffer
	if err := Restore(ctx, backup, path, true, Options{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatal(err)
	}
	out := log.String()
	if !strings.Contains(out, "purged again") || !strings.Contains(out, gone.Name) || strings.Contains(out, stays.Name) {
		t.Errorf("the restore's log does not name the person purged again, %s, alone:\n%s", gone.Name, out)
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	checkPurgedAgain(t, db, gone.Name, r.Name, "001089012345", purgedAt)
	if _, err := db.GetPerson(ctx, stays.Name, pb.PersonView_PERSON_VIEW_FULL); err != nil {
		t.Errorf("%s, never purged, is not restored: %v", stays.Name, err)
	}
	db.Close()

	// Restored again: the database it replaces has purged them (again), so
	// the restore purges them again too.
	if err := Restore(ctx, backup, path, true, Options{}); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkPurgedAgain(t, db, gone.Name, r.Name, "001089012345", purgedAt)
}

// checkPurgedAgain checks that a restore purged name again: gone, their
// national ID finding no one, their id recorded as purged at purgedAt, the
// request dsr holding the purge's reason but not who asked, the feed
// saying PURGED for them and nothing else, and an audit event of the
// purge made again.
func checkPurgedAgain(t *testing.T, db *DB, name, dsr, nationalID string, purgedAt int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.GetPerson(ctx, name, pb.PersonView_PERSON_VIEW_FULL); err == nil {
		t.Errorf("%s, purged, is back after the restore", name)
	}
	found, _, err := db.ListPeople(ctx, ListQuery{Filter: `national_id = "` + nationalID + `"`, ShowDeleted: true}, pb.PersonView_PERSON_VIEW_FULL)
	if err != nil || len(found) != 0 {
		t.Errorf("the purged person's national ID finds %v (%v)", found, err)
	}
	if got := purgeTime(t, db, name); got != purgedAt {
		t.Errorf("purged_people has %s purged at %d, want the purge's own time %d", name, got, purgedAt)
	}
	r, err := db.GetDataSubjectRequest(ctx, dsr)
	if err != nil {
		t.Fatal(err)
	}
	if r.Requester != "" || !strings.Contains(strings.Join(r.Actions, "\n"), "purged: erasure asked for") {
		t.Errorf("the ERASURE request after the restore: requester %q, actions %q; want no requester and the purge's reason", r.Requester, r.Actions)
	}
	page, err := db.ListChanges(ctx, ChangeQuery{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []pb.Change_Kind
	for _, c := range page.Changes {
		if c.Resource == name || strings.HasPrefix(c.Resource, name+"/") {
			kinds = append(kinds, c.Kind)
		}
	}
	// A follower told to resync (the restore renewed the feed's id) reads
	// the feed again: its last word on them is PURGED, as after a purge.
	if len(kinds) == 0 || kinds[len(kinds)-1] != pb.Change_PURGED {
		t.Errorf("the feed after the restore has, for %s, %v; want PURGED last", name, kinds)
	}
	events, _, err := db.ListAuditEvents(ctx, AuditQuery{Resource: name, Method: ReapplyPurgeMethod})
	if err != nil || len(events) == 0 {
		t.Fatalf("no audit event of %s purged again after the restore (%v)", name, err)
	}
	if !strings.Contains(events[0].PrincipalName, "restore") {
		t.Errorf("the audit event of the purge made again does not say restore: %v", events[0])
	}
}

func purgeTime(t *testing.T, db *DB, name string) int64 {
	t.Helper()
	var at int64
	err := db.read(context.Background(), func(tx *Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT purge_time FROM purged_people WHERE id = ?`, strings.TrimPrefix(name, "people/")).Scan(&at)
	})
	if err != nil {
		t.Fatalf("%s is not recorded as purged: %v", name, err)
	}
	return at
}

// A restore over a damaged database (restore's other use) puts the backup
// back, and says the purges since it could not be checked.
func TestRestoreOverUnreadableDatabaseSaysPurgesUnchecked(t *testing.T) {
	ctx := context.Background()
	db, path, backup, p := backedUpPerson(t)
	// Damaged where purged_people is: it opens, that table does not read.
	var root, size int64
	err := db.read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'purged_people'`).Scan(&root, &size)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	overwrite(t, path, bytes.Repeat([]byte{0xff}, int(size)), (root-1)*size)
	var log bytes.Buffer
	if err := Restore(ctx, backup, path, true, Options{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "could not be checked") {
		t.Errorf("the restore over a damaged database does not say the purges could not be checked:\n%s", log.String())
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.GetPerson(ctx, p.Name, pb.PersonView_PERSON_VIEW_FULL); err != nil {
		t.Errorf("the backup is not put back: %v", err)
	}
}

// A database damaged past opening (its header and schema overwritten) is
// what restore is for (README): the check that no server holds it must
// not refuse it for being unreadable.
func TestRestoreOverDatabaseDamagedPastOpening(t *testing.T) {
	ctx := context.Background()
	db, path, backup, p := backedUpPerson(t)
	db.Close()
	for name, at := range map[string]int64{"header": 0, "schema": 100} {
		t.Run(name, func(t *testing.T) {
			overwrite(t, path, bytes.Repeat([]byte{0xa5}, 4096), at)
			var log bytes.Buffer
			if err := Restore(ctx, backup, path, true, Options{Log: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
				t.Fatalf("restore over a database damaged in its %s: %v", name, err)
			}
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.GetPerson(ctx, p.Name, pb.PersonView_PERSON_VIEW_BASIC); err != nil {
				t.Errorf("after the restore: %v", err)
			}
		})
	}
}

// backedUpPerson is a database at path holding one person, p, and a
// backup of it; the caller closes db.
func backedUpPerson(t *testing.T) (db *DB, path, backup string, p *pb.Person) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path, backup = filepath.Join(dir, "t.db"), filepath.Join(dir, "b.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "An"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	return db, path, backup, p
}

// overwrite writes data over the file at path from offset at.
func overwrite(t *testing.T, path string, data []byte, at int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, at); err != nil {
		t.Fatal(err)
	}
}
