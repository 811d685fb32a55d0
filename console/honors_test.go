package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// honorSetup opens this year's campaign, tieu-bieu (quota 1, taking
// nominations for a month more), registers Phạm Thanh Cường (cuong) and
// nominates Anh (n-anh) and Cường (n-cuong); it returns the campaign.
func (e *env) honorSetup() *pb.HonorCampaign {
	e.t.Helper()
	ctx := context.Background()
	now := time.Now().In(store.Vietnam)
	c, err := e.admin.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu tỉnh An Giang năm " + strconv.Itoa(now.Year()), Year: int32(now.Year()), Kind: pb.Honor_PROVINCIAL_HONOR,
		Quota: 1, NominationDeadline: dateOf(now.AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "cuong", Person: &pb.Person{FamilyName: "Phạm",
		MiddleName: "Thanh", GivenName: "Cường", Gender: pb.Person_MALE, BirthDate: &date.Date{Year: 1975}}}); err != nil {
		e.t.Fatal(err)
	}
	for id, person := range map[string]string{"n-anh": "people/anh", "n-cuong": "people/cuong"} {
		if _, err := e.admin.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.GetName(), NominationId: id,
			Nomination: &pb.Nomination{Person: person, Nominator: "Hội Y học tỉnh", Reason: "Nhiều đóng góp"}}); err != nil {
			e.t.Fatal(err)
		}
	}
	return c
}

func dateOf(t time.Time) *date.Date {
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// nomination is a nomination of tieu-bieu as it stands.
func (e *env) nomination(id string) *pb.Nomination {
	e.t.Helper()
	n, err := e.admin.Honors.GetNomination(context.Background(), &pb.GetNominationRequest{Name: "honorCampaigns/tieu-bieu/nominations/" + id})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// The campaigns are the province's: an account limited to an association
// or a unit has no link to them and is refused their pages and forms in
// Vietnamese, and nothing changes; the Department reads them, names
// included, without the forms, and is refused a form posted anyway.
func TestHonorPagesByRole(t *testing.T) {
	e := newEnv(t)
	e.honorSetup()
	ctx := context.Background()
	union := e.signIn(e.account("registrar", ""))
	_, page := union.get("/honors/tieu-bieu")
	if !strings.Contains(page, `id="nominate"`) || !strings.Contains(page, `id="shortlist-n-anh"`) || !strings.Contains(page, "Phạm Thanh Cường") {
		t.Errorf("the Union's registrar has no forms, or no names, on the campaign's page")
	}

	assoc := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	if _, body := assoc.get("/people"); strings.Contains(body, `href="/honors"`) {
		t.Errorf("an association's account has a link to the honours")
	}
	for _, path := range []string{"/honors", "/honors/tieu-bieu"} {
		code, body := assoc.get(path)
		if code != http.StatusForbidden || !strings.Contains(body, "chỉ dùng cho Hội Y học tỉnh") || strings.Contains(body, "Nguyễn Văn Anh") {
			t.Errorf("an association's account on %s: HTTP %d: %s", path, code, errorOf(body))
		}
	}
	_, own := assoc.get("/people")
	for path, form := range map[string]url.Values{
		"/honors/tieu-bieu/nominations":              {"person": {"people/binh"}},
		"/honors/tieu-bieu/nominations/n-anh/review": {"decision": {"REJECTED"}, "note": {"x"}, "etag": {e.nomination("n-anh").GetEtag()}},
		"/honors": {"display_name": {"Đợt khác"}, "year": {"2026"}, "quota": {"3"}, "nomination_deadline": {"2026-12-31"}},
	} {
		form.Set("csrf", csrfOf(own))
		if code, body := assoc.post(path, form); code != http.StatusForbidden || !strings.Contains(errorOf(body), "toàn tỉnh") {
			t.Errorf("an association's account posting %s: HTTP %d: %s", path, code, errorOf(body))
		}
	}

	ha := e.signIn(e.account("home_affairs", ""))
	code, body := ha.get("/honors")
	if code != http.StatusOK || !strings.Contains(body, `href="/honors"`) || !strings.Contains(body, `id="hc-tieu-bieu"`) || strings.Contains(body, `id="new-campaign"`) {
		t.Errorf("the Department's list of campaigns: HTTP %d, or with the form to open one", code)
	}
	code, body = ha.get("/honors/tieu-bieu")
	if code != http.StatusOK || !strings.Contains(body, "Nguyễn Văn Anh") || strings.Contains(body, `id="nominate"`) || strings.Contains(body, `id="review-`) {
		t.Errorf("the Department's campaign page: HTTP %d, without the names or with forms", code)
	}
	if code, body := ha.post("/honors/tieu-bieu/nominations/n-anh/review", url.Values{"csrf": {csrfOf(body)}, "decision": {"SHORTLISTED"},
		"etag": {e.nomination("n-anh").GetEtag()}}); code != http.StatusForbidden {
		t.Errorf("the Department shortlisting: HTTP %d: %s", code, errorOf(body))
	}

	org, err := e.admin.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
		Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := e.db.CreateAccount(ctx, "so-y-te@example.vn", "Sở Y tế", "registrar", org.GetName())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(ctx, token, testPassword); err != nil {
		t.Fatal(err)
	}
	unit := e.signIn("so-y-te@example.vn")
	if _, body := unit.get("/people"); strings.Contains(body, `href="/honors"`) {
		t.Errorf("a unit's account has a link to the honours")
	}
	if code, body := unit.get("/honors/tieu-bieu"); code != http.StatusForbidden || !strings.Contains(body, "không dùng được trang này") {
		t.Errorf("a unit's account on a campaign: HTTP %d: %s", code, errorOf(body))
	}

	if n := e.nomination("n-anh"); n.GetState() != pb.Nomination_SUBMITTED || len(n.GetDecisions()) != 0 {
		t.Errorf("Anh's nomination after the refusals: %v, %d decisions", n.GetState(), len(n.GetDecisions()))
	}
	ns, err := e.admin.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: "honorCampaigns/tieu-bieu"})
	if err != nil || ns.GetTotalSize() != 2 {
		t.Errorf("the nominations after the refusals: %d, %v", ns.GetTotalSize(), err)
	}
	cs, err := e.admin.Honors.ListHonorCampaigns(ctx, &pb.ListHonorCampaignsRequest{})
	if err != nil || len(cs.GetHonorCampaigns()) != 1 {
		t.Errorf("the campaigns after the refusals: %v %v", cs, err)
	}
}

// A decision's form carries the nomination's etag: sent after another
// decision, or sent twice, it decides nothing more and the page says so
// next to the row's box, showing the nomination as it stands.
func TestNominationDecisionsDecideOnce(t *testing.T) {
	e := newEnv(t)
	e.honorSetup()
	ctx := context.Background()
	b := e.signIn(e.account("registrar", ""))
	_, page := b.get("/honors/tieu-bieu")
	stale := e.nomination("n-cuong").GetEtag()
	if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: "honorCampaigns/tieu-bieu/nominations/n-cuong",
		Decision: pb.Nomination_SHORTLISTED, Note: "Đủ tiêu chuẩn"}); err != nil {
		t.Fatal(err)
	}
	code, body := b.post("/honors/tieu-bieu/nominations/n-cuong/review", url.Values{"csrf": {csrfOf(page)}, "etag": {stale},
		"decision": {"REJECTED"}, "note": {"Chưa đủ"}})
	if code != http.StatusConflict || !strings.Contains(fieldError(body, "n-cuong-note"), "vừa có quyết định khác") || !strings.Contains(body, `id="choose-n-cuong"`) {
		t.Errorf("a rejection from a page read before the shortlisting: HTTP %d, the box says %q", code, fieldError(body, "n-cuong-note"))
	}
	if n := e.nomination("n-cuong"); n.GetState() != pb.Nomination_SHORTLISTED || len(n.GetDecisions()) != 1 {
		t.Errorf("Cường after the stale rejection: %v, %d decisions", n.GetState(), len(n.GetDecisions()))
	}

	// Selected once, the same form sent again selects nothing more.
	_, page = b.get("/honors/tieu-bieu")
	form := url.Values{"csrf": {csrfOf(page)}, "etag": {e.nomination("n-cuong").GetEtag()}, "decision_number": {"125/QĐ-UBND"}}
	if code, body := b.post("/honors/tieu-bieu/nominations/n-cuong/select", form); code != http.StatusSeeOther {
		t.Fatalf("selecting Cường: HTTP %d: %s", code, errorOf(body))
	}
	code, body = b.post("/honors/tieu-bieu/nominations/n-cuong/select", form)
	if code != http.StatusConflict || !strings.Contains(fieldError(body, "n-cuong-decision_number"), "vừa có quyết định khác") {
		t.Errorf("the selection sent twice: HTTP %d, the box says %q", code, fieldError(body, "n-cuong-decision_number"))
	}
	hs, err := e.admin.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: "people/cuong"})
	if err != nil || len(hs.GetHonors()) != 1 || hs.GetHonors()[0].GetDecisionNumber() != "125/QĐ-UBND" {
		t.Errorf("Cường's honours after the form sent twice: %v %v", hs, err)
	}
	if n := e.nomination("n-cuong"); len(n.GetDecisions()) != 2 {
		t.Errorf("Cường's decisions: %d, want 2", len(n.GetDecisions()))
	}

	// A form without an etag (a page older than it) decides nothing.
	if code, _ := b.post("/honors/tieu-bieu/nominations/n-anh/review", url.Values{"csrf": {csrfOf(page)}, "decision": {"SHORTLISTED"}}); code != http.StatusConflict {
		t.Errorf("a review without an etag: HTTP %d", code)
	}
	if n := e.nomination("n-anh"); n.GetState() != pb.Nomination_SUBMITTED {
		t.Errorf("Anh after a review without an etag: %v", n.GetState())
	}
}

// The forms' refusals stand next to their boxes in Vietnamese, and
// nothing changes: a nomination past the deadline, someone nominated
// already, no such profile; a rejection without a note, a move the life
// cycle does not allow, a selection over the quota or before the year.
func TestNominationRefusalsByTheirBoxes(t *testing.T) {
	e := newEnv(t)
	c := e.honorSetup()
	ctx := context.Background()
	now := time.Now().In(store.Vietnam)
	for id, camp := range map[string]*pb.HonorCampaign{
		"da-dong": {DisplayName: "Đợt đã đóng", Year: int32(now.Year()), Quota: 3, NominationDeadline: dateOf(now.AddDate(0, 0, -1))},
		"nam-sau": {DisplayName: "Đợt năm sau", Year: int32(now.Year() + 1), Quota: 3, NominationDeadline: dateOf(now.AddDate(0, 1, 0))},
	} {
		if _, err := e.admin.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: id, HonorCampaign: camp}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := e.admin.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: "honorCampaigns/nam-sau", NominationId: "n-anh",
		Nomination: &pb.Nomination{Person: "people/anh"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.GetName(), Decision: pb.Nomination_SHORTLISTED}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"n-anh", "n-cuong"} {
		if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: c.GetName() + "/nominations/" + id, Decision: pb.Nomination_SHORTLISTED}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.admin.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: c.GetName() + "/nominations/n-cuong", DecisionNumber: "1/QĐ"}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	post := func(campaign, path string, form url.Values) (int, string) {
		t.Helper()
		_, page := b.get("/honors/" + campaign)
		form.Set("csrf", csrfOf(page))
		return b.post("/honors/"+campaign+path, form)
	}
	etag := func(campaign, id string) string {
		n, err := e.admin.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: "honorCampaigns/" + campaign + "/nominations/" + id})
		if err != nil {
			t.Fatal(err)
		}
		return n.GetEtag()
	}
	for _, tc := range []struct {
		name, campaign, path string
		form                 url.Values
		box, say             string
		code                 int
	}{
		{"no person", "tieu-bieu", "/nominations", url.Values{"person": {" "}}, "person", "Cần điền mã hồ sơ", http.StatusUnprocessableEntity},
		{"no such person", "tieu-bieu", "/nominations", url.Values{"person": {"khong-co"}}, "person", "Không có hồ sơ nào mang mã này", http.StatusUnprocessableEntity},
		{"nominated already", "tieu-bieu", "/nominations", url.Values{"person": {"/people/anh"}, "nominator": {"Hội Tin học tỉnh"}}, "person", "đã được đề cử trong đợt này", http.StatusConflict},
		{"past the deadline", "da-dong", "/nominations", url.Values{"person": {"anh"}}, "person", "Đã hết hạn nhận đề cử: đợt này chỉ nhận đề cử đến hết ngày " + now.AddDate(0, 0, -1).Format("02/01/2006"), http.StatusConflict},
		{"a rejection without a note", "tieu-bieu", "/nominations/n-anh/review", url.Values{"decision": {"REJECTED"}}, "n-anh-note", "Cần ghi lý do không chọn", http.StatusUnprocessableEntity},
		{"shortlisted again", "tieu-bieu", "/nominations/n-anh/review", url.Values{"decision": {"SHORTLISTED"}}, "n-anh-note", "đang ở trạng thái “Vào danh sách xét chọn” nên không chuyển sang “Vào danh sách xét chọn” được; chỉ có thể chuyển sang “Được chọn” hoặc “Bị từ chối”", http.StatusConflict},
		{"a selected one rejected", "tieu-bieu", "/nominations/n-cuong/review", url.Values{"decision": {"REJECTED"}, "note": {"Nhầm"}}, "n-cuong-note", "đó là quyết định cuối cùng", http.StatusConflict},
		{"no decision number", "tieu-bieu", "/nominations/n-anh/select", url.Values{"decision_number": {" "}}, "n-anh-decision_number", "Cần điền số quyết định", http.StatusUnprocessableEntity},
		{"over the quota", "tieu-bieu", "/nominations/n-anh/select", url.Values{"decision_number": {"2/QĐ"}}, "n-anh-decision_number", "đã chọn đủ chỉ tiêu 1 người", http.StatusConflict},
		{"a year ahead", "nam-sau", "/nominations/n-anh/select", url.Values{"decision_number": {"3/QĐ"}}, "n-anh-decision_number", "năm " + strconv.Itoa(now.Year()+1) + ", chưa đến", http.StatusConflict},
	} {
		if strings.Contains(tc.path, "/nominations/") {
			tc.form.Set("etag", etag(tc.campaign, strings.Split(tc.path, "/")[2]))
		}
		code, body := post(tc.campaign, tc.path, tc.form)
		if got := fieldError(body, tc.box); code != tc.code || !strings.Contains(got, tc.say) {
			t.Errorf("%s: HTTP %d, the box %s says %q; want %d and %q (page: %s)", tc.name, code, tc.box, got, tc.code, tc.say, errorOf(body))
		}
		if strings.Contains(body, "cannot become") || strings.Contains(body, "closed for nominations") || strings.Contains(body, "quota of") {
			t.Errorf("%s: the page says the server's English", tc.name)
		}
		if tc.form.Get("nominator") != "" && !strings.Contains(body, `value="`+tc.form.Get("nominator")+`"`) {
			t.Errorf("%s: the refused form lost what was typed", tc.name)
		}
	}
	if code, _ := post("tieu-bieu", "/nominations/n-anh/review", url.Values{"decision": {"SELECTED"}, "etag": {etag("tieu-bieu", "n-anh")}}); code != http.StatusUnprocessableEntity {
		t.Errorf("a review deciding a selection: HTTP %d", code)
	}
	for id, want := range map[string]pb.Nomination_State{"n-anh": pb.Nomination_SHORTLISTED, "n-cuong": pb.Nomination_SELECTED} {
		if got := e.nomination(id); got.GetState() != want {
			t.Errorf("%s after the refusals: %v, want %v", id, got.GetState(), want)
		}
	}
	ns, err := e.admin.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: "honorCampaigns/da-dong"})
	if err != nil || ns.GetTotalSize() != 0 {
		t.Errorf("the closed campaign's nominations: %d %v", ns.GetTotalSize(), err)
	}
	if hs, _ := e.admin.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: "people/anh"}); len(hs.GetHonors()) != 0 {
		t.Errorf("Anh has honours after the refused selections: %v", hs.GetHonors())
	}
}

// The form that opens a campaign says its mistakes by their boxes, keeps
// what was typed, and opens nothing.
func TestNewHonorCampaignRefusals(t *testing.T) {
	e := newEnv(t)
	e.honorSetup()
	b := e.signIn(e.account("registrar", ""))
	good := func() url.Values {
		return url.Values{"display_name": {"Nhà khoa học tiêu biểu"}, "year": {"2026"}, "kind": {"AWARD"}, "quota": {"5"}, "nomination_deadline": {"2026-10-31"}}
	}
	for _, tc := range []struct {
		name, field, value, box, say string
		code                         int
	}{
		{"no name", "display_name", " ", "display_name", "Cần điền tên danh hiệu", http.StatusUnprocessableEntity},
		{"a year in words", "year", "năm nay", "year", "Năm phải là một số", http.StatusUnprocessableEntity},
		{"no quota", "quota", "0", "quota", "Chỉ tiêu là số người được chọn", http.StatusUnprocessableEntity},
		{"a deadline without a day", "nomination_deadline", "10/2026", "nomination_deadline", "Cần một ngày đầy đủ", http.StatusUnprocessableEntity},
		{"an id taken", "id", "tieu-bieu", "id", "đã có một đợt mang mã này", http.StatusConflict},
		{"an id misspelt", "id", "Tiêu biểu", "id", "chữ thường không dấu", http.StatusUnprocessableEntity},
	} {
		form := good()
		form.Set(tc.field, tc.value)
		_, page := b.get("/honors")
		form.Set("csrf", csrfOf(page))
		code, body := b.post("/honors", form)
		if got := fieldError(body, tc.box); code != tc.code || !strings.Contains(got, tc.say) {
			t.Errorf("%s: HTTP %d, the box says %q; want %d and %q (%s)", tc.name, code, got, tc.code, tc.say, errorOf(body))
		}
		if tc.field != "display_name" && !strings.Contains(body, `value="Nhà khoa học tiêu biểu"`) {
			t.Errorf("%s: the form lost the name typed", tc.name)
		}
	}
	cs, err := e.admin.Honors.ListHonorCampaigns(context.Background(), &pb.ListHonorCampaignsRequest{})
	if err != nil || len(cs.GetHonorCampaigns()) != 1 {
		t.Errorf("the campaigns after the refusals: %d %v", len(cs.GetHonorCampaigns()), err)
	}
}
