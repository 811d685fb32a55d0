package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestMemberNumberFormat(t *testing.T) {
	for _, c := range []struct {
		format string
		want   string // for code HYH, year 2025, seq 7; or the start of the complaint
		ok     bool
	}{
		{DefaultMemberNumberFormat, "HYH-2025-0007", true},
		{"{code}{seq}", "HYH7", true},
		{"KG/{code}.{year}.{seq:05}", "KG/HYH.2025.00007", true},
		{"{seq:1}", "7", true},
		{"{seq:12}", "000000000007", true},
		{"{year}_{seq:3}-{code}", "2025_007-HYH", true},
		{"{code}-{year}", "needs {seq}", false},
		{"", "needs {seq}", false},
		{"{seq}{seq}", "{seq} appears twice", false},
		{"{seq}-{seq:02}", "{seq} appears twice", false},
		{"{code} {seq}", "outside placeholders", false},
		{"Hội-{seq}", "outside placeholders", false},
		{"{seq", "a { has no closing }", false},
		{"{month}{seq}", "unknown placeholder {month}", false},
		{"{seq:0}", "{seq:0}: the width", false},
		{"{seq:13}", "{seq:13}: the width", false},
		{"{seq:x}", "{seq:x}: the width", false},
		{"{seq:004}", "{seq:004}: the width", false},
		{"{}{seq}", "unknown placeholder {}", false},
	} {
		f, msg := parseNumberFormat(c.format)
		switch {
		case c.ok && msg != "":
			t.Errorf("%q: refused: %s", c.format, msg)
		case c.ok && f.format("HYH", 2025, 7) != c.want:
			t.Errorf("%q gives %q, want %q", c.format, f.format("HYH", 2025, 7), c.want)
		case !c.ok && !strings.HasPrefix(msg, c.want):
			t.Errorf("%q: %q, want a complaint starting %q", c.format, msg, c.want)
		}
	}
	if f, _ := parseNumberFormat("{code}-{seq:02}"); f.format("A", 2025, 12345) != "A-12345" {
		t.Errorf("a number wider than its padding is cut: %q", f.format("A", 2025, 12345))
	}
}

// A format that the store accepts never makes two numbers alike within a
// year, and writes only the characters it allows.
func FuzzMemberNumberFormat(f *testing.F) {
	for _, s := range []string{DefaultMemberNumberFormat, "{code}{seq}", "{seq:12}", "a{year}b{seq:3}c", "{seq", "{{seq}}", "}{seq}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		nf, msg := parseNumberFormat(s)
		if msg != "" {
			return
		}
		seen := map[string]int64{}
		for _, seq := range []int64{1, 2, 9, 10, 11, 99, 100, 101, 1000, 123456789} {
			n := nf.format("HYH", 2025, seq)
			if prev, ok := seen[n]; ok {
				t.Fatalf("%q gives %q for %d and %d", s, n, prev, seq)
			}
			seen[n] = seq
			if i := strings.IndexFunc(n, func(r rune) bool {
				return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-/._", r))
			}); i >= 0 {
				t.Fatalf("%q gives %q", s, n)
			}
		}
	})
}

func TestReprefix(t *testing.T) {
	inv := Invalids{errorf(Invalid, "person.given_name", "x"), errorf(Invalid, "person", "y"), errorf(Invalid, "personal", "z")}
	got := reprefix(inv, "person.", "new_person.").(Invalids)
	var fields []string
	for _, e := range got {
		fields = append(fields, e.Field)
	}
	if strings.Join(fields, ",") != "new_person.given_name,new_person,personal" {
		t.Errorf("rewrote to %v", fields)
	}
	if inv[0].Field != "person.given_name" {
		t.Errorf("the original was changed")
	}
	var se *Error
	err := reprefix(errorf(Invalid, "qualification.year", "x"), "qualification.", "qualifications[2].")
	if !errors.As(err, &se) || se.Field != "qualifications[2].year" {
		t.Errorf("single error: %v", err)
	}
	plain := errors.New("plain")
	if reprefix(plain, "a.", "b.") != plain {
		t.Errorf("another error was changed")
	}
}

// When a changed format makes the next number one given before, approval
// skips it: numbers stay unique.
// openWithAssociation opens a database whose clock says 1 March 2026, with
// the association hth numbering its members {code}-{year}-{seq}.
func openWithAssociation(t *testing.T) (*DB, *pb.Association) {
	t.Helper()
	db := openTest(t)
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	a, err := db.CreateAssociation(context.Background(), &pb.Association{DisplayName: "Hội Tin học", Code: "HTH", MemberNumberFormat: "{code}-{year}-{seq}"}, CreateOptions{ID: "hth"})
	if err != nil {
		t.Fatal(err)
	}
	return db, a
}

func TestMemberNumberSkipsTakenNumbers(t *testing.T) {
	db, a := openWithAssociation(t)
	ctx := context.Background()
	approveNew := func(given string) *pb.Membership {
		t.Helper()
		reg, err := db.RegisterMember(ctx, a.Name, Registration{NewPerson: &pb.Person{GivenName: given},
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := db.ApproveMembership(ctx, reg.Membership.Name, Transition{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := approveNew("A"); m.MemberNumber != "HTH-2026-1" {
		t.Fatalf("first number %q", m.MemberNumber)
	}
	// Without {year} the running number is the association's own, from 1:
	// HTH-2026-1 again, which is taken.
	if _, err := db.UpdateAssociation(ctx, a.Name, WriteOptions{}, func(a *pb.Association) error {
		a.MemberNumberFormat = "{code}-2026-{seq}"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if m := approveNew("B"); m.MemberNumber != "HTH-2026-2" {
		t.Errorf("after the format changed: %q, want HTH-2026-2", m.MemberNumber)
	}
	// The year's counter goes on from where it was.
	db.UpdateAssociation(ctx, a.Name, WriteOptions{}, func(a *pb.Association) error {
		a.MemberNumberFormat = "{code}-{year}-{seq}"
		return nil
	})
	if m := approveNew("C"); m.MemberNumber != "HTH-2026-3" {
		t.Errorf("back to the first format: %q, want HTH-2026-3", m.MemberNumber)
	}
	// A new year starts again from 1.
	db.Now = func() time.Time { return time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC) } // 2027-01-01 in Vietnam
	if m := approveNew("D"); m.MemberNumber != "HTH-2027-1" {
		t.Errorf("in the new year: %q, want HTH-2027-1", m.MemberNumber)
	}
}

// BulkRegisterMembers does what RegisterMember and the state changes do, in
// one transaction: the same numbers and states, and nothing kept when one
// of them is refused.
func TestBulkRegisterMembers(t *testing.T) {
	db, a := openWithAssociation(t)
	ctx := context.Background()
	var people []string
	for _, given := range []string{"An", "Bình", "Chi"} {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p.Name)
	}
	member := func(person string, then ...BulkStep) BulkMember {
		return BulkMember{Parent: a.Name, Registration: Registration{Person: person,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, Then: then}
	}
	count := func() int {
		t.Helper()
		_, page, err := db.ListMemberships(ctx, a.Name, ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return page.TotalSize
	}
	for _, tt := range []struct {
		members []BulkMember
		field   string
	}{
		{[]BulkMember{member(people[0], BulkStep{To: pb.Membership_ACTIVE}), member(people[1], BulkStep{To: pb.Membership_REJECTED})}, "members[1]: then[0].reason"},
		{[]BulkMember{member(people[0], BulkStep{To: pb.Membership_PENDING})}, "members[0]: then[0].to"},
		{[]BulkMember{member(people[0], BulkStep{To: pb.Membership_SUSPENDED, Reason: "x"})}, "cannot suspend"},
		{[]BulkMember{member(people[0]), member(people[0])}, "members[1]: person"},
		{[]BulkMember{member("people/nobody")}, "members[0]"},
	} {
		err := db.BulkRegisterMembers(ctx, tt.members)
		if err == nil || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("want an error naming %q, got %v", tt.field, err)
		}
		if n := count(); n != 0 {
			t.Fatalf("%d memberships kept after an error", n)
		}
	}
	err := db.BulkRegisterMembers(ctx, []BulkMember{
		member(people[0], BulkStep{To: pb.Membership_ACTIVE}),
		member(people[1]),
		member(people[2], BulkStep{To: pb.Membership_ACTIVE}, BulkStep{To: pb.Membership_SUSPENDED, Reason: "Chưa đóng hội phí"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, _, err := db.ListMemberships(ctx, a.Name, ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.State.String()+" "+m.MemberNumber)
	}
	want := []string{"ACTIVE HTH-2026-1", "PENDING ", "SUSPENDED HTH-2026-2"}
	if !slices.Equal(got, want) {
		t.Errorf("memberships %v, want %v", got, want)
	}
}
