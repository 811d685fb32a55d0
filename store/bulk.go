package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// The bulk path loads many whole profiles at once: one BEGIN IMMEDIATE
// transaction per batch, prepared statements, and the derived columns (the
// highest level, the academic title, the name sort keys, the search index
// row) computed in Go from the profile instead of read back after each
// write. It makes the rows the API makes, through the same normalization and
// prepare functions (checkPersonFields, prepareQualification, preparePosition and
// the honour's); bulk_test.go compares the two paths row by row.
//
// It is meant for trusted generated or imported data: it checks codes and
// dates as the API does, but leaves the uniqueness of ids and national IDs
// to the unique indexes, whose failure fails the whole batch.

// BulkProfile is a whole profile for BulkCreatePeople.
type BulkProfile struct {
	// ID is the {person} of people/{person}; the store picks one when empty.
	ID             string
	Person         *pb.Person
	Qualifications []*pb.Qualification
	Positions      []*pb.Position
	Honors         []*pb.Honor
	// Memberships are registered apart, through MembershipService's own
	// code (BulkRegisterMembers), once the people exist.
}

// BulkOrganization is an organization for BulkCreateOrganizations.
type BulkOrganization struct {
	ID           string
	Organization *pb.Organization
}

// BulkTx is a transaction that writes many rows at once: the bulk load's
// batches, the people an import creates. It runs the API's own checks with
// itself as their checker, answering the lookups that the rows repeat (that
// a reference code exists, the ranks of levels and titles, organizations,
// field names) from what it asked before. Only lookups of what the
// transaction does not change go through its memo: reference lists, and
// organizations, which a bulk write only reads.
type BulkTx struct {
	tx         *Tx
	found      map[string]bool
	ranks      map[string]int
	orgs       map[string]*orgRow
	orgsByPK   map[int64]*orgRow
	fieldNames map[string][]string
	// reindex are the people whose search index rows are written at the
	// end (flushReindex) instead of after each one.
	reindex []int64
}

func newBulkTx(tx *Tx) *BulkTx {
	return &BulkTx{tx: tx, found: map[string]bool{}, ranks: map[string]int{}, orgs: map[string]*orgRow{},
		orgsByPK: map[int64]*orgRow{}, fieldNames: map[string][]string{}}
}

func (b *BulkTx) base() *Tx { return b.tx }

func memoKey(query string, args []any) string {
	return query + "\x00" + fmt.Sprint(args...)
}

// exists remembers the rows found; a row not found is asked again.
func (b *BulkTx) exists(ctx context.Context, query string, args ...any) (bool, error) {
	key := memoKey(query, args)
	if b.found[key] {
		return true, nil
	}
	found, err := b.tx.exists(ctx, query, args...)
	if found {
		b.found[key] = true
	}
	return found, err
}

func (b *BulkTx) rank(ctx context.Context, list, code string, lookup func(context.Context, string) (int, error)) (int, error) {
	key := list + "\x00" + code
	if r, ok := b.ranks[key]; ok {
		return r, nil
	}
	r, err := lookup(ctx, code)
	if err == nil && r != 0 {
		b.ranks[key] = r
	}
	return r, err
}

func (b *BulkTx) levelRank(ctx context.Context, code string) (int, error) {
	return b.rank(ctx, "level", code, b.tx.levelRank)
}

func (b *BulkTx) titleRank(ctx context.Context, code string) (int, error) {
	return b.rank(ctx, "title", code, b.tx.titleRank)
}

func (b *BulkTx) organization(ctx context.Context, id string) (*orgRow, error) {
	if r := b.orgs[id]; r != nil {
		return r, nil
	}
	r, err := b.tx.organization(ctx, id)
	if err != nil {
		return nil, err
	}
	b.orgs[id] = r
	b.orgsByPK[r.pk] = r
	return r, nil
}

func (b *BulkTx) checkRef(ctx context.Context, v *Invalids, kind RefKind, field, code string, on time.Time) error {
	return checkRef(ctx, b, v, kind, field, code, on)
}

func (b *BulkTx) organizationByName(ctx context.Context, name, field string) (*orgRow, error) {
	return organizationByName(ctx, b, name, field)
}

func (b *BulkTx) fieldNamesOf(ctx context.Context, field string) ([]string, error) {
	if names, ok := b.fieldNames[field]; ok {
		return names, nil
	}
	names, err := b.tx.fieldNames(ctx, []string{field})
	if err != nil {
		return nil, err
	}
	b.fieldNames[field] = names
	return names, nil
}

// The columns the bulk path writes, in the order of its values.
var (
	bulkPeopleColumns = []string{"pk", "id", "family_name", "middle_name", "given_name", "display_name",
		"gender", "birth_year", "birth_month", "birth_day", "ethnicity", "national_id", "email", "phone", "phone_key", "hometown",
		"address", "availability", "work_location", "work_country", "create_time", "update_time", "revision",
		"highest_level", "highest_level_rank", "academic_title", "academic_title_year", "sort_key", "family_key",
		"middle_key", "display_key"}
	bulkFieldColumns    = []string{"person_pk", "ordinal", "field", "code", "is_primary"}
	bulkRoleColumns     = []string{"person_pk", "role"}
	bulkSearchColumns   = []string{"rowid", "name_exact", "name_folded", "other_exact", "other_folded"}
	bulkNamesColumns    = []string{"rowid", "name_exact", "name_folded", "name_pairs"}
	bulkRevisionColumns = []string{"id", "person_pk", "revision_time", "principal", "method", "resource",
		"changed_fields", "before", "after"}
)

func childColumns[T proto.Message](k *childKind[T]) []string {
	return append([]string{"id", "person_pk", "create_time", "update_time"}, k.writable...)
}

// bulkTable is one table the bulk path fills: its INSERT and the rows for it.
type bulkTable struct {
	insert string
	rows   [][]any
}

func newBulkTable(verb, table string, cols []string) *bulkTable {
	return &bulkTable{insert: verb + " INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"}
}

// BulkRows are the rows a batch of profiles becomes, table by table, in the
// order they are inserted. People are numbered within the batch: their pks
// are given when the rows are written, after the last person then.
type BulkRows struct {
	tables []*bulkTable
	people int
}

// bulkPK stands for the pk of the i-th person of a batch until the batch is
// written.
type bulkPK int

// People is how many profiles the rows hold.
func (r *BulkRows) People() int { return r.people }

// Rows is how many rows they are, in every table.
func (r *BulkRows) Rows() int {
	n := 0
	for _, t := range r.tables {
		n += len(t.rows)
	}
	return n
}

// BulkCreatePeople writes whole profiles in one transaction: all of them, or
// none when one is invalid (the error names it by its index).
func (db *DB) BulkCreatePeople(ctx context.Context, profiles []BulkProfile) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		rows, err := newBulkTx(tx).rows(ctx, profiles)
		if err != nil {
			return err
		}
		return insertBulk(ctx, tx, rows)
	})
}

// PrepareBulk normalizes and checks profiles as BulkCreatePeople does, in a
// read transaction, and returns the rows they become, for WriteBulk. A
// loader prepares the next batch while the previous one is written.
func (db *DB) PrepareBulk(ctx context.Context, profiles []BulkProfile) (*BulkRows, error) {
	var rows *BulkRows
	err := db.read(ctx, func(tx *Tx) error {
		var err error
		rows, err = newBulkTx(tx).rows(ctx, profiles)
		return err
	})
	return rows, err
}

// WriteBulk writes rows that PrepareBulk made, once, in one transaction.
// Reference codes are never deleted, so what PrepareBulk checked still
// holds; a person id or national ID taken meanwhile fails the batch.
func (db *DB) WriteBulk(ctx context.Context, rows *BulkRows) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		return insertBulk(ctx, tx, rows)
	})
}

// rows normalizes and checks profiles as the API would, and returns the
// rows they become. National IDs are left to the unique index
// people_national_id, whose refusal fails the batch (insertBulk).
func (b *BulkTx) rows(ctx context.Context, profiles []BulkProfile) (*BulkRows, error) {
	tx := b.tx
	now := micros(tx.now)
	principal, method := tx.principal()
	if method == "" {
		method = "bulk load"
	}
	var (
		people = newBulkTable("INSERT", "people", bulkPeopleColumns)
		fields = newBulkTable("INSERT", "person_fields", bulkFieldColumns)
		roles  = newBulkTable("INSERT OR IGNORE", "person_expert_roles", bulkRoleColumns)
		quals  = newBulkTable("INSERT", "qualifications", childColumns(qualificationKind))
		pos    = newBulkTable("INSERT", "positions", childColumns(positionKind))
		honors = newBulkTable("INSERT", "honors", childColumns(honorKind))
		search = newBulkTable("INSERT", "people_search", bulkSearchColumns)
		names  = newBulkTable("INSERT", "people_names", bulkNamesColumns)
		revs   = newBulkTable("INSERT", "person_revisions", bulkRevisionColumns)
	)
	for i, prof := range profiles {
		pk := bulkPK(i)
		at := func(err error) error {
			return bulkError(i, prof.ID, err)
		}
		id := prof.ID
		if id == "" {
			id = newID()
		} else if !validID(id) {
			return nil, at(errorf(Invalid, "person_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter"))
		}
		if prof.Person == nil {
			return nil, at(errorf(Invalid, "person", "required"))
		}
		if err := checkText(prof.Person); err != nil {
			return nil, at(err)
		}
		p := normalizePerson(prof.Person)
		if err := checkPersonFields(ctx, b, p); err != nil {
			return nil, at(err)
		}
		row := &personRow{revision: 1, person: p}
		d := derived{}
		var other []string
		fieldSet := map[string]bool{}

		for _, q := range prof.Qualifications {
			// As CreateQualification: a new qualification is unverified.
			q.Verification = nil
			vals, err := prepareQualification(ctx, b, row, q)
			if err != nil {
				return nil, at(err)
			}
			quals.rows = append(quals.rows, append([]any{newID(), pk, now, now}, vals...))
			d.qualification(q, vals)
			other = append(other, q.Major+" "+q.Institution+" "+q.Field)
			if q.Field != "" {
				fieldSet[q.Field] = true
			}
		}
		for _, ps := range prof.Positions {
			vals, err := preparePosition(ctx, b, row, ps)
			if err != nil {
				return nil, at(err)
			}
			pos.rows = append(pos.rows, append([]any{newID(), pk, now, now}, vals...))
			org := ""
			if orgPK, ok := vals[0].(int64); ok {
				o := b.orgsByPK[orgPK]
				org = o.org.DisplayName + " " + o.org.ShortName
			}
			other = append(other, org+" "+ps.OrganizationName+" "+ps.Title+" "+ps.Department)
		}
		for _, f := range p.Fields {
			other = append(other, f.Field)
			fieldSet[f.Field] = true
		}
		for _, h := range prof.Honors {
			vals, err := honorKind.prepare(ctx, b, row, h)
			if err != nil {
				return nil, at(err)
			}
			honors.rows = append(honors.rows, append([]any{newID(), pk, now, now}, vals...))
			other = append(other, h.Title)
		}

		for i, f := range p.Fields {
			fields.rows = append(fields.rows, []any{pk, i, f.Field, fieldCodeOf(f.Field), f.Primary})
		}
		for _, r := range p.ExpertRoles {
			roles.rows = append(roles.rows, []any{pk, int32(r)})
		}
		people.rows = append(people.rows, append(append([]any{pk, id}, personValues(p)...),
			now, now, 1, d.level, d.levelRank, d.title, d.titleYear,
			vntext.SortKey(p.GivenName, p.MiddleName, p.FamilyName), vntext.SortKey(p.FamilyName, p.MiddleName, p.GivenName),
			nameSortKey(p.MiddleName), nameSortKey(p.DisplayName)))

		// The search document and the names, as reindexPerson makes them.
		nameText := nameText(p.FamilyName, p.MiddleName, p.GivenName, p.DisplayName)
		folded, exact := vntext.Fold(nameText), vntext.Canonical(nameText)
		names.rows = append(names.rows, []any{pk, exact, folded, namePairs(folded, exact)})
		fieldList := make([]string, 0, len(fieldSet))
		for f := range fieldSet {
			fieldList = append(fieldList, f)
		}
		sort.Strings(fieldList)
		for _, f := range fieldList {
			fn, err := b.fieldNamesOf(ctx, f)
			if err != nil {
				return nil, err
			}
			other = append(other, fn...)
		}
		otherText := strings.Join(other, " ")
		search.rows = append(search.rows, []any{pk, vntext.Canonical(nameText), vntext.Fold(nameText), vntext.Canonical(otherText), vntext.Fold(otherText)})

		// One revision per person, "created by bulk load", holding the
		// profile's own fields as recordRevision does for a create; what
		// they hold is in the same load and has no revisions of its own.
		changed, _, after := diffFields(nil, p)
		ab, err := proto.Marshal(revisionValues(after, true))
		if err != nil {
			return nil, err
		}
		revs.rows = append(revs.rows, []any{newID(), pk, now, principal, method, "people/" + id, strings.Join(changed, ","), nil, ab})
	}
	return &BulkRows{tables: []*bulkTable{people, fields, roles, quals, pos, honors, search, names, revs}, people: len(profiles)}, nil
}

// derived is what a person derives from their qualifications, as
// refreshDerived computes it: the highest degree not rejected (the most
// recent of equal rank) and the highest academic title (the earliest of
// equal rank).
type derived struct {
	level     string
	levelRank int64
	title     string
	titleYear int32
	hasLevel  bool
	levelYear int32
	hasTitle  bool
	titleRank int64
}

// Where the rank and the verification state are among a prepared
// qualification's values.
var (
	qualRankAt  = slices.Index(qualificationKind.writable, "level_rank")
	qualStateAt = slices.Index(qualificationKind.writable, "verification_state")
)

// qualification takes in a prepared qualification; vals are its writable
// values, in qualificationKind.writable's order.
func (d *derived) qualification(q *pb.Qualification, vals []any) {
	rank := int64(vals[qualRankAt].(int))
	if vals[qualStateAt].(int32) == int32(pb.Verification_REJECTED) {
		return
	}
	switch q.Kind {
	case pb.Qualification_DEGREE:
		if !d.hasLevel || rank > d.levelRank || rank == d.levelRank && q.Year > d.levelYear {
			d.hasLevel, d.level, d.levelRank, d.levelYear = true, q.Level, rank, q.Year
		}
	case pb.Qualification_ACADEMIC_TITLE:
		if !d.hasTitle || rank > d.titleRank || rank == d.titleRank && q.Year < d.titleYear {
			d.hasTitle, d.title, d.titleRank, d.titleYear = true, q.Level, rank, q.Year
		}
	}
}

// bulkError names the profile an error is about.
func bulkError(i int, id string, err error) error {
	who := fmt.Sprintf("profiles[%d]", i)
	if id != "" {
		who += " (people/" + id + ")"
	}
	var se *Error
	var inv Invalids
	switch {
	case errors.As(err, &inv):
		out := make(Invalids, len(inv))
		for j, e := range inv {
			c := *e
			c.Message = who + ": " + c.Message
			out[j] = &c
		}
		return out
	case errors.As(err, &se):
		c := *se
		c.Message = who + ": " + c.Message
		return &c
	}
	return err
}

// preparer is a *Tx, a *sql.Conn or a *sql.DB.
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// insertBulk inserts rows, a prepared statement per table, numbering the
// people after the last person in the database.
func insertBulk(ctx context.Context, tx preparer, rows *BulkRows) error {
	var next int64
	stmt, err := tx.PrepareContext(ctx, `SELECT COALESCE(MAX(pk), 0) + 1 FROM people`)
	if err != nil {
		return dbError(err)
	}
	err = stmt.QueryRowContext(ctx).Scan(&next)
	stmt.Close()
	if err != nil {
		return dbError(err)
	}
	var args []any
	for _, t := range rows.tables {
		if len(t.rows) == 0 {
			continue
		}
		stmt, err := tx.PrepareContext(ctx, t.insert)
		if err != nil {
			return dbError(err)
		}
		for _, r := range t.rows {
			args = append(args[:0], r...)
			for i, v := range args {
				if pk, ok := v.(bulkPK); ok {
					args[i] = next + int64(pk)
				}
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				stmt.Close()
				return bulkInsertError(err)
			}
		}
		stmt.Close()
	}
	return nil
}

// bulkInsertError turns a unique index's refusal into ALREADY_EXISTS.
func bulkInsertError(err error) error {
	var sqe sqlite3.Error
	if errors.As(err, &sqe) && sqe.ExtendedCode == sqlite3.ErrConstraintUnique {
		switch msg := sqe.Error(); {
		case strings.Contains(msg, "people.national_id"):
			return &Error{Code: AlreadyExists, Field: "person.national_id", Message: "two people in the load, or one in the load and one in the database, have the same national ID", Err: err}
		case strings.Contains(msg, "people.id"):
			return &Error{Code: AlreadyExists, Field: "person_id", Message: "a person id of the load is taken", Err: err}
		}
	}
	return dbError(err)
}

// BulkCreateOrganizations writes organizations in one transaction, parents
// before their children, each checked as CreateOrganization checks it.
func (db *DB) BulkCreateOrganizations(ctx context.Context, orgs []BulkOrganization) error {
	return db.write(ctx, false, nil, func(tx *Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO organizations (id, display_name, short_name, kind, sector,
			administrative_unit, country, parent_pk, sort_key, create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return dbError(err)
		}
		defer stmt.Close()
		now := micros(tx.now)
		b := newBulkTx(tx)
		for i, o := range orgs {
			id := o.ID
			if id == "" {
				id = newID()
			} else if !validID(id) {
				return bulkError(i, "", errorf(Invalid, "organization_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter"))
			}
			vals, err := prepareOrganization(ctx, b, id, o.Organization, "")
			if err != nil {
				return bulkError(i, "", err)
			}
			if _, err := stmt.ExecContext(ctx, append(append([]any{id}, vals...), now, now)...); err != nil {
				var sqe sqlite3.Error
				if errors.As(err, &sqe) && sqe.ExtendedCode == sqlite3.ErrConstraintUnique {
					return bulkError(i, "", errorf(AlreadyExists, "organization_id", "organizations/%s already exists", id))
				}
				return dbError(err)
			}
		}
		return nil
	})
}
