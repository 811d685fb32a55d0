package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// expertSetup makes two pools, one of each association (thuy-san of
// hoi-y-hoc, cntt of hoi-tin-hoc), and the people to put in them: Anh,
// available, consenting to the publication of his expert profile, a
// fisheries expert working at the Department of Science and Technology
// (so-khcn); Bình, available, without that consent.
func (e *env) expertSetup() {
	e.t.Helper()
	ctx := context.Background()
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	org, err := e.admin.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-khcn",
		Organization: &pb.Organization{DisplayName: "Sở Khoa học và Công nghệ"}})
	must(err)
	_, err = e.admin.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: e.person.GetName(), Position: &pb.Position{
		Organization: org.GetName(), Title: "Chuyên viên", Current: true, Start: &date.Date{Year: 2015}}})
	must(err)
	_, err = e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: e.person.GetName(),
		Availability: pb.Person_AVAILABLE, Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-405", Primary: true}},
		ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"availability", "fields", "expert_roles"}}})
	must(err)
	_, err = e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "binh", Person: &pb.Person{FamilyName: "Phạm",
		MiddleName: "Thanh", GivenName: "Bình", Gender: pb.Person_MALE, BirthDate: &date.Date{Year: 1980}, Availability: pb.Person_AVAILABLE}})
	must(err)
	for person, purposes := range map[string][]pb.Consent_Purpose{
		e.person.GetName(): {pb.Consent_REGISTRY, pb.Consent_PUBLICATION},
		"people/binh":      {pb.Consent_REGISTRY},
	} {
		_, err = e.admin.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: person,
			Consent: &pb.Consent{Purposes: purposes, TextVersion: "2026-01"}})
		must(err)
	}
	for parent, pool := range map[string]*pb.ExpertPool{
		"associations/hoi-y-hoc":   {Name: "thuy-san", DisplayName: "Hội đồng phản biện thủy sản", Fields: []string{"fields/vn2008-405"}, Roles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}},
		"associations/hoi-tin-hoc": {Name: "cntt", DisplayName: "Hội đồng tư vấn công nghệ thông tin", Roles: []pb.Person_ExpertRole{pb.Person_CONSULTING}},
	} {
		id := pool.Name
		pool.Name = ""
		_, err = e.admin.Experts.CreateExpertPool(ctx, &pb.CreateExpertPoolRequest{Parent: parent, ExpertPoolId: id, ExpertPool: pool})
		must(err)
	}
}

// An account limited to an association lists its own pools only; another
// association's pools, its statistics and its forms refuse it (403) in
// the console's words, and nothing is added.
func TestOtherAssociationsPoolRefused(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	b := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	code, body := b.get("/experts")
	if code != http.StatusOK || !strings.Contains(body, "Hội đồng tư vấn công nghệ thông tin") || strings.Contains(body, "thủy sản") {
		t.Errorf("/experts: HTTP %d, want the account's pool alone:\n%s", code, body)
	}
	if !strings.Contains(body, `href="/experts"`) {
		t.Errorf("the navigation has no link to the experts' pages")
	}
	for _, path := range []string{"/experts/hoi-y-hoc/thuy-san", "/experts/hoi-y-hoc", "/experts/hoi-y-hoc/thuy-san?search=1&field=&role="} {
		code, body := b.get(path)
		if code != http.StatusForbidden || !strings.Contains(body, "nằm ngoài phạm vi của tài khoản") {
			t.Errorf("%s: HTTP %d, want 403 saying it is outside the account's scope: %s", path, code, errorOf(body))
		}
		if strings.Contains(body, "limited to") || strings.Contains(body, "thủy sản") {
			t.Errorf("%s says the server's English or the pool's name:\n%s", path, body)
		}
	}
	_, own := b.get("/experts/hoi-tin-hoc/cntt")
	code, body = b.post("/experts/hoi-y-hoc/thuy-san/members", url.Values{"csrf": {csrfOf(own)}, "person": {"anh"}, "role": {"CRITIQUE"}})
	if code != http.StatusForbidden || !strings.Contains(body, "phạm vi") {
		t.Errorf("adding to another association's pool: HTTP %d: %s", code, errorOf(body))
	}
	ms, err := e.admin.Experts.ListExpertPoolMembers(context.Background(), &pb.ListExpertPoolMembersRequest{Parent: "associations/hoi-y-hoc/expertPools/thuy-san"})
	if err != nil || len(ms.GetExpertPoolMembers()) != 0 {
		t.Errorf("the other association's pool after the refusal: %v %v", ms, err)
	}
	if code, _ := b.get("/experts/hoi-tin-hoc/cntt"); code != http.StatusOK {
		t.Errorf("its own pool: HTTP %d", code)
	}
}

// The Department reads the pools without the forms that change them,
// and is refused a form posted anyway; a unit's account has no link to
// the pages and is refused them.
func TestExpertPagesByRole(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	ha := e.signIn(e.account("home_affairs", ""))
	code, body := ha.get("/experts/hoi-y-hoc/thuy-san")
	if code != http.StatusOK || strings.Contains(body, `id="add-member"`) || strings.Contains(body, `id="add-engagement"`) {
		t.Errorf("home_affairs' pool page: HTTP %d, want it without forms", code)
	}
	if code, body := ha.post("/experts/hoi-y-hoc/thuy-san/members", url.Values{"csrf": {csrfOf(body)}, "person": {"anh"}}); code != http.StatusForbidden {
		t.Errorf("home_affairs adding a member: HTTP %d: %s", code, errorOf(body))
	}
	ctx := context.Background()
	_, token, err := e.db.CreateAccount(ctx, "unit@example.vn", "Đơn vị", "registrar", "organizations/so-khcn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(ctx, token, testPassword); err != nil {
		t.Fatal(err)
	}
	unit := e.signIn("unit@example.vn")
	if _, body := unit.get("/people"); strings.Contains(body, `href="/experts"`) {
		t.Errorf("a unit's account has a link to the experts' pages")
	}
	if code, body := unit.get("/experts"); code != http.StatusForbidden || !strings.Contains(body, "không dùng được trang này") {
		t.Errorf("a unit's account on /experts: HTTP %d: %s", code, errorOf(body))
	}
}

// The server's refusals of the forms stand next to their boxes in
// Vietnamese: someone without the consent to publication, a member
// already, an expert who works at the matter's organization (named).
func TestExpertFormsRefusalsByTheirBoxes(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	b := e.signIn(e.account("registrar", ""))
	pool := "/experts/hoi-y-hoc/thuy-san"
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		_, page := b.get(pool)
		form.Set("csrf", csrfOf(page))
		return b.post(path, form)
	}
	for _, tc := range []struct {
		name, person, want string
		code               int
	}{
		{"no consent", "binh", "chưa đồng ý công bố", http.StatusConflict},
		{"no such person", "khong-co", "Không có hồ sơ", http.StatusUnprocessableEntity},
		{"empty", " ", "Cần điền", http.StatusUnprocessableEntity},
		{"added", "/people/anh", "", http.StatusSeeOther},
		{"a member already", "anh", "đã có trong nhóm", http.StatusConflict},
	} {
		code, body := post(pool+"/members", url.Values{"person": {tc.person}, "role": {"CRITIQUE"}})
		if tc.want == "" {
			if code != http.StatusSeeOther {
				t.Fatalf("%s: HTTP %d: %s", tc.name, code, errorOf(body))
			}
			continue
		}
		if got := fieldError(body, "m_person"); code != tc.code || !strings.Contains(got, tc.want) {
			t.Errorf("%s: HTTP %d, the person's box says %q; want %d and %q", tc.name, code, got, tc.code, tc.want)
		}
	}
	eng := url.Values{"person": {"people/anh"}, "matter_title": {"Phản biện đề tài nuôi tôm"}, "requesting_agency": {"Sở KH&CN"},
		"matter_organization": {"organizations/so-khcn"}, "role": {"CRITIQUE"}, "start_date": {"2026-03-02"}}
	code, body := post(pool+"/engagements", eng)
	if got := fieldError(body, "matter_organization"); code != http.StatusConflict || !strings.Contains(got, "Sở Khoa học và Công nghệ") {
		t.Errorf("an expert of the matter's organization: HTTP %d, the box says %q", code, got)
	}
	if strings.Contains(body, "conflict_override_reason") && strings.Contains(body, "the expert works") {
		t.Errorf("the refusal is the server's English")
	}
	if !strings.Contains(body, `value="Phản biện đề tài nuôi tôm"`) {
		t.Errorf("the refused form lost what was typed")
	}
	bad := url.Values{"person": {"people/anh"}, "role": {"CRITIQUE"}, "start_date": {"2026-03-02"}, "end_date": {"2026-03-01"}}
	code, body = post(pool+"/engagements", bad)
	if code != http.StatusUnprocessableEntity || fieldError(body, "matter_title") == "" || !strings.Contains(fieldError(body, "end_date"), "trước ngày bắt đầu") {
		t.Errorf("an engagement without a title ending before it began: HTTP %d, title %q, end %q", code, fieldError(body, "matter_title"), fieldError(body, "end_date"))
	}
	es, err := e.admin.Experts.ListEngagements(context.Background(), &pb.ListEngagementsRequest{Parent: "associations/hoi-y-hoc/expertPools/thuy-san"})
	if err != nil || len(es.GetEngagements()) != 0 {
		t.Errorf("engagements after the refusals: %v %v", es, err)
	}
}

// A pool may hold experts outside a limited account's scope (the Union
// put them there): the account's pages list them and their engagements
// without a name, offer no form to change them, and its search does not
// find them.
func TestScopedPoolHidesOutsideExperts(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	ctx := context.Background()
	pool := "associations/hoi-tin-hoc/expertPools/cntt"
	if _, err := e.admin.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: e.person.GetName(), Role: pb.Person_CONSULTING}}); err != nil {
		t.Fatal(err)
	}
	eng, err := e.admin.Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: pool, Engagement: &pb.Engagement{
		Person: e.person.GetName(), MatterTitle: "Tư vấn chuyển đổi số", Role: pb.Person_CONSULTING, StartDate: &date.Date{Year: 2026, Month: 1, Day: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	union := e.signIn(e.account("registrar", ""))
	if _, body := union.get("/experts/hoi-tin-hoc/cntt?search=1&field=&role="); !strings.Contains(body, "Nguyễn Văn Anh") {
		t.Fatalf("the Union's search of the pool does not find Anh")
	}
	b := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	for _, path := range []string{"/experts/hoi-tin-hoc/cntt?search=1&field=&role=", "/experts/hoi-tin-hoc/cntt/engagements/" + eng.GetName()[strings.LastIndex(eng.GetName(), "/")+1:]} {
		code, body := b.get(path)
		if code != http.StatusOK || strings.Contains(body, "Nguyễn Văn Anh") || strings.Contains(body, "people/anh") {
			t.Errorf("%s: HTTP %d, names the expert outside the scope:\n%s", path, code, body)
		}
		if !strings.Contains(body, "ngoài phạm vi của tài khoản") || strings.Contains(body, `id="outcome-form"`) || strings.Contains(body, "Tạm không mời</button>") {
			t.Errorf("%s does not say the expert is outside the scope, or offers to change them", path)
		}
	}
}

// A member no longer called on cannot be engaged, and the form says so by
// the expert's box; an outcome saved from a page read before a change is
// not saved; the years of the count are checked by their boxes.
func TestExpertStatusOutcomeAndYears(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	ctx := context.Background()
	pool := "associations/hoi-y-hoc/expertPools/thuy-san"
	m, err := e.admin.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: pool,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: e.person.GetName(), Role: pb.Person_CRITIQUE}})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	page := "/experts/hoi-y-hoc/thuy-san"
	_, body := b.get(page)
	code, _ := b.post(page+"/members/"+m.GetName()[strings.LastIndex(m.GetName(), "/")+1:]+"/status",
		url.Values{"csrf": {csrfOf(body)}, "status": {"INACTIVE"}, "etag": {m.GetEtag()}})
	if code != http.StatusSeeOther {
		t.Fatalf("stopping calling Anh on: HTTP %d", code)
	}
	if _, body = b.get(page); !strings.Contains(body, "Mời lại</button>") || strings.Contains(body, `<option value="people/anh"`) {
		t.Errorf("the pool's page after Anh was stopped offers no Mời lại, or offers Anh to engage")
	}
	code, body = b.post(page+"/engagements", url.Values{"csrf": {csrfOf(body)}, "person": {"people/anh"},
		"matter_title": {"Phản biện"}, "role": {"CRITIQUE"}, "start_date": {"2026-03-02"}})
	if got := fieldError(body, "person"); code != http.StatusConflict || !strings.Contains(got, "Tạm không mời") {
		t.Errorf("engaging a member not called on: HTTP %d, the box says %q", code, got)
	}

	if _, err := e.admin.Experts.UpdateExpertPoolMember(ctx, &pb.UpdateExpertPoolMemberRequest{
		ExpertPoolMember: &pb.ExpertPoolMember{Name: m.GetName(), Status: pb.ExpertPoolMember_ACTIVE},
		UpdateMask:       &fieldmaskpb.FieldMask{Paths: []string{"status"}}}); err != nil {
		t.Fatal(err)
	}
	eng, err := e.admin.Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: pool, Engagement: &pb.Engagement{
		Person: e.person.GetName(), MatterTitle: "Phản biện đề tài", Role: pb.Person_CRITIQUE, StartDate: &date.Date{Year: 2026, Month: 1, Day: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	engPage := page + "/engagements/" + eng.GetName()[strings.LastIndex(eng.GetName(), "/")+1:]
	_, body = b.get(engPage)
	if _, err := e.admin.Experts.UpdateEngagement(ctx, &pb.UpdateEngagementRequest{Engagement: &pb.Engagement{Name: eng.GetName(), Outcome: "Đạt"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"outcome"}}}); err != nil {
		t.Fatal(err)
	}
	code, body = b.post(engPage, url.Values{"csrf": {csrfOf(body)}, "etag": {etagOf(body)}, "outcome": {"Không đạt"}, "rating": {"2"}})
	if code != http.StatusConflict || !strings.Contains(errorOf(body), "vừa được người khác sửa") || !strings.Contains(body, ">Đạt<") {
		t.Errorf("an outcome saved over another's: HTTP %d, %q", code, errorOf(body))
	}
	if got, _ := e.admin.Experts.GetEngagement(ctx, &pb.GetEngagementRequest{Name: eng.GetName()}); got.GetOutcome() != "Đạt" || got.GetRating() != 0 {
		t.Errorf("the engagement after the stale form: %q, rated %d", got.GetOutcome(), got.GetRating())
	}

	for _, tc := range []struct{ query, field, want string }{
		{"start_year=abc", "start_year", "Năm phải là một số"},
		{"start_year=2026&end_year=2025", "end_year", "trước năm"},
	} {
		code, body := b.get("/experts/hoi-y-hoc?" + tc.query)
		if got := fieldError(body, tc.field); code != http.StatusUnprocessableEntity || !strings.Contains(got, tc.want) {
			t.Errorf("%s: HTTP %d, the box says %q, want %q", tc.query, code, got, tc.want)
		}
	}
}

// A pool's form says its mistakes by their boxes in Vietnamese and makes
// nothing; the Department and another association's account may not use it.
func TestNewPoolFormRefusals(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	b := e.signIn(e.account("registrar", ""))
	post := func(b *browser, form url.Values) (int, string) {
		t.Helper()
		_, page := b.get("/experts/hoi-tin-hoc")
		form.Set("csrf", csrfOf(page))
		return b.post("/experts/hoi-y-hoc", form)
	}
	for _, tc := range []struct {
		name       string
		form       url.Values
		field, say string
		code       int
	}{
		{"no name", url.Values{"display_name": {" "}}, "display_name", "Cần điền", http.StatusUnprocessableEntity},
		{"an id taken", url.Values{"display_name": {"Nhóm"}, "id": {"thuy-san"}}, "id", "đã có một nhóm mang mã này", http.StatusConflict},
		{"an id misspelt", url.Values{"display_name": {"Nhóm"}, "id": {"Thủy sản"}}, "id", "chữ thường không dấu", http.StatusUnprocessableEntity},
		{"no such field", url.Values{"display_name": {"Nhóm"}, "field0": {"Thủy sản nước mặn"}}, "fields", "không phải là một lĩnh vực", http.StatusUnprocessableEntity},
	} {
		code, body := post(b, tc.form)
		if got := fieldError(body, tc.field); code != tc.code || !strings.Contains(got, tc.say) {
			t.Errorf("%s: HTTP %d, the box says %q; want %d and %q", tc.name, code, got, tc.code, tc.say)
		}
		if tc.form.Get("display_name") == "Nhóm" && !strings.Contains(body, `value="Nhóm"`) {
			t.Errorf("%s: the form lost the name typed", tc.name)
		}
	}
	for _, who := range []*browser{e.signIn(e.account("home_affairs", "")), e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))} {
		if code, body := post(who, url.Values{"display_name": {"Nhóm"}}); code != http.StatusForbidden {
			t.Errorf("a pool made by an account that may not: HTTP %d: %s", code, errorOf(body))
		}
	}
	ps, err := e.admin.Experts.ListExpertPools(context.Background(), &pb.ListExpertPoolsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil || len(ps.GetExpertPools()) != 1 {
		t.Errorf("the association's pools after the refusals: %v %v", ps, err)
	}
}
