package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// A cursor is a place in a database's feed: the changes after sequence
// number n. It names the feed: a random id the database keeps in settings
// ('changes_feed'), which a restore replaces, and so does the copy a
// backup makes, since a database put back to an earlier state hands out
// again the sequence numbers it had handed out after that state, to other
// changes. A cursor of another feed is refused, so that its follower reads
// the registry again instead of silently missing the changes up to its
// old place, and keeping what the restore took away. Cursors are opaque
// to callers so that what they hold may change.
const cursorPrefix = "feed2:"

// Cursors of the first form, "feed1:n", named no feed. A database that
// had a feed when it was first given an id (by an upgrade) goes on taking
// them, up to the newest seq it had then ('changes_feed1_through'): it
// handed them out. Its backups and restores take none but "feed1:0",
// before the first change, which is every feed's (followers of earlier
// versions of examples/mirror start there).
const feed1Prefix = "feed1:"

// EncodeCursor makes the cursor of the changes after seq.
func (db *DB) EncodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + db.feed.id + ":" + strconv.FormatInt(seq, 10)))
}

// ParseCursor reads a cursor of this database's feed; "" is the start of
// the feed, 0. A cursor of another feed is FAILED_PRECONDITION, like one
// the feed no longer holds (ListChanges).
func (db *DB) ParseCursor(s, field string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var feed string
	num, ok := strings.CutPrefix(string(b), feed1Prefix)
	if rest, two := strings.CutPrefix(string(b), cursorPrefix); two {
		feed, num, ok = strings.Cut(rest, ":")
		ok = ok && feed != ""
	}
	n, perr := strconv.ParseInt(num, 10, 64)
	if err != nil || !ok || perr != nil || n < 0 {
		return 0, errorf(Invalid, field, "is not a cursor of this feed; pass a Change's cursor or a response's cursor as given")
	}
	if feed == db.feed.id || feed == "" && n <= db.feed.feed1Through {
		return n, nil
	}
	return 0, errorf(FailedPrecondition, field,
		"this cursor is not of this database's feed: it comes from another database, or from before this one was restored from a backup; read the registry in full again, then follow the feed from a cursor taken before that read")
}

// setFeedSQL gives a database its feed id (?1) and the newest seq that
// cursors of the first form may hold (?2).
const setFeedSQL = `INSERT INTO settings(key, value) VALUES ('changes_feed', ?1), ('changes_feed1_through', ?2)
	ON CONFLICT(key) DO UPDATE SET value = excluded.value`

func newFeedID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// loadFeed reads the database's feed id at open, and gives it one the
// first time: the cursors of the first form it handed out until then
// stay good.
func (db *DB) loadFeed(ctx context.Context) error {
	conn := db.writer
	if db.readOnly {
		conn = db.reader
	}
	err := conn.QueryRowContext(ctx, `SELECT
		IFNULL((SELECT value FROM settings WHERE key = 'changes_feed'), ''),
		IFNULL((SELECT value FROM settings WHERE key = 'changes_feed1_through'), 0)`).Scan(&db.feed.id, &db.feed.feed1Through)
	if err != nil {
		return fmt.Errorf("store: reading the change feed's id: %w", err)
	}
	if db.feed.id != "" {
		return nil
	}
	id := newFeedID()
	if db.readOnly {
		// Not kept: its cursors last as long as this process, which
		// serves no feed (Backup).
		db.feed.id = id
		return nil
	}
	var through int64
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)`).Scan(&through); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, setFeedSQL, id, through)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: giving the change feed an id: %w", err)
	}
	db.feed.id, db.feed.feed1Through = id, through
	return nil
}

// renewFeed gives the database file at path a new feed, whose cursors
// are none of those handed out before (but "feed1:0"): Restore gives the
// database it puts back one, and Backup its copy, so that a backup put
// back by hand (with the server stopped) is another feed too.
func renewFeed(ctx context.Context, path string) error {
	conn, err := sql.Open("sqlite3", dsn(path, "_busy_timeout=5000"))
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, setFeedSQL, newFeedID(), 0); err != nil {
		return fmt.Errorf("renewing the change feed's id: %w", err)
	}
	return conn.Close()
}
