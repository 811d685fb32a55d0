package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestRefKnownOnlyCommitted: checkRef remembers a code only once it is
// committed. A code a write's transaction holds that rolls back (as a
// load in the same group as a create may) is refused to the next create;
// a code another program commits to the file (`trithuc reference load`)
// is accepted, and so is one remembered.
func TestRefKnownOnlyCommitted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "test.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	create := func(ethnicity string) error {
		_, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", Ethnicity: ethnicity}, CreateOptions{})
		return err
	}
	rolledBack := errors.New("rolled back")
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ref_ethnic_groups (code, name_vi, verified, origin, load_time)
			VALUES ('X1', 'Thử', 1, 'admin', 0)`); err != nil {
			return err
		}
		if _, err := tx.createPerson(ctx, "", &pb.Person{GivenName: "Ba", Ethnicity: "X1"}); err != nil {
			t.Errorf("a create in the transaction that holds X1: %v", err)
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatal(err)
	}
	if err := create("X1"); err == nil || !strings.Contains(err.Error(), `unknown ethnic group code "X1"`) {
		t.Errorf("a create naming X1, rolled back: %v, want it refused", err)
	}
	for range 2 {
		if err := create("01"); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := db.refKnown.m.Load(`SELECT 1 FROM ref_ethnic_groups WHERE code = ?` + "\x00" + "01"); !ok {
		t.Error("01, committed and checked, is not remembered")
	}
	other, err := sql.Open(writerDriver, dsn(path, "_journal_mode=WAL"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec(`INSERT INTO ref_ethnic_groups (code, name_vi, verified, origin, load_time) VALUES ('X1', 'Thử', 1, 'admin', 0)`); err != nil {
		t.Fatal(err)
	}
	if err := create("X1"); err != nil {
		t.Errorf("a create naming X1, committed by another program: %v", err)
	}
}
