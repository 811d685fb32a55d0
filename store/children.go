package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// The resources kept under a person (qualifications, positions, honours)
// share their standard methods: a childKind says what differs, and the
// functions here do the rest the same way for each.

// childKind describes one kind of resource under a person.
type childKind[T proto.Message] struct {
	// collection is both the collection id in names and the table.
	collection string
	// field is the request field holding the resource, for error paths.
	field string
	// joins are added after the table (alias c) and people (alias p).
	joins string
	// columns are the kind's own selected columns, read by scan after the
	// common ones.
	columns string
	// writable are the columns that prepare's values fill, in order.
	writable []string
	// sortKeys are the fields a listing may be ordered by.
	sortKeys map[string]sortKey
	// schema is what a listing may filter on.
	schema  func(ranks) filter.Schema
	newItem func() T
	// scan reads a row: the common columns into common, then the kind's
	// own, then extra.
	scan func(s scanner, item T, common []any, extra []any) error
	// prepare normalizes and checks an item about to be written for a
	// person, and returns the values of the writable columns.
	prepare func(ctx context.Context, c checker, person *personRow, item T) ([]any, error)
	// changed keeps what the person derives from these resources current.
	changed func(ctx context.Context, tx *Tx, personPK int64) error
	// deletable, when set, refuses the deletion of an item that something
	// else stands on (an honour a campaign conferred).
	deletable func(ctx context.Context, tx *Tx, name string) error
	// fillable, when set, is a writable column that items stored before
	// it was kept lack: an import's row that gives it, and is otherwise an
	// item stored without it, fills it in (importChild).
	fillable string
}

// childRow is a child as stored.
type childRow struct {
	pk, personPK         int64
	id, personID         string
	createTime, updateTm int64
	revision             int64
}

const childCommonColumns = `c.pk, c.person_pk, c.id, p.id, c.create_time, c.update_time, c.revision`

// dests are the common columns' destinations, with room for a kind's own
// and the extra ones that its scan appends: appending them grew the slice
// in every row's scan.
func (r *childRow) dests() []any {
	return append(make([]any, 0, 32), &r.pk, &r.personPK, &r.id, &r.personID, &r.createTime, &r.updateTm, &r.revision)
}

func (k *childKind[T]) name(r *childRow) string {
	return "people/" + r.personID + "/" + k.collection + "/" + r.id
}

func (k *childKind[T]) from() string {
	return k.collection + " c JOIN people p ON p.pk = c.person_pk " + k.joins
}

func (k *childKind[T]) selectSQL() string {
	return "SELECT " + childCommonColumns + ", " + k.columns + " FROM " + k.from()
}

// scanRow reads one row into a new item and sets the resource's name,
// times and etag.
func (k *childKind[T]) scanRow(s scanner, extra ...any) (T, *childRow, error) {
	var r childRow
	item := k.newItem()
	if err := k.scan(s, item, r.dests(), extra); err != nil {
		var zero T
		return zero, nil, err
	}
	name := k.name(&r)
	setResourceMeta(item, name, r.createTime, r.updateTm, etag(name, r.revision))
	return item, &r, nil
}

// setResourceMeta sets the fields every resource has: directly for the
// kinds a profile holds, whose FULL read sets them on every row (through
// protoreflect, Fields.ByName and Set, they were 4 % of a GetPerson FULL's
// CPU, BENCHMARKS.md, issue 19, twenty-sixth session), by their AIP names
// for the rest.
func setResourceMeta(m proto.Message, name string, createTime, updateTime int64, etag string) {
	// Both times in one allocation: they live as long as the resource.
	times := new([2]timestamppb.Timestamp)
	create, update := &times[0], &times[1]
	setTimestamp(create, fromMicros(createTime))
	setTimestamp(update, fromMicros(updateTime))
	switch x := m.(type) {
	case *pb.Position:
		x.Name, x.Etag, x.CreateTime, x.UpdateTime = name, etag, create, update
		return
	case *pb.Qualification:
		x.Name, x.Etag, x.CreateTime, x.UpdateTime = name, etag, create, update
		return
	case *pb.Honor:
		x.Name, x.Etag, x.CreateTime, x.UpdateTime = name, etag, create, update
		return
	case *pb.Work:
		x.Name, x.Etag, x.CreateTime, x.UpdateTime = name, etag, create, update
		return
	case *pb.Membership:
		x.Name, x.Etag, x.CreateTime, x.UpdateTime = name, etag, create, update
		return
	}
	msg := m.ProtoReflect()
	fields := msg.Descriptor().Fields()
	set := func(field string, v protoreflect.Value) {
		if fd := fields.ByName(protoreflect.Name(field)); fd != nil {
			msg.Set(fd, v)
		}
	}
	set("name", protoreflect.ValueOfString(name))
	set("etag", protoreflect.ValueOfString(etag))
	set("create_time", protoreflect.ValueOfMessage(create.ProtoReflect()))
	set("update_time", protoreflect.ValueOfMessage(update.ProtoReflect()))
}

// setTimestamp sets ts to t, as timestamppb.New makes it.
func setTimestamp(ts *timestamppb.Timestamp, t time.Time) {
	ts.Seconds, ts.Nanos = t.Unix(), int32(t.Nanosecond())
}

// parseChildName splits people/{person}/{collection}/{id}.
func parseChildName(name, collection, field string) (personID, id string, err error) {
	if !names.Scan(name, "people/{person}/"+collection+"/{id}", &personID, &id) {
		return "", "", errorf(Invalid, field, "want people/{person}/%s/{id}, not %q", collection, name)
	}
	return personID, id, nil
}

func (k *childKind[T]) get(ctx context.Context, db *DB, name string) (T, error) {
	var out T
	personID, id, err := parseChildName(name, k.collection, "name")
	if err != nil {
		return out, err
	}
	err = db.read(ctx, func(tx *Tx) error {
		out, _, err = k.getTx(ctx, tx, personID, id)
		return err
	})
	return out, err
}

func (k *childKind[T]) getTx(ctx context.Context, tx *Tx, personID, id string) (T, *childRow, error) {
	row := tx.QueryRowContext(ctx, k.selectSQL()+" WHERE p.id = ? AND c.id = ?", personID, id)
	item, r, err := k.scanRow(row)
	if errors.Is(err, sql.ErrNoRows) {
		return item, nil, errorf(NotFound, "", "people/%s/%s/%s does not exist", personID, k.collection, id)
	}
	if err != nil {
		return item, nil, dbError(err)
	}
	return item, r, nil
}

// list lists a person's children, or everyone's when parent is people/-.
func (k *childKind[T]) list(ctx context.Context, db *DB, parent string, q ListQuery) ([]T, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	var personID string
	if parent != "people/-" {
		if personID, err = PersonID(parent, "parent"); err != nil {
			return nil, Page{}, err
		}
	}
	terms, err := parseOrderBy(q.OrderBy, k.sortKeys, orderTerm{sortKey: sortKey{expr: "c.pk", kind: kindInt}})
	if err != nil {
		return nil, Page{}, err
	}
	l := listing{
		from:    k.from(),
		columns: childCommonColumns + ", " + k.columns,
		terms:   terms,
		query:   queryChecksum(k.collection, parent, q.Filter, orderSQL(terms)),
		size:    size,
		token:   q.PageToken,
	}
	var items []T
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		if personID != "" {
			if _, err := tx.person(ctx, personID); err != nil {
				return err
			}
			l.where, l.args = []string{"p.id = ?"}, []any{personID}
		} else {
			l.where = []string{personListed}
		}
		if err := tx.addFilter(ctx, &l, q.Filter, k.schema); err != nil {
			return err
		}
		items, page, err = list(ctx, tx, l, func(s scanner, extra ...any) (T, error) {
			item, _, err := k.scanRow(s, extra...)
			return item, err
		})
		return err
	})
	return items, page, err
}

// of returns the children of the given people, in the order they were
// added, by person.
func (k *childKind[T]) of(ctx context.Context, tx *Tx, personPKs []int64, where string) (map[int64][]T, error) {
	out := map[int64][]T{}
	if len(personPKs) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, k.ofSQL(len(personPKs), where), int64sToAny(personPKs)...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		item, r, err := k.scanRow(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out[r.personPK] = append(out[r.personPK], item)
	}
	return out, dbError(rows.Err())
}

func (k *childKind[T]) create(ctx context.Context, db *DB, parent string, item T, o CreateOptions) (T, error) {
	var out T
	personID, err := PersonID(parent, "parent")
	if err != nil {
		return out, err
	}
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		if o.Request != nil {
			prev := k.newItem()
			found, err := tx.recall(ctx, o.Request, prev)
			if err != nil || found {
				out = prev
				return err
			}
		}
		person, err := tx.livePerson(ctx, personID)
		if err != nil {
			return err
		}
		if out, err = k.createTx(ctx, tx, person, o.ID, item); err != nil {
			return err
		}
		if o.Request != nil {
			return tx.remember(ctx, o.Request, out)
		}
		return nil
	})
	return out, err
}

// createTx adds item under person as id (a new id when empty) inside tx,
// and keeps what the person derives from it current.
func (k *childKind[T]) createTx(ctx context.Context, tx *Tx, person *personRow, id string, item T) (T, error) {
	var zero T
	personID := strings.TrimPrefix(person.person.Name, "people/")
	if id == "" {
		id = newID()
	} else if !validID(id) {
		return zero, errorf(Invalid, k.field+"_id", "want 1 to 63 lower-case letters, digits and hyphens, starting with a letter")
	}
	if taken, err := tx.exists(ctx, "SELECT 1 FROM "+k.collection+" WHERE person_pk = ? AND id = ?", person.pk, id); err != nil {
		return zero, err
	} else if taken {
		return zero, errorf(AlreadyExists, k.field+"_id", "people/%s/%s/%s already exists", personID, k.collection, id)
	}
	vals, err := k.prepare(ctx, tx, person, item)
	if err != nil {
		return zero, err
	}
	now := micros(tx.now)
	cols := append([]string{"id", "person_pk", "create_time", "update_time"}, k.writable...)
	args := append([]any{id, person.pk, now, now}, vals...)
	q := "INSERT INTO " + k.collection + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(len(cols)) + ")"
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return zero, dbError(err)
	}
	// The new name goes into the audit event stored with this write.
	tx.auditResource("people/" + personID + "/" + k.collection + "/" + id)
	if err := k.changed(ctx, tx, person.pk); err != nil {
		return zero, err
	}
	out, _, err := k.getTx(ctx, tx, personID, id)
	if err != nil {
		return zero, err
	}
	return out, tx.recordRevision(ctx, person.pk, "people/"+personID+"/"+k.collection+"/"+id, nil, out)
}

// update changes a child: apply gets the current item and changes it in
// place, inside the transaction.
func (k *childKind[T]) update(ctx context.Context, db *DB, name string, o WriteOptions, apply func(T) error) (T, error) {
	var out T
	personID, id, err := parseChildName(name, k.collection, k.field+".name")
	if err != nil {
		return out, err
	}
	err = db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		person, err := tx.livePerson(ctx, personID)
		if err != nil {
			return err
		}
		item, r, err := k.getTx(ctx, tx, personID, id)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, etag(k.name(r), r.revision), k.field+".etag"); err != nil {
			return err
		}
		before := proto.Clone(item)
		if err := apply(item); err != nil {
			return err
		}
		if unchanged(before, item) {
			out = item
			return nil
		}
		vals, err := k.prepare(ctx, tx, person, item)
		if err != nil {
			return err
		}
		sets := make([]string, len(k.writable))
		for i, c := range k.writable {
			sets[i] = c + " = ?"
		}
		q := "UPDATE " + k.collection + " SET " + strings.Join(sets, ", ") + ", update_time = ?, revision = revision + 1 WHERE pk = ?"
		if _, err := tx.ExecContext(ctx, q, append(vals, micros(tx.now), r.pk)...); err != nil {
			return dbError(err)
		}
		if err := k.changed(ctx, tx, person.pk); err != nil {
			return err
		}
		if out, _, err = k.getTx(ctx, tx, personID, id); err != nil {
			return err
		}
		return tx.recordRevision(ctx, person.pk, name, before, out)
	})
	return out, err
}

func (k *childKind[T]) delete(ctx context.Context, db *DB, name string, o WriteOptions) error {
	personID, id, err := parseChildName(name, k.collection, "name")
	if err != nil {
		return err
	}
	return db.write(ctx, o.ValidateOnly, o.Audit, func(tx *Tx) error {
		person, err := tx.livePerson(ctx, personID)
		if err != nil {
			return err
		}
		item, r, err := k.getTx(ctx, tx, personID, id)
		if err != nil {
			return err
		}
		if err := checkEtag(o.Etag, etag(k.name(r), r.revision), "etag"); err != nil {
			return err
		}
		if k.deletable != nil {
			if err := k.deletable(ctx, tx, name); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+k.collection+" WHERE pk = ?", r.pk); err != nil {
			return dbError(err)
		}
		if err := k.changed(ctx, tx, person.pk); err != nil {
			return err
		}
		return tx.recordRevision(ctx, person.pk, name, item, nil)
	})
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func int64sToAny(xs []int64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// ymd packs a date into the YYYYMMDD integers the store keeps dates as.
func ymd(year, month, day int32) int64 {
	return int64(year)*10000 + int64(month)*100 + int64(day)
}

// today is the YYYYMMDD of t's date in Vietnam, whose calendar the dates
// people type are in: from 17:00 UTC it is already the next day there.
func today(t time.Time) int64 {
	t = t.In(Vietnam)
	return ymd(int32(t.Year()), int32(t.Month()), int32(t.Day()))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
