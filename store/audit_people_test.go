package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAuditPeoplePacking(t *testing.T) {
	seq := func(from, n int64) []int64 {
		var out []int64
		for i := range n {
			out = append(out, from+i)
		}
		return out
	}
	for _, tt := range []struct {
		name  string
		nums  []int64
		want  []int64 // unpacked: sorted, once each
		bytes int
	}{
		{"none", nil, nil, 0},
		{"one", []int64{5}, []int64{5}, 1},
		{"a page numbered at its first read", seq(1000, 50), seq(1000, 50), 3},
		{"in any order, twice", []int64{9, 3, 4, 3, 1, 2}, []int64{1, 2, 3, 4, 9}, 3},
		{"far apart", []int64{maxPersonNum, 1, 1 << 40}, []int64{1, 1 << 40, maxPersonNum}, 17},
	} {
		b, last := packPeopleNums(nil, 0, tt.nums)
		got, err := unpackPeopleNums(b)
		if err != nil || !slices.Equal(got, tt.want) || len(b) != tt.bytes {
			t.Errorf("%s: %x (%d bytes) unpacks to %v, %v; want %v in %d bytes", tt.name, b, len(b), got, err, tt.want, tt.bytes)
		}
		if wantLast := int64(0); len(tt.want) > 0 {
			wantLast = tt.want[len(tt.want)-1]
			if last != wantLast {
				t.Errorf("%s: last %d, want %d", tt.name, last, wantLast)
			}
		}
		for _, n := range append(slices.Clone(tt.want), 2, 6, 1<<41) {
			if has, err := hasPersonNum(b, n); err != nil || has != slices.Contains(tt.want, n) {
				t.Errorf("%s: has %d = %v, %v", tt.name, n, has, err)
			}
		}
	}
	// Appended after the last number, whichever way the new ones lie.
	b, last := packPeopleNums(nil, 0, seq(100, 3))
	b, _ = packPeopleNums(b, last, []int64{7, 200, 8})
	if got, err := unpackPeopleNums(b); err != nil || !slices.Equal(got, []int64{100, 101, 102, 7, 8, 200}) {
		t.Errorf("appended: %v, %v", got, err)
	}
	// What packPeopleNums never writes.
	for _, bad := range [][]byte{
		{0x80},       // a token cut short
		{0x03},       // 0 - 1: below 1
		{0x05, 0x00}, // a run of none more
		{0x05},       // a run without its length
		append(binary.AppendUvarint(nil, uint64(maxPersonNum)<<2), 0x04),   // past maxPersonNum
		append(binary.AppendUvarint(nil, uint64(maxPersonNum)<<2|1), 0x01), // a run past it
		{0x05, 0xff, 0xff, 0xff, 0x0f},                                     // a run of billions
	} {
		if got, err := unpackPeopleNums(bad); err == nil {
			t.Errorf("%x unpacked to %d numbers", bad, len(got))
		}
	}
}

// FuzzUnpackAuditPeople: any bytes unpack or fail without a panic, agreeing
// with the membership test; numbers packed then appended to unpack as
// they went in.
func FuzzUnpackAuditPeople(f *testing.F) {
	b, last := packPeopleNums(nil, 0, []int64{1, 2, 3, 10})
	b, _ = packPeopleNums(b, last, []int64{5})
	f.Add(b)
	f.Add([]byte{0x05, 0x31})
	f.Add([]byte{8, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f})
	f.Add([]byte{2, 0x10, 0x00, 0x10, 0x01, 0x0f, 0xff})
	db := auditFuncs(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		nums, err := unpackPeopleNums(data)
		// The functions of SQL (audit_funcs.go) answer as Go does.
		var json sql.NullString
		serr := db.QueryRow(`SELECT audit_people_nums(?)`, data).Scan(&json)
		if (serr != nil) != (err != nil) || err == nil && len(nums) > 0 && json.String != jsonNums(nums) {
			t.Fatalf("%x: audit_people_nums %v, %v; Go %v, %v", data, json.String, serr, nums, err)
		}
		probes := []int64{0, 1, 2, maxPersonNum}
		for _, n := range nums[:min(len(nums), 20)] {
			probes = append(probes, n, n+1)
		}
		for _, n := range probes {
			has, err := hasPersonNum(data, n)
			var got bool
			serr := db.QueryRow(`SELECT audit_people_has(?, ?, '')`, data, n).Scan(&got)
			if (serr != nil) != (err != nil) || got != has {
				t.Fatalf("%x: audit_people_has %d: %v, %v; Go %v, %v", data, n, got, serr, has, err)
			}
		}
		if err == nil {
			for _, n := range nums[:min(len(nums), 100)] {
				if has, err := hasPersonNum(data, n); !has || err != nil {
					t.Fatalf("%x: unpacks to %d, membership says %v, %v", data, n, has, err)
				}
			}
			sorted := slices.Clone(nums)
			slices.Sort(sorted)
			sorted = slices.Compact(sorted)
			again, _ := packPeopleNums(nil, 0, nums)
			if got, err := unpackPeopleNums(again); err != nil || !slices.Equal(got, sorted) {
				t.Fatalf("%x: repacked %v, %v; want %v", data, got, err, sorted)
			}
		}
		// The bytes as numbers of 1 to 8 bytes each (the first byte says),
		// in two batches, the second appended.
		if len(data) == 0 {
			return
		}
		width := int(data[0]%8) + 1
		var batches [2][]int64
		for i, rest := 0, data[1:]; len(rest) >= width; i, rest = i+1, rest[width:] {
			var v uint64
			for _, c := range rest[:width] {
				v = v<<8 | uint64(c)
			}
			n := int64(v%maxPersonNum) + 1
			batches[i%2] = append(batches[i%2], n)
		}
		b, last := packPeopleNums(nil, 0, batches[0])
		b, _ = packPeopleNums(b, last, batches[1])
		var want []int64
		for _, batch := range batches {
			s := slices.Clone(batch)
			slices.Sort(s)
			want = append(want, slices.Compact(s)...)
		}
		if got, err := unpackPeopleNums(b); err != nil || !slices.Equal(got, want) {
			t.Fatalf("%v packed as %x unpacks to %v, %v", batches, b, got, err)
		}
	})
}

// auditFuncs is a connection with the store's driver, for its functions.
func auditFuncs(tb testing.TB) *sql.DB {
	db, err := sql.Open(driverName, ":memory:")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestSQLAuditPeopleHas(t *testing.T) {
	db := auditFuncs(t)
	b, _ := packPeopleNums(nil, 0, []int64{3, 4, 9})
	for _, tt := range []struct {
		people, num any
		id          string
		want        bool
	}{
		{b, 4, "x", true},
		{b, 9, "x", true},
		{b, 5, "x", false},
		{b, nil, "x", false}, // a person never numbered: NULL
		{nil, 4, "x", false},
		{[]byte{}, 4, "x", false},
		{"x y", nil, "y", true},
		{"x y", nil, "x", true},
		{"x yz", nil, "y", false},
		{"x yz", nil, "z", false},
		{"x  y ", nil, "", false},
		// Bytes that read as text " x " in a blob are no person's id.
		{[]byte(" x "), nil, "x", false},
	} {
		var got bool
		if err := db.QueryRow(`SELECT audit_people_has(?, ?, ?)`, tt.people, tt.num, tt.id).Scan(&got); err != nil || got != tt.want {
			t.Errorf("audit_people_has(%q, %v, %q) = %v, %v", tt.people, tt.num, tt.id, got, err)
		}
	}
	var nums sql.NullString
	for _, tt := range []struct {
		people any
		want   sql.NullString
	}{
		{b, sql.NullString{String: "[3,4,9]", Valid: true}},
		{nil, sql.NullString{}},
		{"3 4", sql.NullString{}},
	} {
		if err := db.QueryRow(`SELECT audit_people_nums(?)`, tt.people).Scan(&nums); err != nil || nums != tt.want {
			t.Errorf("audit_people_nums(%q) = %v, %v", tt.people, nums, err)
		}
	}
	if err := db.QueryRow(`SELECT audit_people_has(x'80', 1, '')`).Scan(new(bool)); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a damaged blob: %v", err)
	}
}

func TestAuditPersonNumsBound(t *testing.T) {
	var p personNums
	for i := range maxPersonNums + 10 {
		p.add(map[string]int64{strconv.Itoa(i): int64(i)})
	}
	if len(p.m) > maxPersonNums || len(p.m) < maxPersonNums/2 {
		t.Errorf("%d entries, bound %d", len(p.m), maxPersonNums)
	}
	if n, ok := p.get(strconv.Itoa(maxPersonNums + 9)); !ok || n != maxPersonNums+9 {
		t.Errorf("the newest entry: %d, %v", n, ok)
	}
}

// readOf is a compact read event of key:a at t naming names.
func readOf(t time.Time, names ...string) *AuditEvent {
	ev := NewAuditEvent(t)
	ev.Principal, ev.Method, ev.Code, ev.Read, ev.Resources = "key:a", "/trithuc.v1.PersonService/ListPeople", "OK", true, names
	return ev
}

// whoRead lists the events naming r, as id=names.
func whoRead(t *testing.T, db *DB, q AuditQuery) []string {
	t.Helper()
	evs, _, err := db.ListAuditEvents(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, strings.TrimPrefix(ev.Name, "auditEvents/")+"="+strings.Join(ev.Resources, "+"))
	}
	return out
}

// Events with packed people, beside a row of audit_reads stored with its
// people as text before 0027: listed, got, found by the person and by
// filter, and given names after they were stored, each as it is stored.
func TestAuditPackedPeopleBesideTextRows(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	key := micros(t0) << readKeyShift
	if _, err := db.writer.ExecContext(ctx, `INSERT INTO audit_reads (key, principal, principal_name, role, association,
		method, code, client_address, transport, request_id, people, names) VALUES (?, 0, 0, 0, 0, 0, 0, 0, 0, 'old', 'x y', 'people/y/works/w')`,
		key); err != nil {
		t.Fatal(err)
	}
	old := &AuditEvent{ID: readEventID(key), Time: t0, Read: true, pk: key, compact: true,
		Resources: []string{"people/x", "people/y", "people/y/works/w"}, stored: 3}
	page := readOf(t0.Add(time.Second), "people/zed", "people/x", "people/bob")
	get := readOf(t0.Add(2*time.Second), "people/x")
	other := readOf(t0.Add(3*time.Second), "people/xy", "people/bob")
	if err := db.AppendAudit(ctx, []*AuditEvent{page, get, other}); err != nil {
		t.Fatal(err)
	}
	var types string
	db.writer.QueryRowContext(ctx, `SELECT group_concat(typeof(people), ' ') FROM (SELECT people FROM audit_reads ORDER BY key)`).Scan(&types)
	if types != "text blob blob blob" {
		t.Fatalf("people stored as %s", types)
	}
	check := func(step string, want map[string][]string) {
		t.Helper()
		for q, w := range want {
			query := AuditQuery{Resource: q}
			if strings.HasPrefix(q, "resources:") {
				query = AuditQuery{ListQuery: ListQuery{Filter: q}}
			}
			if got := whoRead(t, db, query); !slices.Equal(got, w) {
				t.Errorf("%s, %s:\n got %v\nwant %v", step, q, got, w)
			}
		}
	}
	id := func(ev *AuditEvent) string { return ev.ID }
	check("stored", map[string][]string{
		"people/x":               {id(get) + "=people/x", id(page) + "=people/bob+people/x+people/zed", id(old) + "=people/x+people/y+people/y/works/w"},
		"people/y":               {id(old) + "=people/x+people/y+people/y/works/w"},
		"people/bob":             {id(other) + "=people/bob+people/xy", id(page) + "=people/bob+people/x+people/zed"},
		"people/nobody":          nil,
		`resources:"people/x"`:   {id(get) + "=people/x", id(page) + "=people/bob+people/x+people/zed", id(old) + "=people/x+people/y+people/y/works/w"},
		`resources:"people/zed"`: {id(page) + "=people/bob+people/x+people/zed"},
	})
	if ev, err := db.GetAuditEvent(ctx, "auditEvents/"+page.ID); err != nil || strings.Join(ev.Resources, "+") != "people/bob+people/x+people/zed" {
		t.Errorf("GetAuditEvent: %v, %v", ev, err)
	}
	// Names learnt after: the text row's people stay text, the blob's
	// grow; an id already named is not named twice.
	old.AddResources("people/q", "organizations/o")
	page.AddResources("people/x", "people/new", "people/y")
	if err := db.AppendAudit(ctx, []*AuditEvent{old, page}); err != nil {
		t.Fatal(err)
	}
	page.AddResources("people/a")
	if err := db.AppendAudit(ctx, []*AuditEvent{page}); err != nil {
		t.Fatal(err)
	}
	db.writer.QueryRowContext(ctx, `SELECT group_concat(typeof(people), ' ') FROM (SELECT people FROM audit_reads ORDER BY key)`).Scan(&types)
	if types != "text blob blob blob" {
		t.Errorf("people stored as %s after names were added", types)
	}
	oldNames := id(old) + "=organizations/o+people/q+people/x+people/y+people/y/works/w"
	pageNames := id(page) + "=people/a+people/bob+people/new+people/x+people/y+people/zed"
	check("names added", map[string][]string{
		"people/q":             {oldNames},
		"people/y":             {pageNames, oldNames},
		"people/a":             {pageNames},
		"organizations/o":      {oldNames},
		`resources:"people/a"`: {pageNames},
	})
	var named int
	db.reader.QueryRowContext(ctx, `SELECT count(*) FROM audit_names WHERE event_pk = ?`, page.pk).Scan(&named)
	if named != 6 {
		t.Errorf("audit_names holds %d names of the page, want 6", named)
	}
}

// A database whose audit_reads was written before 0027 keeps its events,
// beside those stored packed after.
func TestMigrateAuditPeople(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_audit_people.sql")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	key := micros(t0) << readKeyShift
	if _, err := old.writer.ExecContext(ctx, `INSERT INTO audit_strings (id, value, last_time) VALUES (1, 'key:a', ?)`, micros(t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := old.writer.ExecContext(ctx, `INSERT INTO audit_reads (key, principal, principal_name, role, association, method,
		code, client_address, transport, request_id, people, names) VALUES (?, 1, 0, 0, 0, 0, 0, 0, 0, 'r1', 'x y', NULL)`, key); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	ev := readOf(time.Now(), "people/y", "people/z")
	if err := db.AppendAudit(ctx, []*AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
	if got, want := whoRead(t, db, AuditQuery{Resource: "people/y"}), []string{ev.ID + "=people/y+people/z", readEventID(key) + "=people/x+people/y"}; !slices.Equal(got, want) {
		t.Errorf("who read people/y: %v, want %v", got, want)
	}
	if got, err := db.GetAuditEvent(ctx, "auditEvents/"+readEventID(key)); err != nil || got.Principal != "key:a" ||
		strings.Join(got.Resources, "+") != "people/x+people/y" {
		t.Errorf("the old event: %v, %v", got, err)
	}
}

// The people's numbers are the trail's: no statement changes or deletes
// one, a packed blob only grows at its end, and retention leaves the
// numbers (migration 0027 says why), which the next read uses again.
func TestAuditPeopleNumbersAppendOnly(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := t0
	db.Now = func() time.Time { return clock }
	if err := db.AppendAudit(ctx, []*AuditEvent{readOf(t0, "people/a", "people/b", "people/c")}); err != nil {
		t.Fatal(err)
	}
	cutoff := "INSERT INTO audit_retention VALUES (1, " + strconv.FormatInt(micros(t0.Add(time.Hour)), 10) + ")"
	for _, tt := range []struct {
		stmts   []string
		refused bool
	}{
		{[]string{`UPDATE audit_people SET id = 'z' WHERE id = 'a'`}, true},
		{[]string{`UPDATE audit_people SET num = num + 10`}, true},
		{[]string{`DELETE FROM audit_people`}, true},
		{[]string{cutoff, `DELETE FROM audit_people`}, true},
		{[]string{`UPDATE audit_reads SET people = NULL`}, true},
		{[]string{`UPDATE audit_reads SET people = CAST(x'02' || people AS BLOB)`}, true},
		{[]string{`UPDATE audit_reads SET people = substr(people, 1, length(people) - 1)`}, true},
		{[]string{`UPDATE audit_reads SET people = x'04'`}, true},
		// || makes text of blobs.
		{[]string{`UPDATE audit_reads SET people = people || x'02'`}, true},
		{[]string{`UPDATE audit_reads SET people = CAST(people || x'02' AS BLOB)`}, false},
	} {
		tx, err := db.writer.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, stmt := range tt.stmts {
			_, err = tx.ExecContext(ctx, stmt)
			if i < len(tt.stmts)-1 && err != nil {
				t.Fatal(err)
			}
		}
		if refused := err != nil && strings.Contains(err.Error(), "append-only"); refused != tt.refused {
			t.Errorf("%s: %v, want refused %v", tt.stmts[len(tt.stmts)-1], err, tt.refused)
		}
		tx.Rollback()
	}
	clock = t0.Add(60 * 24 * time.Hour)
	if run, err := db.EnforceRetention(ctx, Retention{AuditReads: 30 * 24 * time.Hour}, nil); err != nil || run.AuditEvents != 1 {
		t.Fatalf("retention: %+v, %v", run, err)
	}
	again := readOf(clock, "people/b", "people/d")
	if err := db.AppendAudit(ctx, []*AuditEvent{again}); err != nil {
		t.Fatal(err)
	}
	var nums string
	db.reader.QueryRowContext(ctx, `SELECT group_concat(num || '=' || id, ' ') FROM (SELECT * FROM audit_people ORDER BY num)`).Scan(&nums)
	if nums != "1=a 2=b 3=c 4=d" {
		t.Errorf("audit_people after retention: %s", nums)
	}
	if got := whoRead(t, db, AuditQuery{Resource: "people/b"}); !slices.Equal(got, []string{again.ID + "=people/b+people/d"}) {
		t.Errorf("who read people/b: %v", got)
	}
}

// A batch that fails leaves no number behind in the writer's memory: the
// number it made goes to the next person numbered, and the person of the
// failed batch, read again, gets one of their own.
func TestAuditPeopleNumbersOfAFailedBatch(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	write := NewAuditEvent(time.Now())
	write.Principal, write.Method = "key:a", "/x.Y/UpdateZ"
	if err := db.AppendAudit(ctx, []*AuditEvent{write}); err != nil {
		t.Fatal(err)
	}
	dup := NewAuditEvent(time.Now().Add(time.Second))
	dup.ID, dup.Principal, dup.Method = write.ID, "key:a", "/x.Y/UpdateZ" // taken: the batch fails
	if err := db.AppendAudit(ctx, []*AuditEvent{readOf(time.Now(), "people/a"), dup}); err == nil {
		t.Fatal("a batch with a taken id was stored")
	}
	c := readOf(time.Now(), "people/c")
	if err := db.AppendAudit(ctx, []*AuditEvent{c}); err != nil {
		t.Fatal(err)
	}
	a := readOf(time.Now(), "people/a")
	if err := db.AppendAudit(ctx, []*AuditEvent{a}); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []*AuditEvent{a, c} {
		if got, err := db.GetAuditEvent(ctx, "auditEvents/"+ev.ID); err != nil || !slices.Equal(got.Resources, ev.Resources) {
			t.Errorf("%v stored as %v, %v", ev.Resources, got, err)
		}
	}
	if got := whoRead(t, db, AuditQuery{Resource: "people/c"}); !slices.Equal(got, []string{c.ID + "=people/c"}) {
		t.Errorf("who read people/c: %v", got)
	}
}

// hasPersonNum reports whether the packed b holds num, without unpacking:
// the reference audit_people_has answers as.
func hasPersonNum(b []byte, num int64) (bool, error) {
	found := false
	_, err := peopleRuns(b, func(start, n int64) bool {
		found = num >= start && num-start < n
		return !found
	})
	return found && err == nil, err
}

// jsonNums is nums as audit_people_nums writes them.
func jsonNums(nums []int64) string {
	var b []byte
	for _, n := range nums {
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return "[" + string(b) + "]"
}
