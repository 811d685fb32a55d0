package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A lookup outside a transaction (readRow: keys, sessions, operations)
// whose new connection cannot open a database file moved away says so,
// UNAVAILABLE, as a read in a transaction does, not an internal error.
func TestLookupOnMovedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "moved.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, secret, err := db.CreateKey(ctx, "k", "registrar", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	// Every read opens its connection anew, as one does when the pool
	// has none idle.
	db.reader.SetMaxIdleConns(0)
	if err := os.Rename(path, path+".away"); err != nil {
		t.Fatal(err)
	}
	db.keys.forget()
	_, err = db.Authenticate(ctx, secret)
	if !unavailable(err) {
		t.Errorf("a key looked up with the file away: %v, want Unavailable", err)
	}
	if _, err := db.GetOperation(ctx, "nothing"); !unavailable(err) {
		t.Errorf("an operation looked up with the file away: %v, want Unavailable", err)
	}
}

func unavailable(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == Unavailable
}
