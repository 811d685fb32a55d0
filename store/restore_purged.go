package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// A backup taken before a purge holds the erased person, with every value
// of theirs, and nothing in it remembers the purge: the purge's record
// (purged_people) and its audit event were in the database the restore
// replaces. So Restore purges them again in the restored copy, before it
// takes the database's place, with the purge PurgePerson runs: the erasure
// stands whatever backup is put back.

// ReapplyPurgeMethod is the method of the audit event of a purge that a
// restore made again: no client calls it, but `auditEvents list --method
// ReapplyPurge` finds them.
const ReapplyPurgeMethod = "/trithuc.store/ReapplyPurge"

// replacedPurge is a purge the replaced database recorded: the person's
// id, when they were purged, and the requests about them, as the purge
// left them (without who asked or what they wrote, with the purge's
// reason among their actions).
type replacedPurge struct {
	id       string
	time     int64
	requests [][]any // requestColumns
}

// requestColumns are the columns of data_subject_requests a restore carries
// over from the replaced database.
const requestColumns = `id, kind, person, requester, details, due_time, state, state_reason, actions, create_time, update_time, revision`

// replacedPurges reads the purges the database at dest recorded. A dest
// of a schema without purged_people has none.
func replacedPurges(ctx context.Context, dest string) ([]replacedPurge, error) {
	conn, err := sql.Open("sqlite3", dsn(dest, "mode=ro"))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	var has int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = 'purged_people'`).Scan(&has); err != nil || has == 0 {
		return nil, err
	}
	rows, err := conn.QueryContext(ctx, `SELECT id, purge_time FROM purged_people ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var purges []replacedPurge
	for rows.Next() {
		var p replacedPurge
		if err := rows.Scan(&p.id, &p.time); err != nil {
			rows.Close()
			return nil, err
		}
		purges = append(purges, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range purges {
		rows, err := conn.QueryContext(ctx, `SELECT `+requestColumns+` FROM data_subject_requests WHERE person = ? ORDER BY pk`, "people/"+purges[i].id)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := make([]any, 12)
			ptrs := make([]any, len(r))
			for j := range r {
				ptrs[j] = &r[j]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			purges[i].requests = append(purges[i].requests, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return purges, nil
}

// reapplyPurges purges again, in db (the restored copy), every person the
// database at dest (the one it replaces) purged, and returns the names of
// those the copy held again. Each purge keeps its original time, and the
// requests about the person are those of dest, which hold the purge's
// reason; its audit event says the purge was made again after a restore
// of src. The id of a person the copy never held is recorded as purged
// too, so that it is never given again. An unreadable dest (restore's other
// use: putting back a damaged database) is said on opts.Log, and the copy
// is left as it is.
func (db *DB) reapplyPurges(ctx context.Context, opts Options, src, dest string) ([]string, error) {
	purges, err := replacedPurges(ctx, dest)
	if err != nil {
		if opts.Log != nil {
			opts.Log.Warn(fmt.Sprintf("restore: %s could not be read, so the people it purged since the backup was taken could not be checked: "+
				"the backup brings back, with all their data, anyone purged since; purge them again (%v)", dest, err))
		}
		return nil, nil
	}
	var again []string
	for _, pg := range purges {
		name := "people/" + pg.id
		ev := NewAuditEvent(time.Now())
		ev.Principal, ev.Role, ev.Method, ev.Transport, ev.Code = "restore", "server", ReapplyPurgeMethod, "internal", "OK"
		ev.PrincipalName = fmt.Sprintf("restore of %s: purge of %s since the backup was taken made again", src, fromMicros(pg.time).Format(time.RFC3339))
		done := false
		if err := db.read(ctx, func(tx *Tx) error {
			// Purged before the backup was taken: the copy says so already.
			return tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM purged_people WHERE id = ?1)
				AND NOT EXISTS (SELECT 1 FROM people WHERE id = ?1)`, pg.id).Scan(&done)
		}); err != nil {
			return nil, fmt.Errorf("purging %s again: %w", name, err)
		}
		if done {
			continue
		}
		held := false
		err := db.writeApart(ctx, ev, func(tx *Tx) error {
			tx.auditResource(name)
			p, err := tx.person(ctx, pg.id)
			if err == nil {
				held = true
				if _, err := tx.purge(ctx, p, name, fromMicros(pg.time)); err != nil {
					return err
				}
			} else if err := tx.recordPurged(ctx, pg.id, fromMicros(pg.time)); err != nil {
				return err
			}
			if len(pg.requests) == 0 {
				return nil
			}
			// The copy's requests about them still say who asked and what
			// they wrote: dest's, as the purge left them, take their place.
			if _, err := tx.ExecContext(ctx, `DELETE FROM data_subject_requests WHERE person = ?`, name); err != nil {
				return dbError(err)
			}
			for _, r := range pg.requests {
				tx.auditResource("dataSubjectRequests/" + r[0].(string))
				if _, err := tx.ExecContext(ctx, `INSERT INTO data_subject_requests (`+requestColumns+`)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r...); err != nil {
					return dbError(err)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("purging %s again: %w", name, err)
		}
		if held {
			again = append(again, name)
		}
	}
	if len(again) > 0 && opts.Log != nil {
		opts.Log.Warn(fmt.Sprintf("restore: the backup held people purged from %s since it was taken; purged again (%d): %s",
			dest, len(again), strings.Join(again, ", ")))
	}
	return again, nil
}
