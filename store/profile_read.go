package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What a person holds beside their row (identifiers, fields, roles,
// positions and, in the FULL view, qualifications, honours, works and
// memberships) is read in the same statement as the rows it belongs to:
// each kind is a correlated subquery that returns the person's rows as one
// JSON array of arrays (rowsArray), decoded here by the
// same scan functions that read the kind's own rows. For one person, nine
// statements cost more CPU in database/sql and cgo than SQLite spends
// building the JSON; for a page, a statement per kind over the page's
// people (attach) costs less than 8 correlated subqueries per person and
// the JSON of them all, so pages keep it (BENCHMARKS.md, issue 19).

// oneReadAttach chooses the one-statement read of a person; the statement
// per kind stays as the reference the tests compare it with.
var oneReadAttach = true

// attachColumns are the attached kinds in the order of attachExprs.
const (
	colIdentifiers = iota
	colFields
	colRoles
	colPositions
	colQualifications
	colHonors
	colWorks
	colMemberships
	basicColumns = colPositions + 1
	fullColumns  = colMemberships + 1
)

// childRowsExpr is a kind's rows of the person p as one JSON array, in no
// order: decodeChildren puts them in the order they were added in (pk,
// the first column).
func (k *childKind[T]) childRowsExpr(where string) string {
	from := k.collection + ` c ` + k.joins + ` WHERE c.person_pk = p.pk`
	if where != "" {
		from += ` AND ` + where
	}
	return rowsArray(`json_array(`+childCommonColumns+`, `+k.columns+`)`, from)
}

// rowsArray is the values of expr over the rows of from (the rest of a
// SELECT: its tables and conditions) as one JSON array, in no order: each
// row begins with the number it is ordered by, and parseRowsInOrder sorts
// them. Ordered in SQL, the read cost more: an aggregate ORDER BY
// (json_group_array(x ORDER BY y)) builds a temporary b-tree, with a page
// cache of its own, at each run (a FULL read built seven, BENCHMARKS.md,
// issue 19, tenth pass), and an ORDER BY that no index gives, in a
// subquery, a sorter (five, twelfth pass): the indexes that find a
// person's rows order them by something else (positions by start date,
// qualifications by id).
func rowsArray(expr, from string) string {
	return `(SELECT json_group_array(` + expr + `) FROM ` + from + `)`
}

// parseRowsInOrder reads what rowsArray made, in the order of the rows'
// first values, integers.
func parseRowsInOrder(text string) ([]jsonRow, error) {
	rows, err := parseJSONRows(text)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		if len(r) == 0 || r[0].kind != 'i' {
			// Not the text: it holds a profile, and the error is logged.
			return nil, fmt.Errorf("attached rows: row %d does not begin with an integer", i)
		}
	}
	slices.SortStableFunc(rows, func(a, b jsonRow) int { return cmp.Compare(a[0].i, b[0].i) })
	return rows, nil
}

// attachExprs are the expressions that read what the person p of the
// enclosing statement holds, each a JSON array of rows.
func attachExprs(full bool) string {
	positionsWhere := "c.is_current = 1"
	if full {
		positionsWhere = ""
	}
	e := `(SELECT json_group_array(json_array(orcid, civil_servant_code)) FROM person_identifiers WHERE person_pk = p.pk),
	` + rowsArray(`json_array(ordinal, field, code, is_primary)`, `person_fields WHERE person_pk = p.pk`) + `,
	` + rowsArray(`role`, `person_expert_roles WHERE person_pk = p.pk`) + `,
	` + positionKind.childRowsExpr(positionsWhere)
	if full {
		e += `,
	` + qualificationKind.childRowsExpr("") + `,
	` + honorKind.childRowsExpr("") + `,
	` + workKind.childRowsExpr("") + `,
	` + rowsArray(`json_array(`+membershipColumns+`)`,
			`memberships m JOIN associations a ON a.pk = m.association_pk WHERE m.person_pk = p.pk`)
	}
	return e
}

// personReadQueries are loadPersonOneRead's statements, BASIC and FULL,
// made once: building the text on each read was 2 % of a GetPerson's CPU
// in the server (BENCHMARKS.md, issue 19, eleventh pass).
var personReadQueries = sync.OnceValue(func() [2]string {
	q := func(full bool) string {
		return `SELECT ` + personColumns + `, ` + attachExprs(full) + ` FROM people p WHERE p.id = ?`
	}
	return [2]string{q(false), q(true)}
})

func attachColumnCount(full bool) int {
	if full {
		return fullColumns
	}
	return basicColumns
}

// loadPersonOneRead is loadPerson in one statement (and two more for the
// details of memberships, when the person has any). then, when not nil,
// runs on the person before the statement ends, so that in a read without
// BEGIN (readHeld) what it reads is of the same snapshot, as the details
// of memberships are.
func (tx *Tx) loadPersonOneRead(ctx context.Context, id string, view pb.PersonView, then func(p *pb.Person) error) (*personRow, error) {
	full := view == pb.PersonView_PERSON_VIEW_FULL
	cols := make([]string, attachColumnCount(full))
	dests := make([]any, len(cols))
	for i := range cols {
		dests[i] = &cols[i]
	}
	query := personReadQueries()[0]
	if full {
		query = personReadQueries()[1]
	}
	rows, err := tx.queryPerson(ctx, query, id)
	if err != nil {
		return nil, err
	}
	// Open until the end: it holds the snapshot in a read without BEGIN.
	defer rows.Close()
	r, err := scanPerson(rows, dests...)
	if err != nil {
		return nil, dbError(err)
	}
	mships, err := decodeAttached(r.person, full, cols)
	if err != nil {
		return nil, err
	}
	if err := tx.attachMembershipDetails(ctx, mships...); err != nil {
		return nil, err
	}
	for _, m := range mships {
		r.person.Memberships = append(r.person.Memberships, m.m)
		r.memberships = append(r.memberships, m.pk)
	}
	if then != nil {
		if err := then(r.person); err != nil {
			return nil, err
		}
	}
	if err := rows.Close(); err != nil {
		return nil, dbError(err)
	}
	return r, nil
}

// queryPerson runs query, which reads the person id's row, and returns
// its rows at that row; NOT_FOUND when there is none. The caller closes
// them.
func (tx *Tx) queryPerson(ctx context.Context, query, id string) (*sql.Rows, error) {
	rows, err := tx.QueryContext(ctx, query, id)
	if err != nil {
		return nil, dbError(err)
	}
	if !rows.Next() {
		err := rows.Err()
		rows.Close()
		if err != nil {
			return nil, dbError(err)
		}
		return nil, errorf(NotFound, "", "people/%s does not exist", id)
	}
	return rows, nil
}

// decodeAttached sets on p what the attach columns hold, and returns its
// memberships for attachMembershipDetails.
func decodeAttached(p *pb.Person, full bool, cols []string) ([]*membershipRow, error) {
	fail := func(err error) ([]*membershipRow, error) { return nil, dbError(err) }
	ids, err := parseJSONRows(cols[colIdentifiers])
	if err != nil {
		return fail(err)
	}
	for _, r := range ids {
		if err := r.Scan(&p.Orcid, &p.CivilServantCode); err != nil {
			return fail(err)
		}
	}
	fields, err := parseRowsInOrder(cols[colFields])
	if err != nil {
		return fail(err)
	}
	for _, r := range fields {
		f := &pb.FieldOfExpertise{}
		if err := r[1:].Scan(&f.Field, &f.Code, &f.Primary); err != nil {
			return fail(err)
		}
		p.Fields = append(p.Fields, f)
	}
	roles, err := parseRowsInOrder(cols[colRoles])
	if err != nil {
		return fail(err)
	}
	for _, r := range roles {
		var role int32
		if err := r.Scan(&role); err != nil {
			return fail(err)
		}
		p.ExpertRoles = append(p.ExpertRoles, pb.Person_ExpertRole(role))
	}
	positions, err := decodeChildren(positionKind, cols[colPositions])
	if err != nil {
		return fail(err)
	}
	p.CurrentPositions = slices.DeleteFunc(slices.Clone(positions), func(pos *pb.Position) bool { return !pos.Current })
	if !full {
		return nil, nil
	}
	p.Positions = positions
	if p.Qualifications, err = decodeChildren(qualificationKind, cols[colQualifications]); err != nil {
		return fail(err)
	}
	if p.Honors, err = decodeChildren(honorKind, cols[colHonors]); err != nil {
		return fail(err)
	}
	if p.Works, err = decodeChildren(workKind, cols[colWorks]); err != nil {
		return fail(err)
	}
	ms, err := parseRowsInOrder(cols[colMemberships])
	if err != nil {
		return fail(err)
	}
	out := make([]*membershipRow, 0, len(ms))
	for _, r := range ms {
		m, err := scanMembership(r)
		if err != nil {
			return fail(err)
		}
		out = append(out, m)
	}
	return out, nil
}

func decodeChildren[T proto.Message](k *childKind[T], text string) ([]T, error) {
	rows, err := parseRowsInOrder(text)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		item, _, err := k.scanRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}
