package store

import (
	"context"
	"sync"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What a page of BASIC profiles holds beside the people rows (a person's
// identifiers, fields of expertise, expert roles and current positions)
// was a fifth of a search's CPU in four statements a page, current
// positions the most (issue 19). heldCache keeps it in memory, by person,
// for the state of the person it was read in:
//
//   - every write of these through the store moves the person's revision
//     in the same transaction (touchPerson, updatePerson), so an entry
//     serves a row of the same pk, create time, name and revision;
//   - the two writes that change them without moving it (an organization
//     renamed or deleted, whose name and id current positions show; a
//     position made current or ended by SQL, as EndLapsedPositions does)
//     move attach_clock (migration 0052) in their transaction instead,
//     and the entries are all of one generation of the clock, read in the
//     reader's transaction.
//
// So what a reader finds here is what it would read in its own snapshot
// (TestHeldCacheAsRead). The store redacts nothing by role; the server
// redacts what it answers, on copies, and each answer here gets its own
// messages (heldEntry.give), so that no answer's change reaches the
// memory or another answer.

// attachClockSQL reads the generation of attach_clock.
const attachClockSQL = `SELECT generation FROM attach_clock WHERE id = 1`

// heldCacheBytes bounds the memory of the entries, about (a variable for
// tests). A page of 50 is about 40 KB; the bound keeps some 10,000
// people, the pages of many searches, well within the server's peak
// memory at a million people.
var heldCacheBytes = 8 << 20

// heldEntry is what one person holds beside their row, in the BASIC
// view, for the state of their row it was read in.
type heldEntry struct {
	name              string // people/{id}
	created, revision int64
	orcid, civilCode  string
	fields            []*pb.FieldOfExpertise
	roles             []pb.Person_ExpertRole
	positions         []*pb.Position
	bytes             int
}

// heldCache is the entries of one generation of attach_clock, in two
// halves: entries are added to cur, and when it holds half the bound,
// old is dropped and cur becomes old; an entry found in old moves back
// to cur. Those used least recently go first, at little bookkeeping.
type heldCache struct {
	mu       sync.Mutex
	gen      int64
	cur, old map[int64]*heldEntry
	curBytes int
}

// attachPage is attach for a page of people read in a read transaction:
// the BASIC view from memory where it holds the people's state, the rest
// (and the FULL view) read.
func (tx *Tx) attachPage(ctx context.Context, view pb.PersonView, rows ...*personRow) error {
	if view == pb.PersonView_PERSON_VIEW_FULL || len(rows) == 0 {
		return tx.attach(ctx, view, rows...)
	}
	var gen int64
	if err := tx.QueryRowContext(ctx, attachClockSQL).Scan(&gen); err != nil {
		return dbError(err)
	}
	c := &tx.db.held
	missed := c.lookUp(gen, rows)
	if len(missed) == 0 {
		return nil
	}
	if err := tx.attach(ctx, view, missed...); err != nil {
		return err
	}
	c.add(gen, missed)
	return nil
}

// lookUp gives each of rows found for its state what it holds, and
// returns the others. A reader of an older generation than the memory's
// finds nothing; one of a newer empties it.
func (c *heldCache) lookUp(gen int64, rows []*personRow) (missed []*personRow) {
	c.mu.Lock()
	if gen > c.gen || c.cur == nil {
		c.gen, c.cur, c.old, c.curBytes = gen, map[int64]*heldEntry{}, nil, 0
	}
	if gen != c.gen {
		c.mu.Unlock()
		return rows
	}
	found := make([]*heldEntry, len(rows))
	for i, r := range rows {
		e := c.cur[r.pk]
		if e == nil {
			if e = c.old[r.pk]; e != nil {
				delete(c.old, r.pk)
				c.put(r.pk, e)
			}
		}
		if e != nil && e.revision == r.revision && e.created == r.created && e.name == r.person.Name {
			found[i] = e
		}
	}
	c.mu.Unlock()
	for i, r := range rows {
		if found[i] == nil {
			missed = append(missed, r)
			continue
		}
		found[i].give(r.person)
	}
	return missed
}

// add keeps what rows, read in generation gen, hold.
func (c *heldCache) add(gen int64, rows []*personRow) {
	entries := make([]*heldEntry, len(rows))
	for i, r := range rows {
		entries[i] = newHeldEntry(r)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	for i, r := range rows {
		if have := c.cur[r.pk]; have != nil && have.revision > r.revision {
			continue // a newer state's, read by a newer snapshot
		}
		delete(c.old, r.pk)
		c.put(r.pk, entries[i])
	}
}

// put adds e to cur, turning the halves when cur is full.
func (c *heldCache) put(pk int64, e *heldEntry) {
	if c.curBytes+e.bytes > heldCacheBytes/2 {
		c.old, c.cur, c.curBytes = c.cur, map[int64]*heldEntry{}, 0
	}
	if have := c.cur[pk]; have != nil {
		c.curBytes -= have.bytes
	}
	c.cur[pk] = e
	c.curBytes += e.bytes
}

// heldEntryBytes is about what an entry costs beside its strings: the
// map's slot, the entry and each message's struct.
const (
	heldEntryBytes    = 200
	heldFieldBytes    = 80
	heldPositionBytes = 300
)

// newHeldEntry copies what r's person holds in the BASIC view.
func newHeldEntry(r *personRow) *heldEntry {
	p := r.person
	e := &heldEntry{name: p.Name, created: r.created, revision: r.revision,
		orcid: p.Orcid, civilCode: p.CivilServantCode, roles: append([]pb.Person_ExpertRole(nil), p.ExpertRoles...)}
	e.bytes = heldEntryBytes + len(e.name) + len(e.orcid) + len(e.civilCode) + 4*len(e.roles)
	for _, f := range p.Fields {
		e.fields = append(e.fields, copyField(f))
		e.bytes += heldFieldBytes + len(f.Field) + len(f.Code)
	}
	for _, pos := range p.CurrentPositions {
		e.positions = append(e.positions, copyPosition(pos))
		e.bytes += heldPositionBytes + len(pos.Name) + len(pos.Organization) + len(pos.OrganizationName) +
			len(pos.Title) + len(pos.Department) + len(pos.Country) + len(pos.AdministrativeUnit) + len(pos.Etag)
	}
	return e
}

// give sets on p, as attach does for the BASIC view, copies of what e
// holds.
func (e *heldEntry) give(p *pb.Person) {
	p.Orcid, p.CivilServantCode = e.orcid, e.civilCode
	p.Fields, p.ExpertRoles, p.CurrentPositions = nil, nil, nil
	if len(e.roles) > 0 {
		p.ExpertRoles = append([]pb.Person_ExpertRole(nil), e.roles...)
	}
	for _, f := range e.fields {
		p.Fields = append(p.Fields, copyField(f))
	}
	for _, pos := range e.positions {
		p.CurrentPositions = append(p.CurrentPositions, copyPosition(pos))
	}
	p.Qualifications, p.Positions, p.Honors, p.Memberships, p.Works = nil, nil, nil, nil, nil
}

// copyField and copyPosition copy the messages field by field, at a
// tenth of proto.Clone's CPU; TestHeldCopiesWhole sets every field and
// wants them all copied.
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
