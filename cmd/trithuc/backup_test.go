package main

import (
	"path/filepath"
	"strings"
	"testing"
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
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("trithuc %s: %v, want %q", strings.Join(tt.args, " "), err, tt.want)
			}
		})
	}
}
