//go:build trithuc_bench

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// PocketBase's API takes about 23 minutes to create a million people with
// their qualifications (/api/batch, a transaction of 100 people each), so
// the peer is seeded while it is stopped: its collections are made through
// its API, then the records are written straight into its data.db in big
// transactions, as its API would store them (v0.36.8, core/field_*.go):
//
//   - a column for each field of the collection, in its table; a person's
//     id given (pbID), a qualification's 15 random letters and digits, as
//     PocketBase draws one;
//   - a text or single relation as the string, "" when absent;
//   - a number as float64 (cast.ToFloat64 of the JSON value; the column's
//     NUMERIC affinity stores a whole one as an INTEGER), 0 when absent;
//   - an autodate (created, updated) as the time of the write, UTC, in
//     types.DefaultDateLayout;
//   - each table's rows in the API's order, person after person.
//
// TestPocketBaseSeedAsAPI loads the same people both ways and compares the
// rows and what the REST API answers for them.

// pbDateLayout is PocketBase's types.DefaultDateLayout.
const pbDateLayout = "2006-01-02 15:04:05.000Z"

// pbSeedBatch is how many people a seeding transaction writes.
const pbSeedBatch = 5000

// pbQualification is a qualification as the peer's record.
func pbQualification(personID string, q *pb.Qualification) map[string]any {
	return map[string]any{"person": personID, "kind": int(q.Kind), "level": q.Level, "major": q.Major, "field": q.Field,
		"institution": q.Institution, "country": q.Country, "year": q.Year}
}

// pbTable is a collection's insert, its columns its fields'.
type pbTable struct {
	columns []string
	types   []string // the fields' types, by column
	stmt    *sql.Stmt
}

// newPBTable prepares the insert of the collection's records (pbPeople,
// pbQualifications) in tx.
func newPBTable(ctx context.Context, tx *sql.Tx, collection map[string]any) (*pbTable, error) {
	t := &pbTable{columns: []string{"id"}, types: []string{"text"}}
	for _, f := range collection["fields"].([]any) {
		m := f.(map[string]any)
		t.columns = append(t.columns, m["name"].(string))
		t.types = append(t.types, m["type"].(string))
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (?%s)", collection["name"], strings.Join(t.columns, ", "),
		strings.Repeat(", ?", len(t.columns)-1))
	var err error
	t.stmt, err = tx.PrepareContext(ctx, q)
	return t, err
}

// insert writes rec (as the API's body, with its id) at now.
func (t *pbTable) insert(ctx context.Context, rec map[string]any, now string) error {
	args := make([]any, len(t.columns))
	for i, c := range t.columns {
		v, ok := rec[c]
		switch {
		case c == "id" && !ok:
			args[i] = pbRandomID()
		case t.types[i] == "autodate":
			args[i] = now
		case t.types[i] == "number":
			args[i] = pbNumber(v)
		default: // text, single relation
			if !ok {
				v = ""
			}
			s, isString := v.(string)
			if !isString {
				return fmt.Errorf("seeding PocketBase: %s is %T, not a string", c, v)
			}
			args[i] = s
		}
	}
	_, err := t.stmt.ExecContext(ctx, args...)
	return err
}

// pbRandomID is an id as PocketBase makes one for a record created without
// (its id field's pattern, [a-z0-9]{15}).
func pbRandomID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return string(b)
}

// pbNumber is a number field's value as PocketBase stores it: a float64.
func pbNumber(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int32:
		return float64(n)
	case float64:
		return n
	}
	return 0 // absent
}

// seedPocketBase writes n synthetic people from start (and their
// qualifications) into data, the data.db of a PocketBase that is stopped and
// whose collections exist: the same people, the same records, the API's
// body for each (pbPerson, pbQualification).
func seedPocketBase(ctx context.Context, data string, seed uint64, start, n int, stderr io.Writer) (err error) {
	fmt.Fprintf(stderr, "trithuc-bench: seeding %d people into PocketBase's %s\n", n, data)
	t := time.Now()
	// PocketBase's file is in WAL mode already. NORMAL syncs at
	// checkpoints only; the big cache keeps the indexes' pages.
	db, err := sql.Open("sqlite3", "file:"+data+"?_busy_timeout=10000&_synchronous=NORMAL&_foreign_keys=1&_cache_size=-262144&_txlock=immediate")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	db.SetMaxOpenConns(1)
	i := start
	// The organizations are the bench database's, so that the generator
	// draws the same people.
	for b := range synth.Batches(ctx, seed, start, n, pbSeedBatch, synth.OrganizationsFor(start+n)) {
		if err := seedBatch(ctx, db, b, i); err != nil {
			return fmt.Errorf("seeding PocketBase: %w", err)
		}
		i += len(b.Profiles)
		if done := i - start; done%100_000 == 0 && done < n {
			fmt.Fprintf(stderr, "trithuc-bench: PocketBase seeded %d people in %s\n", done, time.Since(t).Round(time.Second))
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Leave the file as PocketBase leaves it, its log folded in.
	if _, err := db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "trithuc-bench: PocketBase seeded %d people in %s\n", i-start, time.Since(t).Round(time.Second))
	return nil
}

// seedBatch writes a batch of people numbered from first in a transaction.
func seedBatch(ctx context.Context, db *sql.DB, b synth.Batch, first int) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	people, err := newPBTable(ctx, tx, pbPeople())
	if err != nil {
		return err
	}
	quals, err := newPBTable(ctx, tx, pbQualifications(""))
	if err != nil {
		return err
	}
	for k, prof := range b.Profiles {
		id := pbID(first + k)
		now := time.Now().UTC().Format(pbDateLayout)
		if err := people.insert(ctx, pbPerson(id, prof.Person, prof.Qualifications), now); err != nil {
			return err
		}
		for _, q := range prof.Qualifications {
			if err := quals.insert(ctx, pbQualification(id, q), now); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}
