package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// ChildOutcome is what one row of a qualifications, positions or honours
// sheet did: Created, or Unchanged when the person already has the same
// record (importing a file twice adds nothing).
type ChildOutcome struct {
	Action ImportAction
	Name   string // people/{id}/{collection}/{id}, or the person when unchanged
}

// PersonRef names the person a row of another sheet belongs to: by
// people/{id} (the people sheet's Mã hồ sơ) or by national ID, which finds
// people the same import created from its people sheet.
type PersonRef struct {
	Name       string
	NationalID string
}

// Qualification adds a qualification to the person ref names, checked as
// CreateQualification checks it.
func (im *Importer) Qualification(ctx context.Context, ref PersonRef, q *pb.Qualification) (*ChildOutcome, error) {
	q.Verification = nil
	return importChild(ctx, im, qualificationKind, ref, q)
}

// Position adds a position to the person ref names.
func (im *Importer) Position(ctx context.Context, ref PersonRef, p *pb.Position) (*ChildOutcome, error) {
	return importChild(ctx, im, positionKind, ref, p)
}

// Honor adds an honour to the person ref names.
func (im *Importer) Honor(ctx context.Context, ref PersonRef, h *pb.Honor) (*ChildOutcome, error) {
	return importChild(ctx, im, honorKind, ref, h)
}

// CheckRecord runs, reading only, the store's checks of a qualification,
// position, honour or work on a row that will not be applied (a cell of it
// could not be read), so that the row's problems are reported together:
// whose record it is, and its fields as the create path checks them.
func (im *Importer) CheckRecord(ctx context.Context, ref PersonRef, rec proto.Message) error {
	switch r := rec.(type) {
	case *pb.Qualification:
		return checkChild(ctx, im, qualificationKind, ref, r)
	case *pb.Position:
		return checkChild(ctx, im, positionKind, ref, r)
	case *pb.Honor:
		return checkChild(ctx, im, honorKind, ref, r)
	case *pb.Work:
		return checkChild(ctx, im, workKind, ref, r)
	}
	return nil
}

func checkChild[T proto.Message](ctx context.Context, im *Importer, k *childKind[T], ref PersonRef, item T) error {
	person, err := im.personOf(ctx, ref)
	if err != nil {
		return err
	}
	_, err = k.prepare(ctx, im.tx, person, proto.Clone(item).(T))
	return err
}

// savepoint runs fn, one row, so that what it does is undone when it
// fails, and the import goes on. Between rows, the import's audit event
// is stored in parts as it grows (Tx.cutAudit).
func (im *Importer) savepoint(ctx context.Context, fn func() error) error {
	if !im.o.DryRun {
		if err := im.tx.cutAudit(ctx); err != nil {
			return err
		}
	}
	// One name for every row's savepoint: they are not nested, and the
	// same text is the same prepared statement.
	const sp = "import_row"
	if _, err := im.tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
		return dbError(err)
	}
	named := 0
	if ev := im.tx.audit; ev != nil {
		named = len(ev.Resources)
	}
	err := fn()
	if err != nil {
		if _, rerr := im.tx.ExecContext(ctx, "ROLLBACK TO "+sp); rerr != nil {
			return errors.Join(err, dbError(rerr))
		}
		// Nor does the event name what the row did not write.
		im.tx.audit.dropResourcesAfter(named)
	}
	if _, rerr := im.tx.ExecContext(ctx, "RELEASE "+sp); rerr != nil {
		return errors.Join(err, dbError(rerr))
	}
	return err
}

func importChild[T proto.Message](ctx context.Context, im *Importer, k *childKind[T], ref PersonRef, item T) (*ChildOutcome, error) {
	// A record reindexes its person: the people created before it are
	// indexed first, so that their index rows are not written after it.
	if err := im.bulk.flushReindex(ctx); err != nil {
		return nil, err
	}
	var out *ChildOutcome
	err := im.savepoint(ctx, func() error {
		person, err := im.personOf(ctx, ref)
		if err != nil {
			return err
		}
		// The same record on the same person is the row imported before:
		// prepare normalizes and checks it as the create path would, and its
		// values are compared with the person's records.
		vals, err := k.prepare(ctx, im.tx, person, proto.Clone(item).(T))
		if err != nil {
			return err
		}
		where, args := []string{"person_pk = ?"}, []any{person.pk}
		for i, c := range k.writable {
			if strings.HasPrefix(c, "verif") { // set by verification, not by the row
				continue
			}
			where = append(where, c+" IS ?")
			args = append(args, vals[i])
		}
		if same, err := im.tx.exists(ctx, "SELECT 1 FROM "+k.collection+" WHERE "+strings.Join(where, " AND "), args...); err != nil {
			return err
		} else if same {
			out = &ChildOutcome{Action: Unchanged, Name: person.person.Name}
			return nil
		}
		if name, err := fillChild(ctx, im.tx, k, person, where, args); err != nil {
			return err
		} else if name != "" {
			out = &ChildOutcome{Action: Updated, Name: name}
			return nil
		}
		created, err := k.createTx(ctx, im.tx, person, "", item)
		if err != nil {
			return err
		}
		out = &ChildOutcome{Action: Created, Name: created.ProtoReflect().Get(created.ProtoReflect().Descriptor().Fields().ByName("name")).String()}
		return nil
	})
	return out, err
}

// personOf finds the live person ref names, whom the row may reach.
func (im *Importer) personOf(ctx context.Context, ref PersonRef) (*personRow, error) {
	switch {
	case ref.Name != "":
		id, err := PersonID(ref.Name, "person")
		if err != nil {
			return nil, err
		}
		r, err := im.tx.livePerson(ctx, id)
		if err != nil {
			return nil, namedBy(err, "person")
		}
		return r, im.reach(r, "person", true)
	case ref.NationalID != "":
		var id string
		err := im.tx.QueryRowContext(ctx, `SELECT id FROM people WHERE national_id = ? AND delete_time IS NULL`, ref.NationalID).Scan(&id)
		if row, ok := im.refused[ref.NationalID]; ok && errors.Is(err, sql.ErrNoRows) {
			return nil, errorf(NotFound, "person.national_id", "no registered person has the national ID %s, and row %d of the people sheet, which adds them, was refused: correct that row, and this one imports with it", ref.NationalID, row)
		} else if errors.Is(err, sql.ErrNoRows) {
			return nil, errorf(NotFound, "person.national_id", "no registered person has the national ID %s, and no row of the people sheet adds one", ref.NationalID)
		} else if err != nil {
			return nil, dbError(err)
		}
		r, err := im.tx.livePerson(ctx, id)
		if err != nil {
			return nil, err
		}
		return r, im.reach(r, "person.national_id", false)
	}
	return nil, errorf(Invalid, "person", "say whose record this is: the Mã hồ sơ (people/...) or the Số CCCD of the person")
}

// fillChild fills in k.fillable on the person's item that is the row
// (where, args: every writable column IS its value) but for that column,
// which it lacks, and returns the item's name; "" when there is none, or
// the row does not give the column.
func fillChild[T proto.Message](ctx context.Context, tx *Tx, k *childKind[T], person *personRow, where []string, args []any) (string, error) {
	i := slices.Index(where, k.fillable+" IS ?")
	if k.fillable == "" || i < 0 || args[i] == "" {
		return "", nil
	}
	value := args[i]
	lacking := slices.Clone(where)
	lacking[i] = k.fillable + " = ''"
	var pk int64
	var id string
	err := tx.QueryRowContext(ctx, "SELECT pk, id FROM "+k.collection+" WHERE "+strings.Join(lacking, " AND ")+" ORDER BY pk LIMIT 1",
		slices.Delete(slices.Clone(args), i, i+1)...).Scan(&pk, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", dbError(err)
	}
	personID := strings.TrimPrefix(person.person.Name, "people/")
	before, _, err := k.getTx(ctx, tx, personID, id)
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+k.collection+" SET "+k.fillable+" = ?, update_time = ?, revision = revision + 1 WHERE pk = ?",
		value, micros(tx.now), pk); err != nil {
		return "", dbError(err)
	}
	name := person.person.Name + "/" + k.collection + "/" + id
	tx.auditResource(name)
	if err := k.changed(ctx, tx, person.pk); err != nil {
		return "", err
	}
	after, _, err := k.getTx(ctx, tx, personID, id)
	if err != nil {
		return "", err
	}
	return name, tx.recordRevision(ctx, person.pk, name, before, after)
}
