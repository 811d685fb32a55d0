package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.einride.tech/aip/ordering"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// Listing the audit trail: ListAuditEvents over both of its tables.

// AuditQuery selects audit events; every condition given must hold.
type AuditQuery struct {
	// PageSize, PageToken and Filter (AIP-160, over auditEventSchema) as
	// every listing has them; OrderBy (auditOrder) is "event_time desc",
	// newest first, when empty.
	ListQuery
	// The typed conditions of ListAuditEventsRequest, kept beside the
	// filter. Principal is the event's principal exactly.
	Principal string
	// Resource matches events that name it or a resource under it.
	Resource string
	// Method is a full method, /package.Service/Method, or its last part.
	Method string
	// Start and End bound the event time: Start <= time < End; zero is
	// unbounded.
	Start, End time.Time
}

var (
	fullMethodRE = regexp.MustCompile(`^/[A-Za-z0-9_.]+/[A-Za-z0-9_]+$`)
	methodNameRE = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// auditEventSchema is what a filter of the audit trail may name.
func auditEventSchema(ranks) filter.Schema {
	text := func(sql string) filter.Field { return filter.Field{Type: filter.String, SQL: sql} }
	return filter.Schema{
		"principal":      text("e.principal"),
		"principal_name": text("e.principal_name"),
		"role":           text("e.role"),
		"association":    text("e.association"),
		"method":         text("e.method"),
		"code":           text("e.code"),
		"request_id":     text("e.request_id"),
		"client_address": text("e.client_address"),
		"transport":      text("e.transport"),
		"event_time":     {Type: filter.Timestamp, SQL: "e.event_time"},
		"resources": {Type: filter.String, SQL: "er.resource", Repeated: true,
			Join: &filter.Join{From: "audit_names er", On: "er.event_pk = e.pk"}},
	}
}

const auditEventColumns = `e.pk, e.id, e.event_time, e.principal, e.principal_name, e.role,
	e.association, e.method, e.code, e.request_id, e.client_address, e.transport`

// auditRow is a listed event and its row, whose resources are read after.
type auditRow struct {
	pk int64
	ev *pb.AuditEvent
	// t is the event's time in µs; compact, that it is of audit_reads,
	// whose resources are read with it.
	t       int64
	compact bool
	// nums are the packed people of a compact row, for resolvePeople.
	nums []int64
	// people and names are a compact row's names as stored, until expand.
	people any
	names  sql.NullString
}

// key is the row's value of the sort key path (auditOrder), as SQLite
// orders it: text compares bytewise, as Go's strings do.
func (r auditRow) key(path string) any {
	switch path {
	case "event_time":
		return r.t
	case "pk":
		return r.pk
	case "principal":
		return r.ev.Principal
	case "method":
		return r.ev.Method
	}
	panic("store: no audit sort key " + path)
}

func scanAuditEvent(s scanner, extra ...any) (auditRow, error) {
	ev := &pb.AuditEvent{}
	var pk, t int64
	var id string
	err := s.Scan(append([]any{&pk, &id, &t, &ev.Principal, &ev.PrincipalName, &ev.Role, &ev.Association,
		&ev.Method, &ev.Code, &ev.RequestId, &ev.ClientAddress, &ev.Transport}, extra...)...)
	ev.Name, ev.EventTime = "auditEvents/"+id, timestamppb.New(fromMicros(t))
	return auditRow{pk: pk, ev: ev, t: t}, err
}

// ListAuditEvents lists audit events, newest first: the typed conditions
// of q, then its filter, over both tables of the trail, audit_events and
// audit_reads (audit_compact.go), merged in one order and one kind of page
// token, (event_time, pk) descending, as the trail had in one table. The
// pks of audit_reads (keys, above 2^60) never equal those of audit_events
// (small), and in one microsecond come first. A page ends early, with a
// page token, where its names would pass auditPageNames.
func (db *DB) ListAuditEvents(ctx context.Context, q AuditQuery) ([]*pb.AuditEvent, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	sel, err := selectAudit(q)
	if err != nil {
		return nil, Page{}, err
	}
	sel.l.size = size
	var out []*pb.AuditEvent
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		events, reads, err := db.auditTables(ctx, tx, sel, q.Filter)
		if err != nil {
			return err
		}
		rows, err := collectRows(ctx, tx, events.pageSQL(events.where), events.args, func(s scanner) (auditRow, error) {
			keys := make([]any, len(sel.l.terms)) // the sort keys, which the row has already
			for i := range keys {
				keys[i] = new(any)
			}
			return scanAuditEvent(s, keys...)
		})
		if err != nil {
			return err
		}
		// By time alone, the reads' order is their key's.
		order := "e.pk DESC"
		switch {
		case !sel.byTime:
			order = orderSQL(sel.l.terms)
		case sel.oldestFirst:
			order = "e.pk"
		}
		readRows, err := collectRows(ctx, tx, readPageSQL(reads, order, size+1), reads.args,
			func(s scanner) (auditRow, error) { return scanReadEventHead(s) })
		if err != nil {
			return err
		}
		merged := mergeAuditRows(rows, readRows, size+1, sel.l.terms)
		n, err := tx.fitAuditPage(ctx, merged[:min(len(merged), size)])
		if err != nil {
			return err
		}
		if n < len(merged) {
			merged = merged[:n]
			last := merged[n-1]
			after := make([]any, len(sel.l.terms))
			for i, t := range sel.l.terms {
				after[i] = last.key(t.path)
			}
			page.NextPageToken = db.encodePageToken(sel.l.query, sel.l.terms, after, -1)
		}
		if sel.l.token == "" && page.NextPageToken == "" {
			// As every listing does when one page holds every match.
			page.TotalSize = len(merged)
		}
		if err := tx.readNames(ctx, merged); err != nil {
			return err
		}
		out = make([]*pb.AuditEvent, len(merged))
		var old, compact []auditRow
		for i, r := range merged {
			out[i] = r.ev
			if r.compact {
				if err := r.expand(); err != nil {
					return err
				}
				compact = append(compact, r)
			} else {
				old = append(old, r)
			}
		}
		if err := tx.resolvePeople(ctx, compact); err != nil {
			return err
		}
		return tx.auditResources(ctx, old)
	})
	if err != nil {
		return nil, Page{}, auditBudgetError(err, sel)
	}
	return out, page, nil
}

// auditBudgetError says how to narrow a listing of the trail that ran out
// of its read budget: the reads are keyed by time alone, so a principal, a
// method or a resource is looked for in every read in range, and only a
// time range bounds them. Other errors pass unchanged.
func auditBudgetError(err error, sel *auditSelection) error {
	if !errors.Is(err, ErrBudget) {
		return err
	}
	msg := "the audit trail holds more events in range than one call may look through; give a time range " +
		"(start_time and end_time, or event_time compared in the filter, joined by AND): it bounds the events looked at"
	if !sel.byTime {
		msg += ", and order by event_time: ordering by principal or method sorts every event in range"
	}
	return &Error{Code: ResourceExhausted, Message: msg, Err: err}
}

// auditSelection is what a query of the trail selects, as conditions over
// both of its tables, each read as e: those over the columns audit_events
// and the view audit_read_events share (in l, with the trail's order and
// the query's page token), and those of each table.
type auditSelection struct {
	l listing
	// byTime is an order by time alone, (event_time, pk), which the keys
	// of audit_reads follow; oldestFirst is it ascending.
	byTime, oldestFirst    bool
	eventsWhere, readWhere []string
	eventsArgs, readArgs   []any
}

// selectAudit checks q's typed conditions and makes them SQL; its filter
// and page token are applied in the read (auditTables).
func selectAudit(q AuditQuery) (*auditSelection, error) {
	sel := &auditSelection{}
	var where []string
	var args []any
	var v Invalids
	// A principal or a full method is a number in audit_reads, compared
	// without reading the string of every row.
	const stringID = "(SELECT id FROM audit_strings WHERE value = ?)"
	if q.Principal != "" {
		sel.eventsWhere, sel.eventsArgs = append(sel.eventsWhere, "e.principal = ?"), append(sel.eventsArgs, q.Principal)
		sel.readWhere, sel.readArgs = append(sel.readWhere, "e.principal_id = "+stringID), append(sel.readArgs, q.Principal)
	}
	if q.Resource != "" {
		r := strings.TrimSuffix(q.Resource, "/")
		if r == "" || strings.Contains(r, "//") {
			v.add("resource", "want a resource name, for example people/abc, not %q", q.Resource)
		}
		// A name, or a name under it: between "r/" and "r0", '0' being the
		// character after '/'; or, for a person or all people, the packed
		// names of read events (packPeople).
		named := `e.pk IN (SELECT event_pk FROM audit_event_resources
			WHERE resource = ? OR (resource > ? AND resource < ?))`
		namedArgs := []any{r, r + "/", r + "0"}
		if id, ok := strings.CutPrefix(r, "people/"); ok && validID(id) {
			named += ` OR instr(' ' || e.read_people || ' ', ?) > 0`
			namedArgs = append(namedArgs, " "+id+" ")
		} else if r == "people" {
			named += ` OR e.read_people IS NOT NULL`
		}
		sel.eventsWhere, sel.eventsArgs = append(sel.eventsWhere, "("+named+")"), append(sel.eventsArgs, namedArgs...)
		readNamed, readNamedArgs := readResourceSQL(r)
		sel.readWhere, sel.readArgs = append(sel.readWhere, readNamed), append(sel.readArgs, readNamedArgs...)
	}
	switch {
	case q.Method == "":
	case fullMethodRE.MatchString(q.Method):
		sel.eventsWhere, sel.eventsArgs = append(sel.eventsWhere, "e.method = ?"), append(sel.eventsArgs, q.Method)
		sel.readWhere, sel.readArgs = append(sel.readWhere, "e.method_id = "+stringID), append(sel.readArgs, q.Method)
	case methodNameRE.MatchString(q.Method):
		where = append(where, `e.method LIKE ? ESCAPE '\'`)
		args = append(args, `%/`+strings.ReplaceAll(q.Method, "_", `\_`))
	default:
		v.add("method", "want a method, /trithuc.v1.PersonService/GetPerson or GetPerson, not %q", q.Method)
	}
	var start, end string
	if !q.Start.IsZero() {
		where, args = append(where, "e.event_time >= ?"), append(args, micros(q.Start))
		start = strconv.FormatInt(micros(q.Start), 10)
		// The same bound on the key, which the planner can use.
		if bound, ok := readKeyBound(micros(q.Start)); ok {
			sel.readWhere, sel.readArgs = append(sel.readWhere, "e.pk >= ?"), append(sel.readArgs, bound)
		}
	}
	if !q.End.IsZero() {
		where, args = append(where, "e.event_time < ?"), append(args, micros(q.End))
		end = strconv.FormatInt(micros(q.End), 10)
		if bound, ok := readKeyBound(micros(q.End)); ok {
			sel.readWhere, sel.readArgs = append(sel.readWhere, "e.pk < ?"), append(sel.readArgs, bound)
		}
	}
	terms, err := auditOrder(q.OrderBy)
	if err != nil {
		return nil, err
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	sel.byTime = len(terms) == 2
	sel.oldestFirst = sel.byTime && !terms[0].desc
	// The orders by time keep the checksums they had, and so the page
	// tokens handed out before there were others.
	query := []string{"auditEvents", q.Principal, q.Resource, q.Method, start, end, q.Filter}
	switch {
	case !sel.byTime:
		var order []string
		for _, t := range terms {
			order = append(order, fmt.Sprintf("%s %v", t.path, t.desc))
		}
		query = append(query, "order "+strings.Join(order, ","))
	case sel.oldestFirst:
		query = append(query, "oldest first")
	}
	sel.l = listing{
		columns: auditEventColumns,
		where:   where,
		args:    args,
		terms:   terms,
		query:   queryChecksum(query...),
		token:   q.PageToken,
	}
	return sel, nil
}

// auditOrderKeys are the fields the trail may be ordered by: its time,
// and who or what, to read one principal's or one method's events
// together.
var auditOrderKeys = map[string]sortKey{
	"event_time": {expr: "e.event_time", kind: kindInt},
	"principal":  {expr: "e.principal", kind: kindText},
	"method":     {expr: "e.method", kind: kindText},
}

// auditOrder resolves the order_by of the trail: the fields given, then
// event_time (newest first) where it is not among them, then pk in the
// direction of event_time, which makes the order total.
func auditOrder(orderBy string) ([]orderTerm, error) {
	timeTerm := orderTerm{sortKey: auditOrderKeys["event_time"], path: "event_time", desc: true}
	var terms []orderTerm
	if orderBy != "" {
		parsed, err := parseOrderBy(orderBy, auditOrderKeys, orderTerm{})
		if err != nil {
			return nil, byResources(orderBy, err)
		}
		terms = parsed[:len(parsed)-1]
	}
	if i := slices.IndexFunc(terms, func(t orderTerm) bool { return t.path == "event_time" }); i >= 0 {
		timeTerm = terms[i]
	} else {
		terms = append(terms, timeTerm)
	}
	return append(terms, orderTerm{sortKey: sortKey{expr: "e.pk", kind: kindInt}, path: "pk", desc: timeTerm.desc}), nil
}

// byResources is the refusal of an order of the trail by its resources,
// which a caller may well ask for (resources is a field of its filter):
// it says why there is none and what to do instead; any other refusal
// err, as it is.
func byResources(orderBy string, err error) error {
	var ob ordering.OrderBy
	if ob.UnmarshalString(orderBy) != nil {
		return err
	}
	for _, f := range ob.Fields {
		if f.Path == "resources" || f.Path == "resource" {
			return errorf(Invalid, "order_by", "cannot order by %q: an event names several resources (a person and their association, say), so the trail has no order by them; order by %s, each optionally followed by \"desc\", and keep to one resource's events with resource, or a filter such as resources:\"people/abc\"", f.Path, keyNames(auditOrderKeys))
		}
	}
	return err
}

// auditTables is what sel selects in tx, with the filter text and after its
// page token: events over audit_events e, reads over audit_read_events e.
// sel is not changed.
func (db *DB) auditTables(ctx context.Context, tx *Tx, sel *auditSelection, text string) (events, reads listing, err error) {
	l := sel.l
	l.where, l.args = slices.Clone(l.where), slices.Clone(l.args)
	readWhere, readArgs := slices.Clone(sel.readWhere), slices.Clone(sel.readArgs)
	if err := tx.addFilter(ctx, &l, text, auditEventSchema); err != nil {
		return l, l, err
	}
	// The filter's event_time compares the reads' times, key >> 11, which
	// no index holds: the range it keeps to bounds their keys, as
	// start_time and end_time do, or a page read every event of the year.
	from, to, err := filter.TimeRange(text, "event_time")
	if err != nil {
		return l, l, err
	}
	if bound, ok := readKeyBound(from); ok && from != math.MinInt64 {
		readWhere, readArgs = append(readWhere, "e.pk >= ?"), append(readArgs, bound)
	}
	if bound, ok := readKeyBound(to); ok && to != math.MaxInt64 {
		readWhere, readArgs = append(readWhere, "e.pk < ?"), append(readArgs, bound)
	}
	if l.token != "" {
		after, _, err := db.decodePageToken(l.token, l.query, l.terms)
		if err != nil {
			return l, l, err
		}
		cond, condArgs := afterSQL(l.terms, after)
		l.where, l.args = append(l.where, cond), append(l.args, condArgs...)
		// After (t, pk) in audit_reads, by time alone: keys below pk when
		// pk is a key of t, else below t's first key; oldest first, keys
		// above pk, else from t's first key (an event of audit_events comes
		// before the reads of its microsecond). Other orders have their
		// condition (afterSQL) alone.
		if sel.byTime {
			t, pk := after[0].(int64), after[1].(int64)
			if bound, ok := readKeyBound(t); ok {
				own := pk>>readKeyShift == t
				switch {
				case !sel.oldestFirst && own:
					readWhere, readArgs = append(readWhere, "e.pk < ?"), append(readArgs, pk)
				case !sel.oldestFirst:
					readWhere, readArgs = append(readWhere, "e.pk < ?"), append(readArgs, bound)
				case own:
					readWhere, readArgs = append(readWhere, "e.pk > ?"), append(readArgs, pk)
				default:
					readWhere, readArgs = append(readWhere, "e.pk >= ?"), append(readArgs, bound)
				}
			}
		}
	}
	events, reads = l, l
	events.from = "audit_events e"
	events.where = append(slices.Clone(l.where), sel.eventsWhere...)
	events.args = append(slices.Clone(l.args), sel.eventsArgs...)
	reads.where = append(slices.Clone(l.where), readWhere...)
	reads.args = append(slices.Clone(l.args), readArgs...)
	return events, reads, nil
}

// readPageSQL is the statement of a page of the reads that reads selects:
// their heads in order, at most n.
func readPageSQL(reads listing, order string, n int) string {
	return `SELECT ` + readEventHead + ` FROM audit_read_events e` + whereSQL(reads.where) + fmt.Sprintf(` ORDER BY %s LIMIT %d`, order, n)
}

// auditPageNames bounds the names one page of the trail carries, beside
// its page size: a page ends before the event that would take it past the
// bound, but holds at least one event (AIP-158 lets a page hold fewer
// results than its size). Bounded by events alone, a page of 1,000
// ExportPeople events held 10.7 million names, 170 MB of JSON that took
// nearly 1 GB to make.
const auditPageNames = 50000

// fitAuditPage is how many of the rows, in order, one page holds within
// auditPageNames, counting the names of each without reading them, and
// only up to the bound.
func (tx *Tx) fitAuditPage(ctx context.Context, rows []auditRow) (int, error) {
	total := 0
	for i := range rows {
		count := `SELECT ` + readNamesCount + ` FROM audit_reads r WHERE r.key = ?1`
		if !rows[i].compact {
			count = `SELECT (SELECT count(*) FROM audit_event_resources WHERE event_pk = ?1) +
				IFNULL(length(e.read_people) - length(replace(e.read_people, ' ', '')) + 1, 0)
				FROM audit_events e WHERE e.pk = ?1`
		}
		var n int
		if err := tx.QueryRowContext(ctx, count, rows[i].pk).Scan(&n); err != nil {
			return 0, dbError(err)
		}
		if total += n; total > auditPageNames && i > 0 {
			return i, nil
		}
	}
	return len(rows), nil
}

// readKeyBound is the first key of audit_reads at or after the time us,
// which bounds the keys of a time range; false past the last time a key
// holds (the conditions on event_time still hold exactly without it).
func readKeyBound(us int64) (int64, bool) {
	return max(us, 0) << readKeyShift, us <= maxReadKeyMicros
}

// mergeAuditRows merges two pages in the order of terms (auditOrder), up
// to n rows.
func mergeAuditRows(a, b []auditRow, n int, terms []orderTerm) []auditRow {
	before := func(x, y auditRow) bool {
		for _, t := range terms {
			var c int
			switch kx, ky := x.key(t.path), y.key(t.path); kx := kx.(type) {
			case int64:
				c = cmp.Compare(kx, ky.(int64))
			case string:
				c = strings.Compare(kx, ky.(string))
			}
			if c != 0 {
				return c < 0 != t.desc
			}
		}
		return false
	}
	out := make([]auditRow, 0, min(n, len(a)+len(b)))
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && before(a[0], b[0])) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// auditResources fills in the resources of listed events, sorted by name.
func (tx *Tx) auditResources(ctx context.Context, rows []auditRow) error {
	if len(rows) == 0 {
		return nil
	}
	byPK := make(map[int64]*pb.AuditEvent, len(rows))
	pks := make([]any, 0, len(rows))
	for _, r := range rows {
		byPK[r.pk] = r.ev
		pks = append(pks, r.pk)
	}
	res, err := tx.QueryContext(ctx, `SELECT event_pk, resource FROM audit_names
		WHERE event_pk IN (`+placeholders(len(pks))+`)`, pks...)
	if err != nil {
		return dbError(err)
	}
	defer res.Close()
	for res.Next() {
		var pk int64
		var name string
		if err := res.Scan(&pk, &name); err != nil {
			return dbError(err)
		}
		ev := byPK[pk]
		ev.Resources = append(ev.Resources, name)
	}
	for _, r := range rows {
		slices.Sort(r.ev.Resources)
	}
	return dbError(res.Err())
}
