package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
)

// The copy a backup writes (BASE.partial-NNNN, partialName) is locked by
// the backup for as long as it writes it, a lock the kernel drops when
// the process ends however it ends: a copy that no process holds locked
// is one a crash (kill -9, a power cut) left, which the next backup into
// its directory removes, whatever backup name it was for. NNNN is
// os.CreateTemp's random number, not a process id, so the lock is what
// tells a live copy from a dead one.

// partialRE matches the files of a backup's copy: the copy and the
// journal SQLite writes beside it while the copy gets its feed id.
var partialRE = regexp.MustCompile(`^(.+\.partial-[0-9]+)(-journal|-wal|-shm)?$`)

// createPartial makes the file of the copy of the backup abs, empty and
// readable by its owner only, and holds its lock until the file returned
// is closed. A file that another backup's clean-up removed between its
// making and its lock is made again.
func createPartial(abs string) (*os.File, error) {
	for range 3 {
		f, err := os.CreateTemp(filepath.Dir(abs), partialName(abs))
		if err != nil {
			return nil, err
		}
		lockPartial(f)
		fi, ferr := f.Stat()
		pi, perr := os.Stat(f.Name())
		if ferr == nil && perr == nil && os.SameFile(fi, pi) {
			return f, nil
		}
		f.Close()
	}
	return nil, errors.New("the copy's file was removed as soon as it was made, three times")
}

// removeStalePartials removes from dir the copies of backups that no
// process writes (and their journals), saying so on log.
func removeStalePartials(dir string, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, e := range entries {
		m := partialRE.FindStringSubmatch(e.Name())
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		copyPath := filepath.Join(dir, m[1])
		f, ok := stalePartial(copyPath)
		if !ok {
			continue
		}
		removeDatabase(copyPath)
		os.Remove(copyPath + "-journal")
		if f != nil {
			f.Close()
		}
		if log != nil {
			log.Warn(fmt.Sprintf("backup: removed %s, the copy of a backup that was cut short (no backup is writing it)", copyPath))
		}
	}
}

// stalePartial reports whether the copy at path is one no process writes,
// holding its lock (in f) until it is removed: an empty file, a SQLite
// database or one whose header is not written yet, not one another
// program made under a like name. A journal
// whose copy is gone is stale too (f nil).
func stalePartial(path string) (f *os.File, stale bool) {
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, true
	}
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	f, err = os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, false
	}
	// A copy cut short may have no first page yet: zeros where the
	// header goes.
	head := make([]byte, len(sqliteHeader))
	n, _ := io.ReadFull(f, head)
	ours := fi.Size() == 0 || bytes.Equal(head[:n], sqliteHeader[:n]) || bytes.Count(head[:n], []byte{0}) == n
	if !ours || !tryLockPartial(f) {
		f.Close()
		return nil, false
	}
	return f, true
}
