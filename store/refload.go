package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"trithuc.gov.vn/trithuc/refdata"
)

// The reference lists are loaded from CSV files (package refdata holds the
// seed files and parses files into rows); LoadReference and seeding write
// the rows.

type (
	refList   = refdata.List
	refRecord = refdata.Record
)

var rowField = refdata.RowField

// RefListNames are the names `trithuc reference load --list` takes.
func RefListNames() []string { return refdata.ListNames() }

// RefKindByName finds a list by one of RefListNames; "-" may stand for "_".
func RefKindByName(name string) (RefKind, bool) { return refdata.KindByName(name) }

// RefColumns describes the CSV columns of a list, for usage messages.
func RefColumns(kind RefKind) (required, optional []string) { return refdata.ColumnNames(kind) }

// UnitKindNames lists the kinds of administrative unit as CSV files spell
// them, for usage messages.
func UnitKindNames() string { return refdata.UnitKindNames() }

// parseRefCSV parses a list's file, its problems as Invalids.
func parseRefCSV(l *refList, scheme string, r io.Reader) ([]*refRecord, Invalids) {
	recs, problems := refdata.Parse(l, scheme, r)
	var v Invalids
	for _, p := range problems {
		v = append(v, errorf(Invalid, p.Field, "%s", p.Message))
	}
	return recs, v
}

type LoadResult struct {
	Added, Updated, Unchanged int
}

// LoadReference loads a newer version of a reference list from a CSV file
// in the columns of the seed files (see RefColumns), in one transaction:
// rows are added or updated by their code (for fields, scheme and code; for
// administrative units, code and valid_from), never deleted, because
// profiles may still refer to them. Every row is checked, alone and against
// the rest of the list, and if any is bad nothing changes: the error is an
// Invalids naming the row and column of each problem. With dryRun it checks
// everything and changes nothing.
func (db *DB) LoadReference(ctx context.Context, kind RefKind, scheme string, r io.Reader, dryRun bool) (LoadResult, error) {
	l := refdata.Of(kind)
	recs, bad := parseRefCSV(l, scheme, r)
	if len(recs) == 0 {
		return LoadResult{}, bad
	}
	// The good rows are written and checked against the list even when
	// others are bad, so that one attempt reports every problem; the
	// transaction is then rolled back.
	var res LoadResult
	err := db.write(ctx, dryRun, nil, func(tx *Tx) error {
		var err error
		res, err = tx.upsertRef(ctx, l, recs, "admin")
		if err != nil {
			return err
		}
		v := bad
		if err := tx.checkRefList(ctx, l, recs, &v); err != nil {
			return err
		}
		sort.SliceStable(v, func(i, j int) bool { return rowOf(v[i].Field) < rowOf(v[j].Field) })
		return v.err()
	})
	if err != nil {
		return LoadResult{}, err
	}
	return res, nil
}

// rowOf is the row or line number a problem's field names, for sorting.
func rowOf(field string) int {
	var n int
	if _, err := fmt.Sscanf(field, "row %d", &n); err == nil {
		return n
	}
	if _, err := fmt.Sscanf(field, "line %d", &n); err == nil {
		return n
	}
	return 0
}

// upsertRef writes records of a list. Rows that an administrator loaded
// are not changed by seeding (origin "seed"). The statements are made from
// the list's own table and column names, never from the file's text, which
// only ever travels as parameters.
func (tx *Tx) upsertRef(ctx context.Context, l *refList, recs []*refRecord, origin string) (LoadResult, error) {
	var res LoadResult
	if err := tx.assignRanks(ctx, l, recs); err != nil {
		return res, err
	}
	cols := append([]string(nil), l.Key...)
	var vals []string
	for _, c := range l.Columns {
		if !contains(l.Key, c.SQLName()) {
			cols = append(cols, c.SQLName())
			vals = append(vals, c.SQLName())
		}
	}
	keyCond := strings.Join(l.Key, " = ? AND ") + " = ?"
	sets := make([]string, len(vals))
	for i, c := range vals {
		sets[i] = c + " = excluded." + c
	}
	upsert := fmt.Sprintf(`INSERT INTO %s (%s, origin, load_time) VALUES (%s?, ?)
		ON CONFLICT (%s) DO UPDATE SET %s, origin = excluded.origin, load_time = excluded.load_time`,
		l.Table, strings.Join(cols, ", "), strings.Repeat("?, ", len(cols)), strings.Join(l.Key, ", "), strings.Join(sets, ", "))
	if origin == "seed" {
		upsert += " WHERE origin = 'seed'"
	}
	current := fmt.Sprintf(`SELECT %s FROM %s WHERE %s`, strings.Join(vals, ", "), l.Table, keyCond)
	for _, rec := range recs {
		keyArgs := make([]any, len(l.Key))
		for i, k := range l.Key {
			keyArgs[i] = rec.Vals[k]
		}
		have := make([]any, len(vals))
		ptrs := make([]any, len(vals))
		for i := range have {
			ptrs[i] = &have[i]
		}
		err := tx.QueryRowContext(ctx, current, keyArgs...).Scan(ptrs...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res.Added++
		case err != nil:
			return res, dbError(err)
		default:
			same := true
			for i, c := range vals {
				if fmt.Sprint(have[i]) != fmt.Sprint(rec.Vals[c]) {
					same = false
				}
			}
			if same {
				res.Unchanged++
			} else {
				res.Updated++
			}
		}
		args := append([]any(nil), keyArgs...)
		for _, c := range vals {
			args = append(args, rec.Vals[c])
		}
		args = append(args, origin, micros(tx.now))
		if _, err := tx.ExecContext(ctx, upsert, args...); err != nil {
			return res, dbError(err)
		}
	}
	return res, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// assignRanks gives the rows of a ranked list without a rank the rank
// their code has, or, for new codes, ranks after every other, in the order
// of the file.
func (tx *Tx) assignRanks(ctx context.Context, l *refList, recs []*refRecord) error {
	if !l.Has("rank") {
		return nil
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(rank), 0) FROM `+l.Table).Scan(&next); err != nil {
		return dbError(err)
	}
	for _, rec := range recs {
		if n, ok := rec.Vals["rank"].(int64); ok && n > next {
			next = n
		}
	}
	for _, rec := range recs {
		if rec.Vals["rank"] != nil {
			continue
		}
		var rank int64
		err := tx.QueryRowContext(ctx, `SELECT rank FROM `+l.Table+` WHERE code = ?`, rec.Str("code")).Scan(&rank)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			next++
			rank = next
		case err != nil:
			return dbError(err)
		}
		rec.Vals["rank"] = rank
	}
	return nil
}

// checkRefList checks the rows just written against the whole list, as it
// now stands: ranks are unique, a field's parent exists one level up, the
// versions of a unit do not overlap, and parents and successors exist when
// they should.
func (tx *Tx) checkRefList(ctx context.Context, l *refList, recs []*refRecord, v *Invalids) error {
	switch l.Kind {
	case RefQualificationLevel, RefAcademicTitle:
		for _, rec := range recs {
			var other string
			err := tx.QueryRowContext(ctx, `SELECT code FROM `+l.Table+` WHERE rank = ? AND code != ? ORDER BY code LIMIT 1`,
				rec.Num("rank"), rec.Str("code")).Scan(&other)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return dbError(err)
			default:
				v.add(rowField(rec.Row, "rank"), "%d is also the rank of %s; give each %s its own rank, higher for a higher one", rec.Num("rank"), other, l.Title)
			}
		}
	case RefField:
		for _, rec := range recs {
			scheme, level := rec.Str("scheme"), rec.Num("level")
			if parent := rec.Str("parent_code"); parent != "" {
				var plevel int64
				err := tx.QueryRowContext(ctx, `SELECT level FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, parent).Scan(&plevel)
				switch {
				case errors.Is(err, sql.ErrNoRows):
					v.add(rowField(rec.Row, "parent_code"), "%s is not in scheme %s: add the parent field to the file, above its children", parent, scheme)
				case err != nil:
					return dbError(err)
				case plevel != level-1:
					v.add(rowField(rec.Row, "level"), "%d, but its parent %s is at level %d: a child is one level below its parent", level, parent, plevel)
				}
			}
			var child string
			err := tx.QueryRowContext(ctx, `SELECT code FROM ref_fields WHERE scheme = ? AND parent_code = ? AND level != ? ORDER BY code LIMIT 1`,
				scheme, rec.Str("code"), level+1).Scan(&child)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return dbError(err)
			default:
				v.add(rowField(rec.Row, "level"), "%d leaves its child %s two or more levels below it; load its children with their new levels too", level, child)
			}
		}
	case RefFieldCrosswalk:
		for _, rec := range recs {
			for _, side := range []string{"from", "to"} {
				scheme, code := rec.Str(side+"_scheme"), rec.Str(side+"_code")
				found, err := tx.exists(ctx, `SELECT 1 FROM ref_fields WHERE scheme = ? AND code = ?`, scheme, code)
				if err != nil {
					return err
				}
				if !found {
					v.add(rowField(rec.Row, side+"_code"), "%s is not in scheme %s: load the fields of both schemes first (see ListFields)", code, scheme)
				}
			}
		}
	case RefAdminUnit:
		for _, rec := range recs {
			if err := tx.checkUnitVersion(ctx, rec, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (tx *Tx) checkUnitVersion(ctx context.Context, rec *refRecord, v *Invalids) error {
	code, from, to := rec.Str("code"), rec.Str("valid_from"), rec.Str("valid_to")
	// Another version of the code that overlaps this one would make "the
	// unit valid on a date" ambiguous.
	var otherFrom, otherTo string
	err := tx.QueryRowContext(ctx, `SELECT valid_from, valid_to FROM ref_admin_units
		WHERE code = ? AND valid_from != ? AND (valid_to = '' OR ? <= valid_to) AND (? = '' OR valid_from <= ?)
		ORDER BY valid_from LIMIT 1`, code, from, from, to, to).Scan(&otherFrom, &otherTo)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return dbError(err)
	default:
		v.add(rowField(rec.Row, "valid_from"), "unit %s valid %s overlaps its version valid %s; give the same valid_from to replace that version, or dates that do not overlap",
			code, span(from, to), span(otherFrom, otherTo))
	}
	if parent := rec.Str("parent_code"); parent != "" {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ref_admin_units
			WHERE code = ? AND (valid_to = '' OR ? <= valid_to) AND (? = '' OR valid_from <= ?)`,
			parent, from, to, to).Scan(&n)
		if err != nil {
			return dbError(err)
		}
		if n == 0 {
			v.add(rowField(rec.Row, "parent_code"), "no unit %s is valid at any time in %s; load the parent unit first, or in the same file", parent, span(from, to))
		}
	}
	for _, s := range strings.Fields(rec.Str("successor_codes")) {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ref_admin_units
			WHERE code = ? AND valid_from <= date(?, '+1 day') AND (valid_to = '' OR valid_to >= date(?, '+1 day'))`,
			s, to, to).Scan(&n)
		if err != nil {
			return dbError(err)
		}
		if n == 0 {
			v.add(rowField(rec.Row, "successors"), "no unit %s is valid on the day after %s; load the successor first, or in the same file", s, to)
		}
	}
	return nil
}

// span writes a version's dates for messages.
func span(from, to string) string {
	if from == "" {
		from = "…"
	}
	if to == "" {
		to = "…"
	}
	return from + " to " + to
}

// seedReference loads the embedded lists into a database that lacks them,
// and, when this binary's lists differ from the ones last seeded, updates
// the rows that came from seeding; rows an administrator loaded stay as
// they are. It runs at every start, and costs one read when nothing
// changed.
func (db *DB) seedReference(ctx context.Context) error {
	h := sha256.New()
	for _, s := range refdata.Seeds {
		b, err := refdata.ReadSeed(s.File)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%d:%s:%s:%d;", s.Kind, s.Scheme, s.File, len(b))
		h.Write(b)
	}
	sum := h.Sum(nil)
	var have []byte
	err := db.writer.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'reference_seed'`).Scan(&have)
	if err == nil && bytes.Equal(have, sum) {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: reference data: %w", err)
	}
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		for _, s := range refdata.Seeds {
			b, _ := refdata.ReadSeed(s.File)
			l := refdata.Of(s.Kind)
			recs, bad := parseRefCSV(l, s.Scheme, bytes.NewReader(b))
			if err := bad.err(); err != nil {
				return fmt.Errorf("%s: %w", s.File, err)
			}
			if _, err := tx.upsertRef(ctx, l, recs, "seed"); err != nil {
				return fmt.Errorf("%s: %w", s.File, err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES('reference_seed', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, sum)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: seeding reference data: %w", err)
	}
	return nil
}
