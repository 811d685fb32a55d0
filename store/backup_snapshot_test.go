package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A backup taken while people are being registered is the registry at
// one moment: it holds everyone registered before it began, none of the
// writes it could not have seen, and each person it holds with the
// change that made them, and no change without its person (one write
// transaction each), whole or not at all.
func TestBackupUnderWrites(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, filepath.Join(dir, "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var created atomic.Int64
	create := func(i int) error {
		_, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: fmt.Sprintf("Người %d", i)}, CreateOptions{})
		if err == nil {
			created.Add(1)
		}
		return err
	}
	for i := range 300 {
		if err := create(i); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 300; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := create(i); err != nil {
				writeErr = err
				return
			}
		}
	}()
	// Five backups at least, until one has had writes go on during it.
	last, during := int64(0), false
	for i := 0; i < 5 || !during && i < 50; i++ {
		before := created.Load()
		path := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		if err := db.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		after := created.Load()
		during = during || after > before
		people, orphans := snapshotCounts(t, path)
		if people < before || people > after+1 || people < last {
			t.Errorf("backup %d holds %d people; %d were registered before it began, %d when it ended, %d in the backup before", i, people, before, after, last)
		}
		if orphans != 0 {
			t.Errorf("backup %d holds %d people without the change that made them, or changes without their person", i, orphans)
		}
		last = people
	}
	close(stop)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("a write during the backups failed: %v", writeErr)
	}
	if !during {
		t.Error("no write went on during any of the backups")
	}
}

// snapshotCounts reads a backup: its people, and how many people lack
// their CREATED change or CREATED changes of people lack their person.
func snapshotCounts(t *testing.T, path string) (people, orphans int64) {
	t.Helper()
	conn, err := sql.Open("sqlite3", dsn(path, "mode=ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	created := fmt.Sprintf("type = %d AND kind = %d", pb.Change_PERSON, pb.Change_CREATED)
	err = conn.QueryRow(`SELECT (SELECT COUNT(*) FROM people),
		(SELECT COUNT(*) FROM people p WHERE NOT EXISTS (SELECT 1 FROM changes c WHERE c.person_pk = p.pk AND c.`+created+`))
		+ (SELECT COUNT(*) FROM changes c WHERE c.`+created+` AND NOT EXISTS (SELECT 1 FROM people p WHERE p.pk = c.person_pk))`).Scan(&people, &orphans)
	if err != nil {
		t.Fatal(err)
	}
	return people, orphans
}
