package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
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
	year := active.ApproveTime.AsTime().In(store.Vietnam).Year()
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
	// The state is output only: a PATCH ignores it (AIP-203); the state
	// changes have their own methods.
	code, body = e.rest("PATCH", "/v1/"+m.Name, map[string]any{"state": "WITHDRAWN"})
	if code != http.StatusOK || body["state"] != "ACTIVE" {
		t.Fatalf("REST PATCH of the state: HTTP %d %v", code, body)
	}

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
	if year := m.ApproveTime.AsTime().In(store.Vietnam).Year(); m.MemberNumber != fmt.Sprintf("TH-%d-1", year) {
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
