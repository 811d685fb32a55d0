//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A restored file takes the mode, owner and group of the file it
// replaces, or for a new file its directory's owner and group, mode 600;
// owners only when the process may give files away (root).
func TestRestoredOwner(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "old.db")
	if err := os.WriteFile(file, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(file, 0o640); err != nil {
		t.Fatal(err)
	}
	was, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	d, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	fileUID, fileGID, _ := fileOwner(was)
	dirUID, dirGID, _ := fileOwner(d)
	for _, c := range []struct {
		name string
		was  os.FileInfo
		euid int
		want ownership
	}{
		{"OKReplacedAsRoot", was, 0, ownership{uid: fileUID, gid: fileGID, chown: true, mode: 0o640}},
		{"OKNewAsRoot", nil, 0, ownership{uid: dirUID, gid: dirGID, chown: true, mode: 0o600}},
		{"OKReplacedAsUser", was, 1000, ownership{mode: 0o640}},
		{"OKNewAsUser", nil, 1000, ownership{mode: 0o600}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := restoredOwner(c.was, d, c.euid); got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// A database file trithuc may not write is named with its owner and the
// user trithuc runs as when they differ; otherwise, or on a read-only
// mount, it is said to be read-only.
func TestNotWritableSaysOwner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	owner, _, _ := fileOwner(fi)
	other := owner + 1000
	for _, c := range []struct {
		name string
		err  error
		euid int
		want []string
	}{
		{"OtherUser", syscall.EACCES, other, []string{
			"is owned by " + userName(owner), "not writable for the user trithuc runs as, " + userName(other),
			"chown " + userName(other) + " " + path}},
		{"Owner", syscall.EACCES, owner, []string{"is read-only (permission denied)"}},
		{"ReadOnlyMount", syscall.EROFS, other, []string{"is read-only (read-only file system)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			msg := notWritable(path, fi, c.err, c.euid).Error()
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
			if !errors.Is(c.err, syscall.EACCES) && strings.Contains(msg, "owned by") {
				t.Errorf("%q blames the owner", msg)
			}
		})
	}
}
