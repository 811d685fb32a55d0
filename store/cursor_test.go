package store

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// follow reads the feed from cursor as ChangeService does: the cursor
// parsed, then the changes after it.
func follow(db *DB, cursor string) ([]*pb.Change, error) {
	after, err := db.ParseCursor(cursor, "page_token")
	if err != nil {
		return nil, err
	}
	page, err := db.ListChanges(context.Background(), ChangeQuery{After: after, CursorField: "page_token"})
	if err != nil {
		return nil, err
	}
	return page.Changes, nil
}

// wantResync wants err to tell a follower to read the registry again.
func wantResync(t *testing.T, what string, err error) {
	t.Helper()
	if errCode(err) != FailedPrecondition || !strings.Contains(err.Error(), "read the registry in full again") {
		t.Errorf("%s: got %v, want FAILED_PRECONDITION telling to read the registry in full again", what, err)
	}
}

// A restored database hands out again the sequence numbers of the changes
// made after its backup: it is another feed, and a cursor from before the
// restore is refused, even once new changes have taken its number; so is a
// backup put back by hand. A cursor past the newest change is refused too.
func TestRestoreStartsAnotherFeed(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Bình"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := follow(db, "")
	if err != nil {
		t.Fatal(err)
	}
	old := before[len(before)-1]
	head, _ := db.ChangeHead(ctx)
	wantResync(t, "a cursor past the newest change", func() error { _, err := follow(db, db.EncodeCursor(head+1)); return err }())
	db.Close()

	byHand := filepath.Join(dir, "by-hand.db")
	b, err := os.ReadFile(backup)
	if err == nil {
		err = os.WriteFile(byHand, b, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := Restore(ctx, backup, path, true, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, byHand} {
		db, err := Open(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		chi, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Chi"}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		all, err := follow(db, "")
		if err != nil || all[len(all)-1].Sequence != old.Sequence || all[len(all)-1].Resource != chi.Name {
			t.Fatalf("%s: want Chi's change to take Bình's sequence number %d: %v %v", p, old.Sequence, summary(all), err)
		}
		_, err = follow(db, old.Cursor)
		wantResync(t, p+": a cursor from before the restore", err)
		// The feed goes on from its own cursors, and from the start.
		if got, err := follow(db, all[0].Cursor); err != nil || len(got) != len(all)-1 {
			t.Errorf("%s: from the restored feed's own cursor: %q %v", p, summary(got), err)
		}
		if got, err := follow(db, "ZmVlZDE6MA"); err != nil || len(got) != len(all) {
			t.Errorf("%s: from feed1:0, before the first change: %q %v", p, summary(got), err)
		}
		db.Close()
	}
}

// A database first given a feed id by an upgrade goes on taking the
// cursors without one that it handed out, but not those past its newest
// change then; once restored, none but the start's.
func TestFeed1Cursors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "live.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"An", "Bình"} {
		if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: n}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// As a version before feed ids left it.
	if _, err := db.writer.ExecContext(ctx, `DELETE FROM settings WHERE key IN ('changes_feed', 'changes_feed1_through')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Chi"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	feed1 := func(seq string) string { return base64.RawURLEncoding.EncodeToString([]byte("feed1:" + seq)) }
	for cursor, want := range map[string]int{feed1("0"): 3, feed1("1"): 2, feed1("2"): 1} {
		if got, err := follow(db, cursor); err != nil || len(got) != want {
			t.Errorf("from %s: %q %v, want %d changes", cursor, summary(got), err, want)
		}
	}
	// Never handed out here: another database's, or from before a restore.
	_, err = follow(db, feed1("3"))
	wantResync(t, "feed1:3", err)

	backup := filepath.Join(dir, "backup.db")
	if err := db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := Restore(ctx, backup, path, true, Options{}); err != nil {
		t.Fatal(err)
	}
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = follow(db, feed1("1"))
	wantResync(t, "feed1:1 after a restore", err)
	if got, err := follow(db, feed1("0")); err != nil || len(got) != 3 {
		t.Errorf("from feed1:0 after a restore: %q %v", summary(got), err)
	}
}
