package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc/client"
	pb "trithuc/proto/trithuc/v1"
)

// The Union and one member association, as most membership tests need
// them.
func (e *env) associations() (union, hyh *pb.Association) {
	e.t.Helper()
	union = e.association("lien-hiep", &pb.Association{DisplayName: "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Kiên Giang", ShortName: "Liên hiệp hội", Code: "LHH"})
	hyh = e.association("hoi-y-hoc", &pb.Association{DisplayName: "Hội Y học tỉnh Kiên Giang", ShortName: "Hội Y học", Code: "HYH",
		Parent: union.Name, Fields: []string{"fields/vn2008-3"}})
	return union, hyh
}

func (e *env) association(id string, a *pb.Association) *pb.Association {
	e.t.Helper()
	out, err := e.client.Memberships.CreateAssociation(context.Background(), &pb.CreateAssociationRequest{AssociationId: id, Association: a})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func consent() *pb.Consent {
	return &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT}, TextVersion: "2025-01"}
}

func (e *env) register(req *pb.RegisterMemberRequest) *pb.RegisterMemberResponse {
	e.t.Helper()
	if req.Consent == nil {
		req.Consent = consent()
	}
	out, err := e.client.Memberships.RegisterMember(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) memberships(parent, filter string) []*pb.Membership {
	e.t.Helper()
	resp, err := e.client.Memberships.ListMemberships(context.Background(), &pb.ListMembershipsRequest{Parent: parent, Filter: filter, PageSize: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.Memberships
}

// bao is a doctor with a master's degree who works at the provincial
// hospital.
func bao() *pb.Person {
	return &pb.Person{
		FamilyName: "Lâm", MiddleName: "Quốc", GivenName: "Bảo", Gender: pb.Person_MALE,
		BirthDate:  &date.Date{Year: 1979, Month: 11, Day: 2},
		NationalId: "091079000456", Email: "bao.lam@example.vn",
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-302"}},
	}
}

func TestMembershipLifeCycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	_, hyh := e.associations()
	if hyh.MemberNumberFormat != "{code}-{year}-{seq:04}" || hyh.Etag == "" || len(hyh.Fields) != 1 {
		t.Fatalf("created %v", hyh)
	}

	// Register a new person with their degrees and workplace, in one call.
	reg := e.register(&pb.RegisterMemberRequest{
		Parent:    hyh.Name,
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()},
		Qualifications: []*pb.Qualification{
			{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Y đa khoa", Year: 2003, Field: "fields/vn2008-302"},
			{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Nội khoa", Year: 2010},
		},
		Positions: []*pb.Position{{OrganizationName: "Bệnh viện Đa khoa tỉnh Kiên Giang", Title: "Bác sĩ", Current: true,
			Start: &date.Date{Year: 2004, Month: 9}}},
		Notes: "Hồ sơ giấy nộp ngày 2/1",
	})
	m := reg.Membership
	if !reg.PersonCreated || reg.LinkedExistingPerson || reg.Person.GetName() != m.Person {
		t.Fatalf("registration: %v", reg)
	}
	if !strings.HasPrefix(m.Name, hyh.Name+"/memberships/") || m.State != pb.Membership_PENDING || m.MemberNumber != "" ||
		m.ApplyTime == nil || m.ApproveTime != nil || m.Notes != "Hồ sơ giấy nộp ngày 2/1" || len(m.PossibleDuplicates) != 0 {
		t.Fatalf("membership: %v", m)
	}
	if c := m.Consent; c == nil || c.TextVersion != "2025-01" || len(c.Purposes) != 2 || c.ConsentTime == nil || c.WithdrawTime != nil {
		t.Errorf("consent: %v", c)
	}
	p := e.get(m.Person, pb.PersonView_PERSON_VIEW_FULL)
	if p.HighestQualificationLevel != "THAC_SI" || len(p.Qualifications) != 2 || len(p.CurrentPositions) != 1 ||
		len(p.Memberships) != 1 || p.Memberships[0].Name != m.Name {
		t.Fatalf("the new profile: %v", p)
	}
	if basic := e.get(m.Person, pb.PersonView_PERSON_VIEW_BASIC); len(basic.Memberships) != 0 {
		t.Errorf("the BASIC view shows memberships")
	}
	got, err := ms.GetMembership(ctx, &pb.GetMembershipRequest{Name: m.Name})
	if err != nil || !proto.Equal(got, m) {
		t.Fatalf("get: %v %v", got, err)
	}

	// Approve over gRPC: a member number in the association's format.
	active, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name, Etag: m.Etag})
	if err != nil {
		t.Fatal(err)
	}
	year := active.ApproveTime.AsTime().In(time.FixedZone("ICT", 7*3600)).Year()
	if active.State != pb.Membership_ACTIVE || active.MemberNumber != fmt.Sprintf("HYH-%d-0001", year) || active.Etag == m.Etag {
		t.Fatalf("approved: %v", active)
	}
	// A stale etag is ABORTED.
	_, err = ms.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: m.Name, Etag: m.Etag, Reason: "x"})
	wantCode(t, err, codes.Aborted, "etag")

	// Suspend and reinstate over REST.
	code, body := e.rest("POST", "/v1/"+m.Name+":suspend", map[string]any{"reason": "Chưa đóng hội phí 2 năm", "etag": active.Etag})
	if code != http.StatusOK || body["state"] != "SUSPENDED" || body["stateReason"] != "Chưa đóng hội phí 2 năm" || body["memberNumber"] != active.MemberNumber {
		t.Fatalf("REST suspend: HTTP %d %v", code, body)
	}
	code, body = e.rest("POST", "/v1/"+m.Name+":suspend", map[string]any{"reason": "again"})
	wantREST(t, code, body, http.StatusBadRequest)
	if msg := body["message"].(string); !strings.Contains(msg, "SUSPENDED") {
		t.Errorf("suspending twice says %q", msg)
	}
	code, body = e.rest("POST", "/v1/"+m.Name+":reinstate", map[string]any{})
	if code != http.StatusOK || body["state"] != "ACTIVE" || body["memberNumber"] != active.MemberNumber {
		t.Fatalf("REST reinstate: HTTP %d %v", code, body)
	}
	code, body = e.rest("PATCH", "/v1/"+m.Name, map[string]any{"notes": "Đã đóng hội phí"})
	if code != http.StatusOK || body["notes"] != "Đã đóng hội phí" || body["state"] != "ACTIVE" {
		t.Fatalf("REST notes: HTTP %d %v", code, body)
	}
	code, body = e.rest("PATCH", "/v1/"+m.Name, map[string]any{"state": "WITHDRAWN"})
	wantREST(t, code, body, http.StatusBadRequest, "update_mask")

	// Withdraw over gRPC: the membership ends, its number stays.
	ended, err := ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: m.Name, Reason: "Chuyển công tác ra Cần Thơ"})
	if err != nil {
		t.Fatal(err)
	}
	if ended.State != pb.Membership_WITHDRAWN || ended.EndTime == nil || ended.MemberNumber != active.MemberNumber || ended.Consent.WithdrawTime != nil {
		t.Fatalf("withdrawn: %v", ended)
	}

	// Over REST: register the same person again, now by name, and reject.
	code, body = e.rest("POST", "/v1/"+hyh.Name+"/memberships:register", map[string]any{
		"person":  m.Person,
		"consent": map[string]any{"purposes": []string{"REGISTRY"}, "textVersion": "2025-02", "consentTime": "2025-03-01T08:00:00+07:00"},
	})
	if code != http.StatusOK || body["personCreated"] == true {
		t.Fatalf("REST register: HTTP %d %v", code, body)
	}
	second := body["membership"].(map[string]any)
	if second["state"] != "PENDING" || second["person"] != m.Person || second["consent"].(map[string]any)["consentTime"] != "2025-03-01T01:00:00Z" {
		t.Fatalf("REST registration: %v", second)
	}
	code, body = e.rest("POST", "/v1/"+second["name"].(string)+":reject", map[string]any{})
	wantREST(t, code, body, http.StatusBadRequest, "reason")
	code, body = e.rest("POST", "/v1/"+second["name"].(string)+":reject", map[string]any{"reason": "Chưa đủ điều kiện"})
	if code != http.StatusOK || body["state"] != "REJECTED" || body["endTime"] == nil || body["memberNumber"] != nil {
		t.Fatalf("REST reject: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/"+second["name"].(string), nil)
	if code != http.StatusOK || body["stateReason"] != "Chưa đủ điều kiện" {
		t.Fatalf("REST get: HTTP %d %v", code, body)
	}

	// The profile shows both, oldest first.
	p = e.get(m.Person, pb.PersonView_PERSON_VIEW_FULL)
	if len(p.Memberships) != 2 || p.Memberships[0].State != pb.Membership_WITHDRAWN || p.Memberships[1].State != pb.Membership_REJECTED {
		t.Errorf("FULL profile memberships: %v", p.Memberships)
	}
	code, body = e.rest("GET", "/v1/"+m.Person+"?view=PERSON_VIEW_FULL", nil)
	if list, _ := body["memberships"].([]any); code != http.StatusOK || len(list) != 2 {
		t.Errorf("REST FULL profile: HTTP %d %v", code, body["memberships"])
	}
	code, body = e.rest("GET", "/v1/"+hyh.Name+"/memberships?filter=state%20%3D%20REJECTED", nil)
	if list, _ := body["memberships"].([]any); code != http.StatusOK || len(list) != 1 {
		t.Errorf("REST list: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/associations/-/memberships?orderBy=apply_time%20desc&pageSize=1", nil)
	if list, _ := body["memberships"].([]any); code != http.StatusOK || len(list) != 1 || body["totalSize"] != 2.0 ||
		list[0].(map[string]any)["name"] != second["name"] || body["nextPageToken"] == "" {
		t.Errorf("REST list across associations: HTTP %d %v", code, body)
	}
	_, err = ms.GetMembership(ctx, &pb.GetMembershipRequest{Name: hyh.Name + "/memberships/none"})
	wantCode(t, err, codes.NotFound)
	_, err = ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: "associations/none/memberships/x"})
	wantCode(t, err, codes.NotFound)
}

// A membership in each state, each of a person of its own.
func (e *env) memberIn(assoc string, state pb.Membership_State, n int) *pb.Membership {
	e.t.Helper()
	ctx := context.Background()
	ms := e.client.Memberships
	p := e.person(&pb.Person{FamilyName: "Trần", GivenName: "Hội viên " + strconv.Itoa(n)})
	m := e.register(&pb.RegisterMemberRequest{Parent: assoc, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}}).Membership
	var err error
	switch state {
	case pb.Membership_ACTIVE:
		m, err = ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name})
	case pb.Membership_SUSPENDED:
		if m, err = ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name}); err == nil {
			m, err = ms.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: m.Name, Reason: "test"})
		}
	case pb.Membership_WITHDRAWN:
		m, err = ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: m.Name})
	case pb.Membership_REJECTED:
		m, err = ms.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: m.Name, Reason: "test"})
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if m.State != state {
		e.t.Fatalf("made %v, want %v", m.State, state)
	}
	return m
}

// Every state against every action: the allowed ones succeed, the others
// are FAILED_PRECONDITION naming the state the membership is in.
func TestMembershipTransitions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	_, hyh := e.associations()
	type act struct {
		name string
		do   func(name string) (*pb.Membership, error)
	}
	acts := []act{
		{"approve", func(n string) (*pb.Membership, error) {
			return ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: n})
		}},
		{"reject", func(n string) (*pb.Membership, error) {
			return ms.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: n, Reason: "r"})
		}},
		{"suspend", func(n string) (*pb.Membership, error) {
			return ms.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: n, Reason: "r"})
		}},
		{"reinstate", func(n string) (*pb.Membership, error) {
			return ms.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: n})
		}},
		{"withdraw", func(n string) (*pb.Membership, error) {
			return ms.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: n})
		}},
	}
	P, A, S, W, R := pb.Membership_PENDING, pb.Membership_ACTIVE, pb.Membership_SUSPENDED, pb.Membership_WITHDRAWN, pb.Membership_REJECTED
	// allowed[state][action] is the state the action leads to.
	allowed := map[pb.Membership_State]map[string]pb.Membership_State{
		P: {"approve": A, "reject": R, "withdraw": W},
		A: {"suspend": S, "withdraw": W},
		S: {"reinstate": A, "withdraw": W},
		W: {},
		R: {},
	}
	n := 0
	for _, from := range []pb.Membership_State{P, A, S, W, R} {
		for _, a := range acts {
			t.Run(from.String()+"/"+a.name, func(t *testing.T) {
				n++
				m := e.memberIn(hyh.Name, from, n)
				got, err := a.do(m.Name)
				to, ok := allowed[from][a.name]
				if ok {
					if err != nil {
						t.Fatalf("%s of a %s membership: %v", a.name, from, err)
					}
					if got.State != to {
						t.Fatalf("%s of a %s membership made it %s, want %s", a.name, from, got.State, to)
					}
					return
				}
				wantCode(t, err, codes.FailedPrecondition)
				msg := status.Convert(err).Message()
				if !strings.Contains(msg, "it is "+from.String()) || !strings.Contains(msg, a.name) {
					t.Errorf("message %q does not say it cannot %s a %s membership", msg, a.name, from)
				}
				if after, _ := ms.GetMembership(ctx, &pb.GetMembershipRequest{Name: m.Name}); after.GetEtag() != m.Etag {
					t.Errorf("a refused %s changed the membership", a.name)
				}
			})
		}
	}
	// The messages say what may be done instead.
	m := e.memberIn(hyh.Name, S, 100)
	_, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name})
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "can only be reinstated or withdrawn") {
		t.Errorf("approving a suspended membership: %q", msg)
	}
	m = e.memberIn(hyh.Name, W, 101)
	_, err = ms.ReinstateMembership(ctx, &pb.ReinstateMembershipRequest{Name: m.Name})
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "final") {
		t.Errorf("reinstating a withdrawn membership: %q", msg)
	}
	// A suspension needs a reason.
	m = e.memberIn(hyh.Name, A, 102)
	_, err = ms.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: m.Name, Reason: "   "})
	wantCode(t, err, codes.InvalidArgument, "reason")
	// validate_only changes nothing, and takes no number.
	m = e.memberIn(hyh.Name, P, 103)
	dry, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name, ValidateOnly: true})
	if err != nil || dry.State != A {
		t.Fatalf("validate_only approve: %v %v", dry, err)
	}
	if after, _ := ms.GetMembership(ctx, &pb.GetMembershipRequest{Name: m.Name}); after.State != P {
		t.Errorf("validate_only approved it")
	}
	approved, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: m.Name})
	if err != nil || approved.MemberNumber != dry.MemberNumber {
		t.Errorf("the real approval got %q, the dry run %q (%v)", approved.GetMemberNumber(), dry.MemberNumber, err)
	}
}

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
	if len(flagged) != 3 {
		t.Errorf("%d memberships have possible duplicates, want 3", len(flagged))
	}
	if got := e.memberships(hyh.Name, fmt.Sprintf("possible_duplicates.person = %q AND duplicates_resolved = true", known.Name)); len(got) != 3 {
		t.Errorf("%d resolved look-alikes of %s, want 3", len(got), known.Name)
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
	year := time.Now().In(time.FixedZone("ICT", 7*3600)).Year()
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

func TestListMemberships(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	union, hyh := e.associations()
	kt := e.association("hoi-kinh-te", &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT", Parent: union.Name, Fields: []string{"fields/vn2008-502"}})

	doctor := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()},
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Year: 2010}}}).Membership
	econ := &pb.Person{FamilyName: "Nguyễn", GivenName: "Hoa", Gender: pb.Person_FEMALE, Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-502"}}}
	economist := e.register(&pb.RegisterMemberRequest{Parent: kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: econ},
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2012}}}).Membership
	student := e.register(&pb.RegisterMemberRequest{Parent: kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{GivenName: "Tâm"}},
		Qualifications: []*pb.Qualification{{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Year: 2020}}}).Membership
	if _, err := ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: economist.Name}); err != nil {
		t.Fatal(err)
	}
	names := func(list []*pb.Membership) []string {
		var out []string
		for _, m := range list {
			out = append(out, m.Name)
		}
		return out
	}
	for _, c := range []struct {
		parent, filter string
		want           []string
	}{
		{"associations/-", "", []string{doctor.Name, economist.Name, student.Name}},
		{kt.Name, "", []string{economist.Name, student.Name}},
		{"associations/-", "state = PENDING", []string{doctor.Name, student.Name}},
		{"associations/-", "person.highest_qualification_level >= THAC_SI", []string{doctor.Name, economist.Name}},
		{"associations/-", `person.fields.code:"502"`, []string{economist.Name}},
		{"associations/-", "person.gender = FEMALE AND state = ACTIVE", []string{economist.Name}},
		{"associations/-", `association = "associations/hoi-y-hoc"`, []string{doctor.Name}},
		{"associations/-", `association.code = "HKT" AND person.qualifications.level < THAC_SI`, []string{student.Name}},
		{"associations/-", `member_number:*`, []string{economist.Name}},
		{"associations/-", `person = "` + doctor.Person + `"`, []string{doctor.Name}},
		{"associations/-", `approve_time > "2000-01-01T00:00:00Z"`, []string{economist.Name}},
		{hyh.Name, "state = ACTIVE", nil},
	} {
		if got := names(e.memberships(c.parent, c.filter)); !slices.Equal(got, c.want) {
			t.Errorf("%s %q: %v, want %v", c.parent, c.filter, got, c.want)
		}
	}
	// Paging, as elsewhere: a token continues the same query only.
	first, err := ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-", PageSize: 2, OrderBy: "apply_time desc"})
	if err != nil || len(first.Memberships) != 2 || first.NextPageToken == "" || first.TotalSize != 3 || first.Memberships[0].Name != student.Name {
		t.Fatalf("page 1: %v %v", first, err)
	}
	next, err := ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-", PageSize: 2, OrderBy: "apply_time desc", PageToken: first.NextPageToken})
	if err != nil || len(next.Memberships) != 1 || next.NextPageToken != "" || next.Memberships[0].Name != doctor.Name {
		t.Fatalf("page 2: %v %v", next, err)
	}
	_, err = ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: kt.Name, PageSize: 2, OrderBy: "apply_time desc", PageToken: first.NextPageToken})
	wantCode(t, err, codes.InvalidArgument, "page_token")
	_, err = ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-", Filter: "person.shoe_size = 4"})
	wantCode(t, err, codes.InvalidArgument, "filter")
	_, err = ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-", OrderBy: "notes"})
	wantCode(t, err, codes.InvalidArgument, "order_by")
	_, err = ms.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/none"})
	wantCode(t, err, codes.NotFound)
	// A deleted person's memberships are left out.
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: student.Person}); err != nil {
		t.Fatal(err)
	}
	if got := names(e.memberships(kt.Name, "")); !slices.Equal(got, []string{economist.Name}) {
		t.Errorf("after deleting a person: %v", got)
	}
	// A deleted person cannot be approved.
	_, err = ms.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: student.Name})
	wantCode(t, err, codes.FailedPrecondition)
}

func TestAssociations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ms := e.client.Memberships
	union, hyh := e.associations()
	if hyh.Parent != union.Name || union.Parent != "" {
		t.Fatalf("parents: %v %v", union, hyh)
	}
	for _, c := range []struct {
		a      *pb.Association
		fields []string
	}{
		{&pb.Association{Code: "X"}, []string{"association.display_name"}},
		{&pb.Association{DisplayName: "X", Code: "hyh"}, []string{"association.code"}},
		{&pb.Association{DisplayName: "X", Code: "X", MemberNumberFormat: "{code}-{year}"}, []string{"association.member_number_format"}},
		{&pb.Association{DisplayName: "X", Code: "X", MemberNumberFormat: "{code} {seq}"}, []string{"association.member_number_format"}},
		{&pb.Association{DisplayName: "X", Code: "X", MemberNumberFormat: "{seq}{seq}"}, []string{"association.member_number_format"}},
		{&pb.Association{DisplayName: "X", Code: "X", MemberNumberFormat: "{month}-{seq}"}, []string{"association.member_number_format"}},
		{&pb.Association{DisplayName: "X", Code: "X", Fields: []string{"fields/vn2008-999", "3"}}, []string{"association.fields[0]", "association.fields[1]"}},
		{&pb.Association{DisplayName: "X", Code: "X", Parent: "associations/none"}, []string{"association.parent"}},
	} {
		_, err := ms.CreateAssociation(ctx, &pb.CreateAssociationRequest{Association: c.a})
		wantCode(t, err, codes.InvalidArgument, c.fields...)
	}
	_, err := ms.CreateAssociation(ctx, &pb.CreateAssociationRequest{Association: &pb.Association{DisplayName: "Hội khác", Code: "HYH"}})
	wantCode(t, err, codes.AlreadyExists, "association.code")
	_, err = ms.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{Association: &pb.Association{Name: union.Name, Parent: hyh.Name}, UpdateMask: mask("parent")})
	wantCode(t, err, codes.InvalidArgument, "association.parent")

	// REST: create, and change the format; numbers follow the new one.
	code, body := e.rest("POST", "/v1/associations?associationId=hoi-tin-hoc", map[string]any{
		"displayName": "Hội Tin học", "code": "HTH", "parent": union.Name, "memberNumberFormat": "{code}{seq:3}",
	})
	if code != http.StatusOK || body["memberNumberFormat"] != "{code}{seq:3}" {
		t.Fatalf("REST create: HTTP %d %v", code, body)
	}
	m := e.memberIn("associations/hoi-tin-hoc", pb.Membership_ACTIVE, 1)
	if m.MemberNumber != "HTH001" {
		t.Errorf("member number %q, want HTH001", m.MemberNumber)
	}
	code, body = e.rest("PATCH", "/v1/associations/hoi-tin-hoc", map[string]any{"memberNumberFormat": "TH-{year}-{seq}"})
	if code != http.StatusOK {
		t.Fatalf("REST patch: HTTP %d %v", code, body)
	}
	m = e.memberIn("associations/hoi-tin-hoc", pb.Membership_ACTIVE, 2)
	if year := m.ApproveTime.AsTime().In(time.FixedZone("ICT", 7*3600)).Year(); m.MemberNumber != fmt.Sprintf("TH-%d-1", year) {
		t.Errorf("member number %q after the format changed", m.MemberNumber)
	}

	list, err := ms.ListAssociations(ctx, &pb.ListAssociationsRequest{Filter: fmt.Sprintf("parent = %q", union.Name), OrderBy: "code"})
	if err != nil || len(list.Associations) != 2 || list.Associations[0].Code != "HTH" {
		t.Fatalf("list: %v %v", list, err)
	}
	list, err = ms.ListAssociations(ctx, &pb.ListAssociationsRequest{Filter: `fields:"fields/vn2008-3"`})
	if err != nil || len(list.Associations) != 1 || list.Associations[0].Name != hyh.Name {
		t.Fatalf("list by field: %v %v", list, err)
	}
	up, err := e.db.AssociationAncestors(ctx, "associations/hoi-tin-hoc")
	if err != nil || !slices.Equal(up, []string{union.Name}) {
		t.Errorf("ancestors: %v %v", up, err)
	}

	// Deleting: not while members are open or member associations live.
	_, err = ms.DeleteAssociation(ctx, &pb.DeleteAssociationRequest{Name: "associations/hoi-tin-hoc"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = ms.DeleteAssociation(ctx, &pb.DeleteAssociationRequest{Name: union.Name})
	wantCode(t, err, codes.FailedPrecondition)
	deleted, err := ms.DeleteAssociation(ctx, &pb.DeleteAssociationRequest{Name: hyh.Name, Etag: hyh.Etag})
	if err != nil || deleted.DeleteTime == nil {
		t.Fatalf("delete: %v %v", deleted, err)
	}
	_, err = ms.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()}, Consent: consent()})
	wantCode(t, err, codes.NotFound)
	// Its code is free again, and so undeleting it is refused while taken.
	other := e.association("hoi-y-duoc", &pb.Association{DisplayName: "Hội Y dược", Code: "HYH"})
	_, err = ms.UndeleteAssociation(ctx, &pb.UndeleteAssociationRequest{Name: hyh.Name})
	wantCode(t, err, codes.AlreadyExists)
	if _, err := ms.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{Association: &pb.Association{Name: other.Name, Code: "HYD"}, UpdateMask: mask("code")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ms.UndeleteAssociation(ctx, &pb.UndeleteAssociationRequest{Name: hyh.Name}); err != nil {
		t.Fatal(err)
	}
}

// Who may do what with associations and memberships, and a registrar key
// limited to an association acts only on it and those under it.
func TestMembershipPermissions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	union, hyh := e.associations()
	kt := e.association("hoi-kinh-te", &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT", Parent: union.Name})
	elsewhere := e.register(&pb.RegisterMemberRequest{Parent: kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{GivenName: "Khác"}}}).Membership
	as := func(role string) *client.Client {
		_, tok := e.key(role)
		return e.clientAs(tok)
	}
	scoped := func(association string) (*client.Client, string) {
		_, tok, err := e.db.CreateScopedKey(ctx, "Hội "+association, RoleRegistrar, association, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return e.clientAs(tok), tok
	}
	register := func(c *client.Client, parent string) (*pb.RegisterMemberResponse, error) {
		return c.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: parent,
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{GivenName: "Mới"}}, Consent: consent()})
	}

	registrar, home, service := as(RoleRegistrar), as(RoleHomeAffairs), as(RoleService)
	reg, err := register(registrar, hyh.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := registrar.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	_, err = registrar.Memberships.CreateAssociation(ctx, &pb.CreateAssociationRequest{Association: &pb.Association{DisplayName: "X", Code: "X"}})
	wantCode(t, err, codes.PermissionDenied)
	for _, c := range []*client.Client{registrar, home, service} {
		if _, err := c.Memberships.ListAssociations(ctx, &pb.ListAssociationsRequest{}); err != nil {
			t.Errorf("ListAssociations: %v", err)
		}
	}
	if _, err := home.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-", Filter: "person.highest_qualification_level >= DAI_HOC"}); err != nil {
		t.Errorf("home_affairs lists memberships: %v", err)
	}
	_, err = home.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-", Filter: `person.national_id = "091079000456"`})
	wantCode(t, err, codes.PermissionDenied)
	_, err = register(home, hyh.Name)
	wantCode(t, err, codes.PermissionDenied)
	_, err = home.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: reg.Membership.Name, Reason: "x"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = service.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: reg.Membership.Name})
	wantCode(t, err, codes.PermissionDenied)

	// A key of the Hội Y học: its own members only.
	own, ownToken := scoped(hyh.Name)
	mine, err := register(own, hyh.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := own.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: mine.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if list, err := own.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: hyh.Name}); err != nil || len(list.Memberships) != 2 {
		t.Errorf("its own list: %v %v", list, err)
	}
	_, err = register(own, kt.Name)
	wantCode(t, err, codes.PermissionDenied)
	_, err = own.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: elsewhere.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = own.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: elsewhere.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = own.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = own.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/does-not-exist"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = own.Memberships.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{Association: &pb.Association{Name: hyh.Name, ShortName: "x"}, UpdateMask: mask("short_name")})
	wantCode(t, err, codes.PermissionDenied)
	code, body := e.restAs(ownToken, "POST", "/v1/"+elsewhere.Name+":approve", map[string]any{})
	wantREST(t, code, body, http.StatusForbidden)

	// A key of the Union acts on the associations under it.
	top, _ := scoped(union.Name)
	if _, err := top.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: mine.Membership.Name, Reason: "Kiểm tra"}); err != nil {
		t.Errorf("the Union's key on a member association: %v", err)
	}
	if _, err := register(top, kt.Name); err != nil {
		t.Errorf("the Union's key registers in a member association: %v", err)
	}
}

// A registrar key limited to an association reads and keeps the profiles
// of its association's members, of the associations under it too, and of
// nobody else; a person outside the scope and a person who does not exist
// get the same answer.
func TestPersonScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	union, hyh := e.associations()
	kt := e.association("hoi-kinh-te", &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT", Parent: union.Name})
	doctor := e.register(&pb.RegisterMemberRequest{Parent: hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Trần", GivenName: "Bình"}}}).Membership.Person
	economist := e.register(&pb.RegisterMemberRequest{Parent: kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Châu"}}}).Membership.Person
	outsider := e.person(&pb.Person{GivenName: "Ngoài"}).Name

	_, tok, err := e.db.CreateScopedKey(ctx, "Hội Y học", RoleRegistrar, hyh.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	medical := e.clientAs(tok)
	_, tok, err = e.db.CreateScopedKey(ctx, "Liên hiệp hội", RoleRegistrar, union.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	wholeUnion := e.clientAs(tok)

	if p, err := medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: doctor}); err != nil || p.Name != doctor {
		t.Fatalf("a member's profile: %v", err)
	}
	if _, err := medical.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: doctor,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Y đa khoa"}}); err != nil {
		t.Errorf("adding a member's qualification: %v", err)
	}
	if _, err := medical.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: doctor, Email: "binh@example.vn"}, UpdateMask: mask("email")}); err != nil {
		t.Errorf("updating a member's profile: %v", err)
	}
	var messages []string
	for _, name := range []string{economist, outsider, "people/nobody"} {
		_, err := medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name})
		wantCode(t, err, codes.PermissionDenied)
		messages = append(messages, strings.ReplaceAll(status.Convert(err).Message(), name, "NAME"))
		_, err = medical.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: name, Honor: &pb.Honor{Title: "X"}})
		wantCode(t, err, codes.PermissionDenied)
	}
	if messages[0] != messages[2] || messages[1] != messages[2] {
		t.Errorf("the answers tell people apart: %q", messages)
	}
	_, err = medical.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/-"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = medical.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	wantCode(t, err, codes.PermissionDenied)
	code, body := e.restAs(tok, "GET", "/v1/"+outsider, nil)
	wantREST(t, code, body, http.StatusForbidden)

	// The Union's key reaches the members of the associations under it.
	for _, name := range []string{doctor, economist} {
		if _, err := wholeUnion.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name}); err != nil {
			t.Errorf("the Union's key reading %s: %v", name, err)
		}
	}
	_, err = wholeUnion.People.GetPerson(ctx, &pb.GetPersonRequest{Name: outsider})
	wantCode(t, err, codes.PermissionDenied)
}
