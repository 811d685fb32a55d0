package store

import (
	"context"
	"fmt"
	"sync"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A page of BASIC profiles (the people rows, and their identifiers,
// fields of expertise, expert roles and current positions beside them)
// cost, after the search's bands, a fifth of its CPU in four statements
// attaching what people hold and a quarter reading the rows' 29 columns
// (issue 19). heldCache keeps each person's BASIC profile in memory for
// the state it was read in, and a page reads of each person only what
// says which state it is (heldKeyColumns):
//
//   - every write of the row or of what it holds through the store moves
//     the person's revision in the same transaction (touchPerson,
//     updatePerson, touchHidden for consents, whose triggers set the
//     restriction), so an entry serves a row of the same pk, create
//     time, name and revision;
//   - the two writes that change a profile without moving it (an
//     organization renamed or deleted, whose name and id current
//     positions show; a position made current or ended by SQL, as
//     EndLapsedPositions does, which the triggers follow on the row's
//     work location) move attach_clock (migration 0052) in their
//     transaction instead, and the entries are all of one generation of
//     the clock, read in the reader's transaction.
//
// So what a reader finds here is what it would read in its own snapshot
// (TestHeldCacheAsRead). The store redacts nothing by role; the server
// redacts what it answers. Each answer gets its own Person and birth date
// (answerCopy: the Person's fields are what showPeople and the server's
// hooks set or clear in an answer, the birth date the one message a
// redaction cuts within), so that no answer's change reaches the memory
// or another answer (TestHeldAnswersOwn); the rest of a profile's
// messages are the memory's, shared by every answer and read only.
//
// GetPerson reads BASIC profiles from the same memory, and FULL ones
// from a memory of the same kind that holds them encoded, so that each
// answer decodes its own (heldperson.go).

// attachClockSQL reads the generation of attach_clock.
const attachClockSQL = `SELECT generation FROM attach_clock WHERE id = 1`

// heldCacheBytes bounds the memory of the BASIC entries, about. A page
// of 50 is about 60 KB; the bound keeps some 7,000 people, the pages of
// many searches, well within the server's peak memory at a million
// people.
const heldCacheBytes = 8 << 20

// heldKeyColumns are what a page of BASIC profiles reads of each person
// (heldKeys): which state of them it is. The name is made by SQLite, one
// string a row (not the id's and then the name's).
const heldKeyColumns = `p.pk, p.revision, p.create_time, 'people/' || p.id`

// heldKey is a person's state as heldKeyColumns read it.
type heldKey struct {
	pk, revision, created int64
	name                  string // people/{id}
}

// heldKeys returns a scan of heldKeyColumns for one listing's rows, into
// the same variables each row: what a row costs is SQLite's values, not a
// Person and a list of pointers (a search's garbage, issue 19).
func heldKeys() func(s scanner, extra ...any) (heldKey, error) {
	var k heldKey
	var args []any
	return func(s scanner, extra ...any) (heldKey, error) {
		args = append(append(args[:0], &k.pk, &k.revision, &k.created, &k.name), extra...)
		err := s.Scan(args...)
		return k, err
	}
}

// heldEntry is a person's profile (T: a Person, or its encoding), as
// the row of the state it was read in and what they held then.
type heldEntry[T any] struct {
	pk                int64
	name              string // people/{id}
	created, revision int64
	profile           T
	bytes             int
}

// heldCache is the entries of one generation of attach_clock, in two
// halves: entries are added to cur, and when it holds half the bound,
// old is dropped and cur becomes old; an entry found in old moves back
// to cur. Those used least recently go first, at little bookkeeping.
type heldCache[T any] struct {
	mu       sync.Mutex
	bound    int // the bytes its entries may hold, about
	gen      int64
	cur, old map[int64]*heldEntry[T]
	curBytes int
}

// heldPeople reads the BASIC profiles of the people keys says, in its
// order: from memory where it holds their state, the rest from their rows
// and what they hold.
func (tx *Tx) heldPeople(ctx context.Context, view pb.PersonView, keys []heldKey) ([]*pb.Person, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var gen int64
	if err := tx.QueryRowContext(ctx, attachClockSQL).Scan(&gen); err != nil {
		return nil, dbError(err)
	}
	c := &tx.db.held
	people := make([]*pb.Person, len(keys))
	missed := answersOf(c.lookUp(gen, keys), people)
	if len(missed) == 0 {
		return people, nil
	}
	pks := make([]any, len(missed))
	for i, at := range missed {
		pks[i] = keys[at].pk
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+personColumns+` FROM people p WHERE p.pk IN (`+placeholders(len(pks))+`)`, pks...)
	if err != nil {
		return nil, dbError(err)
	}
	read := make(map[int64]*personRow, len(missed))
	for rows.Next() {
		r, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, dbError(err)
		}
		read[r.pk] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	full := make([]*personRow, len(missed))
	for i, at := range missed {
		k := keys[at]
		r := read[k.pk]
		if r == nil || r.revision != k.revision {
			return nil, &Error{Code: Internal, Message: "listing", Err: fmt.Errorf("row %d of the page changed within its transaction", k.pk)}
		}
		full[i] = r
	}
	if err := tx.attach(ctx, view, full...); err != nil {
		return nil, err
	}
	entries := make([]*heldEntry[*pb.Person], len(full))
	for i, r := range full {
		entries[i] = newHeldEntry(r)
	}
	c.add(gen, entries)
	for i, at := range missed {
		people[at] = full[i].person
	}
	return people, nil
}

// lookUp returns the entries of keys where they are held for that
// state, nil for the others. A reader of an older generation than the
// memory's finds nothing; one of a newer empties it.
func (c *heldCache[T]) lookUp(gen int64, keys []heldKey) []*heldEntry[T] {
	found := make([]*heldEntry[T], len(keys))
	c.mu.Lock()
	if gen > c.gen || c.cur == nil {
		c.gen, c.cur, c.old, c.curBytes = gen, map[int64]*heldEntry[T]{}, nil, 0
	}
	if gen == c.gen {
		for i, k := range keys {
			e := c.cur[k.pk]
			if e == nil {
				if e = c.old[k.pk]; e != nil {
					delete(c.old, k.pk)
					c.put(k.pk, e)
				}
			}
			if e != nil && e.revision == k.revision && e.created == k.created && e.name == k.name {
				found[i] = e
			}
		}
	}
	c.mu.Unlock()
	return found
}

// answersOf sets people[i] to an answer's copy of found[i], and returns
// the indexes of those not found.
func answersOf(found []*heldEntry[*pb.Person], people []*pb.Person) (missed []int) {
	n := 0
	for _, e := range found {
		if e != nil {
			n++
		}
	}
	answers := make([]heldAnswer, n) // the page's, in one allocation
	for i, e := range found {
		if e == nil {
			missed = append(missed, i)
			continue
		}
		people[i] = answerCopy(&answers[0], e.profile)
		answers = answers[1:]
	}
	return missed
}

// add keeps entries, read in generation gen.
func (c *heldCache[T]) add(gen int64, entries []*heldEntry[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	for _, e := range entries {
		if have := c.cur[e.pk]; have != nil && have.revision > e.revision {
			continue // a newer state's, read by a newer snapshot
		}
		delete(c.old, e.pk)
		c.put(e.pk, e)
	}
}

// put adds e to cur, turning the halves when cur is full.
func (c *heldCache[T]) put(pk int64, e *heldEntry[T]) {
	if c.curBytes+e.bytes > c.bound/2 {
		c.old, c.cur, c.curBytes = c.cur, map[int64]*heldEntry[T]{}, 0
	}
	if have := c.cur[pk]; have != nil {
		c.curBytes -= have.bytes
	}
	c.cur[pk] = e
	c.curBytes += e.bytes
}

// About what an entry costs beside its strings: the map's slot, the
// entry, the person's and each message's struct.
const (
	heldEntryBytes    = 700
	heldFieldBytes    = 80
	heldPositionBytes = 300
)

// newHeldEntry copies r's BASIC profile.
func newHeldEntry(r *personRow) *heldEntry[*pb.Person] {
	p := r.person
	e := &heldEntry[*pb.Person]{pk: r.pk, name: p.Name, created: r.created, revision: r.revision, profile: copyPerson(p)}
	e.bytes = heldEntryBytes + len(p.Name) + len(p.FamilyName) + len(p.MiddleName) + len(p.GivenName) +
		len(p.DisplayName) + len(p.Ethnicity) + len(p.NationalId) + len(p.Email) + len(p.Phone) + len(p.Hometown) +
		len(p.Address) + len(p.WorkCountry) + len(p.HighestQualificationLevel) + len(p.Etag) + len(p.Orcid) +
		len(p.CivilServantCode) + 4*len(p.ExpertRoles)
	for _, f := range p.Fields {
		e.bytes += heldFieldBytes + len(f.Field) + len(f.Code)
	}
	for _, pos := range p.CurrentPositions {
		e.bytes += heldPositionBytes + len(pos.Name) + len(pos.Organization) + len(pos.OrganizationName) +
			len(pos.Title) + len(pos.Department) + len(pos.Country) + len(pos.AdministrativeUnit) + len(pos.Etag)
	}
	return e
}

// heldAnswer is an answer's own part of a held profile.
type heldAnswer struct {
	person pb.Person
	birth  date.Date
}

// answerCopy makes a an answer's copy of the held profile p: its own
// Person, whose fields showPeople sets (etag, update_time) and the
// server's hooks set or clear, and its own birth date, the one message
// within that a redaction changes (a year-only date cut to its year;
// every other field marked personal data is the Person's own). The other
// messages (times, academic title, fields, current positions) and the
// lists are p's, shared with the memory and every other answer, and read
// only: nothing changes them in an answer (the server's redaction and
// contact hiding change clones). Copying the whole profile (copyPerson)
// made a third of a search's garbage (issue 19). TestHeldCopiesWhole
// wants the copy equal to p, TestHeldAnswersOwn an answer's changes kept
// to it.
func answerCopy(a *heldAnswer, p *pb.Person) *pb.Person {
	out := &a.person
	out.Name, out.FamilyName, out.MiddleName, out.GivenName = p.Name, p.FamilyName, p.MiddleName, p.GivenName
	out.DisplayName, out.Gender, out.Ethnicity = p.DisplayName, p.Gender, p.Ethnicity
	out.NationalId, out.Email, out.Phone, out.Hometown, out.Address = p.NationalId, p.Email, p.Phone, p.Hometown, p.Address
	out.Availability, out.WorkLocation, out.WorkCountry = p.Availability, p.WorkLocation, p.WorkCountry
	out.HighestQualificationLevel, out.RegistryDate = p.HighestQualificationLevel, p.RegistryDate
	out.CreateTime, out.UpdateTime, out.DeleteTime = p.CreateTime, p.UpdateTime, p.DeleteTime
	out.Etag, out.Restricted, out.ContactAllowed = p.Etag, p.Restricted, p.ContactAllowed
	out.Orcid, out.CivilServantCode, out.AcademicTitle = p.Orcid, p.CivilServantCode, p.AcademicTitle
	// The lists at their length: an append to an answer's makes its own.
	out.ExpertRoles = p.ExpertRoles[:len(p.ExpertRoles):len(p.ExpertRoles)]
	out.Fields = p.Fields[:len(p.Fields):len(p.Fields)]
	out.CurrentPositions = p.CurrentPositions[:len(p.CurrentPositions):len(p.CurrentPositions)]
	if d := p.BirthDate; d != nil {
		a.birth.Year, a.birth.Month, a.birth.Day = d.Year, d.Month, d.Day
		out.BirthDate = &a.birth
	}
	return out
}

// copyPerson, copyField and copyPosition copy a BASIC profile field by
// field, at a fraction of proto.Clone's CPU, for the memory's own copy of
// a profile read; TestHeldCopiesWhole sets every field and wants them all
// copied. A BASIC profile holds none of the FULL view's lists.
func copyPerson(p *pb.Person) *pb.Person {
	out := &pb.Person{
		Name: p.Name, FamilyName: p.FamilyName, MiddleName: p.MiddleName, GivenName: p.GivenName,
		DisplayName: p.DisplayName, Gender: p.Gender, BirthDate: copyDate(p.BirthDate), Ethnicity: p.Ethnicity,
		NationalId: p.NationalId, Email: p.Email, Phone: p.Phone, Hometown: p.Hometown, Address: p.Address,
		Availability: p.Availability, WorkLocation: p.WorkLocation, WorkCountry: p.WorkCountry,
		HighestQualificationLevel: p.HighestQualificationLevel, RegistryDate: copyDate(p.RegistryDate),
		CreateTime: copyTime(p.CreateTime), UpdateTime: copyTime(p.UpdateTime), DeleteTime: copyTime(p.DeleteTime),
		Etag: p.Etag, Restricted: p.Restricted, ContactAllowed: p.ContactAllowed,
		Orcid: p.Orcid, CivilServantCode: p.CivilServantCode,
	}
	if t := p.AcademicTitle; t != nil {
		out.AcademicTitle = &pb.ConferredTitle{Title: t.Title, Year: t.Year}
	}
	if len(p.ExpertRoles) > 0 {
		out.ExpertRoles = append([]pb.Person_ExpertRole(nil), p.ExpertRoles...)
	}
	for _, f := range p.Fields {
		out.Fields = append(out.Fields, copyField(f))
	}
	for _, pos := range p.CurrentPositions {
		out.CurrentPositions = append(out.CurrentPositions, copyPosition(pos))
	}
	return out
}

func copyField(f *pb.FieldOfExpertise) *pb.FieldOfExpertise {
	return &pb.FieldOfExpertise{Field: f.Field, Primary: f.Primary, Code: f.Code}
}

func copyPosition(p *pb.Position) *pb.Position {
	return &pb.Position{
		Name: p.Name, Organization: p.Organization, OrganizationName: p.OrganizationName,
		Title: p.Title, Department: p.Department, EmploymentType: p.EmploymentType,
		Start: copyDate(p.Start), End: copyDate(p.End), Current: p.Current,
		Country: p.Country, AdministrativeUnit: p.AdministrativeUnit,
		CreateTime: copyTime(p.CreateTime), UpdateTime: copyTime(p.UpdateTime), Etag: p.Etag,
	}
}

func copyDate(d *date.Date) *date.Date {
	if d == nil {
		return nil
	}
	return &date.Date{Year: d.Year, Month: d.Month, Day: d.Day}
}

func copyTime(t *timestamppb.Timestamp) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return &timestamppb.Timestamp{Seconds: t.Seconds, Nanos: t.Nanos}
}
