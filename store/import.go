package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// ImportOptions say how an import applies its rows.
type ImportOptions struct {
	// DryRun checks every row as a real import would and changes nothing.
	DryRun bool
	// Overwrite lets an imported value replace a different registered one;
	// without it such a difference is a conflict, listed and not applied.
	Overwrite bool
	// Operation, when set, is stored as finished in the import's own
	// transaction, once Finish has filled it in: the operation is done if
	// and only if its work committed.
	Operation *Operation
	// Finish fills in the operation's final state after the rows.
	Finish func(op *Operation)
	// Audit is the event of the import, stored with its write and naming
	// every person it creates or changes: in parts of AuditPartNames
	// names, stored as the rows go (Tx.cutAudit).
	Audit *AuditEvent
	// Admin is an administrator's import. Other callers' rows may not
	// reach a restricted person, as no other write of theirs may
	// (server/privacy.go), and never compare the contact details a person
	// withholds (contact_allowed): the answer would tell the values.
	Admin bool
	// DryRunSlice is how long a dry run holds the writer before Yield
	// lets the writes waiting for it in; DefaultDryRunSlice when 0.
	DryRunSlice time.Duration
	// Yields says that a dry run calls Yield: it lets the writes waiting
	// in every slice, and so does not count as holding the writer
	// (importwait.go).
	Yields bool
	// RegistryDate, when set, is the registry date of the people the
	// import creates from rows that give none (registrydate.go): the day
	// the lists the file comes from had them. Checked by
	// CheckImportRegistryDate before the import starts.
	RegistryDate *date.Date
}

// ImportAction is what an imported row did.
type ImportAction int

const (
	Created ImportAction = iota + 1
	Updated
	Unchanged
	// Duplicate is a row that resembles a registered person it cannot be
	// matched to for certain (no national ID): it is not created.
	Duplicate
)

// Conflict is an imported value that differs from a registered one.
type Conflict struct {
	Field      string // e.g. "person.email"
	Registered string
	Imported   string
	// Withheld is a contact detail the person withholds from the caller,
	// or the state of a membership whose person the caller is not shown:
	// it was neither compared nor applied, and Registered is empty.
	Withheld bool
	// Immutable is a value that never changes once the person is
	// registered (the registry date): not applied, even with Overwrite.
	Immutable bool
}

// ImportOutcome is what one row did.
type ImportOutcome struct {
	Action     ImportAction
	Person     string // people/{id}
	Conflicts  []Conflict
	Duplicates []string // people/{id} the row resembles
}

// Importer applies the rows of one import inside its transaction. New
// people are created through its bulk transaction; everything else goes
// through the API's own transaction-level code.
type Importer struct {
	tx   *Tx
	bulk *BulkTx
	o    ImportOptions
	// A dry run's transaction: end rolls it back and gives the writer
	// back; since is when it began.
	end   func()
	since time.Time
	// refused are the national IDs of the people sheet's refused rows, by
	// the row: a record naming one says that row is why (RefusedRow).
	refused map[string]int
	// met are the registered people the rows met (meet).
	met []string
}

// meet notes registered people a row met by what it gave of them (a
// national ID, a look-alike), whatever becomes of the row.
func (im *Importer) meet(names ...string) { im.met = append(im.met, names...) }

// named puts the people the rows met on the import's event, once what
// the import wrote (or did not) is settled: a dry run, or a row or an
// import refused, told the caller that a registered person holds a
// national ID, as RegisterMember tells it (registration.go), and the
// person's trail and export must show who asked.
func (im *Importer) named() {
	if im != nil && im.o.Audit != nil {
		im.o.Audit.AddResources(im.met...)
	}
}

// RefusedRow notes that row of the people sheet, which adds the person
// with nationalID, was refused: a record of theirs is refused saying so,
// rather than that no row adds them.
func (im *Importer) RefusedRow(nationalID string, row int) {
	if nationalID == "" {
		return
	}
	if im.refused == nil {
		im.refused = map[string]int{}
	}
	if _, ok := im.refused[nationalID]; !ok {
		im.refused[nationalID] = row
	}
}

// DefaultDryRunSlice is how long a dry run holds the writer before Yield
// lets the writes waiting for it in, unless ImportOptions say otherwise.
const DefaultDryRunSlice = 200 * time.Millisecond

// Import runs fn with an Importer in one write transaction: all of it
// commits or none (a row that fails is rolled back to its savepoint, and the
// caller decides whether the rest commits by what fn returns). A dry run
// rolls everything back, and may hold the writer in slices (Yield).
func (db *DB) Import(ctx context.Context, o ImportOptions, fn func(im *Importer) error) error {
	if o.DryRun {
		return db.dryImport(ctx, o, fn)
	}
	var im *Importer
	defer func() { im.named() }()
	return db.write(ctx, false, o.Audit, func(tx *Tx) error {
		defer db.queue.holdWriter()()
		im = &Importer{tx: tx, bulk: newBulkTx(tx), o: o}
		if err := fn(im); err != nil {
			return err
		}
		// A part of what the last rows named, before the event's last
		// part is stored with the write: rows are cut before they run.
		if err := tx.cutAudit(ctx); err != nil {
			return err
		}
		if err := im.bulk.flushReindex(ctx); err != nil {
			return err
		}
		if o.Operation != nil {
			if o.Finish != nil {
				o.Finish(o.Operation)
			}
			return tx.finishOperation(ctx, o.Operation)
		}
		return nil
	})
}

// dryImport runs fn as a real import would, in write transactions that
// are rolled back: nothing commits (nor is the search index of the new
// people written), and Yield ends one and begins the next.
func (db *DB) dryImport(ctx context.Context, o ImportOptions, fn func(im *Importer) error) error {
	if err := db.refuseWrite(); err != nil {
		return err
	}
	im := &Importer{o: o}
	// Deferred first, run last: after what it wrote is forgotten.
	defer im.named()
	if o.Audit != nil {
		// Nothing it names is written.
		n := len(o.Audit.Resources)
		defer o.Audit.dropResourcesAfter(n)
	}
	if !o.Yields {
		defer db.queue.holdWriter()()
	}
	defer im.rollback()
	if err := im.begin(ctx, db); err != nil {
		return err
	}
	return db.observe(fn(im))
}

func (im *Importer) begin(ctx context.Context, db *DB) error {
	conn, end, err := beginTx(ctx, db.writer, "BEGIN IMMEDIATE")
	if err != nil {
		return db.beginFailed(err)
	}
	im.end, im.since = end, time.Now()
	im.tx = &Tx{conn: conn, db: db, now: db.Now().UTC().Truncate(time.Microsecond), audit: im.o.Audit, writing: true}
	im.bulk = newBulkTx(im.tx)
	if _, err := im.tx.beginChanges(ctx); err != nil {
		return db.observe(err)
	}
	return nil
}

func (im *Importer) rollback() {
	if im.end != nil {
		im.end()
		im.end = nil
	}
}

// Yield lets the writes waiting for the writer in, when this is a dry run
// that has held it for its slice (ImportOptions.DryRunSlice): its transaction is rolled back and the
// next begun. What the rows before did is forgotten: a later row no
// longer finds the people they created or changed (by Mã hồ sơ or
// national ID, as a look-alike, or from another sheet), so the caller
// yields only in a file of people alone none of whose rows may name the
// person of another (transfer.Mapping.Repeats): there it reports what
// the import would. A real import does not yield: it commits all or
// nothing, in one transaction.
func (im *Importer) Yield(ctx context.Context) error {
	slice := im.o.DryRunSlice
	if slice <= 0 {
		slice = DefaultDryRunSlice
	}
	if !im.o.DryRun || time.Since(im.since) < slice {
		return nil
	}
	db := im.tx.db
	im.rollback()
	return im.begin(ctx, db)
}

// Person applies one row: it creates the person, or fills in the person the
// row names (by people/{id} in Name, or by national ID). A row that fails
// changes nothing and the import goes on.
func (im *Importer) Person(ctx context.Context, row *pb.Person) (*ImportOutcome, error) {
	var out *ImportOutcome
	err := im.savepoint(ctx, func() (err error) {
		out, err = im.person(ctx, row)
		return err
	})
	return out, err
}

// CheckPerson runs, reading only, the store's checks of a new person on
// a row that will not be applied (a cell of it could not be read, or the
// request's rules refuse it), so that the row's problems are reported
// together. A row naming a registered person, by Mã hồ sơ or a national
// ID someone has, would fill them in rather than create: it is not
// checked here.
func (im *Importer) CheckPerson(ctx context.Context, row *pb.Person) error {
	if row.Name != "" {
		return nil
	}
	if row.NationalId != "" {
		var one int
		err := im.tx.QueryRowContext(ctx, `SELECT 1 FROM people WHERE national_id = ? AND delete_time IS NULL`, row.NationalId).Scan(&one)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return dbError(err)
		}
	}
	p := im.withRegistryDate(proto.Clone(row).(*pb.Person))
	if err := checkText(p); err != nil {
		return err
	}
	return checkPersonFields(ctx, im.bulk, normalizePerson(p))
}

func (im *Importer) person(ctx context.Context, row *pb.Person) (*ImportOutcome, error) {
	tx := im.tx
	var match *personRow
	switch {
	case row.Name != "":
		id, err := PersonID(row.Name, "person.name")
		if err != nil {
			return nil, err
		}
		if match, err = tx.livePerson(ctx, id); err != nil {
			return nil, namedBy(err, "person.name")
		}
		if err := im.reach(match, "person.name", true); err != nil {
			return nil, err
		}
	case row.NationalId != "":
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE national_id = ? AND delete_time IS NULL`, row.NationalId).Scan(&id)
		if err == nil {
			if match, err = tx.person(ctx, id); err != nil {
				return nil, err
			}
			if err := im.reach(match, "person.national_id", false); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, dbError(err)
		}
	}
	if match != nil {
		return im.merge(ctx, match, row)
	}
	if row.NationalId != "" {
		// A national ID nobody has is a new person, however like another
		// they look: only a row without a key is checked for look-alikes.
		return im.create(ctx, row)
	}
	probe := normalizePerson(proto.Clone(row).(*pb.Person))
	dups, err := tx.possibleDuplicates(ctx, &personRow{person: probe})
	if err != nil {
		return nil, err
	}
	if len(dups) > 0 {
		out := &ImportOutcome{Action: Duplicate}
		for _, d := range dups {
			r, err := tx.personByPK(ctx, d.pk)
			if err != nil {
				return nil, err
			}
			out.Duplicates = append(out.Duplicates, r.person.Name)
			// A row with nothing the registered person lacks is that person
			// imported before: importing a file twice changes nothing. Not
			// said when the caller may not compare: a restricted person, or
			// contact details the person withholds.
			hidden := !im.o.Admin && (r.person.Restricted || !r.person.ContactAllowed && hasContact(probe))
			// Nor when the row gives another registry date, which no
			// import changes: it may be another person.
			sameDay := row.GetRegistryDate() == nil || proto.Equal(row.GetRegistryDate(), r.person.RegistryDate)
			if len(dups) == 1 && probe.NationalId == "" && !hidden && sameDay && len(diff(r.person, probe)) == 0 {
				return &ImportOutcome{Action: Unchanged, Person: r.person.Name}, nil
			}
		}
		return out, nil
	}
	return im.create(ctx, row)
}

func (im *Importer) create(ctx context.Context, row *pb.Person) (*ImportOutcome, error) {
	name, err := im.bulk.createPerson(ctx, im.withRegistryDate(row))
	if err != nil {
		return nil, err
	}
	return &ImportOutcome{Action: Created, Person: name}, nil
}

// merge fills in what the registered person lacks from the row; a value
// that differs from a registered one is a conflict, applied only with
// Overwrite.
func (im *Importer) merge(ctx context.Context, r *personRow, row *pb.Person) (*ImportOutcome, error) {
	tx := im.tx
	out := &ImportOutcome{Action: Unchanged, Person: r.person.Name}
	if err := tx.attach(ctx, pb.PersonView_PERSON_VIEW_BASIC, r); err != nil {
		return nil, err
	}
	have := r.person
	derived := have.DisplayName == joinName(have)
	want := normalizePerson(proto.Clone(row).(*pb.Person))
	if row.DisplayName == "" {
		want.DisplayName = ""
	}
	if !have.ContactAllowed && !im.o.Admin {
		// Whether a value is the same, different or absent would each
		// tell something: a withheld detail is neither compared nor set.
		w := want.ProtoReflect()
		for _, name := range contactFields {
			if fd := w.Descriptor().Fields().ByName(name); w.Has(fd) {
				out.Conflicts = append(out.Conflicts, Conflict{Field: "person." + string(name), Imported: valueText(fd, w.Get(fd)), Withheld: true})
				w.Clear(fd)
			}
		}
	}
	if err := checkMerged(ctx, im.bulk, have, want); err != nil {
		return nil, err
	}
	if d := row.GetRegistryDate(); d != nil && !proto.Equal(d, have.RegistryDate) {
		// Only the row's own cell: the import's date is for new people.
		out.Conflicts = append(out.Conflicts, Conflict{Field: personField + "registry_date",
			Registered: dateCell(have.RegistryDate), Imported: dateCell(d), Immutable: true})
	}
	changed := false
	for _, fd := range diff(have, want) {
		hv, wv := have.ProtoReflect().Get(fd), want.ProtoReflect().Get(fd)
		if have.ProtoReflect().Has(fd) && !im.o.Overwrite {
			out.Conflicts = append(out.Conflicts, Conflict{Field: "person." + string(fd.Name()),
				Registered: valueText(fd, hv), Imported: valueText(fd, wv)})
			continue
		}
		have.ProtoReflect().Set(fd, wv)
		changed = true
	}
	if !changed {
		return out, nil
	}
	if derived && row.DisplayName == "" {
		have.DisplayName = ""
	}
	id := strings.TrimPrefix(have.Name, "people/")
	if err := tx.updatePerson(ctx, id, r.pk, have); err != nil {
		return nil, err
	}
	tx.auditResource(have.Name)
	out.Action = Updated
	return out, nil
}

// checkMerged refuses a row whose values for a registered person cannot
// be (a birth date in the future, an unknown code), whether they would
// fill in, overwrite or be a conflict: checked as the person with them
// applied, only the fields the row would change are judged, so that what
// is registered already does not refuse a row that repeats it.
func checkMerged(ctx context.Context, c checker, have, want *pb.Person) error {
	changes := diff(have, want)
	if len(changes) == 0 {
		return nil
	}
	merged := proto.Clone(have).(*pb.Person)
	for _, fd := range changes {
		merged.ProtoReflect().Set(fd, want.ProtoReflect().Get(fd))
	}
	err := checkPersonFields(ctx, c, merged)
	var v Invalids
	if !errors.As(err, &v) {
		return err
	}
	var mine Invalids
	for _, e := range v {
		for _, fd := range changes {
			if f := personField + string(fd.Name()); e.Field == f || strings.HasPrefix(e.Field, f+".") {
				mine = append(mine, e)
				break
			}
		}
	}
	return mine.err()
}

// reach refuses a row that meets a restricted person, for callers other
// than admins. byName says the row named them by Mã hồ sơ, so the answer
// may name them back; one found by national ID is not named.
func (im *Importer) reach(r *personRow, field string, byName bool) error {
	if im.o.Admin || !r.person.Restricted {
		return nil
	}
	if !byName {
		return errRestrictedByID(field, "import changes to them")
	}
	return errorf(FailedPrecondition, field, restrictedText, r.person.Name, "import changes to them")
}

const restrictedText = "%s is restricted: the consent its processing rested on was withdrawn, or the person asked for restriction; only an admin may %s"

// errRestrictedByID refuses, to a caller other than an admin, a write
// that meets a restricted person by the national ID at field, without
// naming them; do is what only an admin may.
func errRestrictedByID(field, do string) error {
	return errorf(FailedPrecondition, field, restrictedText, "the registered person with this national ID", do)
}

// namedBy is err, a person not found, about the field of the row that
// named them (its Mã hồ sơ), so that the import marks that cell.
func namedBy(err error, field string) error {
	var se *Error
	if errors.As(err, &se) && se.Code == NotFound && se.Field == "" {
		c := *se
		c.Field = field
		return &c
	}
	return err
}

// contactFields are the contact details a person may withhold.
var contactFields = []protoreflect.Name{"email", "phone", "address"}

func hasContact(p *pb.Person) bool {
	return p.Email != "" || p.Phone != "" || p.Address != ""
}

// importable are the fields an import may set.
var importable = map[protoreflect.Name]bool{
	"family_name": true, "middle_name": true, "given_name": true, "display_name": true, "gender": true,
	"birth_date": true, "ethnicity": true, "national_id": true, "email": true, "phone": true,
	"hometown": true, "address": true, "availability": true, "work_location": true, "work_country": true,
}

// diff lists the importable fields that row sets to a value other than
// have's. A phone is the same number however its groups were typed, or
// whether a spreadsheet dropped its 0 (phoneKey): the registered one
// stays as it was typed.
func diff(have, row *pb.Person) []protoreflect.FieldDescriptor {
	var out []protoreflect.FieldDescriptor
	h := have.ProtoReflect()
	row.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if !importable[fd.Name()] {
			return true
		}
		if k := phoneKey(row.Phone); fd.Name() == "phone" && k != "" && phoneKey(have.Phone) == k {
			return true
		}
		if !h.Has(fd) || !h.Get(fd).Equal(v) {
			out = append(out, fd)
		}
		return true
	})
	return out
}

// dateCell is a whole date as a cell writes it.
func dateCell(d *date.Date) string {
	return fmt.Sprintf("%02d/%02d/%04d", d.GetDay(), d.GetMonth(), d.GetYear())
}

func valueText(fd protoreflect.FieldDescriptor, v protoreflect.Value) string {
	switch {
	case fd.Enum() != nil:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
	case fd.Message() != nil:
		if d, ok := v.Message().Interface().(interface{ GetYear() int32 }); ok {
			dd := v.Message().Interface().(interface {
				GetMonth() int32
				GetDay() int32
			})
			// As a cell writes it: the year alone, month and year, or
			// the whole date.
			switch {
			case dd.GetMonth() == 0:
				return fmt.Sprint(d.GetYear())
			case dd.GetDay() == 0:
				return fmt.Sprintf("%02d/%04d", dd.GetMonth(), d.GetYear())
			}
			return fmt.Sprintf("%02d/%02d/%04d", dd.GetDay(), dd.GetMonth(), d.GetYear())
		}
	}
	return v.String()
}

func (tx *Tx) personByPK(ctx context.Context, pk int64) (*personRow, error) {
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM people WHERE pk = ?`, pk).Scan(&id); err != nil {
		return nil, dbError(err)
	}
	return tx.person(ctx, id)
}
