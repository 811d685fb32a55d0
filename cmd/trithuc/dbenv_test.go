package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every admin command finds the database as serve does: --db, else
// $TRITHUC_DB, else trithuc.db in the working directory; and its help
// says so. An operator in a shell with the unit's TRITHUC_DB exported
// reaches the served database, not a new trithuc.db beside them.
func TestAdminCommandsReadTRITHUC_DB(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "served.db")
	t.Setenv("TRITHUC_DB", db)
	for _, args := range [][]string{
		{"keys", "create", "--create", "--role", "admin", "--name", "Quản trị"},
		{"users", "create", "--email", "an@example.vn", "--name", "An", "--role", "registrar"},
		{"backup", filepath.Join(dir, "b.db")},
		{"restore", "--force", filepath.Join(dir, "b.db")},
	} {
		if out, err := cli(t, args...); err != nil {
			t.Fatalf("trithuc %s with $TRITHUC_DB: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if out, err := cli(t, "keys", "list"); err != nil || !strings.Contains(out, "Quản trị") {
		t.Errorf("keys list with $TRITHUC_DB: %v\n%s", err, out)
	}
	if out, err := cli(t, "users", "list"); err != nil || !strings.Contains(out, "an@example.vn") {
		t.Errorf("users list with $TRITHUC_DB: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, defaultDB)); err == nil {
		t.Errorf("a command with $TRITHUC_DB made %s", defaultDB)
	}

	// --db wins over the environment.
	other := filepath.Join(dir, "other.db")
	if _, err := cli(t, "keys", "list", "--db", other); err == nil || !strings.Contains(err.Error(), "no database at "+other) {
		t.Errorf("keys list --db %s with $TRITHUC_DB set: %v, want it to look at %s", other, err, other)
	}
	// Without either, trithuc.db here.
	t.Setenv("TRITHUC_DB", "")
	if _, err := cli(t, "keys", "list"); err == nil || !strings.Contains(err.Error(), "no database at "+defaultDB) {
		t.Errorf("keys list with neither --db nor $TRITHUC_DB: %v, want it to look at %s", err, defaultDB)
	}

	for _, args := range [][]string{
		{"keys", "create", "--help"}, {"users", "list", "--help"}, {"reference", "load", "--help"},
		{"backup", "--help"}, {"restore", "--help"}, {"help"},
	} {
		out, _ := cli(t, args...)
		if !strings.Contains(out, "$TRITHUC_DB") {
			t.Errorf("trithuc %s does not say --db defaults to $TRITHUC_DB:\n%s", strings.Join(args, " "), out)
		}
	}
}
