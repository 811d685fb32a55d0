package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func TestRegisterDuplicates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	union, hyh := e.associations()
	known := e.person(bao())
	people := e.count()

	// The same national ID: the membership links to the registered
	// person; nothing of the submitted profile is written to theirs.
	p := bao()
	p.FamilyName, p.Email = "Lam", "other@example.vn"
	reg := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p},
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2015}}})
	if !reg.LinkedExistingPerson || reg.PersonCreated || reg.Membership.Person != known.Name || reg.Person.Email != known.Email {
		t.Fatalf("national ID: %v", reg)
	}
	if e.count() != people || e.get(known.Name, pb.PersonView_PERSON_VIEW_FULL).HighestQualificationLevel != "" {
		t.Errorf("linking created or changed a person")
	}
	// ... and a second open membership of the same association is refused.
	_, err := ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()}, Consent: consent()})
	wantCode(t, err, codes.AlreadyExists, "new_person.national_id")
	if msg := status.Convert(err).Message(); !strings.Contains(msg, reg.Membership.Name) || !strings.Contains(msg, "PENDING") {
		t.Errorf("message %q does not name the open membership", msg)
	}
	_, err = ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: known.Name}, Consent: consent()})
	wantCode(t, err, codes.AlreadyExists, "person")
	// Another association is another matter.
	if other := e.register(&pb.RegisterMemberRequest{Parent: union.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: known.Name}}); other.Membership.Person != known.Name {
		t.Errorf("union membership: %v", other)
	}

	cases := []struct {
		name    string
		person  *pb.Person
		reasons []pb.PossibleDuplicate_Reason
	}{
		{"email in another case", &pb.Person{FamilyName: "Võ", GivenName: "Hùng", Email: "BAO.LAM@example.vn"},
			[]pb.PossibleDuplicate_Reason{pb.PossibleDuplicate_EMAIL}},
		{"name and birth date", &pb.Person{FamilyName: "LÂM", MiddleName: "quốc", GivenName: "Bảo", BirthDate: &date.Date{Year: 1979, Month: 11, Day: 2}},
			[]pb.PossibleDuplicate_Reason{pb.PossibleDuplicate_NAME_AND_BIRTH_DATE}},
		// Typed without marks, as on a keyboard without Vietnamese input.
		{"name typed without marks", &pb.Person{FamilyName: "Lam", MiddleName: "Quoc", GivenName: "Bao", BirthDate: &date.Date{Year: 1979, Month: 11, Day: 2}},
			[]pb.PossibleDuplicate_Reason{pb.PossibleDuplicate_NAME_AND_BIRTH_DATE}},
		{"both", &pb.Person{FamilyName: "Lâm", MiddleName: "Quốc", GivenName: "Bảo", BirthDate: &date.Date{Year: 1979, Month: 11, Day: 2}, Email: "bao.lam@example.vn"},
			[]pb.PossibleDuplicate_Reason{pb.PossibleDuplicate_EMAIL, pb.PossibleDuplicate_NAME_AND_BIRTH_DATE}},
		{"same name, another birth date", &pb.Person{FamilyName: "Lâm", MiddleName: "Quốc", GivenName: "Bảo", BirthDate: &date.Date{Year: 1979, Month: 11, Day: 3}}, nil},
		{"same birth date, another name", &pb.Person{FamilyName: "Lâm", MiddleName: "Văn", GivenName: "Bảo", BirthDate: &date.Date{Year: 1979, Month: 11, Day: 2}}, nil},
		{"nothing in common", &pb.Person{FamilyName: "Danh", GivenName: "Sang", Email: "sang@example.vn"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.count()
			reg := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: c.person}})
			if !reg.PersonCreated || reg.LinkedExistingPerson || e.count() != before+1 {
				t.Fatalf("a look-alike was not created as a new person: %v", reg)
			}
			dups := reg.Membership.PossibleDuplicates
			if c.reasons == nil {
				if len(dups) != 0 {
					t.Fatalf("possible duplicates %v, want none", dups)
				}
				return
			}
			// Earlier look-alikes may be among them too.
			i := slices.IndexFunc(dups, func(d *pb.PossibleDuplicate) bool { return d.Person == known.Name })
			if i < 0 || !slices.Equal(dups[i].Reasons, c.reasons) {
				t.Fatalf("possible duplicates %v, want %s for %v", dups, known.Name, c.reasons)
			}
			// A registrar resolves it: approval needs their confirmation.
			_, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name})
			wantCode(t, err, codes.FailedPrecondition)
			if msg := status.Convert(err).Message(); !strings.Contains(msg, known.Name) || !strings.Contains(msg, "confirm_distinct_person") {
				t.Errorf("message %q", msg)
			}
			m, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name, ConfirmDistinctPerson: true})
			if err != nil || m.State != pb.Membership_ACTIVE || !m.DuplicatesResolved || len(m.PossibleDuplicates) != len(dups) {
				t.Fatalf("confirmed approval: %v %v", m, err)
			}
		})
	}
	// Registrars find the registrations to check.
	flagged := e.memberships("associations/-", "possible_duplicates.person:*")
	if len(flagged) != 4 {
		t.Errorf("%d memberships have possible duplicates, want 4", len(flagged))
	}
	if got := e.memberships(hyh.Name, fmt.Sprintf("possible_duplicates.person = %q AND duplicates_resolved = true", known.Name)); len(got) != 4 {
		t.Errorf("%d resolved look-alikes of %s, want 4", len(got), known.Name)
	}
}

func TestRegisterMemberIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	_, hyh := e.associations()
	req := &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()},
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Year: 2010}},
		Consent:        consent(), RequestId: "dang-ky-0001"}
	first, err := ms.RegisterMember(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	people, members := e.count(), len(e.memberships("associations/-", ""))
	again, err := ms.RegisterMember(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(first, again) {
		t.Errorf("a repeat answered\n%v\nnot\n%v", again, first)
	}
	if e.count() != people || len(e.memberships("associations/-", "")) != members {
		t.Errorf("a repeat created something")
	}
	code, body := e.rest("POST", "/v1/"+hyh.Name+"/memberships:register", map[string]any{
		"newPerson": map[string]any{"givenName": "Khác"}, "consent": map[string]any{"purposes": []string{"REGISTRY"}, "textVersion": "1"},
		"requestId": "dang-ky-0001",
	})
	wantREST(t, code, body, http.StatusBadRequest, "request_id")
	if e.count() != people {
		t.Errorf("a refused repeat created a person")
	}
}

// 50 approvals at once take 50 distinct, consecutive numbers.
func TestParallelApprovals(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	kt := e.association("hoi-kinh-te", &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT", MemberNumberFormat: "KG/{code}.{year}.{seq:05}"})
	const n = 50
	names := make([]string, n)
	for i := range names {
		names[i] = e.memberIn(kt.Name, pb.Membership_PENDING, i).Name
	}
	numbers := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			m, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: names[i]})
			errs[i] = err
			if err == nil {
				numbers[i] = m.MemberNumber
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	year := time.Now().In(store.Vietnam).Year()
	seen := map[int]bool{}
	for _, num := range numbers {
		var y, seq int
		if _, err := fmt.Sscanf(num, "KG/HKT.%d.%d", &y, &seq); err != nil || len(num) != len("KG/HKT.2025.00001") {
			t.Fatalf("member number %q is not in the format", num)
		}
		if y != year && y != year-1 {
			t.Errorf("member number %q has year %d", num, y)
		}
		if seen[seq] {
			t.Errorf("number %d was given twice", seq)
		}
		seen[seq] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[i] {
			t.Errorf("number %d was skipped", i)
		}
	}
	// Listed by number, they are in order.
	resp, err := ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: kt.Name, OrderBy: "member_number desc", PageSize: 1})
	if err != nil || !strings.HasSuffix(resp.Memberships[0].MemberNumber, ".00050") || resp.TotalSize != n {
		t.Errorf("the highest number: %v %v", resp, err)
	}
}

func TestConsent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	_, hyh := e.associations()
	people := e.count()
	newPerson := &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()}

	_, err := ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: newPerson})
	wantCode(t, err, codes.InvalidArgument, "consent")
	_, err = ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: newPerson,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_CONTACT, pb.Consent_PUBLICATION}, TextVersion: "2025-01"}})
	wantCode(t, err, codes.InvalidArgument, "consent.purposes")
	_, err = ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: newPerson,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}}})
	wantCode(t, err, codes.InvalidArgument, "consent.text_version")
	_, err = ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: newPerson,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1", ConsentTime: timestamppb.New(time.Now().Add(24 * time.Hour))}})
	wantCode(t, err, codes.InvalidArgument, "consent.consent_time")
	if e.count() != people || len(e.memberships("associations/-", "")) != 0 {
		t.Fatalf("a registration without consent registered something")
	}

	// Withdrawing consent ends the membership and is recorded.
	given := time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC)
	m := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: newPerson,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01", ConsentTime: timestamppb.New(given)}}).Membership
	if !m.Consent.ConsentTime.AsTime().Equal(given) {
		t.Errorf("consent time %v, want %v", m.Consent.ConsentTime.AsTime(), given)
	}
	m, err = ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name})
	if err != nil {
		t.Fatal(err)
	}
	code, body := e.rest("POST", "/v1/"+m.Name+":withdraw", map[string]any{"consentWithdrawn": true})
	if code != http.StatusOK || body["state"] != "WITHDRAWN" || body["stateReason"] != "consent withdrawn" ||
		body["consent"].(map[string]any)["withdrawTime"] == nil {
		t.Fatalf("withdrawing consent: HTTP %d %v", code, body)
	}
	_, err = ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: m.Name, ConsentWithdrawn: true})
	wantCode(t, err, codes.FailedPrecondition)

	// On a membership that has ended, it records the withdrawal alone.
	r := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: m.Person}}).Membership
	if r, err = ms.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: r.Name, Reason: "Hồ sơ thiếu"}); err != nil {
		t.Fatal(err)
	}
	_, err = ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: r.Name})
	wantCode(t, err, codes.FailedPrecondition)
	w, err := ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: r.Name, ConsentWithdrawn: true})
	if err != nil || w.State != pb.Membership_REJECTED || w.StateReason != "Hồ sơ thiếu" || w.Consent.WithdrawTime == nil {
		t.Fatalf("withdrawing the consent of a rejected registration: %v %v", w, err)
	}
}

func TestRegisterMemberValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	_, hyh := e.associations()
	people := e.count()
	reg := func(r *pb.RegisterMemberRequest) error {
		if r.Parent == "" {
			r.Parent = hyh.Name
		}
		if r.Consent == nil {
			r.Consent = consent()
		}
		_, err := ms.RegisterMember(ctx, r)
		return err
	}
	np := func(p *pb.Person) *pb.RegisterMemberRequest_NewPerson {
		return &pb.RegisterMemberRequest_NewPerson{NewPerson: p}
	}

	// The person's fields are named as the request has them.
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: np(&pb.Person{FamilyName: "Nguyễn"})}), codes.InvalidArgument, "new_person.given_name")
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: np(&pb.Person{GivenName: "A", NationalId: "12"})}), codes.InvalidArgument, "new_person.national_id")
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: np(&pb.Person{GivenName: "A", Ethnicity: "99", Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-999"}}})}),
		codes.InvalidArgument, "new_person.ethnicity", "new_person.fields[0].field")
	// Every bad qualification and position at once, by its index.
	err := reg(&pb.RegisterMemberRequest{Applicant: np(bao()),
		Qualifications: []*pb.Qualification{
			{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Year: 2010},
			{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2100},
			{Kind: pb.Qualification_DEGREE, Level: "NONE"},
		},
		Positions: []*pb.Position{{Title: "Bác sĩ"}}})
	wantCode(t, err, codes.InvalidArgument, "qualifications[1].year", "qualifications[2].level", "positions[0].organization")
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: np(bao()), Qualifications: []*pb.Qualification{{Level: "THAC_SI"}}}),
		codes.InvalidArgument, "qualifications[0].kind")
	// Which person: exactly one, and one that exists.
	wantCode(t, reg(&pb.RegisterMemberRequest{}), codes.InvalidArgument, "applicant")
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_Person{Person: "people/none"}}), codes.InvalidArgument, "person")
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_Person{Person: "nobody"}}), codes.InvalidArgument, "person")
	known := e.person(&pb.Person{GivenName: "Đã có"})
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: &pb.RegisterMemberRequest_Person{Person: known.Name},
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "THAC_SI"}}}), codes.InvalidArgument, "qualifications")
	wantCode(t, reg(&pb.RegisterMemberRequest{Parent: "associations/none", Applicant: np(bao())}), codes.NotFound)
	wantCode(t, reg(&pb.RegisterMemberRequest{Parent: "people/x", Applicant: np(bao())}), codes.InvalidArgument, "parent")
	wantCode(t, reg(&pb.RegisterMemberRequest{Applicant: np(bao()), MembershipId: "Bad_ID"}), codes.InvalidArgument, "membership_id")
	if e.count() != people+1 || len(e.memberships("associations/-", "")) != 0 {
		t.Fatalf("a rejected registration left something behind")
	}

	// validate_only answers what would be registered, and registers nothing.
	dry, err := ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: np(bao()), Consent: consent(), ValidateOnly: true,
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Year: 2010}}})
	if err != nil || dry.Membership.State != pb.Membership_PENDING || !dry.PersonCreated || dry.Person.HighestQualificationLevel != "THAC_SI" {
		t.Fatalf("validate_only: %v %v", dry, err)
	}
	if e.count() != people+1 || len(e.memberships("associations/-", "")) != 0 {
		t.Fatalf("validate_only registered something")
	}
	// Output-only fields sent are ignored; a chosen id is used.
	sent := bao()
	sent.HighestQualificationLevel, sent.Name = "TIEN_SI", "people/chosen"
	out := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: np(sent), MembershipId: "hv-0001"})
	if out.Membership.Name != hyh.Name+"/memberships/hv-0001" || out.Person.HighestQualificationLevel != "" || out.Person.Name == "people/chosen" {
		t.Errorf("registered %v", out)
	}
	err = reg(&pb.RegisterMemberRequest{Applicant: np(&pb.Person{GivenName: "B"}), MembershipId: "hv-0001"})
	wantCode(t, err, codes.AlreadyExists, "membership_id")
}

// A second registration of a member is refused with the open membership
// and its state named as the API names it.
func TestRegisterMemberTwice(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	_, hyh := e.associations()
	m := e.memberIn(hyh.Name, pb.Membership_ACTIVE, 1)
	_, err := ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: m.Person}, Consent: consent()})
	wantCode(t, err, codes.AlreadyExists, "person")
	want := "person: " + m.Person + " already has a membership of " + hyh.Name + " that is ACTIVE: " + m.Name
	if msg := status.Convert(err).Message(); msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
}

// A deleted person is a state of the registry, not a fault of the request:
// registering them is refused as reinstating their membership is, with
// what to do first (AIP-193).
func TestRegisterDeletedPerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	union, hyh := e.associations()
	m := e.memberIn(hyh.Name, pb.Membership_SUSPENDED, 1)
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: m.Person}); err != nil {
		t.Fatal(err)
	}
	_, reinstate := ms.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: m.Name})
	wantCode(t, reinstate, codes.FailedPrecondition)
	_, register := ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: union.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: m.Person}, Consent: consent()})
	wantCode(t, register, codes.FailedPrecondition)
	want := m.Person + " is deleted; undelete the person first"
	for _, err := range []error{reinstate, register} {
		if msg := status.Convert(err).Message(); msg != want {
			t.Errorf("message %q, want %q", msg, want)
		}
	}
}
