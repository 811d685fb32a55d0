package store

import (
	"context"
	"maps"
	"strconv"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Listing people: ListPeople and the SQL it resolves a query to.

// personSortKeys are the fields ListPeople may be ordered by.
var personSortKeys = map[string]sortKey{
	"create_time": {expr: "p.create_time", kind: kindInt},
	"update_time": {expr: "p.update_time", kind: kindInt},
	"birth_date":  {expr: "(p.birth_year * 10000 + p.birth_month * 100 + p.birth_day)", kind: kindInt},
	// Names sort in Vietnamese order as official lists do: by given name,
	// then middle name, then family name.
	"display_name": {expr: "p.sort_key", kind: kindBlob},
	"given_name":   {expr: "p.sort_key", kind: kindBlob},
	// ... or by family name first.
	"family_name":                 {expr: "p.family_key", kind: kindBlob},
	"highest_qualification_level": {expr: "p.highest_level_rank", kind: kindInt},
}

// ListPeople lists people in registration order, or in q.OrderBy's, with
// the etag and update_time q.Shown sees.
func (db *DB) ListPeople(ctx context.Context, q ListQuery, view pb.PersonView) ([]*pb.Person, Page, error) {
	return db.listPeopleShown(ctx, view, q.Shown, func(tx *Tx) (listing, error) { return tx.peopleListing(ctx, q) })
}

// listPeopleShown runs the listing of people that resolve makes, in one
// read transaction, for a caller that reads shown of what they hold.
func (db *DB) listPeopleShown(ctx context.Context, view pb.PersonView, shown Shown, resolve func(*Tx) (listing, error)) ([]*pb.Person, Page, error) {
	var people []*pb.Person
	var page Page
	err := db.read(ctx, func(tx *Tx) error {
		people = nil
		l, err := resolve(tx)
		if err != nil {
			return err
		}
		if view == pb.PersonView_PERSON_VIEW_FULL {
			rows, p, err := list(ctx, tx, l, scanPerson)
			if err != nil {
				return err
			}
			if err := tx.attach(ctx, view, rows...); err != nil {
				return err
			}
			for _, r := range rows {
				people = append(people, r.person)
			}
			page = p
		} else {
			// Which state of each person the page holds, then their
			// BASIC profiles, from memory where it holds that state
			// (heldcache.go).
			l.columns = heldKeyColumns
			keys, p, err := list(ctx, tx, l, heldKeys())
			if err != nil {
				return err
			}
			if people, err = tx.heldPeople(ctx, view, keys); err != nil {
				return err
			}
			page = p
		}
		return tx.showPeople(ctx, shown, people...)
	})
	return people, page, err
}

// peopleSizeSQL measures the people table for exactCountLimit, in one
// step of its primary key.
const peopleSizeSQL = `SELECT COALESCE(MAX(pk), 0) FROM people`

// peopleListing resolves a ListPeople query to SQL.
func (tx *Tx) peopleListing(ctx context.Context, q ListQuery) (listing, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return listing{}, err
	}
	keys := personSortKeys
	if shown := q.Shown; shown != ShownAll {
		// update_time as the caller reads it (holdings.go).
		keys = maps.Clone(personSortKeys)
		_, updateTime, err := tx.shownSQL(ctx, shown)
		if err != nil {
			return listing{}, err
		}
		keys["update_time"] = sortKey{expr: "(" + updateTime + ")", kind: kindInt}
	}
	terms, err := parseOrderBy(q.OrderBy, keys, orderTerm{sortKey: sortKey{expr: "p.pk", kind: kindInt}})
	if err != nil {
		return listing{}, err
	}
	l := listing{
		from:    "people p",
		columns: personColumns,
		terms:   terms,
		query:   queryChecksum("people", q.Filter, orderSQL(terms), strconv.FormatBool(q.ShowDeleted)),
		size:    size,
		token:   q.PageToken,
		sizeSQL: peopleSizeSQL,
	}
	if !q.ShowDeleted {
		l.where = append(l.where, personListed)
	} else {
		l.where = append(l.where, personUnrestricted)
	}
	schema, err := tx.peopleSchema(ctx, q.Scope, q.Shown)
	if err != nil {
		return listing{}, err
	}
	if err := tx.addFilter(ctx, &l, q.Filter, schema); err != nil {
		return listing{}, err
	}
	if err := tx.limitToScope(ctx, &l, q.Scope); err != nil {
		return listing{}, err
	}
	if len(l.where) == 1 && l.where[0] == personListed {
		// Every listed person. Only without other conditions: with them,
		// their own indexes count faster.
		l.countQuery = listedPeopleCount
	}
	return l, nil
}

// listedPeopleCount counts the listed people as every row less the few
// unlisted. SQLite counts a table without a WHERE from the cells of its
// smallest index's pages, reading no row: 0.03 ms at 100,000 people,
// where stepping through the index of the listed (people_listed) took
// 2.1-2.5 ms, most of the CPU of a broad ListPeople (issue 19). It
// stays under exactCountLimit all the same: at a million people it reads
// 6,500 pages (0.7-0.9 ms warm), and each reader's cache that holds them
// raised the server's peak memory by 40 MiB in make bench-1m.
const listedPeopleCount = `SELECT (SELECT COUNT(*) FROM people) -
	(SELECT COUNT(*) FROM people p INDEXED BY people_unlisted WHERE ` + personUnlisted + `)`
