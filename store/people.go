package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

const personColumns = `p.pk, p.id, p.family_name, p.middle_name, p.given_name, p.display_name, p.gender,
	p.birth_year, p.birth_month, p.birth_day, p.ethnicity, COALESCE(p.national_id, ''), p.email, p.phone,
	p.hometown, p.create_time, p.update_time, p.delete_time, p.revision, p.address, p.availability,
	p.work_location, p.work_country, p.highest_level, p.academic_title, p.academic_title_year, p.restricted != 0,
	p.contact_allowed != 0, p.registry_start`

// personRow is a person as stored, with the keys the store needs beside it.
type personRow struct {
	pk       int64
	revision int64
	created  int64 // create_time, µs: with pk and revision, which person's state this is
	deleted  bool
	person   *pb.Person
	// memberships are the pks of person.Memberships, when read with them.
	memberships []int64
}

func scanPerson(s scanner, extra ...any) (*personRow, error) {
	var (
		r                    personRow
		p                    pb.Person
		id                   string
		gender               int32
		year, month, day     int32
		createTime, updateTm int64
		deleteTime           sql.NullInt64
		registryStart        sql.NullInt64
		availability, where  int32
		title                string
		titleYear            int32
	)
	// Room for extra: appending it to a full slice copied all 29.
	dest := append(make([]any, 0, 29+len(extra)), &r.pk, &id, &p.FamilyName, &p.MiddleName, &p.GivenName, &p.DisplayName, &gender,
		&year, &month, &day, &p.Ethnicity, &p.NationalId, &p.Email, &p.Phone,
		&p.Hometown, &createTime, &updateTm, &deleteTime, &r.revision, &p.Address, &availability,
		&where, &p.WorkCountry, &p.HighestQualificationLevel, &title, &titleYear, &p.Restricted,
		&p.ContactAllowed, &registryStart)
	if err := s.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	p.Name = "people/" + id
	p.Gender = pb.Person_Gender(gender)
	p.Availability = pb.Person_Availability(availability)
	p.WorkLocation = pb.Person_WorkLocation(where)
	if title != "" {
		p.AcademicTitle = &pb.ConferredTitle{Title: title, Year: titleYear}
	}
	if year != 0 {
		p.BirthDate = &date.Date{Year: year, Month: month, Day: day}
	}
	times := new([2]timestamppb.Timestamp) // one allocation, as setResourceMeta's
	p.CreateTime, p.UpdateTime = &times[0], &times[1]
	setTimestamp(p.CreateTime, fromMicros(createTime))
	r.created = createTime
	p.RegistryDate = registryDate(registryStart, createTime)
	setTimestamp(p.UpdateTime, fromMicros(updateTm))
	if deleteTime.Valid {
		p.DeleteTime = timestamppb.New(fromMicros(deleteTime.Int64))
		r.deleted = true
	}
	p.Etag = etag(id, r.revision)
	r.person = &p
	return &r, nil
}

// etag is a checksum of a resource's state: it changes with every revision.
func etag(id string, revision int64) string {
	// The hashed text and the hex in stack buffers: a FULL read makes an
	// etag for every row it holds, and the concatenation, the number and
	// the hex were three allocations of each (BENCHMARKS.md, issue 19,
	// thirtieth session).
	var buf [128]byte
	b := strconv.AppendInt(append(append(buf[:0], id...), '/'), revision, 10)
	sum := sha256.Sum256(b)
	var out [16]byte
	hex.Encode(out[:], sum[:8])
	return string(out[:])
}

// PersonID returns the {person} of people/{person}, or an error naming field.
func PersonID(name, field string) (string, error) {
	var id string
	if !names.Scan(name, names.Person, &id) {
		return "", errorf(Invalid, field, "want a person's name, people/{id}, not %q", name)
	}
	return id, nil
}

// validID reports whether id is an AIP-122 resource id, or one the server made.
func validID(id string) bool { return names.ValidID(id) }

// GetPerson returns a person, deleted or not, as one who reads all they
// hold sees them.
func (db *DB) GetPerson(ctx context.Context, name string, view pb.PersonView) (*pb.Person, error) {
	return db.GetPersonShown(ctx, name, view, ShownAll)
}

// GetPersonShown is GetPerson for a caller that reads shown of what the
// person holds: their etag and update_time are those it sees, of the
// revision read (holdings.go).
func (db *DB) GetPersonShown(ctx context.Context, name string, view pb.PersonView, shown Shown) (*pb.Person, error) {
	id, err := PersonID(name, "name")
	if err != nil {
		return nil, err
	}
	var out *pb.Person
	if oneReadAttach {
		// One statement, held open while what else it needs is read.
		err = db.readHeld(ctx, func(tx *Tx) error {
			out, err = tx.heldPerson(ctx, id, view, func(p *pb.Person) error {
				return tx.showPeople(ctx, shown, p)
			})
			return err
		})
		return out, err
	}
	err = db.read(ctx, func(tx *Tx) error {
		if out, err = tx.loadPerson(ctx, id, view); err != nil {
			return err
		}
		return tx.showPeople(ctx, shown, out)
	})
	return out, err
}

// loadPerson reads a person with what their profile holds beside the row.
func (tx *Tx) loadPerson(ctx context.Context, id string, view pb.PersonView) (*pb.Person, error) {
	if oneReadAttach {
		r, err := tx.loadPersonOneRead(ctx, id, view, nil)
		if err != nil {
			return nil, err
		}
		return r.person, nil
	}
	r, err := tx.person(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := tx.attach(ctx, view, r); err != nil {
		return nil, err
	}
	return r.person, nil
}

func (tx *Tx) person(ctx context.Context, id string) (*personRow, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id = ?`, id)
	r, err := scanPerson(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errorf(NotFound, "", "people/%s does not exist", id)
	}
	if err != nil {
		return nil, dbError(err)
	}
	return r, nil
}

// livePerson is person, but a deleted person is NOT_FOUND, as AIP-164 asks of
// every method but Get, List and Undelete.
func (tx *Tx) livePerson(ctx context.Context, id string) (*personRow, error) {
	r, err := tx.person(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.deleted {
		return nil, errorf(NotFound, "", "people/%s is deleted; undelete it first", id)
	}
	return r, nil
}

// UpdatePerson changes a person: apply gets the current profile and changes
// it in place, inside the transaction, so that no other write slips between
// reading and writing.
func (db *DB) UpdatePerson(ctx context.Context, name string, o WriteOptions, apply func(p *pb.Person) error) (*pb.Person, error) {
	id, err := PersonID(name, "person.name")
	if err != nil {
		return nil, err
	}
	var out *pb.Person
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		r, err := tx.livePerson(ctx, id)
		if err != nil {
			return err
		}
		have := r.person.Etag
		if o.Shown != ShownAll && o.Etag != "" {
			// Its etag, which a change of what it does not read leaves.
			if have, err = tx.shownEtag(ctx, r.pk, o.Shown); err != nil {
				return err
			}
		}
		if err := checkEtag(o.Etag, have, "person.etag"); err != nil {
			return err
		}
		// apply sees the whole profile, fields and roles included, so that
		// what the mask leaves out is kept.
		if err := tx.attach(ctx, pb.PersonView_PERSON_VIEW_BASIC, r); err != nil {
			return err
		}
		// A display name the store derived follows the parts it came from,
		// unless the update sets one.
		before := proto.Clone(r.person)
		oldDisplay := r.person.DisplayName
		derived := oldDisplay == joinName(r.person)
		if err := apply(r.person); err != nil {
			return err
		}
		if err := keepRegistryDate(before.(*pb.Person), r.person); err != nil {
			return err
		}
		if unchanged(before, r.person) {
			if out, err = tx.loadPerson(ctx, id, pb.PersonView_PERSON_VIEW_BASIC); err != nil {
				return err
			}
			return tx.showPeople(ctx, o.Shown, out)
		}
		if derived && r.person.DisplayName == oldDisplay {
			r.person.DisplayName = ""
		}
		if err := tx.updatePerson(ctx, id, r.pk, r.person); err != nil {
			return err
		}
		if out, err = tx.loadPerson(ctx, id, pb.PersonView_PERSON_VIEW_BASIC); err != nil {
			return err
		}
		if err := tx.recordRevision(ctx, r.pk, "people/"+id, before, out); err != nil {
			return err
		}
		return tx.showPeople(ctx, o.Shown, out)
	})
	return out, err
}

// updatePerson writes p, the whole new profile of the person id (row pk),
// with the checks of a create.
func (tx *Tx) updatePerson(ctx context.Context, id string, pk int64, p *pb.Person) error {
	if err := checkText(p); err != nil {
		return err
	}
	p = normalizePerson(p)
	if err := tx.checkPerson(ctx, id, p); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE people SET family_name = ?, middle_name = ?, given_name = ?,
		display_name = ?, gender = ?, birth_year = ?, birth_month = ?, birth_day = ?, ethnicity = ?,
		national_id = ?, email = ?, phone = ?, phone_key = ?, hometown = ?, address = ?, availability = ?,
		work_location = ?, work_country = ?, update_time = ?, revision = revision + 1
		WHERE pk = ?`, append(personValues(p), micros(tx.now), pk)...)
	if err != nil {
		return dbError(err)
	}
	if err := tx.followPositions(ctx, id, pk, p); err != nil {
		return err
	}
	if err := tx.writeFieldsAndRoles(ctx, pk, p); err != nil {
		return err
	}
	return tx.reindexPerson(ctx, pk)
}

// DeletePerson deletes a person softly (AIP-164). A deleted person is
// NOT_FOUND.
func (db *DB) DeletePerson(ctx context.Context, name string, o WriteOptions) (*pb.Person, error) {
	return peopleSoftDelete.set(ctx, db, name, o, true)
}

// UndeletePerson restores a deleted person. Restoring a person who is not
// deleted is FAILED_PRECONDITION; one whose national ID another live person
// has taken meanwhile is ALREADY_EXISTS.
func (db *DB) UndeletePerson(ctx context.Context, name string, o WriteOptions) (*pb.Person, error) {
	return peopleSoftDelete.set(ctx, db, name, o, false)
}

var peopleSoftDelete = &softDelete[*personRow, *pb.Person]{
	collection: "people", table: "people", parse: PersonID,
	row:   (*Tx).person,
	state: func(r *personRow) (int64, bool, string) { return r.pk, r.deleted, r.person.Etag },
	check: func(ctx context.Context, tx *Tx, id string, r *personRow, deleting bool) error {
		if deleting {
			return nil
		}
		return tx.checkNationalIDFree(ctx, id, r.person.NationalId)
	},
	out: func(ctx context.Context, tx *Tx, id string) (*pb.Person, error) {
		return tx.loadPerson(ctx, id, pb.PersonView_PERSON_VIEW_BASIC)
	},
	after: func(ctx context.Context, tx *Tx, id string, r *personRow, out *pb.Person) error {
		return tx.recordRevision(ctx, r.pk, "people/"+id, &pb.Person{DeleteTime: r.person.DeleteTime}, &pb.Person{DeleteTime: out.DeleteTime})
	},
}

// personValues are the writable columns of p, in the order of the INSERT
// and UPDATE statements.
func personValues(p *pb.Person) []any {
	var year, month, day int32
	if d := p.GetBirthDate(); d != nil {
		year, month, day = d.Year, d.Month, d.Day
	}
	var nationalID any
	if p.NationalId != "" {
		nationalID = p.NationalId
	}
	return []any{p.FamilyName, p.MiddleName, p.GivenName, p.DisplayName, int32(p.Gender),
		year, month, day, p.Ethnicity, nationalID, p.Email, p.Phone, phoneKey(p.Phone), p.Hometown,
		p.Address, int32(p.Availability), int32(p.WorkLocation), p.WorkCountry}
}

// normalizePerson returns p with its text as normText keeps it, and the
// display name derived when empty. Diacritics stay exactly as
// entered: "Nguyễn" typed with combining marks and precomposed is one name.
func normalizePerson(p *pb.Person) *pb.Person {
	for _, s := range []*string{&p.FamilyName, &p.MiddleName, &p.GivenName, &p.DisplayName,
		&p.Ethnicity, &p.NationalId, &p.Email, &p.Phone, &p.Hometown, &p.Address, &p.WorkCountry,
		&p.Orcid, &p.CivilServantCode} {
		*s = normText(*s)
	}
	for _, f := range p.Fields {
		f.Field = normText(f.Field)
	}
	if p.DisplayName == "" {
		p.DisplayName = joinName(p)
	}
	return p
}

// joinName is the full name in Vietnamese order: family, middle, given.
func joinName(p *pb.Person) string {
	var parts []string
	for _, s := range []string{p.FamilyName, p.MiddleName, p.GivenName} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// normText is short text (names, titles, codes) as kept: vntext.Clean,
// so that names that look the same are the same.
func normText(s string) string { return vntext.Clean(s) }

// normProse is free text (notes, reasons) as kept: NFC, trimmed.
func normProse(s string) string { return strings.TrimSpace(vntext.NFC(s)) }

// personField prefixes the paths of a person's fields in errors: the person
// is the "person" field of the requests that write one.
const personField = "person."

// checkText refuses text that cannot be shown: control characters. It runs
// before the display name is derived, so that a bad part is reported once.
func checkText(p *pb.Person) error {
	var v Invalids
	for _, f := range []struct {
		field, value string
	}{
		{"family_name", p.FamilyName}, {"middle_name", p.MiddleName}, {"given_name", p.GivenName},
		{"display_name", p.DisplayName}, {"email", p.Email}, {"phone", p.Phone}, {"address", p.Address},
	} {
		if i := strings.IndexFunc(f.value, unicode.IsControl); i >= 0 {
			v.add(personField+f.field, "contains a control character at byte %d", i)
		}
	}
	return v.err()
}

// checkPerson checks p as it would be stored: required fields, dates, and
// uniqueness of the national ID.
func (tx *Tx) checkPerson(ctx context.Context, id string, p *pb.Person) error {
	if err := checkPersonFields(ctx, tx, p); err != nil {
		return err
	}
	return tx.checkNationalIDFree(ctx, id, p.NationalId)
}

// checkPersonFields checks p's own fields through c's lookups: all that
// checkPerson checks but the uniqueness of the national ID.
func checkPersonFields(ctx context.Context, c checker, p *pb.Person) error {
	tx := c.base()
	var v Invalids
	if p.GivenName == "" {
		v.add(personField+"given_name", "required: the person's given name (tên)")
	}
	if d := p.GetBirthDate(); d != nil {
		now := tx.now.In(Vietnam)
		checkBirthDate(&v, d, int32(now.Year()), int32(now.Month()), int32(now.Day()))
	}
	if d := p.GetRegistryDate(); d != nil {
		checkRegistryDate(&v, d, personField+"registry_date", today(tx.now))
	}
	if p.Ethnicity != "" {
		if err := c.checkRef(ctx, &v, RefEthnicGroup, personField+"ethnicity", p.Ethnicity, time.Time{}); err != nil {
			return err
		}
	}
	if p.Hometown != "" {
		// A hometown may be named by a unit that no longer exists.
		if err := c.checkRef(ctx, &v, RefAdminUnit, personField+"hometown", p.Hometown, time.Time{}); err != nil {
			return err
		}
	}
	if err := checkWorkCountry(ctx, c, &v, p); err != nil {
		return err
	}
	if err := checkFields(ctx, c, &v, p); err != nil {
		return err
	}
	checkIdentifiers(&v, p)
	return v.err()
}

func (tx *Tx) checkNationalIDFree(ctx context.Context, id, nationalID string) error {
	if nationalID == "" {
		return nil
	}
	var other string
	var restricted bool
	err := tx.QueryRowContext(ctx, `SELECT id, restricted != 0 FROM people WHERE national_id = ? AND delete_time IS NULL AND id != ?`,
		nationalID, id).Scan(&other, &restricted)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return dbError(err)
	}
	// A limited caller learns that the ID is taken, not by whom: the
	// holder may be outside its scope (Error.Withheld). A restricted
	// holder is named to admins alone, in the words of a registration
	// that meets them (errRestrictedByID).
	e := &Error{Code: AlreadyExists, Field: personField + "national_id",
		Message:  fmt.Sprintf("another person, people/%s, has this national ID", other),
		Withheld: "another person has this national ID; ask a registrar without a limit to look into it"}
	if restricted {
		e.Withheld = fmt.Sprintf(restrictedText, "the registered person with this national ID", "look into it")
		e.NamesRestricted = true
	}
	return e
}
