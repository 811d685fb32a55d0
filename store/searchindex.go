package store

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// The search index's upkeep: what a person's profile writes into the
// full-text indexes (people_search, people_names), and the rebuild of
// them all when searchVersion moves. Queries are in search.go.

// searchVersion is the version of what the search index and the name sort
// keys hold. Open rebuilds both when the database's is older, so that a
// change of what is indexed reaches every row, old ones too. Version 4
// changed no text, but migration 0029 made people_search anew without
// positions, empty; version 5, after migration 0031, filled the index of
// names with pairs of folded words (namepairs.go), and 6 adds the pairs
// of words as typed. 7 spells the words as typed in their canonical form
// (vntext.Canonical: hoà for hòa) and folds Ð like Đ. 8 keys names with
// their tones placed as vntext.Canonical places them (Thủy as Thuỷ), for
// people, organizations and associations, after migration 0036 tidied
// the stored text.
const searchVersion = 8

// ensureSearchIndex rebuilds the derived text of every person, and the
// sort keys of organizations and associations, when it was made by an
// older version: a reindex of every profile (about 35 s for 100,000 people
// on the harness's machine), once, said to log when set.
func (db *DB) ensureSearchIndex(ctx context.Context, log *slog.Logger) error {
	var v int
	err := db.writer.QueryRowContext(ctx, `SELECT COALESCE((SELECT value FROM settings WHERE key = 'search_version'), 0)`).Scan(&v)
	if err != nil || v == searchVersion {
		return err
	}
	var people int
	start := time.Now()
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people`).Scan(&people); err != nil {
			return dbError(err)
		}
		if log != nil && people > 0 {
			log.Info("rebuilding the search index for this version; the service starts when it is done",
				"people", people, "from_version", v, "to_version", searchVersion)
		}
		if err := tx.reindexAll(ctx, log); err != nil {
			return err
		}
		for _, table := range []string{"organizations", "associations"} {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET sort_key = trithuc_sort_key(display_name)
				WHERE sort_key != trithuc_sort_key(display_name)`); err != nil {
				return dbError(err)
			}
		}
		// Written a person at a time, the indexes are left in many
		// segments, slower to read than those made before.
		if err := tx.optimizeSearchIndexes(ctx); err != nil {
			return err
		}
		if err := tx.countNameWords(ctx); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES ('search_version', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, searchVersion)
		return dbError(err)
	})
	if err == nil && log != nil && people > 0 {
		log.Info("search index rebuilt", "people", people, "seconds", time.Since(start).Round(time.Second).Seconds())
	}
	return err
}

// optimizeSearchIndexes merges each full-text index into one segment. An
// index written a batch or a person at a time is left in many (18 after
// the harness's load of 100,000 people, 19 after a reindex), and a query
// reads the doclist of each of its words from every segment, merging them
// as it goes: the doclists of the words common in names ("nguyen", "thi")
// are most of a broad search's CPU, which at 100,000 people fell by up to
// a quarter once merged (issue 19; little at a million, where the
// doclists' length is the cost). Merging rewrites the indexes (0.8 s at
// 100,000 people, 10 s at a million), so it runs after large loads
// (Analyze) and when the search version changes, and writes leave the
// merging of their small segments to FTS5's automerge.
func (tx *Tx) optimizeSearchIndexes(ctx context.Context) error {
	for _, fts := range []string{"people_search", "people_names"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+fts+`(`+fts+`) VALUES ('optimize')`); err != nil {
			return dbError(err)
		}
	}
	return nil
}

// reindexAll reindexes everyone, telling log (when not nil) how far it has
// got every reindexProgress: at a million people it takes minutes.
func (tx *Tx) reindexAll(ctx context.Context, log *slog.Logger) error {
	var progress func(done, total int)
	if log != nil {
		last := time.Now()
		progress = func(done, total int) {
			if time.Since(last) >= reindexProgress {
				last = time.Now()
				log.Info("rebuilding the search index", "people_done", done, "people", total)
			}
		}
	}
	return tx.reindexWhere(ctx, progress, `SELECT pk FROM people`)
}

// reindexProgress is how often reindexAll tells how far it has got.
var reindexProgress = 10 * time.Second

// nameText is the text of a person's names that search matches.
func nameText(family, middle, given, display string) string {
	return strings.Join([]string{family, middle, given, display}, " ")
}

// nameDoc is a person's names (nameText) as the indexes hold them: made
// from the names alone, so that a create makes it before its write queues.
type nameDoc struct{ exact, folded, pairs string }

func newNameDoc(names string) nameDoc {
	folded, exact := vntext.Fold(names), vntext.Canonical(names)
	return nameDoc{exact: exact, folded: folded, pairs: namePairs(folded, exact)}
}

// indexNames puts a person's names in the index of names, in place of what
// it held for them; fresh: a person just inserted, for whom it holds
// nothing.
func (tx *Tx) indexNames(ctx context.Context, pk int64, names nameDoc, fresh bool) error {
	if !fresh {
		if err := tx.execIndex(ctx, `DELETE FROM people_names WHERE rowid = ?`, pk); err != nil {
			return err
		}
	}
	return tx.execIndex(ctx, `INSERT INTO people_names(rowid, name_exact, name_folded, name_pairs) VALUES (?, ?, ?, ?)`,
		pk, names.exact, names.folded, names.pairs)
}

// reindexWhere reindexes the people whose pks query selects, calling
// progress (when not nil) after each.
func (tx *Tx) reindexWhere(ctx context.Context, progress func(done, total int), query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return dbError(err)
	}
	var pks []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			rows.Close()
			return dbError(err)
		}
		pks = append(pks, pk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err)
	}
	for i, pk := range pks {
		if err := tx.reindexPerson(ctx, pk); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, len(pks))
		}
	}
	return nil
}

// reindexPerson recomputes a person's sort keys and search document from
// what the database holds now. Every write that changes what a profile
// says calls it, in the same transaction.
func (tx *Tx) reindexPerson(ctx context.Context, pk int64) error {
	var family, middle, given, display string
	err := tx.QueryRowContext(ctx, `SELECT family_name, middle_name, given_name, display_name FROM people WHERE pk = ?`, pk).
		Scan(&family, &middle, &given, &display)
	if err != nil {
		return dbError(err)
	}
	// Most writes leave the names as they were: then the row and its
	// indexes of keys are not written again.
	sortKey, familyKey := vntext.SortKey(given, middle, family), vntext.SortKey(family, middle, given)
	middleKey, displayKey := nameSortKey(middle), nameSortKey(display)
	_, err = tx.ExecContext(ctx, `UPDATE people SET sort_key = ?1, family_key = ?2, middle_key = ?3, display_key = ?4
		WHERE pk = ?5 AND (sort_key != ?1 OR family_key != ?2 OR middle_key != ?3 OR display_key != ?4)`,
		sortKey, familyKey, middleKey, displayKey, pk)
	if err != nil {
		return dbError(err)
	}

	names := nameText(family, middle, given, display)
	var other []string
	rows, err := tx.QueryContext(ctx, `
		SELECT major || ' ' || institution || ' ' || field FROM qualifications WHERE person_pk = ?1
		UNION ALL
		SELECT COALESCE(o.display_name || ' ' || o.short_name, '') || ' ' || pos.organization_name || ' ' || pos.title || ' ' || pos.department
			FROM positions pos LEFT JOIN organizations o ON o.pk = pos.organization_pk WHERE pos.person_pk = ?1
		UNION ALL
		SELECT field FROM person_fields WHERE person_pk = ?1
		UNION ALL
		SELECT title FROM honors WHERE person_pk = ?1
		UNION ALL
		SELECT title || ' ' || venue FROM works WHERE person_pk = ?1`, pk)
	if err != nil {
		return dbError(err)
	}
	var fields []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return dbError(err)
		}
		other = append(other, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err)
	}
	// Field names, so that "kinh tế" finds the economists.
	frows, err := tx.QueryContext(ctx, `SELECT field FROM person_fields WHERE person_pk = ?1
		UNION SELECT field FROM qualifications WHERE person_pk = ?1 AND field != ''`, pk)
	if err != nil {
		return dbError(err)
	}
	for frows.Next() {
		var f string
		if err := frows.Scan(&f); err != nil {
			frows.Close()
			return dbError(err)
		}
		fields = append(fields, f)
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return dbError(err)
	}
	return tx.writeSearchDocument(ctx, pk, newNameDoc(names), other, fields, false)
}

// indexNewPerson writes the search documents of a person just inserted,
// who holds nothing yet but their names and fields of expertise: what
// reindexPerson would write, made from p and its names as indexed (made
// before the write queued) without reading it back
// (TestNewPersonIndexedAsReindexed). The indexes hold nothing under a
// new pk (a purge takes a person's documents out with their row), so
// nothing is deleted first: two statements fewer in the writer for each
// create (TestNewPersonIndexWritesNoDelete).
func (tx *Tx) indexNewPerson(ctx context.Context, pk int64, p *pb.Person, names nameDoc) error {
	// As the index reads them: person_fields by its key (person_pk, field),
	// and UNION's distinct fields in the same order.
	fields := make([]string, 0, len(p.Fields))
	for _, f := range p.Fields {
		fields = append(fields, f.Field)
	}
	slices.Sort(fields)
	fields = slices.Compact(fields)
	return tx.writeSearchDocument(ctx, pk, names, fields, fields, true)
}

// writeSearchDocument puts a person's names, the other text of their
// profile and the names of their fields in the search indexes, in place
// of what they held for them (nothing when fresh, as indexNames).
func (tx *Tx) writeSearchDocument(ctx context.Context, pk int64, names nameDoc, other, fields []string, fresh bool) error {
	if err := tx.indexNames(ctx, pk, names, fresh); err != nil {
		return err
	}
	fieldNames, err := tx.fieldNames(ctx, fields)
	if err != nil {
		return err
	}
	otherText := strings.Join(append(slices.Clip(other), fieldNames...), " ")
	if !fresh {
		if err := tx.execIndex(ctx, `DELETE FROM people_search WHERE rowid = ?`, pk); err != nil {
			return err
		}
	}
	return tx.execIndex(ctx, `INSERT INTO people_search(rowid, name_exact, name_folded, other_exact, other_folded)
		VALUES (?, ?, ?, ?, ?)`, pk, names.exact, names.folded, vntext.Canonical(otherText), vntext.Fold(otherText))
}
