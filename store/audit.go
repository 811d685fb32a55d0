package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
)

// AuditEvent is one call recorded in the audit trail.
type AuditEvent struct {
	// ID is the {event} of auditEvents/{event}: a read event stored in
	// audit_reads gets the id of its key (audit_compact.go) when stored.
	ID            string
	Time          time.Time
	Principal     string
	PrincipalName string
	Role          string
	Association   string
	Method        string
	Resources     []string
	Code          string
	RequestID     string
	ClientAddress string
	Transport     string
	// Read marks the event of a read call, which retention removes once
	// it is older than the policy (retention.go); other events stay.
	Read bool

	// pk is the event's row once it is stored, and stored how many of
	// Resources are stored with it.
	pk     int64
	stored int
	named  map[string]bool // Resources, as a set
	// compact: stored in audit_reads (audit_compact.go), pk its key.
	compact bool
}

// AddResources adds the names the event does not have yet, after the
// others.
func (ev *AuditEvent) AddResources(names ...string) {
	if ev.named == nil {
		ev.named = make(map[string]bool, len(ev.Resources)+len(names))
		for _, n := range ev.Resources {
			ev.named[n] = true
		}
	}
	for _, n := range names {
		if !ev.named[n] {
			ev.named[n] = true
			ev.Resources = append(ev.Resources, n)
		}
	}
}

// dropResourcesAfter forgets the names added after the first n: those a
// write added that did not commit (a dry run, a failure), which the event
// must not claim it wrote.
func (ev *AuditEvent) dropResourcesAfter(n int) {
	if ev == nil || ev.pk != 0 || len(ev.Resources) <= n {
		return
	}
	for _, r := range ev.Resources[n:] {
		delete(ev.named, r)
	}
	ev.Resources = ev.Resources[:n]
}

// auditResource adds a resource that a write changes to the audit event
// of its call, while it is not stored, so that the event stored with the
// write names it: the store calls it for what a create makes, whose name
// the request could not give.
func (tx *Tx) auditResource(name string) {
	if ev := tx.audit; ev != nil && ev.pk == 0 {
		ev.AddResources(name)
	}
}

// NewAuditEvent starts the event of a call that begins at t.
func NewAuditEvent(t time.Time) *AuditEvent {
	return &AuditEvent{ID: newEventID(t), Time: t}
}

// newEventID makes the id of an event at t: its time in microseconds,
// eleven digits of base 36 (to the year 4700), then newID's sixteen
// letters and digits. Ids in time order put each event at the end of the
// index of audit_events' ids, one page written a group of writes, where
// random ids wrote a page of that index for each write (a twentieth of
// the pages a create writes at 100,000 people).
func newEventID(t time.Time) string {
	us := strconv.FormatInt(max(t.UnixMicro(), 0), 36)
	return strings.Repeat("0", max(11-len(us), 0)) + us + newID()
}

// Stored reports whether the event is in the database: committed with the
// write transaction of its call, or appended by AppendAudit.
func (ev *AuditEvent) Stored() bool { return ev.pk != 0 }

// AppendAudit stores events in one transaction: the ones not stored yet
// whole, and of the others the resources added since they were stored.
func (db *DB) AppendAudit(ctx context.Context, events []*AuditEvent) error {
	type saved struct {
		ev      *AuditEvent
		pk      int64
		stored  int
		id      string
		compact bool
	}
	var undo []saved
	// In time order: the keys of audit_reads then mostly grow, and its
	// pages fill as an append fills them.
	events = slices.Clone(events)
	slices.SortStableFunc(events, func(a, b *AuditEvent) int { return a.Time.Compare(b.Time) })
	// The people numbers the transaction found or made, remembered once
	// it committed (personNums).
	var nums map[string]int64
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		ins := &auditInserter{tx: tx, compact: true}
		defer ins.close()
		for _, ev := range events {
			undo = append(undo, saved{ev, ev.pk, ev.stored, ev.ID, ev.compact})
			if err := ins.event(ctx, ev); err != nil {
				return err
			}
		}
		if ins.r != nil {
			nums = ins.r.nums
			return ins.r.finish(ctx)
		}
		return nil
	})
	if err != nil {
		for _, u := range undo {
			u.ev.pk, u.ev.stored, u.ev.ID, u.ev.compact = u.pk, u.stored, u.id, u.compact
		}
		return err
	}
	db.auditPeople.add(nums)
	return nil
}

// auditInserter stores audit events. Its statements run through the
// driver's cache of the writer's statements (Tx.ExecContext): prepared
// anew for every write, the two INSERTs were 5 % of a create's time in
// the single writer (issue 19).
type auditInserter struct {
	tx *Tx
	// compact: read events go to audit_reads, through r once needed.
	// Only AppendAudit's: an event a write stores may gain names after,
	// and the strings it makes would not outlive a rolled back savepoint
	// of a grouped write while r remembered them.
	compact bool
	r       *readInserter
}

const (
	insertAuditEvent = `INSERT INTO audit_events (id, event_time, principal, principal_name, role,
		association, method, code, request_id, client_address, transport, read, read_people)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertAuditResource = `INSERT OR IGNORE INTO audit_event_resources (resource, event_pk) VALUES (?, ?)`
)

func (a *auditInserter) close() {
	if a.r != nil {
		a.r.close()
	}
}

// event stores ev, or the resources added to it since it was stored.
func (a *auditInserter) event(ctx context.Context, ev *AuditEvent) error {
	ctx = a.tx.stmtContext(ctx)
	if ev.pk == 0 && a.compact && compactable(ev) {
		r, err := a.reads(ctx)
		if err != nil {
			return err
		}
		if ok, err := r.insert(ctx, ev); ok || err != nil {
			return err
		}
	}
	if ev.compact {
		if ev.Unsaved() {
			if err := a.addNames(ctx, ev); err != nil {
				return err
			}
			ev.stored = len(ev.Resources)
		}
		return nil
	}
	if ev.pk == 0 {
		if ev.ID == "" {
			ev.ID = newEventID(ev.Time)
		}
		var packed any
		rows := ev.Resources
		if ev.Read {
			packed, rows = packPeople(ev.Resources)
		}
		r, err := a.tx.ExecContext(ctx, insertAuditEvent, ev.ID, micros(ev.Time), ev.Principal, ev.PrincipalName, ev.Role,
			ev.Association, ev.Method, ev.Code, ev.RequestID, ev.ClientAddress, ev.Transport, ev.Read, packed)
		if err != nil {
			return dbError(err)
		}
		if ev.pk, err = r.LastInsertId(); err != nil {
			return dbError(err)
		}
		for _, name := range rows {
			if _, err := a.tx.ExecContext(ctx, insertAuditResource, name, ev.pk); err != nil {
				return dbError(err)
			}
		}
		ev.stored = len(ev.Resources)
	}
	for _, name := range ev.Resources[ev.stored:] {
		if _, err := a.tx.ExecContext(ctx, insertAuditResource, name, ev.pk); err != nil {
			return dbError(err)
		}
	}
	ev.stored = len(ev.Resources)
	return nil
}

// packPeople splits the names of a read event into the people it names,
// as the ids separated by spaces that audit_events.read_people holds
// (about 17 bytes a person in the event's own row, where a row of
// audit_event_resources and its index cost about 70), and the other names.
// Only ids of the server's alphabet are packed, so that the list needs no
// escapes and " id " finds exactly one person in " list ".
func packPeople(resources []string) (packed any, others []string) {
	var b strings.Builder
	for _, name := range resources {
		id, ok := strings.CutPrefix(name, "people/")
		if !ok || !validID(id) {
			others = append(others, name)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(id)
	}
	if b.Len() == 0 {
		return nil, others
	}
	return b.String(), others
}

// recordAudit stores the audit event of tx's call, if it has one not yet
// stored, as part of tx, with the code OK: only the first write given an
// event stores it. It returns a function that forgets that it was stored,
// for when the transaction does not commit.
func (tx *Tx) recordAudit(ctx context.Context) (undo func(), err error) {
	ev := tx.audit
	if ev == nil || ev.pk != 0 {
		return func() {}, nil
	}
	code := ev.Code
	ev.Code = "OK"
	ins := &auditInserter{tx: tx}
	defer ins.close()
	undo = func() { ev.pk, ev.stored, ev.Code = 0, 0, code }
	if err := ins.event(ctx, ev); err != nil {
		undo()
		return nil, err
	}
	return undo, nil
}

// AuditQuery selects audit events; every condition given must hold.
type AuditQuery struct {
	// PageSize, PageToken and Filter (AIP-160, over auditEventSchema) as
	// every listing has them; the trail has one order, newest first.
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
// (small), and in one microsecond come first.
func (db *DB) ListAuditEvents(ctx context.Context, q AuditQuery) ([]*pb.AuditEvent, Page, error) {
	size, err := pageSize(q.PageSize)
	if err != nil {
		return nil, Page{}, err
	}
	// Conditions over the columns both audit_events and the view
	// audit_read_events have, then those of each table.
	var where, eventsWhere, readWhere []string
	var args, eventsArgs, readArgs []any
	var v Invalids
	// A principal or a full method is a number in audit_reads, compared
	// without reading the string of every row.
	const stringID = "(SELECT id FROM audit_strings WHERE value = ?)"
	if q.Principal != "" {
		eventsWhere, eventsArgs = append(eventsWhere, "e.principal = ?"), append(eventsArgs, q.Principal)
		readWhere, readArgs = append(readWhere, "e.principal_id = "+stringID), append(readArgs, q.Principal)
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
		eventsWhere, eventsArgs = append(eventsWhere, "("+named+")"), append(eventsArgs, namedArgs...)
		readNamed, readNamedArgs := readResourceSQL(r)
		readWhere, readArgs = append(readWhere, readNamed), append(readArgs, readNamedArgs...)
	}
	switch {
	case q.Method == "":
	case fullMethodRE.MatchString(q.Method):
		eventsWhere, eventsArgs = append(eventsWhere, "e.method = ?"), append(eventsArgs, q.Method)
		readWhere, readArgs = append(readWhere, "e.method_id = "+stringID), append(readArgs, q.Method)
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
			readWhere, readArgs = append(readWhere, "e.pk >= ?"), append(readArgs, bound)
		}
	}
	if !q.End.IsZero() {
		where, args = append(where, "e.event_time < ?"), append(args, micros(q.End))
		end = strconv.FormatInt(micros(q.End), 10)
		if bound, ok := readKeyBound(micros(q.End)); ok {
			readWhere, readArgs = append(readWhere, "e.pk < ?"), append(readArgs, bound)
		}
	}
	if err := v.err(); err != nil {
		return nil, Page{}, err
	}
	l := listing{
		columns: auditEventColumns,
		where:   where,
		args:    args,
		terms: []orderTerm{
			{sortKey: sortKey{expr: "e.event_time", kind: kindInt}, path: "event_time", desc: true},
			{sortKey: sortKey{expr: "e.pk", kind: kindInt}, path: "pk", desc: true},
		},
		query: queryChecksum("auditEvents", q.Principal, q.Resource, q.Method, start, end, q.Filter),
		size:  size,
		token: q.PageToken,
	}
	var out []*pb.AuditEvent
	var page Page
	err = db.read(ctx, func(tx *Tx) error {
		if err := tx.addFilter(ctx, &l, q.Filter, auditEventSchema); err != nil {
			return err
		}
		if l.token != "" {
			after, _, err := db.decodePageToken(l.token, l.query, l.terms)
			if err != nil {
				return err
			}
			cond, condArgs := afterSQL(l.terms, after)
			l.where, l.args = append(l.where, cond), append(l.args, condArgs...)
			// After (t, pk) in audit_reads: keys below pk when pk is a key
			// of t, else below t's first key.
			t, pk := after[0].(int64), after[1].(int64)
			if bound, ok := readKeyBound(t); ok {
				if pk>>readKeyShift == t {
					bound = pk
				}
				readWhere, readArgs = append(readWhere, "e.pk < ?"), append(readArgs, bound)
			}
		}
		events := l
		events.from = "audit_events e"
		events.where = append(slices.Clone(l.where), eventsWhere...)
		events.args = append(slices.Clone(l.args), eventsArgs...)
		rows, err := tx.auditPage(ctx, events.pageSQL(events.where), events.args, func(s scanner) (auditRow, error) {
			var t, pk int64 // the sort keys, which the row has already
			return scanAuditEvent(s, &t, &pk)
		})
		if err != nil {
			return err
		}
		reads := l
		reads.where = append(slices.Clone(l.where), readWhere...)
		reads.args = append(slices.Clone(l.args), readArgs...)
		readRows, err := tx.auditPage(ctx, `SELECT `+readEventColumns+` FROM audit_read_events e`+whereSQL(reads.where)+
			fmt.Sprintf(` ORDER BY e.pk DESC LIMIT %d`, size+1), reads.args, scanReadEvent)
		if err != nil {
			return err
		}
		merged := mergeAuditRows(rows, readRows, size+1)
		if len(merged) > size {
			merged = merged[:size]
			last := merged[size-1]
			page.NextPageToken = db.encodePageToken(l.query, l.terms, []any{last.t, last.pk}, -1)
		}
		if l.token == "" && page.NextPageToken == "" {
			// As every listing does when one page holds every match.
			page.TotalSize = len(merged)
		}
		out = make([]*pb.AuditEvent, len(merged))
		var old, compact []auditRow
		for i, r := range merged {
			out[i] = r.ev
			if r.compact {
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
		return nil, Page{}, err
	}
	return out, page, nil
}

// readKeyBound is the first key of audit_reads at or after the time us,
// which bounds the keys of a time range; false past the last time a key
// holds (the conditions on event_time still hold exactly without it).
func readKeyBound(us int64) (int64, bool) {
	return max(us, 0) << readKeyShift, us <= maxReadKeyMicros
}

// auditPage runs the page query of one table of the trail.
func (tx *Tx) auditPage(ctx context.Context, query string, args []any, scan func(scanner) (auditRow, error)) ([]auditRow, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, r)
	}
	return out, dbError(rows.Err())
}

// mergeAuditRows merges two pages in the trail's order, newest first, up
// to n rows.
func mergeAuditRows(a, b []auditRow, n int) []auditRow {
	out := make([]auditRow, 0, min(n, len(a)+len(b)))
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && (a[0].t > b[0].t || (a[0].t == b[0].t && a[0].pk > b[0].pk))) {
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

// Unsaved reports whether the event has resources that are not stored yet.
func (ev *AuditEvent) Unsaved() bool { return ev.stored < len(ev.Resources) }
