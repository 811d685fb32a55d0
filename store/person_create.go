package store

// A person's registration: what CreatePerson, registration and the import
// share, and what of it is made before the write queues.

import (
	"context"
	"database/sql"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// CreatePerson registers p. Output-only fields of p are ignored. What
// depends on p alone (newPersonOf) is made before the write queues, out of
// the single writer's turn.
func (db *DB) CreatePerson(ctx context.Context, p *pb.Person, o CreateOptions) (*pb.Person, error) {
	np := newPersonOf(p)
	np.revision = createRevisionOf(np, micros(db.Now()))
	var out *pb.Person
	err := db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := new(pb.Person)
			found, err := tx.recall(ctx, o.Request, prev)
			if err != nil || found {
				out = prev
				return err
			}
		}
		// createNew returns the person attached as BASIC shows them.
		r, err := tx.createNew(ctx, o.ID, np)
		if err != nil {
			return err
		}
		out = r.person
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// createPerson registers p as id (a new id when empty) inside tx: the
// checks, the row, the fields and roles, and the search index. It returns
// the person as a BASIC read shows them. Errors name the person's fields
// as "person.*".
func (tx *Tx) createPerson(ctx context.Context, id string, p *pb.Person) (*personRow, error) {
	return tx.createNew(ctx, id, newPersonOf(p))
}

// createNew is createPerson of a person prepared by newPersonOf.
func (tx *Tx) createNew(ctx context.Context, id string, np *newPerson) (*personRow, error) {
	id, pk, p, err := insertPerson(ctx, tx, id, np)
	if err != nil {
		return nil, err
	}
	if err := tx.indexNewPerson(ctx, pk, p, np.names); err != nil {
		return nil, err
	}
	r := insertedPerson(id, pk, p, micros(tx.now))
	attachNew(r, p)
	if rev := np.revision; rev.holds(r.person) {
		return r, tx.insertRevision(ctx, pk, "people/"+id, rev.changed, rev.before, rev.after)
	}
	return r, tx.recordRevision(ctx, pk, "people/"+id, nil, r.person)
}

// createRevision is the revision of a create (recordRevision's, the
// person as created after nothing) made before its write queues, from the
// person as the writer will answer them, guessing the day of the write for
// a registry date left to it (TestCreateRevisionMadeBefore): the changed
// fields and their values were a twentieth of the single writer's turn.
type createRevision struct {
	changed       string
	before, after []byte
	// What of the person the guess holds that the writer may make
	// otherwise: the registry date and the primary field.
	person *pb.Person
}

// createRevisionOf makes np's revision as if written at now (the store's
// clock in microseconds); nil for a person the writer refuses anyway.
func createRevisionOf(np *newPerson, now int64) *createRevision {
	if np.err != nil {
		return nil
	}
	r := insertedPerson("", 0, np.p, now)
	attachNew(r, np.p)
	if len(r.person.Fields) == 1 {
		// As checkFields makes a person's only field when it accepts them.
		r.person.Fields[0].Primary = true
	}
	changed, _, a := diffFields(nil, r.person)
	bb, ab, err := revisionBytes(nil, a)
	if err != nil || len(changed) == 0 {
		return nil
	}
	return &createRevision{changed: strings.Join(changed, ","), before: bb, after: ab, person: r.person}
}

// holds reports whether rev, made before the write, is the revision of p as
// the writer made them: the same registry date and primary field (what the
// writer decides: the day of its write and checkFields). p's other fields
// are the ones rev was made from, which the writer does not change.
func (rev *createRevision) holds(p *pb.Person) bool {
	if rev == nil || len(p.Fields) != len(rev.person.Fields) {
		return false
	}
	g, w := rev.person.RegistryDate, p.RegistryDate
	if g.GetYear() != w.GetYear() || g.GetMonth() != w.GetMonth() || g.GetDay() != w.GetDay() {
		return false
	}
	for i, f := range p.Fields {
		if f.Primary != rev.person.Fields[i].Primary {
			return false
		}
	}
	return true
}

// newPerson is a person to insert with what of its row and search index
// depends on it alone, made before its write queues so that the single
// writer does not spend its turn on them: p as normalized, or checkText's
// refusal of it (returned in the writer, after a request's recall, as
// before), the writable columns and the sort keys of the row, and the
// names as indexed.
type newPerson struct {
	p      *pb.Person
	err    error
	values []any // personValues
	keys   []any // sort_key, family_key, middle_key, display_key, registry_start
	names  nameDoc
	// revision, when set, is the create's revision (createRevisionOf).
	revision *createRevision
}

// newPersonOf prepares p (normalizing it in place) to be inserted.
func newPersonOf(p *pb.Person) *newPerson {
	if err := checkText(p); err != nil {
		return &newPerson{p: p, err: err}
	}
	p = normalizePerson(p)
	return &newPerson{p: p,
		values: personValues(p),
		keys: []any{vntext.SortKey(p.GivenName, p.MiddleName, p.FamilyName), vntext.SortKey(p.FamilyName, p.MiddleName, p.GivenName),
			nameSortKey(p.MiddleName), nameSortKey(p.DisplayName), registryStart(p)},
		names: newNameDoc(nameText(p.FamilyName, p.MiddleName, p.GivenName, p.DisplayName)),
	}
}

// insertPerson checks np through c and writes its row, fields, roles and
// identifiers as id (a new id when empty), naming it in the call's audit
// event: what every create of a person does but the search index and the
// revision. It returns the id, the row's pk and the person as normalized
// and stored.
func insertPerson(ctx context.Context, c checker, id string, np *newPerson) (string, int64, *pb.Person, error) {
	tx := c.base()
	if id == "" {
		// A new id of the write's day is nobody's, living or purged: this
		// process never made it before, and another's run meets it too
		// rarely (ids.go) for the look-up below to cost the single
		// writer a statement at every create.
		id = newIDAt(tx.now)
	} else if !validID(id) {
		return "", 0, nil, errorf(Invalid, "person_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
	} else if err := personIDFree(ctx, tx, id); err != nil {
		return "", 0, nil, err
	}
	if np.err != nil {
		return "", 0, nil, np.err
	}
	p := np.p
	if err := checkPersonFields(ctx, c, p); err != nil {
		return "", 0, nil, err
	}
	if err := tx.checkNationalIDFree(ctx, id, p.NationalId); err != nil {
		return "", 0, nil, err
	}
	now := micros(tx.now)
	args := make([]any, 0, 3+len(np.values)+len(np.keys))
	args = append(append(append(append(args, id), np.values...), now, now), np.keys...)
	res, err := tx.ExecContext(ctx, `INSERT INTO people (id, family_name, middle_name, given_name, display_name,
		gender, birth_year, birth_month, birth_day, ethnicity, national_id, email, phone, phone_key, hometown,
		address, availability, work_location, work_country, create_time, update_time, revision, sort_key, family_key,
		middle_key, display_key, registry_start)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return "", 0, nil, dbError(err)
	}
	tx.auditResource("people/" + id)
	if p.RegistryDate == nil {
		// As a read gives it back (revisions hold p).
		p.RegistryDate = registryDate(sql.NullInt64{}, now)
	}
	pk, err := res.LastInsertId()
	if err != nil {
		return "", 0, nil, dbError(err)
	}
	if err := tx.addFieldsAndRoles(ctx, pk, p); err != nil {
		return "", 0, nil, err
	}
	return id, pk, p, nil
}

// insertedPerson is the row insertPerson just wrote for p as id (row pk)
// at now, as tx.person would read it back (TestCreateAnswersAsRead): what
// p holds of the columns the insert wrote, the table's defaults for the
// others (qualifications, titles, restriction, consent to contact). Not
// reading it back is one statement fewer in the single writer at every
// create.
func insertedPerson(id string, pk int64, p *pb.Person, now int64) *personRow {
	out := &pb.Person{
		Name: "people/" + id, FamilyName: p.FamilyName, MiddleName: p.MiddleName, GivenName: p.GivenName,
		DisplayName: p.DisplayName, Gender: p.Gender, Ethnicity: p.Ethnicity, NationalId: p.NationalId,
		Email: p.Email, Phone: p.Phone, Hometown: p.Hometown, Address: p.Address,
		Availability: p.Availability, WorkLocation: p.WorkLocation, WorkCountry: p.WorkCountry,
		CreateTime: timestamppb.New(fromMicros(now)), UpdateTime: timestamppb.New(fromMicros(now)),
		ContactAllowed: true, Etag: etag(id, 1),
	}
	if d := p.GetBirthDate(); d != nil && d.Year != 0 {
		out.BirthDate = &date.Date{Year: d.Year, Month: d.Month, Day: d.Day}
	}
	var start sql.NullInt64
	if us, ok := registryStart(p).(int64); ok {
		start = sql.NullInt64{Int64: us, Valid: true}
	}
	out.RegistryDate = registryDate(start, now)
	return &personRow{pk: pk, revision: 1, person: out}
}

// personIDFree refuses an id the caller chose that a person holds or held:
// a purged person's name is never given again (migration 0034), for a new
// person under it would inherit the old one's trail and requests.
func personIDFree(ctx context.Context, tx *Tx, id string) error {
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT 1 FROM people WHERE id = ?1),
		(SELECT 2 FROM purged_people WHERE id = ?1), 0)`, id).Scan(&taken); err != nil {
		return dbError(err)
	}
	switch taken {
	case 1:
		return errorf(AlreadyExists, "person_id", "people/%s already exists", id)
	case 2:
		return errorf(AlreadyExists, "person_id", "people/%s belonged to a person who was purged, and a purged person's name is never given again: choose another person_id, or leave it empty for the registry to choose", id)
	}
	return nil
}
