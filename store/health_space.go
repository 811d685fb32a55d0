package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// A read-only file clears when a write commits again, a full disk when
// space is back; but behind a load balancer or a readiness probe that
// routes on health, no call reaches a server that says NOT_SERVING, so
// nothing writes and it would never recover. CheckWritable, which the
// server's health loop runs, looks for itself. A small commit is no proof
// that space is back (a write into the log's pages already on disk commits
// on a full disk); free space on the file system, grown since the write
// that failed, is; so a commit clears disk_full only if that is so too
// (wrote), lest health turn SERVING on the audit trail's small flush and
// back at the next write.

// spaceMargin is the room freed since a write found the disk full that
// counts as space again: a few transactions' worth, so that health does
// not turn SERVING on a few freed blocks and back at the next write.
const spaceMargin = 1 << 20

// noteFull remembers the free space on the database's file system when a
// write failed for want of it (a disk that is full for SQLite, under a
// quota or its max_page_count, may show free space: only more counts).
func (db *DB) noteFull() {
	free, err := freeSpace(filepath.Dir(db.path))
	if err != nil {
		return
	}
	db.health.mu.Lock()
	db.health.freeWhenFull = free
	db.health.mu.Unlock()
}

// CheckWritable sets the state back to Healthy when the disk is full and
// space has been freed on it since, or the file read-only and a write to
// it commits again. Writes are never refused for either state: this only
// makes health say what the next write would find.
func (db *DB) CheckWritable() {
	if !db.health.bad.Load() {
		return
	}
	h, _ := db.Health()
	switch h.State {
	case DiskFull:
		if freed, _ := db.spaceFreed(); freed {
			db.changeHealth(Healthy, "", DiskFull)
		}
	case ReadOnly:
		for _, p := range []string{filepath.Dir(db.path), db.path, db.path + "-wal", db.path + "-shm"} {
			if err := writable(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return
			}
		}
		db.probeWrite()
	}
}

// probeWrite commits a write that changes nothing (the header's
// user_version, which trithuc does not use, set to what it is): its
// commit clears ReadOnly (wrote), its failure keeps it (observe). access(2)
// says only what the modes and the mount's flags allow: after an error,
// ext4 (errors=remount-ro) fails every write with EROFS until it is
// unmounted, while its mount still says rw and access says writable; health
// turned SERVING every 2 s on that, and back at the next write.
func (db *DB) probeWrite() {
	ctx, cancel := context.WithTimeout(context.Background(), busyTimeout)
	defer cancel()
	db.write(ctx, false, nil, func(tx *Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return dbError(err)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v))
		return dbError(err)
	})
}

// spaceFreed says whether the free space on the database's file system
// has grown by spaceMargin since a write found the disk full, and whether
// it could tell (known is false where the system says nothing of space).
func (db *DB) spaceFreed() (freed, known bool) {
	free, err := freeSpace(filepath.Dir(db.path))
	if err != nil {
		return false, false
	}
	db.health.mu.Lock()
	was := db.health.freeWhenFull
	db.health.mu.Unlock()
	return free >= was+spaceMargin, true
}

// FreeSpace is the room left for this process on the file system holding
// the database, for a metric that warns before writes find the disk full.
func (db *DB) FreeSpace() (uint64, error) {
	return freeSpace(filepath.Dir(db.path))
}
