package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// DumpPeople describes every person as stored, by id, in text that two
// databases can be compared by: every column of the person and of what they
// hold, and the terms of their search document, leaving out what differs
// between two writes of the same profile (keys, times, revisions, child
// ids, the order of terms in the document).
func (db *DB) DumpPeople(ctx context.Context) (map[string]string, error) {
	conn, err := db.writer.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	for _, vocab := range []string{
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, people_search, instance)`,
		`CREATE VIRTUAL TABLE IF NOT EXISTS temp.names_vocab USING fts5vocab(main, people_names, instance)`,
	} {
		if _, err := conn.ExecContext(ctx, vocab); err != nil {
			return nil, err
		}
	}
	dump := func(query string, args ...any) ([]string, error) {
		rows, err := conn.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			var b strings.Builder
			for i, c := range cols {
				fmt.Fprintf(&b, "%s=%v(%T) ", c, vals[i], vals[i])
			}
			out = append(out, b.String())
		}
		return out, rows.Err()
	}
	people, err := dump(`SELECT pk, id FROM people ORDER BY pk`)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range people {
		var pk int64
		var id string
		fmt.Sscanf(strings.ReplaceAll(strings.ReplaceAll(line, "(int64)", ""), "(string)", ""), "pk=%d id=%s", &pk, &id)
		var b strings.Builder
		for _, q := range []string{
			`SELECT family_name, middle_name, given_name, display_name, gender, birth_year, birth_month, birth_day,
				ethnicity, national_id, email, phone, hometown, address, availability, work_location, work_country,
				delete_time, highest_level, highest_level_rank, academic_title, academic_title_year,
				hex(sort_key), hex(family_key) FROM people WHERE pk = ?`,
			`SELECT ordinal, field, code, is_primary FROM person_fields WHERE person_pk = ? ORDER BY ordinal`,
			`SELECT role FROM person_expert_roles WHERE person_pk = ? ORDER BY role`,
			`SELECT kind, level, level_rank, major, field, field_code, institution, country, year, mode_of_study,
				document_number, language, verification_state, verifier, verify_time, verify_note
				FROM qualifications WHERE person_pk = ? ORDER BY pk`,
			`SELECT organization_pk, organization_name, title, department, employment_type, start_date, end_date,
				is_current, country, administrative_unit FROM positions WHERE person_pk = ? ORDER BY pk`,
			`SELECT title, kind, year, issuer, decision_number FROM honors WHERE person_pk = ? ORDER BY pk`,
			`SELECT col, term, COUNT(*) FROM temp.search_vocab WHERE doc = ? GROUP BY col, term ORDER BY col, term`,
			`SELECT col, term, COUNT(*) AS names FROM temp.names_vocab WHERE doc = ? GROUP BY col, term ORDER BY col, term`,
		} {
			lines, err := dump(q, pk)
			if err != nil {
				return nil, err
			}
			b.WriteString(strings.Join(lines, "\n") + "\n--\n")
		}
		out[id] = b.String()
	}
	return out, nil
}

// CountReadsPeopleRows says whether counting the listed people that filter
// matches reads a column of the people table's rows rather than its
// indexes alone (an index's DeferredSeek reaches the row only for that),
// and the statement's query plan.
func (db *DB) CountReadsPeopleRows(t testing.TB, filter string) (reads bool, plan string) {
	t.Helper()
	ctx := context.Background()
	err := db.read(ctx, func(tx *Tx) error {
		l, err := tx.peopleListing(ctx, ListQuery{Filter: filter})
		if err != nil {
			return err
		}
		q, args := l.countSQL()
		var root int64
		if err := tx.QueryRowContext(ctx, `SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'people'`).Scan(&root); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "EXPLAIN "+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		tables := map[string]bool{} // the cursors on the table
		for rows.Next() {
			var addr, p1, p2, p3, p5 any
			var opcode, p4, comment any
			if err := rows.Scan(&addr, &opcode, &p1, &p2, &p3, &p4, &p5, &comment); err != nil {
				return err
			}
			switch op := fmt.Sprint(opcode); {
			case op == "OpenRead" && fmt.Sprint(p2) == fmt.Sprint(root):
				tables[fmt.Sprint(p1)] = true
			case op == "Column" && tables[fmt.Sprint(p1)]:
				reads = true
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		plan = queryPlan(t, tx, q, args...)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", filter, err)
	}
	return reads, plan
}

// WriterCache is the writer connection's cache_size and SQLite's soft
// heap limit, as PRAGMA answers them.
func (db *DB) WriterCache(ctx context.Context) (cacheSize, heapLimit int64, err error) {
	if err := db.writer.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return 0, 0, err
	}
	err = db.writer.QueryRowContext(ctx, `PRAGMA soft_heap_limit`).Scan(&heapLimit)
	return cacheSize, heapLimit, err
}

// CheckIntegrity runs SQLite's integrity check (every index against its
// table) and FTS5's on both full-text indexes, and returns what they
// found wrong.
func (db *DB) CheckIntegrity(ctx context.Context) ([]string, error) {
	rows, err := db.writer.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, err
	}
	var bad []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		if s != "ok" {
			bad = append(bad, s)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range []string{"people_search", "people_names"} {
		if _, err := db.writer.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s(%s, rank) VALUES ('integrity-check', 0)`, t, t)); err != nil {
			bad = append(bad, t+": "+err.Error())
		}
	}
	return bad, nil
}
