package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import withholds its problems (and, read with it, its report) from
// callers other than admins when it names or quotes a restricted person, or
// quotes the email or phone (now or before) of a person who withholds
// them; by what it holds of them, however a number's groups are typed.
func TestImportWithholds(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	create := func(given, nationalID, email, phone string) *pb.Person {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Đinh", GivenName: given, NationalId: nationalID, Email: email, Phone: phone}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	restricted := create("Rạng", "079199005566", "rang@example.vn", "0977 111 222")
	contact := create("Cúc", "079199006677", "cuc.old@example.vn", "0966 555 444")
	open := create("Khoa", "079199007788", "khoa@example.vn", "0933 222 111")
	// A phone stored with the country code, quoted as typed at home.
	abroad := create("Lan", "079199008899", "lan@example.vn", "+84 944 333 222")
	// Phones typed without their 0 (the API takes them as typed), and a
	// landline.
	zeroLess := create("Mai", "079199009900", "mai@example.vn", "988777666")
	landline := create("Hà", "079199001122", "ha@example.vn", "0296 384 1234")
	if _, err := db.UpdatePerson(ctx, contact.Name, WriteOptions{}, func(p *pb.Person) error { p.Email = "cuc.new@example.vn"; return nil }); err != nil {
		t.Fatal(err)
	}
	written := importHolding(t, db, nil, storedWorkbook(t, "Đinh", "Rạng", "Nam"), func(im *Importer) error {
		_, err := im.Person(ctx, &pb.Person{Name: restricted.Name, FamilyName: "Đinh", GivenName: "Rạng", Gender: pb.Person_MALE})
		return err
	})
	// Restricted: every consent withdrawn. Contact withheld: a consent on
	// record that does not list CONTACT.
	withhold := func() {
		c, err := db.CreateConsent(ctx, restricted.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.WithdrawConsent(ctx, c.Name, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*pb.Person{contact, abroad, zeroLess, landline} {
			if _, err := db.CreateConsent(ctx, p.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}

	conflict := func(person, quoted string) []byte {
		return problems(&pb.ImportProblem{Kind: pb.ImportProblem_CONFLICT, Person: person,
			Message: person + ` has "` + quoted + `" registered; the file has "x", not applied`})
	}
	bad := problems(&pb.ImportProblem{Row: 3, Message: "C (Tên): required"})
	type withholdCase struct {
		name       string
		response   []byte
		report     []byte
		withReport bool
		want       bool
		op         *Operation
	}
	cases := []withholdCase{
		{"OK, no one", bad, nil, false, false, nil},
		{"OK, an open person's values", conflict(open.Name, "khoa@example.vn"), storedWorkbook(t, "079199007788", "0933 222 111"), true, false, nil},
		{"OK, named, contact not quoted", conflict(contact.Name, "Đinh"), nil, false, false, nil},
		{"OK, the report unread", bad, storedWorkbook(t, "079199005566"), false, false, nil},
		{"restricted, named", conflict(restricted.Name, "Nam"), nil, false, true, nil},
		{"restricted, national ID grouped by no-break spaces", bad, storedWorkbook(t, "079\u00a0199\u00a0005\u00a0566"), true, true, nil},
		{"restricted, phone alone", bad, storedWorkbook(t, "0977.111.222"), true, true, nil},
		{"restricted, email", bad, storedWorkbook(t, "RANG@example.vn"), true, true, nil},
		{"contact, email before a correction", conflict(contact.Name, "cuc.old@example.vn"), nil, false, true, nil},
		{"contact, phone", conflict(contact.Name, "0966 555 444"), nil, false, true, nil},
		{"contact, email alone in the report", bad, storedWorkbook(t, "Cuc.New@example.vn"), true, true, nil},
		// By phone alone, typed otherwise than it is stored: the phone
		// is the person's whoever they are, not the restricted alone.
		{"contact, phone alone in the report, with the country code", bad, storedWorkbook(t, "+84 966.555.444"), true, true, nil},
		{"contact, phone alone in the problems", problems(&pb.ImportProblem{Row: 4, Column: "I",
			Message: `the file has "84 966-555-444"`}), nil, false, true, nil},
		{"contact, phone stored with the country code, typed at home", bad, storedWorkbook(t, "0944.333.222"), true, true, nil},
		{"restricted, phone with the country code", bad, storedWorkbook(t, "+84 977 111 222"), true, true, nil},
		{"OK, an open person's phone with the country code", bad, storedWorkbook(t, "+84 933-222-111"), true, false, nil},
		// A number cell has lost the 0 (912345678); a person may have
		// typed it so: either way it is the number with its 0.
		{"contact, phone without its 0 in the report", bad, storedWorkbook(t, "966555444"), true, true, nil},
		{"contact, landline without its 0 in the problems", problems(&pb.ImportProblem{Row: 5, Column: "J",
			Message: `"2963841234" has lost its leading 0`}), nil, false, true, nil},
		{"contact, phone stored without its 0, quoted with it", bad, storedWorkbook(t, "0988 777 666"), true, true, nil},
		{"contact, phone stored without its 0, quoted with the country code", bad, storedWorkbook(t, "+84 988.777.666"), true, true, nil},
		{"OK, an open person's phone without its 0", bad, storedWorkbook(t, "933222111"), true, false, nil},
		{"a number too long to look up", bad, storedWorkbook(t, strings.Repeat("1234567890", 7)), true, true, nil},
	}
	// The imports are made before the people are restricted or withhold
	// their contact details, as they quoted what they read then.
	for i := range cases {
		op, err := db.GetOperation(ctx, importHolding(t, db, cases[i].response, cases[i].report, nil))
		if err != nil {
			t.Fatal(err)
		}
		cases[i].op = op
	}
	withhold()
	// One made after names them back, as its file did, and is shown.
	after, err := db.GetOperation(ctx, importHolding(t, db, conflict(restricted.Name, "is restricted"), nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, withholdCase{"OK, made after", nil, nil, false, false, after})
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var report []byte
			if tt.withReport {
				report = tt.report
			}
			if got, err := db.ImportWithholds(ctx, tt.op, report); err != nil || got != tt.want {
				t.Errorf("ImportWithholds = %v, %v; want %v", got, err, tt.want)
			}
		})
	}

	// The report of an import that wrote a person who is now restricted
	// copies their row, though it holds no mark of them: its problems do
	// not name them.
	op, err := db.GetOperation(ctx, written)
	if err != nil {
		t.Fatal(err)
	}
	_, report, err := db.GetOperationReport(ctx, written)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.ImportWithholds(ctx, op, nil); err != nil || got {
		t.Errorf("the problems of the import that wrote the person: %v %v, want them shown", got, err)
	}
	if got, err := db.ImportWithholds(ctx, op, report); err != nil || !got {
		t.Errorf("the report of the import that wrote the person: %v %v, want it withheld", got, err)
	}

	// Each lookup reads an index, never the whole table.
	err = db.read(ctx, func(tx *Tx) error {
		_, updateTime, err := tx.shownSQL(ctx, ShownProfile)
		if err != nil {
			return err
		}
		for _, q := range personLookups {
			plan := queryPlan(t, tx, personLookupSQL(q.from, q.where, updateTime), `["1"]`)
			for _, step := range strings.Split(plan, "; ") {
				if strings.HasPrefix(step, "SCAN ") && !strings.Contains(step, "INDEX") {
					t.Errorf("%s: %s", q.where, plan)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Whether an import's problems are withheld from its caller is decided by
// when the person came to be restricted, or to withhold their contact
// details: changes of the profile, which every caller that reads the
// person sees. A change of their memberships or consents alone (a
// registration with an association, a consent given or withdrawn that
// moves neither) moved the person's update_time and so withheld the
// problems of an import made before it: a key limited to one association
// learnt of its member's registration with another. It now moves nothing;
// the restriction still does.
func TestImportWithholdsNotMovedByHoldings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Đinh", GivenName: "Nhàn", Phone: "0977 123 456"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	registry := func() *pb.Consent {
		return &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}
	}
	if _, err := db.CreateConsent(ctx, p.Name, registry(), nil); err != nil {
		t.Fatal(err)
	}
	a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	op, err := db.GetOperation(ctx, importHolding(t, db, problems(&pb.ImportProblem{Kind: pb.ImportProblem_CONFLICT, Person: p.Name,
		Message: p.Name + ` has "0977 123 456" registered; the file has "x", not applied`}), nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := func(step string, want bool) {
		t.Helper()
		if got, err := db.ImportWithholds(ctx, op, nil); err != nil || got != want {
			t.Errorf("%s: ImportWithholds = %v, %v; want %v", step, got, err, want)
		}
	}
	want("made after the person withheld their contact details", false)
	reg, err := db.RegisterMember(ctx, a.Name, Registration{Person: p.Name, Consent: registry()}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want("after a registration", false)
	if _, err := db.ApproveMembership(ctx, reg.Membership.Name, Transition{}); err != nil {
		t.Fatal(err)
	}
	want("after an approval", false)
	if _, err := db.WithdrawConsent(ctx, reg.Membership.GetConsent().GetName(), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	want("after the withdrawal of the registration's consent", false)
	if _, err := db.CreateConsent(ctx, p.Name, registry(), nil); err != nil {
		t.Fatal(err)
	}
	want("after a consent without a registration", false)
	// Every consent withdrawn: restricted since the import.
	list, err := db.ListConsents(ctx, p.Name, ShownAll)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.WithdrawTime == nil {
			if _, err := db.WithdrawConsent(ctx, c.Name, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	want("restricted after the import", true)
}
