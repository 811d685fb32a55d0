package store

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// After a purge and a VACUUM, the database file holds none of the purged
// person's identifying values: not in the row, the revisions, the search
// indexes, the idempotency records, nor in free pages or the log. Another
// person's values, kept, are found by the same scan.
func TestPurgeLeavesNoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "purge.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	create := func(family, given, nationalID, email, phone, requestID string) *pb.Person {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: family, MiddleName: "Văn", GivenName: given,
			BirthDate: &date.Date{Year: 1980, Month: 4, Day: 17}, NationalId: nationalID, Email: email, Phone: phone,
			Address: family + " street"},
			CreateOptions{Request: &RequestKey{Principal: "key:test", Method: "CreatePerson", RequestID: requestID, Payload: []byte(requestID)}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	gone := create("Quảngxyzw", "Thuậnqvz", "079199001122", "purge.subject@example.vn", "0955667788", "req-gone")
	kept := create("Khươngkept", "Lộckept", "079199003344", "kept.subject@example.vn", "0933445566", "req-kept")
	if _, err := db.UpdatePerson(ctx, gone.Name, WriteOptions{}, func(p *pb.Person) error { p.Phone = "0911223344"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateQualification(ctx, gone.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI",
		Major: "Vậtlýhạtnhânxyz", Year: 2005}, CreateOptions{Request: &RequestKey{Principal: "key:test", Method: "CreateQualification", RequestID: "q", Payload: []byte("q")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateConsent(ctx, gone.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}, nil); err != nil {
		t.Fatal(err)
	}

	// Imports that hold the person: one that changed them, named with
	// them in its audit event alone (its report holds their family name,
	// which is no mark); one whose problems quote them; a dry run whose
	// report holds their row; one whose report holds the phone they had
	// before; a refused import whose report holds their national ID in
	// groups a no-break space apart, as a spreadsheet copy types them; one
	// whose report holds their phone alone, with the country code. And
	// one about the person kept, which stays.
	imported := importHolding(t, db, nil, storedWorkbook(t, "Quảngxyzw", "Nữ"), func(im *Importer) error {
		out, err := im.Person(ctx, &pb.Person{Name: gone.Name, FamilyName: "Quảngxyzw", GivenName: "Thuậnqvz", Gender: pb.Person_FEMALE})
		if err == nil && out.Action != Updated {
			t.Errorf("the import's row: %v, want it to update the person", out.Action)
		}
		return err
	})
	quoted := importHolding(t, db, problems(&pb.ImportProblem{Kind: pb.ImportProblem_CONFLICT, Person: gone.Name,
		Message: gone.Name + ` has "purge.subject@example.vn" registered; the file has "x@example.vn"`}), nil, nil)
	dryRun := importHolding(t, db, problems(&pb.ImportProblem{Row: 3, Message: "C (Tên): required"}),
		storedWorkbook(t, "Quảngxyzw", "Thuậnqvz", "079199001122", "PURGE.Subject@example.vn"), nil)
	oldPhone := importHolding(t, db, nil, storedWorkbook(t, "Quảngxyzw", "0955 667 788", "0955667788"), nil)
	const groupedID = "079\u00a0199\u00a0001\u00a0122"
	grouped := importHolding(t, db, problems(&pb.ImportProblem{Row: 2, Message: "E (Ngày sinh): no such date"}),
		storedWorkbook(t, "Quảngxyzw", groupedID), nil)
	intlPhone := importHolding(t, db, problems(&pb.ImportProblem{Row: 2, Message: "E (Ngày sinh): no such date"}),
		storedWorkbook(t, "Trần", "+84 911.223.344"), nil)
	keptOp := importHolding(t, db, problems(&pb.ImportProblem{Kind: pb.ImportProblem_CONFLICT, Person: kept.Name,
		Message: kept.Name + ` has "kept.subject@example.vn" registered`}), storedWorkbook(t, "Khươngkept", "079199003344"), nil)

	// Without a completed ERASURE request about them, nothing is purged.
	dsr, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: gone.Name,
		Requester: "Quảngxyzw Thuậnqvz", Details: "Xin xoá hồ sơ của Quảngxyzw"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PurgePerson(ctx, gone.Name, dsr.Name, "erasure requested", nil); errCode(err) != FailedPrecondition {
		t.Fatalf("a purge before the request is completed: %v", err)
	}
	if _, err := db.TransitionDataSubjectRequest(ctx, dsr.Name, pb.DataSubjectRequest_COMPLETED, "", "", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PurgePerson(ctx, kept.Name, dsr.Name, "erasure requested", nil); errCode(err) != FailedPrecondition {
		t.Fatalf("a purge of someone else with the request: %v", err)
	}
	removed, err := db.PurgePerson(ctx, gone.Name, dsr.Name, "erasure requested", nil)
	if err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int64{"people": 1, "qualifications": 1, "consents": 1, "requests": 2, "people_search": 1, "people_names": 1,
		"operations": 6} {
		if removed[table] != want {
			t.Errorf("removed %d rows of %s, want %d (%v)", removed[table], table, want, removed)
		}
	}
	if removed["person_revisions"] < 3 {
		t.Errorf("removed %d revisions, want at least 3", removed["person_revisions"])
	}
	if _, err := db.PurgePerson(ctx, gone.Name, dsr.Name, "again", nil); errCode(err) != NotFound {
		t.Fatalf("a second purge: %v", err)
	}
	for _, op := range []string{imported, quoted, dryRun, oldPhone, grouped, intlPhone} {
		if _, err := db.GetOperation(ctx, op); errCode(err) != NotFound {
			t.Errorf("operations/%s, which held the person, after the purge: %v", op, err)
		}
	}
	if _, err := db.GetOperation(ctx, keptOp); err != nil {
		t.Errorf("the import about the person kept: %v", err)
	}
	if r, err := db.GetDataSubjectRequest(ctx, dsr.Name); err != nil || r.Requester != "" || r.Details != "" ||
		!strings.Contains(strings.Join(r.Actions, "\n"), "purged: erasure requested") {
		t.Fatalf("the request after the purge: %v %v", r, err)
	}
	if err := db.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = nil

	var file []byte
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(path + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		file = append(file, b...)
	}
	values := func(family, given, nationalID, email string, phones ...string) []string {
		return append([]string{family, given, nationalID, email, family + " street"}, phones...)
	}
	gv := append(values("Quảngxyzw", "Thuậnqvz", "079199001122", "purge.subject@example.vn", "0955667788", "0911223344", groupedID),
		"Vậtlýhạtnhânxyz", "vậtlýhạtnhânxyz", "vatlyhatnhanxyz")
	// The search indexes hold the words in lower case, with and without
	// their marks.
	for _, s := range []string{"Quảngxyzw", "Thuậnqvz"} {
		gv = append(gv, strings.ToLower(s), vntext.Fold(s))
	}
	for _, v := range gv {
		if bytes.Contains(file, []byte(v)) {
			t.Errorf("the database still holds %q of the purged person", v)
		}
	}
	for _, v := range values("Khươngkept", "Lộckept", "079199003344", "kept.subject@example.vn", "0933445566") {
		if !bytes.Contains(file, []byte(v)) {
			t.Errorf("the scan does not find %q of the person kept", v)
		}
	}
}

// importHolding stores a finished import operation with response and
// report, after running rows as its import (whose audit event names the
// operation and what the rows write) when rows is set; it returns the
// operation's id.
func importHolding(t *testing.T, db *DB, response, report []byte, rows func(im *Importer) error) string {
	t.Helper()
	ctx := context.Background()
	op := &Operation{ID: NewOperationID(), Kind: ImportOperationKind, Principal: "key:test"}
	if err := db.CreateOperation(ctx, op, nil); err != nil {
		t.Fatal(err)
	}
	op.Response, op.Report = response, report
	if rows == nil {
		if err := db.FinishOperation(ctx, op, nil); err != nil {
			t.Fatal(err)
		}
		return op.ID
	}
	ev := &AuditEvent{Time: time.Now(), Principal: "key:test", Method: "/trithuc.v1.TransferService/ImportPeople", Code: "OK"}
	ev.AddResources("operations/" + op.ID)
	if err := db.Import(ctx, ImportOptions{Audit: ev, Operation: op, Admin: true}, rows); err != nil {
		t.Fatal(err)
	}
	return op.ID
}

// problems is an import's response listing them.
func problems(list ...*pb.ImportProblem) []byte {
	a, err := anypb.New(&pb.ImportPeopleResponse{Problems: list})
	if err != nil {
		panic(err)
	}
	b, err := proto.Marshal(a)
	if err != nil {
		panic(err)
	}
	return b
}

// storedWorkbook is a report's zip holding cells as shared strings,
// stored without compression, so that a scan of the database file's
// bytes sees them as a kept report would hold them.
func storedWorkbook(t *testing.T, cells ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.CreateHeader(&zip.FileHeader{Name: "xl/sharedStrings.xml", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for _, c := range cells {
		io.WriteString(w, "<si><t>")
		xml.EscapeText(w, []byte(c))
		io.WriteString(w, "</t></si>")
	}
	io.WriteString(w, "</sst>")
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func errCode(err error) Code {
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return -1
}

// A purged person's name is never given again, and a request made before
// the person holding a name was registered purges no one: it was about
// the one purged before (a database may hold a name given again before
// migration 0034, which takes the purged names from the purges' events).
func TestPurgedNameNotReissued(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reissue.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	create := func(id string) (*pb.Person, error) {
		return db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình"}, CreateOptions{ID: id})
	}
	erasure := func(name string) string {
		t.Helper()
		r, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: name, Requester: "Trần Bình"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.TransitionDataSubjectRequest(ctx, r.Name, pb.DataSubjectRequest_COMPLETED, "", "", WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return r.Name
	}
	purge := func(name, dsr string) error {
		ev := &AuditEvent{Time: time.Now(), Principal: "key:admin", Method: "/trithuc.v1.PrivacyService/PurgePerson", Code: "OK"}
		ev.AddResources(name)
		_, err := db.PurgePerson(ctx, name, dsr, "erasure", ev)
		return err
	}
	p, err := create("tran-binh")
	if err != nil {
		t.Fatal(err)
	}
	first := erasure(p.Name)
	if err := purge(p.Name, first); err != nil {
		t.Fatal(err)
	}
	for _, validateOnly := range []bool{true, false} {
		_, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình"}, CreateOptions{ID: "tran-binh", ValidateOnly: validateOnly})
		if e, ok := err.(*Error); !ok || e.Code != AlreadyExists || e.Field != "person_id" || !strings.Contains(e.Message, "purged") {
			t.Fatalf("creating a purged person's name again (validate_only %v): %v", validateOnly, err)
		}
	}

	// A database whose purged names were not kept, as before migration
	// 0034, and which gave one again.
	for _, q := range []string{`DROP TABLE purged_people`, `DELETE FROM schema_migrations WHERE version = 34`} {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE purged_people (id TEXT PRIMARY KEY, purge_time INTEGER NOT NULL) STRICT, WITHOUT ROWID`); err != nil {
		t.Fatal(err)
	}
	again, err := create("tran-binh")
	if err != nil {
		t.Fatal(err)
	}
	if err := purge(again.Name, first); errCode(err) != FailedPrecondition || !strings.Contains(err.Error(), "before") {
		t.Fatalf("the first request, used, on the person given the name again: %v", err)
	}
	if err := purge(again.Name, erasure(again.Name)); err != nil {
		t.Fatalf("a request of their own: %v", err)
	}
	// Migration 0034 from an older database: the names come from the
	// purges' events. (Run by hand: later migrations are applied already.)
	sql, err := migrationFiles.ReadFile("migrations/0034_purged_people.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE purged_people`, string(sql)} {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := create("tran-binh"); errCode(err) != AlreadyExists {
		t.Fatalf("a name purged before migration 0034: %v", err)
	}
	if _, err := create("tran-binh-2"); err != nil {
		t.Fatalf("another name: %v", err)
	}
}
