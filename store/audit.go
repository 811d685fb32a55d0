package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
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

// AuditPartNames bounds the names one stored audit event holds. A call
// that names more -- a watch of the change feed, an export, an import of
// a hundred thousand people -- is stored in parts of this many (Cut), each
// an event of the call with its request id, so that neither the event the
// server holds nor one the trail lists, or a person's export reads, grows
// with the call (a watch from the feed's start held 48,000 names; an
// import, every person it wrote).
const AuditPartNames = 2000

// Cut returns the first AuditPartNames names of ev as an event of their
// own, to be stored as one part of its call, and makes ev the next part:
// the same call (principal, method, request id, ...) from t on, naming the
// names after them; nil while ev holds fewer. The call's last part has its
// outcome.
func (ev *AuditEvent) Cut(t time.Time) *AuditEvent {
	n := max(AuditPartNames, ev.stored)
	if len(ev.Resources) < n {
		return nil
	}
	rest := ev.Resources[n:]
	part := *ev
	part.Resources, part.named = ev.Resources[:n:n], nil
	*ev = AuditEvent{ID: newEventID(t), Time: t, Principal: part.Principal, PrincipalName: part.PrincipalName,
		Role: part.Role, Association: part.Association, Method: part.Method, RequestID: part.RequestID,
		ClientAddress: part.ClientAddress, Transport: part.Transport, Read: part.Read}
	ev.AddResources(rest...)
	return &part
}

// cutAudit stores, in tx, the parts of AuditPartNames names that the event
// of tx's write holds (Cut), with the code OK: a write that names people
// without bound (an import) is recorded in parts as it goes. Only between
// the savepoints of the write's rows: a part stored in one that is rolled
// back would be lost while the event believed it stored. When the write
// does not commit, rewind puts the event back as it was.
func (tx *Tx) cutAudit(ctx context.Context) error {
	ev := tx.audit
	if ev == nil || ev.pk != 0 || len(ev.Resources) < AuditPartNames {
		return nil
	}
	ins := &auditInserter{tx: tx}
	defer ins.close()
	for part := ev.Cut(time.Now()); part != nil; part = ev.Cut(time.Now()) {
		part.Code = "OK"
		if err := ins.event(ctx, part); err != nil {
			return err
		}
	}
	return nil
}

// auditMark is an event as a write found it, which rewind puts back.
type auditMark struct {
	id, code string
	time     time.Time
	names    []string
}

func (ev *AuditEvent) mark() auditMark {
	n := len(ev.Resources)
	return auditMark{id: ev.ID, code: ev.Code, time: ev.Time, names: ev.Resources[:n:n]}
}

// rewind forgets what a write that did not commit added to ev: the names
// after those it had, and the parts it cut (cutAudit), whose rows rolled
// back with it. The names m holds are as they were: names are only ever
// appended after them, or cut off.
func (ev *AuditEvent) rewind(m auditMark) {
	if ev.ID == m.id {
		ev.dropResourcesAfter(len(m.names))
		return
	}
	ev.ID, ev.Code, ev.Time, ev.Resources, ev.named = m.id, m.code, m.time, slices.Clone(m.names), nil
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

// Unsaved reports whether the event has resources that are not stored yet.
func (ev *AuditEvent) Unsaved() bool { return ev.stored < len(ev.Resources) }
