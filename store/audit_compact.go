package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The compact read events of migration 0025: a read event stored by
// AppendAudit goes to audit_reads, keyed by its time, its strings numbers
// into audit_strings, about 60 bytes for a GetPerson where audit_events
// took 368 (BENCHMARKS.md, "Audit bytes per read call").

// readKeyShift makes room in a key for the events of one microsecond:
// key = time in µs << readKeyShift | n. 2^52 µs is the year 2112; 2^11
// events in one microsecond is more than a server starts.
const readKeyShift = 11

// The times a key can hold: from 2000 (below, a key could meet the pks of
// audit_events), to where the key would overflow.
var (
	minReadKeyMicros = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	maxReadKeyMicros = int64(1)<<(63-readKeyShift) - 1
)

// readEventPrefix starts the id of a compact read event: an id of
// audit_events (newID) has no hyphen.
const readEventPrefix = "r-"

func readEventID(key int64) string { return readEventPrefix + strconv.FormatInt(key, 36) }

// readEventKey is the key a compact event's id names.
func readEventKey(id string) (int64, bool) {
	s, ok := strings.CutPrefix(id, readEventPrefix)
	if !ok {
		return 0, false
	}
	key, err := strconv.ParseInt(s, 36, 64)
	if err != nil || key <= 0 || readEventID(key) != id {
		return 0, false
	}
	return key, true
}

// compactable reports whether audit_reads can hold ev: a read at a time
// its key can hold, whose names it can pack (no spaces, which separate
// them; no quotes or backslashes, which audit_names would read as JSON).
func compactable(ev *AuditEvent) bool {
	us := micros(ev.Time)
	if !ev.Read || us < minReadKeyMicros || us > maxReadKeyMicros {
		return false
	}
	for _, name := range ev.Resources {
		if !packableName(name) {
			return false
		}
	}
	return true
}

func packableName(name string) bool {
	if name == "" {
		return false
	}
	// Byte by byte while ASCII: the names of a page are thousands of
	// characters a call.
	for i := 0; i < len(name); i++ {
		if c := name[i]; c >= utf8.RuneSelf {
			return strings.IndexFunc(name[i:], func(r rune) bool {
				return r == '"' || r == '\\' || unicode.IsSpace(r) || !unicode.IsGraphic(r)
			}) < 0
		} else if c <= ' ' || c == 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// readInserter stores compact read events, with the strings of one
// AppendAudit: the ids it found or made, and the newest event naming each;
// and the numbers of the people it found or made (audit_people.go).
type readInserter struct {
	tx                                  *Tx
	last, ins, str, addStr, num, addNum *sql.Stmt
	ids                                 map[string]int64
	newest                              map[int64]int64
	nums                                map[string]int64
	// high is at least the largest key in audit_reads (-1: not read yet):
	// an event of a later microsecond takes its first key without asking
	// which keys of its microsecond are taken. Reads arrive in time order,
	// so one query a transaction replaces one an event (BENCHMARKS.md,
	// issue 19, twenty-sixth session).
	high int64
}

func (a *auditInserter) reads(ctx context.Context) (*readInserter, error) {
	if a.r != nil {
		return a.r, nil
	}
	r := &readInserter{tx: a.tx, ids: map[string]int64{"": 0}, newest: map[int64]int64{}, nums: map[string]int64{}, high: -1}
	for _, s := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&r.last, `SELECT max(key) FROM audit_reads WHERE key >= ?1 AND key < ?1 + 2048`},
		{&r.ins, `INSERT INTO audit_reads (key, principal, principal_name, role, association, method, code,
			client_address, transport, request_id, people, names) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&r.str, `SELECT id FROM audit_strings WHERE value = ?`},
		{&r.addStr, `INSERT INTO audit_strings (value, last_time) VALUES (?, 0)`},
		{&r.num, `SELECT num FROM audit_people WHERE id = ?`},
		{&r.addNum, `INSERT INTO audit_people (id) VALUES (?)`},
	} {
		stmt, err := a.tx.PrepareContext(ctx, s.sql)
		if err != nil {
			r.close()
			return nil, dbError(err)
		}
		*s.stmt = stmt
	}
	a.r = r
	return r, nil
}

func (r *readInserter) close() {
	for _, s := range []*sql.Stmt{r.last, r.ins, r.str, r.addStr, r.num, r.addNum} {
		if s != nil {
			s.Close()
		}
	}
}

// id is the number of s in audit_strings, made if need be, and notes that
// an event of time us names it.
func (r *readInserter) id(ctx context.Context, s string, us int64) (int64, error) {
	id, ok := r.ids[s]
	if !ok {
		err := r.str.QueryRowContext(ctx, s).Scan(&id)
		if err == sql.ErrNoRows {
			var res sql.Result
			if res, err = r.addStr.ExecContext(ctx, s); err == nil {
				id, err = res.LastInsertId()
			}
		}
		if err != nil {
			return 0, dbError(err)
		}
		r.ids[s] = id
	}
	if id != 0 && r.newest[id] < us {
		r.newest[id] = us
	}
	return id, nil
}

// insert stores ev in audit_reads, or reports that its microsecond is
// full (then audit_events takes it).
func (r *readInserter) insert(ctx context.Context, ev *AuditEvent) (bool, error) {
	us := micros(ev.Time)
	base := us << readKeyShift
	if r.high < 0 {
		var high sql.NullInt64
		if err := r.tx.QueryRowContext(ctx, `SELECT max(key) FROM audit_reads`).Scan(&high); err != nil {
			return false, dbError(err)
		}
		r.high = max(high.Int64, 0)
	}
	key := base
	if base <= r.high {
		var last sql.NullInt64
		if err := r.last.QueryRowContext(ctx, base).Scan(&last); err != nil {
			return false, dbError(err)
		}
		if last.Valid {
			if key = last.Int64 + 1; key>>readKeyShift != us {
				return false, nil
			}
		}
	}
	args := []any{key}
	for _, s := range []string{ev.Principal, ev.PrincipalName, ev.Role, ev.Association, ev.Method, ev.Code,
		ev.ClientAddress, ev.Transport} {
		id, err := r.id(ctx, s, us)
		if err != nil {
			return false, err
		}
		args = append(args, id)
	}
	people, _, others, err := r.packNames(ctx, ev.Resources, nil, 0)
	if err != nil {
		return false, err
	}
	var packed any // NULL for no people
	if len(people) > 0 {
		packed = people
	}
	if _, err := r.ins.ExecContext(ctx, append(args, ev.RequestID, packed, others)...); err != nil {
		return false, dbError(err)
	}
	r.high = max(r.high, key)
	ev.pk, ev.ID, ev.compact, ev.stored = key, readEventID(key), true, len(ev.Resources)
	return true, nil
}

// finish notes in audit_strings the newest event naming each string used,
// which retention goes by.
func (r *readInserter) finish(ctx context.Context) error {
	for id, us := range r.newest {
		if _, err := r.tx.ExecContext(ctx, `UPDATE audit_strings SET last_time = ?2 WHERE id = ?1 AND last_time < ?2`,
			id, us); err != nil {
			return dbError(err)
		}
	}
	return nil
}

// addNames appends to a stored compact event the names learnt since: its
// people after those it has, packed as they are (text in a row stored
// before 0027), as the trigger audit_reads_no_update allows.
func (a *auditInserter) addNames(ctx context.Context, ev *AuditEvent) error {
	added := ev.Resources[ev.stored:]
	for _, name := range added {
		if !packableName(name) {
			return errorf(Invalid, "resources", "%q cannot be added to a read event already stored", name)
		}
	}
	ctx = a.tx.stmtContext(ctx)
	r, err := a.reads(ctx)
	if err != nil {
		return err
	}
	var stored any
	if err := a.tx.QueryRowContext(ctx, `SELECT people FROM audit_reads WHERE key = ?`, ev.pk).Scan(&stored); err != nil {
		return dbError(err)
	}
	var people, others any
	if text, ok := stored.(string); ok {
		ids, rest := packPeople(added)
		if ids != nil {
			people = text + " " + ids.(string)
		}
		if len(rest) > 0 {
			others = strings.Join(rest, " ")
		}
	} else {
		b, _ := stored.([]byte)
		prev, err := peopleRuns(b, nil)
		if err != nil {
			return &Error{Code: Internal, Message: "audit trail", Err: err}
		}
		var grown []byte
		if grown, _, others, err = r.packNames(ctx, added, slices.Clip(b), prev); err != nil {
			return err
		}
		if len(grown) > len(b) {
			people = grown
		}
	}
	_, err = a.tx.ExecContext(ctx, `UPDATE audit_reads SET
		people = coalesce(?2, people),
		names = CASE WHEN ?3 IS NULL THEN names ELSE coalesce(names || ' ', '') || ?3 END
		WHERE key = ?1`, ev.pk, people, others)
	return dbError(err)
}

// readEventHead are the columns of audit_read_events a listing reads,
// scanned by scanReadEventHead; readEventColumns those and its names as
// stored, scanned by scanReadEvent. A listing reads the names of the rows
// on its page only (readNames): a watch's event could hold 48,000.
const (
	readEventHead = `e.pk, e.event_time, e.principal, e.principal_name, e.role, e.association,
	e.method, e.code, e.request_id, e.client_address, e.transport`
	readEventColumns = readEventHead + `, e.read_people, e.names`
)

func scanReadEventHead(s scanner, extra ...any) (auditRow, error) {
	ev := &pb.AuditEvent{}
	var pk, t int64
	err := s.Scan(append([]any{&pk, &t, &ev.Principal, &ev.PrincipalName, &ev.Role, &ev.Association,
		&ev.Method, &ev.Code, &ev.RequestId, &ev.ClientAddress, &ev.Transport}, extra...)...)
	if err != nil {
		return auditRow{}, err
	}
	ev.Name, ev.EventTime = "auditEvents/"+readEventID(pk), timestamppb.New(fromMicros(t))
	return auditRow{pk: pk, ev: ev, t: t, compact: true}, nil
}

// scanReadEvent scans a row of audit_read_events with its names as
// stored, which expand turns into the event's resources.
func scanReadEvent(s scanner) (auditRow, error) {
	var people any
	var names sql.NullString
	row, err := scanReadEventHead(s, &people, &names)
	row.people, row.names = people, names
	return row, err
}

// readNamesCount is how many names the row r of audit_reads holds,
// counted without making them.
const readNamesCount = `IFNULL(length(r.names) - length(replace(r.names, ' ', '')) + 1, 0) +
	CASE typeof(r.people)
		WHEN 'text' THEN length(r.people) - length(replace(r.people, ' ', '')) + 1
		WHEN 'blob' THEN IFNULL(json_array_length(audit_people_nums(r.people)), 0)
		ELSE 0 END`

// readNames reads the names as stored of the compact rows among rows.
func (tx *Tx) readNames(ctx context.Context, rows []auditRow) error {
	byKey := map[int64]*auditRow{}
	var keys []any
	for i := range rows {
		if rows[i].compact {
			byKey[rows[i].pk] = &rows[i]
			keys = append(keys, rows[i].pk)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	res, err := tx.QueryContext(ctx, `SELECT key, people, names FROM audit_reads WHERE key IN (`+placeholders(len(keys))+`)`, keys...)
	if err != nil {
		return dbError(err)
	}
	defer res.Close()
	for res.Next() {
		var key int64
		var people any
		var names sql.NullString
		if err := res.Scan(&key, &people, &names); err != nil {
			return dbError(err)
		}
		byKey[key].people, byKey[key].names = people, names
	}
	return dbError(res.Err())
}

// expand makes a compact row's resources of its names as stored: its
// people packed as numbers (0027) are left in nums, for resolvePeople to
// name.
func (r *auditRow) expand() error {
	ev := r.ev
	switch p := r.people.(type) {
	case string:
		for _, id := range strings.Split(p, " ") {
			ev.Resources = append(ev.Resources, "people/"+id)
		}
	case []byte:
		var err error
		if r.nums, err = unpackPeopleNums(p); err != nil {
			return &Error{Code: Internal, Message: "audit trail", Err: err}
		}
	}
	if r.names.Valid {
		ev.Resources = append(ev.Resources, strings.Split(r.names.String, " ")...)
	}
	r.people, r.names = nil, sql.NullString{}
	slices.Sort(ev.Resources)
	return nil
}

// readResourceSQL is the condition that a compact read event names r or
// a name under it, as audit_event_resources answers for the others.
func readResourceSQL(r string) (string, []any) {
	cond := `instr(' ' || e.names || ' ', ?) > 0 OR instr(' ' || e.names || ' ', ?) > 0`
	args := []any{" " + r + " ", " " + r + "/"}
	if id, ok := strings.CutPrefix(r, "people/"); ok && validID(id) {
		// The person's number, looked up once for the query; packed
		// numbers, or the ids of a row stored before 0027.
		cond += ` OR audit_people_has(e.read_people, (SELECT num FROM audit_people WHERE id = ?), ?)`
		args = append(args, id, id)
	} else if r == "people" {
		cond += ` OR e.read_people IS NOT NULL`
	}
	return "(" + cond + ")", args
}

// GetAuditEvent returns the event named auditEvents/{id}, of either table.
func (db *DB) GetAuditEvent(ctx context.Context, name string) (*pb.AuditEvent, error) {
	id, ok := strings.CutPrefix(name, "auditEvents/")
	if !ok || id == "" {
		return nil, errorf(Invalid, "name", "want auditEvents/{event}, not %q", name)
	}
	var out *pb.AuditEvent
	err := db.read(ctx, func(tx *Tx) error {
		var row auditRow
		err := sql.ErrNoRows
		if key, ok := readEventKey(id); ok {
			row, err = scanReadEvent(tx.QueryRowContext(ctx, `SELECT `+readEventColumns+`
				FROM audit_read_events e WHERE e.pk = ?`, key))
			if err == nil {
				err = row.expand()
			}
			if err == nil {
				err = tx.resolvePeople(ctx, []auditRow{row})
			}
		}
		// An id of audit_events has no hyphen, unless its caller gave it.
		if err == sql.ErrNoRows {
			row, err = scanAuditEvent(tx.QueryRowContext(ctx, `SELECT `+auditEventColumns+`
				FROM audit_events e WHERE e.id = ?`, id))
			if err == nil {
				err = tx.auditResources(ctx, []auditRow{row})
			}
		}
		if err == sql.ErrNoRows {
			return errorf(NotFound, "name", "%s does not exist (or retention removed it)", name)
		}
		out = row.ev
		return dbError(err)
	})
	return out, err
}
