package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// privacyFixture is a registered member (bao) of the doctors' association
// with a qualification, and keys of every role that reads people.
type privacyFixture struct {
	e                            *env
	ctx                          context.Context
	hyh                          *pb.Association
	person                       *pb.Person
	membership                   *pb.Membership
	registrar, homeAffairs       *client.Client
	scoped                       *client.Client
	registrarTok, homeAffairsTok string
}

func newPrivacyFixture(t *testing.T) *privacyFixture {
	e := newEnv(t)
	f := &privacyFixture{e: e, ctx: context.Background()}
	_, f.hyh = e.associations()
	p := bao()
	p.Phone = "0912345678"
	reg := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: p}})
	f.person = reg.Person
	m, err := e.client.Memberships.ApproveMembership(f.ctx, &pb.ApproveMembershipRequest{Name: reg.Membership.Name})
	if err != nil {
		t.Fatal(err)
	}
	f.membership = m
	if _, err := e.client.People.CreateQualification(f.ctx, &pb.CreateQualificationRequest{Parent: f.person.Name,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Nội khoa", Year: 2010}}); err != nil {
		t.Fatal(err)
	}
	_, f.registrarTok = e.key(RoleRegistrar)
	_, f.homeAffairsTok = e.key(RoleHomeAffairs)
	f.registrar, f.homeAffairs = e.clientAs(f.registrarTok), e.clientAs(f.homeAffairsTok)
	_, tok, err := e.db.CreateScopedKey(f.ctx, "Hội Y học", RoleRegistrar, f.hyh.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.scoped = e.clientAs(tok)
	return f
}

// listed reports, for every read path that lists people or what they hold,
// whether the person is in it, as the registrar (home_affairs for the
// qualifications across people, admin for memberships across associations).
func (f *privacyFixture) listed(t *testing.T) map[string]bool {
	t.Helper()
	name := f.person.Name
	got := map[string]bool{}
	people, err := f.registrar.People.ListPeople(f.ctx, &pb.ListPeopleRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got["ListPeople"] = slices.ContainsFunc(people.People, func(p *pb.Person) bool { return p.Name == name })
	deleted, err := f.e.client.People.ListPeople(f.ctx, &pb.ListPeopleRequest{PageSize: 1000, ShowDeleted: true})
	if err != nil {
		t.Fatal(err)
	}
	got["ListPeople show_deleted (admin)"] = slices.ContainsFunc(deleted.People, func(p *pb.Person) bool { return p.Name == name })
	found, err := f.registrar.People.SearchPeople(f.ctx, &pb.SearchPeopleRequest{Query: "Lâm Quốc Bảo"})
	if err != nil {
		t.Fatal(err)
	}
	got["SearchPeople"] = slices.ContainsFunc(found.People, func(p *pb.Person) bool { return p.Name == name })
	quals, err := f.homeAffairs.People.ListQualifications(f.ctx, &pb.ListQualificationsRequest{Parent: "people/-"})
	if err != nil {
		t.Fatal(err)
	}
	got["ListQualifications people/-"] = slices.ContainsFunc(quals.Qualifications, func(q *pb.Qualification) bool { return strings.HasPrefix(q.Name, name+"/") })
	for _, parent := range []string{"associations/-", f.hyh.Name} {
		ms, err := f.e.client.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: parent})
		if err != nil {
			t.Fatal(err)
		}
		got["ListMemberships "+parent] = slices.ContainsFunc(ms.Memberships, func(m *pb.Membership) bool { return m.Person == name })
	}
	code, body := f.e.restAs(f.registrarTok, "GET", "/v1/people:search?query=B%E1%BA%A3o", nil)
	if code != http.StatusOK {
		t.Fatalf("REST search: %d %v", code, body)
	}
	got["REST SearchPeople"] = strings.Contains(jsonText(body), name)
	return got
}

// Withdrawing the consent a profile rested on restricts it: only an admin
// reads it, nobody else reads or writes it, and every listing leaves it out
// (issue 14, item 2). A new consent lifts the restriction.
func TestWithdrawnConsentRestricts(t *testing.T) {
	f := newPrivacyFixture(t)
	for path, in := range f.listed(t) {
		if !in {
			t.Fatalf("before the withdrawal, %s leaves the member out", path)
		}
	}
	if _, err := f.scoped.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.person.Name}); err != nil {
		t.Fatalf("the association's key reading its member: %v", err)
	}

	// The association's own key withdraws, over REST.
	code, body := f.e.restAs(f.scopedToken(t), "POST", "/v1/"+f.membership.Name+":withdraw", map[string]any{"consentWithdrawn": true})
	if code != http.StatusOK || body["state"] != "WITHDRAWN" {
		t.Fatalf("withdrawing: HTTP %d %v", code, body)
	}

	p, err := f.e.client.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.person.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || !p.Restricted || p.Phone != "0912345678" {
		t.Fatalf("the admin reading the restricted profile: restricted %v, phone %q, %v", p.GetRestricted(), p.GetPhone(), err)
	}
	for who, c := range map[string]*client.Client{"registrar": f.registrar, "home_affairs": f.homeAffairs, "association key": f.scoped} {
		_, err := c.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.person.Name})
		wantCode(t, err, codes.PermissionDenied)
		_, err = c.People.ListQualifications(f.ctx, &pb.ListQualificationsRequest{Parent: f.person.Name})
		wantCode(t, err, codes.PermissionDenied)
		if who != "home_affairs" {
			_, err = c.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.person.Name, Phone: "0900000000"}, UpdateMask: mask("phone")})
			wantCode(t, err, codes.PermissionDenied)
			_, err = c.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: f.person.Name})
			wantCode(t, err, codes.PermissionDenied)
		}
	}
	code, body = f.e.restAs(f.registrarTok, "GET", "/v1/"+f.person.Name, nil)
	wantREST(t, code, body, http.StatusForbidden)
	code, body = f.e.restAs(f.registrarTok, "PATCH", "/v1/"+f.person.Name+"?updateMask=phone", map[string]any{"phone": "0900000000"})
	wantREST(t, code, body, http.StatusForbidden)
	for path, in := range f.listed(t) {
		if in {
			t.Errorf("after the withdrawal, %s still lists the restricted member", path)
		}
	}

	// The person consents again: the registrar records it, and the
	// profile is open again.
	c, err := f.registrar.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: f.person.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Name, f.person.Name+"/consents/") || c.LegalBasis != pb.Consent_CONSENT || c.Recorder == "" || c.Membership != "" {
		t.Errorf("the consent recorded: %v", c)
	}
	if p, err := f.registrar.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.person.Name}); err != nil || p.Restricted {
		t.Fatalf("after a new consent: %v %v", p, err)
	}
	for path, in := range f.listed(t) {
		if !in && !strings.HasPrefix(path, "ListMemberships") {
			t.Errorf("after a new consent, %s leaves the member out", path)
		}
	}
}

// restrict completes a RESTRICTION request of the person: only admins
// read them from then on.
func (f *privacyFixture) restrict(t *testing.T) {
	t.Helper()
	req, err := f.e.client.Privacy.CreateDataSubjectRequest(f.ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_RESTRICTION, Person: f.person.Name, Requester: "Lâm Quốc Bảo"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.client.Privacy.TransitionDataSubjectRequest(f.ctx, &pb.TransitionDataSubjectRequestRequest{Name: req.Name,
		State: pb.DataSubjectRequest_COMPLETED, Action: "restricted"}); err != nil {
		t.Fatal(err)
	}
}

// withholdContact withdraws the registration's consent (REGISTRY, CONTACT)
// and records a REGISTRY-only one: the profile stays, contact does not.
func (f *privacyFixture) withholdContact(t *testing.T) {
	t.Helper()
	consents, err := f.e.client.Privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: f.person.Name})
	if err != nil || len(consents.Consents) != 1 {
		t.Fatal(consents, err)
	}
	if _, err := f.e.client.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: f.person.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.client.Privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: consents.Consents[0].Name}); err != nil {
		t.Fatal(err)
	}
}

func (f *privacyFixture) scopedToken(t *testing.T) string {
	t.Helper()
	_, tok, err := f.e.db.CreateScopedKey(f.ctx, "Hội Y học 2", RoleRegistrar, f.hyh.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Consents are a resource of the person, the membership's among them; a
// consent on a public duty keeps the profile open when another is
// withdrawn; bad requests name their field.
func TestConsents(t *testing.T) {
	f := newPrivacyFixture(t)
	list, err := f.registrar.Privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: f.person.Name})
	if err != nil || len(list.Consents) != 1 || list.Consents[0].Membership != f.membership.Name {
		t.Fatalf("the registration's consent: %v %v", list, err)
	}
	reg := list.Consents[0]
	got, err := f.registrar.Privacy.GetConsent(f.ctx, &pb.GetConsentRequest{Name: reg.Name})
	if err != nil || got.Name != reg.Name || got.Etag != reg.Etag {
		t.Fatalf("GetConsent: %v %v", got, err)
	}
	m, err := f.registrar.Memberships.GetMembership(f.ctx, &pb.GetMembershipRequest{Name: f.membership.Name})
	if err != nil || m.Consent.GetName() != reg.Name {
		t.Fatalf("the membership's consent is not the person's consent: %v %v", m.GetConsent(), err)
	}

	duty, err := f.registrar.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: f.person.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_STATISTICS}, TextVersion: "ND-356",
			LegalBasis: pb.Consent_PUBLIC_DUTY}})
	if err != nil {
		t.Fatal(err)
	}
	code, body := f.e.restAs(f.registrarTok, "POST", "/v1/"+reg.Name+":withdraw", map[string]any{})
	if code != http.StatusOK || body["withdrawTime"] == nil {
		t.Fatalf("withdrawing over REST: %d %v", code, body)
	}
	if p, err := f.registrar.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.person.Name}); err != nil || p.Restricted {
		t.Fatalf("a profile with a public duty beside the withdrawn consent: %v %v", p, err)
	}
	_, err = f.registrar.Privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: reg.Name})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = f.registrar.Privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: duty.Name, Etag: "stale"})
	wantCode(t, err, codes.Aborted)
	if _, err := f.registrar.Privacy.WithdrawConsent(f.ctx, &pb.WithdrawConsentRequest{Name: duty.Name, Etag: duty.Etag}); err != nil {
		t.Fatal(err)
	}
	_, err = f.registrar.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.person.Name})
	wantCode(t, err, codes.PermissionDenied)

	_, err = f.registrar.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: f.person.Name, Consent: &pb.Consent{TextVersion: "1"}})
	wantCode(t, err, codes.InvalidArgument, "consent.purposes")
	_, err = f.registrar.Privacy.CreateConsent(f.ctx, &pb.CreateConsentRequest{Parent: "people/nobody",
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}})
	wantCode(t, err, codes.NotFound)
	_, err = f.registrar.Privacy.GetConsent(f.ctx, &pb.GetConsentRequest{Name: "people/x/other/y"})
	wantCode(t, err, codes.InvalidArgument, "name")
	_, err = f.homeAffairs.Privacy.ListConsents(f.ctx, &pb.ListConsentsRequest{Parent: f.person.Name})
	wantCode(t, err, codes.PermissionDenied)
}

// jsonText is a decoded JSON body as text, to look for names in.
func jsonText(body map[string]any) string {
	b, _ := json.Marshal(body)
	return string(b)
}

// Every write of a person or of what they hold leaves a revision with who,
// how, and the changed fields' values before and after; personal data in
// them is cleared for roles that may not read it; an admin restores a
// field from one (issue 14, revisions).
func TestPersonRevisions(t *testing.T) {
	f := newPrivacyFixture(t)
	if _, err := f.registrar.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{
		Person: &pb.Person{Name: f.person.Name, Phone: "0987654321"}, UpdateMask: mask("phone")}); err != nil {
		t.Fatal(err)
	}
	resp, err := f.registrar.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: f.person.Name})
	if err != nil {
		t.Fatal(err)
	}
	// Newest first: the update, the qualification, the membership's
	// approval and registration (membership_revisions_test.go), the
	// consent, the person's creation.
	revs := resp.PersonRevisions
	if len(revs) != 6 {
		t.Fatalf("%d revisions, want 6: %v", len(revs), revs)
	}
	revs = append(revs[:2:2], revs[4:]...)
	up := revs[0]
	if up.Resource != f.person.Name || !slices.Equal(up.ChangedFields, []string{"phone"}) ||
		up.Before.GetPerson().GetPhone() != "0912345678" || up.After.GetPerson().GetPhone() != "0987654321" ||
		up.Method != "/trithuc.v1.PersonService/UpdatePerson" || !strings.HasPrefix(up.Principal, "key:") {
		t.Fatalf("the update's revision: %v", up)
	}
	if q := revs[1]; !strings.HasPrefix(q.Resource, f.person.Name+"/qualifications/") || q.Before != nil ||
		q.After.GetQualification().GetMajor() != "Nội khoa" {
		t.Errorf("the qualification's revision: %v", q)
	}
	if c := revs[2]; !strings.HasPrefix(c.Resource, f.person.Name+"/consents/") || c.After.GetConsent() == nil {
		t.Errorf("the consent's revision: %v", c)
	}
	if last := revs[3]; last.Resource != f.person.Name || last.Before != nil || last.After.GetPerson().GetNationalId() != "091079000456" {
		t.Errorf("the creation's revision: %v", last)
	}

	// home_affairs sees which fields changed, not the phone numbers.
	ha, err := f.homeAffairs.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: f.person.Name, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r := ha.PersonRevisions[0]; !slices.Equal(r.ChangedFields, []string{"phone"}) || r.Before.GetPerson().GetPhone() != "" || r.After.GetPerson().GetPhone() != "" {
		t.Errorf("home_affairs reads the revision's phone numbers: %v", r)
	}
	if ha.NextPageToken == "" {
		t.Fatal("no next page after one revision")
	}
	next, err := f.homeAffairs.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: f.person.Name, PageSize: 1, PageToken: ha.NextPageToken})
	if err != nil || len(next.PersonRevisions) != 1 || next.PersonRevisions[0].Name != revs[1].Name {
		t.Fatalf("the second page: %v %v", next, err)
	}
	code, body := f.e.restAs(f.homeAffairsTok, "GET", "/v1/"+f.person.Name+"/revisions?pageSize=1", nil)
	if code != http.StatusOK || strings.Contains(jsonText(body), "0912345678") || !strings.Contains(jsonText(body), `"phone"`) {
		t.Errorf("REST revisions as home_affairs: %d %v", code, body)
	}

	// Restoring: admins only, fields the revision changed only, and the
	// restore is a revision too.
	_, err = f.registrar.Privacy.RestorePersonRevision(f.ctx, &pb.RestorePersonRevisionRequest{Name: up.Name, FieldMask: mask("phone")})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.e.client.Privacy.RestorePersonRevision(f.ctx, &pb.RestorePersonRevisionRequest{Name: up.Name, FieldMask: mask("email")})
	wantCode(t, err, codes.InvalidArgument, "field_mask.paths[0]")
	_, err = f.e.client.Privacy.RestorePersonRevision(f.ctx, &pb.RestorePersonRevisionRequest{Name: revs[1].Name, FieldMask: mask("major")})
	wantCode(t, err, codes.FailedPrecondition)
	code, body = f.e.rest("POST", "/v1/"+up.Name+":restore", map[string]any{"fieldMask": "phone"})
	if code != http.StatusOK || body["phone"] != "0912345678" {
		t.Fatalf("restoring over REST: %d %v", code, body)
	}
	after, err := f.registrar.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: f.person.Name, PageSize: 1})
	if err != nil || after.PersonRevisions[0].Method != "/trithuc.v1.PrivacyService/RestorePersonRevision" ||
		after.PersonRevisions[0].After.GetPerson().GetPhone() != "0912345678" {
		t.Fatalf("the restore's revision: %v %v", after, err)
	}
	_, err = f.registrar.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: "people/nobody"})
	wantCode(t, err, codes.NotFound)
}

// A data subject asks: the admin records the request, answers ACCESS with
// the export, restricts on RESTRICTION, and purges on a completed ERASURE;
// a request past its due date needs a reason, a purge needs a completed
// request, and a second purge finds nobody (issue 14, items 3).
func TestDataSubjectRequestsAndPurge(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx, pv := f.e, f.ctx, f.e.client.Privacy
	if _, err := f.registrar.People.GetPerson(ctx, &pb.GetPersonRequest{Name: f.person.Name}); err != nil {
		t.Fatal(err)
	}

	// ACCESS, over REST, answered by the export.
	code, body := e.rest("POST", "/v1/dataSubjectRequests", map[string]any{"kind": "ACCESS", "person": f.person.Name, "requester": "Lâm Quốc Bảo"})
	if code != http.StatusOK || body["state"] != "RECEIVED" || body["dueTime"] == nil {
		t.Fatalf("recording a request: %d %v", code, body)
	}
	access := body["name"].(string)
	code, body = e.rest("GET", "/v1/"+f.person.Name+":exportData", nil)
	if code != http.StatusOK {
		t.Fatalf("export over REST: %d %v", code, body)
	}
	data, err := pv.ExportPersonData(ctx, &pb.ExportPersonDataRequest{Name: f.person.Name})
	if err != nil {
		t.Fatal(err)
	}
	if data.Person.GetPhone() != "0912345678" || len(data.Person.Qualifications) != 1 || len(data.Consents) != 1 ||
		len(data.Revisions) < 3 || len(data.DataSubjectRequests) != 1 || !strings.Contains(data.Document, "0912345678") {
		t.Fatalf("the export: %v", data)
	}
	// The document is for the person to read: Vietnamese words, not the
	// contract's names (TestPersonDocumentReadsInVietnamese).
	for _, want := range []string{"Giới tính: Nam", "Văn bằng Thạc sĩ Nội khoa", "Lưu trong cơ sở dữ liệu", "Xem dữ liệu, Đã tiếp nhận", "giờ Việt Nam"} {
		if !strings.Contains(data.Document, want) {
			t.Errorf("the export's document lacks %q:\n%s", want, data.Document)
		}
	}
	for _, name := range []string{"MALE", "REGISTRY", "RECEIVED", "UTC", "THAC_SI"} {
		if strings.Contains(data.Document, name) {
			t.Errorf("the export's document holds the contract's %q:\n%s", name, data.Document)
		}
	}
	readers := map[string]bool{}
	for _, ev := range data.AuditEvents {
		readers[ev.Method] = true
	}
	if !readers["/trithuc.v1.PersonService/GetPerson"] || !readers["/trithuc.v1.PersonService/CreateQualification"] {
		t.Errorf("the export's audit events leave out who read and wrote: %v", readers)
	}
	if _, err := pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: access,
		State: pb.DataSubjectRequest_COMPLETED, Action: "export sent"}); err != nil {
		t.Fatal(err)
	}
	_, err = pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: access, State: pb.DataSubjectRequest_IN_PROGRESS})
	wantCode(t, err, codes.FailedPrecondition)

	// RESTRICTION, completed: the profile is restricted.
	restrict, err := pv.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_RESTRICTION, Person: f.person.Name, Requester: "Lâm Quốc Bảo"}})
	if err != nil {
		t.Fatal(err)
	}
	// Past its due date, a request moves only with the reason for the delay.
	now := time.Now()
	e.db.Now = func() time.Time { return now.Add(73 * time.Hour) }
	_, err = pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: restrict.Name, State: pb.DataSubjectRequest_COMPLETED})
	wantCode(t, err, codes.InvalidArgument, "reason")
	if _, err := pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: restrict.Name,
		State: pb.DataSubjectRequest_COMPLETED, Reason: "hồ sơ cần xác minh thêm"}); err != nil {
		t.Fatal(err)
	}
	e.db.Now = time.Now
	_, err = f.registrar.People.GetPerson(ctx, &pb.GetPersonRequest{Name: f.person.Name})
	wantCode(t, err, codes.PermissionDenied)

	// ERASURE: no purge before it is completed, nor with another kind.
	erase, err := pv.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_ERASURE, Person: f.person.Name, Requester: "Lâm Quốc Bảo", Details: "Xoá toàn bộ"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: f.person.Name, DataSubjectRequest: erase.Name, Reason: "erasure"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: f.person.Name, DataSubjectRequest: access, Reason: "erasure"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: f.person.Name, Reason: "erasure"})
	wantCode(t, err, codes.InvalidArgument, "data_subject_request")
	if _, err := pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: erase.Name, State: pb.DataSubjectRequest_IN_PROGRESS}); err != nil {
		t.Fatal(err)
	}
	if _, err := pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: erase.Name, State: pb.DataSubjectRequest_COMPLETED}); err != nil {
		t.Fatal(err)
	}
	code, body = e.restAs(f.registrarTok, "POST", "/v1/"+f.person.Name+":purge", map[string]any{"dataSubjectRequest": erase.Name, "reason": "erasure"})
	wantREST(t, code, body, http.StatusForbidden)
	code, body = e.rest("POST", "/v1/"+f.person.Name+":purge", map[string]any{"dataSubjectRequest": erase.Name, "reason": "erasure"})
	if code != http.StatusOK || body["removed"] == nil {
		t.Fatalf("purging over REST: %d %v", code, body)
	}
	_, err = pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: f.person.Name, DataSubjectRequest: erase.Name, Reason: "erasure"})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: f.person.Name})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: f.membership.Name})
	wantCode(t, err, codes.NotFound)

	// The request stays, without who asked; the audit trail keeps the
	// purge's event as the tombstone, naming the person and the request.
	r, err := pv.GetDataSubjectRequest(ctx, &pb.GetDataSubjectRequestRequest{Name: erase.Name})
	if err != nil || r.Requester != "" || r.Details != "" || r.State != pb.DataSubjectRequest_COMPLETED {
		t.Fatalf("the request after the purge: %v %v", r, err)
	}
	events, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Method: "PurgePerson", Resource: erase.Name})
	if err != nil {
		t.Fatal(err)
	}
	var tombstones []*pb.AuditEvent
	for _, ev := range events.AuditEvents {
		if ev.Code == "OK" {
			tombstones = append(tombstones, ev)
		}
	}
	if len(tombstones) != 1 || !slices.Contains(tombstones[0].Resources, f.person.Name) {
		t.Fatalf("the tombstone: %v", events)
	}
	list, err := pv.ListDataSubjectRequests(ctx, &pb.ListDataSubjectRequestsRequest{Person: f.person.Name, PageSize: 2})
	if err != nil || len(list.DataSubjectRequests) != 2 || list.NextPageToken == "" {
		t.Fatalf("listing the requests: %v %v", list, err)
	}

	// Bad requests name their fields.
	_, err = pv.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{Person: "x"}})
	wantCode(t, err, codes.InvalidArgument, "data_subject_request.kind", "data_subject_request.person", "data_subject_request.requester")
	_, err = f.registrar.Privacy.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_ACCESS, Person: f.person.Name, Requester: "x"}})
	wantCode(t, err, codes.PermissionDenied)
}
