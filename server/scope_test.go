package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// scopeFixture is the Union with two member associations, a registered
// person who is a member of the economists' association only (outsider),
// and a registrar key limited to the doctors' association (medical).
type scopeFixture struct {
	e                 *env
	union, hyh, kt    *pb.Association
	outsider          *pb.Person
	medical           *client.Client
	medicalTok        string
	ctx               context.Context
	outsiderMarks     []string // what no answer to medical may hold
	outsiderNationlID string
}

func newScopeFixture(t *testing.T) *scopeFixture {
	return newScopeFixtureWith(t, nil)
}

// newScopeFixtureWith is newScopeFixture on a server that configure
// configures.
func newScopeFixtureWith(t *testing.T, configure func(*Config)) *scopeFixture {
	e := newEnvWith(t, configure)
	f := &scopeFixture{e: e, ctx: context.Background()}
	f.union, f.hyh = e.associations()
	f.kt = e.association("hoi-kinh-te", &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT", Parent: f.union.Name})
	p := bao()
	p.Phone = "0912345678"
	p.Ethnicity = "04"
	f.outsiderNationlID = p.NationalId
	f.outsider = e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p}}).Person
	f.outsiderMarks = []string{strings.TrimPrefix(f.outsider.Name, "people/"), "0912345678"}
	_, tok, err := e.db.CreateScopedKey(f.ctx, "Hội Y học", RoleRegistrar, f.hyh.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.medical, f.medicalTok = e.clientAs(tok), tok
	return f
}

// noLeak fails when answer, a message or a decoded JSON body, holds
// anything of the outsider's.
func (f *scopeFixture) noLeak(t *testing.T, where string, answer any) {
	t.Helper()
	var text string
	switch a := answer.(type) {
	case proto.Message:
		text = protojson.Format(a)
	default:
		b, _ := json.Marshal(a)
		text = string(b)
	}
	for _, mark := range f.outsiderMarks {
		if holdsMark(text, mark) {
			t.Errorf("%s: the answer holds %q of the person outside the scope:\n%s", where, mark, text)
		}
	}
}

// outOfReach checks that medical may not read or change the outsider, over
// gRPC and REST.
func (f *scopeFixture) outOfReach(t *testing.T, where string) {
	t.Helper()
	_, err := f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.outsider.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.medical.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.outsider.Name, Phone: "0900000000"}, UpdateMask: mask("phone")})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.medical.People.ListQualifications(f.ctx, &pb.ListQualificationsRequest{Parent: f.outsider.Name})
	wantCode(t, err, codes.PermissionDenied)
	code, body := f.e.restAs(f.medicalTok, "GET", "/v1/"+f.outsider.Name+"?view=PERSON_VIEW_FULL", nil)
	if code != http.StatusForbidden {
		t.Errorf("%s: REST GET %s answered %d: %v", where, f.outsider.Name, code, body)
	}
	code, body = f.e.restAs(f.medicalTok, "PATCH", "/v1/"+f.outsider.Name+"?updateMask=phone", map[string]any{"phone": "0900000000"})
	if code != http.StatusForbidden {
		t.Errorf("%s: REST PATCH %s answered %d: %v", where, f.outsider.Name, code, body)
	}
	if p, err := f.e.client.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.outsider.Name}); err != nil || p.Phone != "0912345678" {
		t.Errorf("%s: the outsider's profile changed: %v %v", where, p.GetPhone(), err)
	}
}

// confirmBrings checks that an approval by a registrar without a limit
// confirms the link and brings the outsider into medical's scope.
func (f *scopeFixture) confirmBrings(t *testing.T, membership string) {
	t.Helper()
	if _, err := f.e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: membership}); err != nil {
		t.Fatalf("the Union's registrar approving: %v", err)
	}
	if p, err := f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.outsider.Name}); err != nil || p.Phone != "0912345678" {
		t.Errorf("after the confirmation, the member's profile: %v %v", p.GetPhone(), err)
	}
	if m, err := f.medical.Memberships.GetMembership(f.ctx, &pb.GetMembershipRequest{Name: membership}); err != nil || m.Person != f.outsider.Name {
		t.Errorf("after the confirmation, the membership names %q, %v", m.GetPerson(), err)
	}
}

// A limited key that registers a new person with the national ID of
// someone outside its scope learns nothing of them, gets no access, and may
// not approve the link; a registrar without a limit may.
func TestScopedLinkByNationalID(t *testing.T) {
	f := newScopeFixture(t)
	reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Khác", GivenName: "Tên", NationalId: f.outsiderNationlID}}})
	if err != nil {
		t.Fatal(err)
	}
	f.noLeak(t, "RegisterMember", reg)
	if reg.Person != nil || reg.Membership.Person != "" || reg.PersonCreated {
		t.Errorf("the registration describes the person linked: %v", reg)
	}
	f.outOfReach(t, "after the link")
	got, err := f.medical.Memberships.GetMembership(f.ctx, &pb.GetMembershipRequest{Name: reg.Membership.Name})
	if err != nil {
		t.Fatal(err)
	}
	f.noLeak(t, "GetMembership", got)

	// The member's profile is not reachable through the list's filter or
	// order either: to the key, they hold nothing (each filter here holds
	// for what they do hold).
	for _, filter := range []string{`person.phone = "0912345678"`, `NOT person.phone = "0000000000"`, `person.fields.code:*`,
		`person.family_name = "Lâm"`, `person.birth_date.year = 1979`, `person = "` + f.outsider.Name + `"`} {
		resp, err := f.medical.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: f.hyh.Name, Filter: filter})
		if err != nil {
			t.Fatalf("%s: %v", filter, err)
		}
		if len(resp.Memberships) != 0 {
			t.Errorf("%s: the filter tests the person outside the scope: %v", filter, resp.Memberships)
		}
	}
	// Ordered by name, the member sorts as if nameless, not between the
	// members whose names surround theirs.
	for _, given := range []string{"An", "Yến"} {
		f.e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lâm", GivenName: given}}})
	}
	for _, order := range []string{"person.display_name", "person.display_name desc"} {
		resp, err := f.medical.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: f.hyh.Name, OrderBy: order})
		if err != nil || len(resp.Memberships) != 3 {
			t.Fatalf("the list: %v %v", resp, err)
		}
		f.noLeak(t, "ListMemberships", resp)
		if at := slices.IndexFunc(resp.Memberships, func(m *pb.Membership) bool { return m.Name == reg.Membership.Name }); at == 1 {
			t.Errorf("ordered by %s, the membership outside the scope sorts by its person's name", order)
		}
	}

	// A second registration of the same national ID names nobody.
	_, err = f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Khác", GivenName: "Tên", NationalId: f.outsiderNationlID}}})
	wantCode(t, err, codes.AlreadyExists, "new_person.national_id")
	f.noLeak(t, "a second registration", status.Convert(err).Message())

	_, err = f.medical.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name})
	wantCode(t, err, codes.FailedPrecondition)
	if !strings.Contains(status.Convert(err).Message(), "not limited to an association") {
		t.Errorf("the refusal does not say who may approve: %v", err)
	}
	code, body := f.e.restAs(f.medicalTok, "POST", "/v1/"+reg.Membership.Name+":approve", map[string]any{})
	wantREST(t, code, body, http.StatusBadRequest)
	f.outOfReach(t, "after the refused approvals")

	f.confirmBrings(t, reg.Membership.Name)
}

// The same over REST, naming the registered person: the answer describes
// nobody and the key gets no access.
func TestScopedLinkByName(t *testing.T) {
	f := newScopeFixture(t)
	code, body := f.e.restAs(f.medicalTok, "POST", "/v1/"+f.hyh.Name+"/memberships:register", map[string]any{
		"person": f.outsider.Name, "consent": map[string]any{"purposes": []string{"REGISTRY"}, "textVersion": "2025-01"}})
	if code != http.StatusOK {
		t.Fatalf("register: %d %v", code, body)
	}
	if body["person"] != nil {
		t.Errorf("the registration returns the profile of the person named: %v", body["person"])
	}
	f.outsiderMarks = append(f.outsiderMarks, "Lâm", "Bảo", "1979")
	f.noLeak(t, "RegisterMember over REST", body)
	f.outOfReach(t, "after the registration")
	name, _ := body["membership"].(map[string]any)["name"].(string)
	code, body = f.e.restAs(f.medicalTok, "GET", "/v1/"+name, nil)
	if code != http.StatusOK {
		t.Fatalf("GetMembership: %d %v", code, body)
	}
	f.noLeak(t, "GetMembership over REST", body)
	_, err := f.medical.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: name})
	wantCode(t, err, codes.FailedPrecondition)
	f.outOfReach(t, "after the refused approval")
	// Nor does the refusal name them when they are deleted.
	if _, err := f.e.client.People.DeletePerson(f.ctx, &pb.DeletePersonRequest{Name: f.outsider.Name}); err != nil {
		t.Fatal(err)
	}
	_, err = f.medical.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: name})
	wantCode(t, err, codes.FailedPrecondition)
	f.noLeak(t, "approving a link to a deleted person", status.Convert(err).Message())
	if _, err := f.e.client.People.UndeletePerson(f.ctx, &pb.UndeletePersonRequest{Name: f.outsider.Name}); err != nil {
		t.Fatal(err)
	}

	f.confirmBrings(t, name)
}

// Look-alikes outside the scope are reported to a limited key without
// names, and only a registrar without a limit may judge them; those inside
// keep their names.
func TestScopedPossibleDuplicates(t *testing.T) {
	f := newScopeFixture(t)
	colleague := f.e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{
		NewPerson: &pb.Person{FamilyName: "Trần", GivenName: "Bình", Email: "binh@example.vn"}}}).Person
	for _, tc := range []struct {
		name   string
		person *pb.Person
		reason pb.PossibleDuplicate_Reason
	}{
		{"email", &pb.Person{FamilyName: "Phan", GivenName: "Dũng", Email: "BAO.LAM@example.vn"}, pb.PossibleDuplicate_EMAIL},
		{"name and birth date", &pb.Person{FamilyName: "Lâm", MiddleName: "Quốc", GivenName: "Bảo", BirthDate: &date.Date{Year: 1979, Month: 11, Day: 2}},
			pb.PossibleDuplicate_NAME_AND_BIRTH_DATE},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
				Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: tc.person}})
			if err != nil {
				t.Fatal(err)
			}
			f.noLeak(t, "RegisterMember", reg)
			dups := reg.Membership.PossibleDuplicates
			if len(dups) != 1 || dups[0].Person != "" || len(dups[0].Reasons) != 1 || dups[0].Reasons[0] != tc.reason {
				t.Errorf("possible duplicates: want one without a name, for %s; got %v", tc.reason, dups)
			}
			full, err := f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: reg.Person.Name, View: pb.PersonView_PERSON_VIEW_FULL})
			if err != nil {
				t.Fatal(err)
			}
			f.noLeak(t, "the new member's FULL profile", full)
			code, body := f.e.restAs(f.medicalTok, "GET", "/v1/"+f.hyh.Name+"/memberships", nil)
			if code != http.StatusOK {
				t.Fatalf("ListMemberships: %d %v", code, body)
			}
			f.noLeak(t, "ListMemberships over REST", body)
			resp, err := f.medical.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: f.hyh.Name,
				Filter: `possible_duplicates.person = "` + f.outsider.Name + `"`})
			if err != nil || len(resp.Memberships) != 0 {
				t.Errorf("the filter on look-alikes finds the person outside the scope: %v %v", resp, err)
			}

			_, err = f.medical.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name, ConfirmDistinctPerson: true})
			wantCode(t, err, codes.FailedPrecondition)
			f.noLeak(t, "the refused approval", status.Convert(err).Message())
			if !strings.Contains(status.Convert(err).Message(), "outside") {
				t.Errorf("the refusal does not say why: %v", err)
			}

			// The Union's registrar sees the name and resolves it.
			m, err := f.e.client.Memberships.GetMembership(f.ctx, &pb.GetMembershipRequest{Name: reg.Membership.Name})
			if err != nil || len(m.PossibleDuplicates) != 1 || m.PossibleDuplicates[0].Person != f.outsider.Name {
				t.Errorf("an unlimited registrar's view: %v %v", m, err)
			}
			if _, err := f.e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name, ConfirmDistinctPerson: true}); err != nil {
				t.Error(err)
			}
		})
	}

	// A look-alike in the scope keeps its name.
	reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Võ", GivenName: "Em", Email: "binh@example.vn"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := reg.Membership.PossibleDuplicates; len(d) != 1 || d[0].Person != colleague.Name {
		t.Errorf("a look-alike in the scope: %v", d)
	}
	if _, err := f.medical.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name, ConfirmDistinctPerson: true}); err != nil {
		t.Errorf("approving past a look-alike in the scope: %v", err)
	}
}

// A membership that ends, withdrawn or rejected, ends the key's access to
// the person.
func TestScopeEndsWithMembership(t *testing.T) {
	f := newScopeFixture(t)
	for _, end := range []string{"withdraw", "reject"} {
		t.Run(end, func(t *testing.T) {
			p := &pb.Person{FamilyName: "Đỗ", GivenName: "Giang", Phone: "0987654321"}
			reg, err := f.medical.Memberships.RegisterMember(f.ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
				Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: reg.Person.Name}); err != nil {
				t.Fatalf("a member's profile: %v", err)
			}
			code, body := f.e.restAs(f.medicalTok, "POST", "/v1/"+reg.Membership.Name+":"+end, map[string]any{"reason": "Không đủ điều kiện"})
			if code != http.StatusOK {
				t.Fatalf("%s: %d %v", end, code, body)
			}
			f.outsiderMarks = []string{strings.TrimPrefix(reg.Person.Name, "people/"), "0987654321"}
			f.noLeak(t, end, body)
			_, err = f.medical.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: reg.Person.Name, View: pb.PersonView_PERSON_VIEW_FULL})
			wantCode(t, err, codes.PermissionDenied)
			_, err = f.medical.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: reg.Person.Name, Phone: "0900000000"}, UpdateMask: mask("phone")})
			wantCode(t, err, codes.PermissionDenied)
			_, err = f.medical.People.CreateHonor(f.ctx, &pb.CreateHonorRequest{Parent: reg.Person.Name, Honor: &pb.Honor{Title: "X"}})
			wantCode(t, err, codes.PermissionDenied)
			code, body = f.e.restAs(f.medicalTok, "GET", "/v1/"+reg.Person.Name, nil)
			wantREST(t, code, body, http.StatusForbidden)
		})
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
	// Lists hold the people of the scope alone (memberexport_test.go).
	if resp, err := medical.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil || len(resp.People) != 1 || resp.People[0].Name != doctor || resp.TotalSize != 1 {
		t.Errorf("the key's list of people: %v, %v; want the doctor alone", resp, err)
	}
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
