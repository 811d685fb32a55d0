package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// unitSetup adds a unit, Sở Y tế, where Nguyễn Văn Anh holds a current
// position (no one else does), and returns its name.
func (e *env) unitSetup() string {
	e.t.Helper()
	ctx := context.Background()
	org, err := e.admin.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
		Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.admin.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: e.person.GetName(), Position: &pb.Position{
		Organization: org.GetName(), Title: "Bác sĩ", Current: true, Start: &date.Date{Year: 2015}}}); err != nil {
		e.t.Fatal(err)
	}
	return org.GetName()
}

// unitAccount makes, through the admin page's form, an account of role
// limited to org, sets its password, and returns its email.
func (e *env) unitAccount(admin *browser, role, org string) string {
	e.t.Helper()
	email := strings.ReplaceAll(role, "_", "-") + ".syt@example.vn"
	_, body := admin.get("/admin/accounts")
	if !strings.Contains(body, `<option value="`+org+`" >Sở Y tế</option>`) {
		e.t.Fatalf("the account form offers no organization limit")
	}
	code, body := admin.post("/admin/accounts", url.Values{"csrf": {csrfOf(body)}, "email": {email}, "name": {"Phòng TCCB Sở Y tế"},
		"role": {role}, "organization": {org}})
	m := regexp.MustCompile(`token=([^<"]+)`).FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		e.t.Fatalf("creating a unit's account: HTTP %d", code)
	}
	if !strings.Contains(body, `<td data-label="Giới hạn trong">Sở Y tế</td>`) {
		e.t.Errorf("the list of accounts does not name the account's unit")
	}
	token, _ := url.QueryUnescape(html.UnescapeString(m[1]))
	if _, err := e.db.SetPassword(context.Background(), token, testPassword); err != nil {
		e.t.Fatal(err)
	}
	return email
}

// A unit's account sees its own people, says so on every page, and is
// told plainly that the membership desk and imports are not for it.
func TestUnitAccountSeesItsUnit(t *testing.T) {
	e := newEnv(t)
	org := e.unitSetup()
	admin := e.signIn(e.account("admin", ""))

	// A limit the server refuses (an admin cannot be limited) comes back
	// as a message next to the field, with the choice kept.
	_, body := admin.get("/admin/accounts")
	code, body := admin.post("/admin/accounts", url.Values{"csrf": {csrfOf(body)}, "email": {"x@example.vn"}, "name": {"X"},
		"role": {"admin"}, "organization": {org}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-organization"`) ||
		!strings.Contains(body, `<option value="`+org+`" selected>Sở Y tế</option>`) {
		t.Errorf("an admin limited to a unit: HTTP %d, want 422 with the field's message and the choice kept", code)
	}
	// Keys take the same limit.
	_, body = admin.get("/admin/keys")
	code, body = admin.post("/admin/keys", url.Values{"csrf": {csrfOf(body)}, "name": {"Phần mềm nhân sự Sở Y tế"}, "role": {"home_affairs"}, "organization": {org}})
	if code != http.StatusOK || !strings.Contains(body, `id="key-secret"`) || !strings.Contains(body, `<td data-label="Giới hạn trong">Sở Y tế</td>`) {
		t.Errorf("a unit's key: HTTP %d", code)
	}

	b := e.signIn(e.unitAccount(admin, "registrar", org))
	code, body = b.get("/people")
	if code != http.StatusOK || !strings.Contains(body, `id="unit-scope"`) {
		t.Fatalf("search: HTTP %d, without the unit's banner", code)
	}
	results := body[strings.Index(body, `id="results"`):]
	if !strings.Contains(results, "Nguyễn Văn Anh") || strings.Contains(results, "Bích") {
		t.Errorf("a unit's search lists people outside it, or not its own")
	}
	if !strings.Contains(body, "1 người của Sở Y tế") {
		t.Errorf("the count does not say it is the unit's")
	}
	if strings.Contains(body, `href="/members"`) || strings.Contains(body, `href="/imports"`) {
		t.Errorf("a unit's account is offered the membership desk or imports")
	}
	for _, path := range []string{"/members", "/members/hoi-y-hoc", "/imports"} {
		code, body = b.get(path)
		if code != http.StatusForbidden || !strings.Contains(body, "chỉ dùng cho những người đang công tác tại Sở Y tế") {
			t.Errorf("%s for a unit's account: HTTP %d, want 403 saying why", path, code)
		}
	}
	// Refusals are pages too: the unit's banner is on them.
	for _, path := range []string{"/members", "/admin/accounts", "/people/" + strings.TrimPrefix(otherPerson(t, e), "people/")} {
		if code, body = b.get(path); code != http.StatusForbidden || !strings.Contains(body, `id="unit-scope"`) {
			t.Errorf("%s for a unit's account: HTTP %d, without the unit's banner", path, code)
		}
	}
	if code, body = b.post("/people/anh/edit", url.Values{"csrf": {"not-the-token"}}); code != http.StatusForbidden || !strings.Contains(body, `id="unit-scope"`) {
		t.Errorf("a refused form for a unit's account: HTTP %d, without the unit's banner", code)
	}
	// Its edit forms choose codes from the reference lists too.
	if code, body = b.get("/people/anh/edit"); code != http.StatusOK || !strings.Contains(body, `<option value="05" selected>Khmer</option>`) {
		t.Errorf("a unit's registrar editing its own person: HTTP %d, or no list of ethnic groups", code)
	}
	if code, _ = b.get("/people/" + strings.TrimPrefix(otherPerson(t, e), "people/")); code == http.StatusOK {
		t.Errorf("a unit's account opened a profile outside its unit")
	}

	// A unit's home_affairs account: statistics of its unit, said so.
	h := e.signIn(e.unitAccount(admin, "home_affairs", org))
	code, body = h.get("/stats?d1=GENDER")
	if code != http.StatusOK || !strings.Contains(body, "Tổng số (chỉ những người của Sở Y tế)") {
		t.Errorf("a unit's statistics: HTTP %d, without saying whose", code)
	}
	// It reads no memberships: the form does not offer to count by them.
	if strings.Contains(body, `value="MEMBERSHIP_STATE"`) {
		t.Errorf("a unit's statistics form offers to count by membership, which the server refuses it")
	}
}

func otherPerson(t *testing.T, e *env) string {
	got, err := e.admin.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: `given_name = "Bích"`})
	if err != nil || len(got.GetPeople()) != 1 {
		t.Fatalf("finding Bích: %v", err)
	}
	return got.GetPeople()[0].GetName()
}

// The admin opens a campaign over a unit; the unit's account lists its
// profile to confirm, confirms it with its etag, and the progress moves.
func TestReviewCampaignPages(t *testing.T) {
	e := newEnv(t)
	org := e.unitSetup()
	admin := e.signIn(e.account("admin", ""))
	_, body := admin.get("/reviews")
	deadline := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	form := url.Values{"csrf": {csrfOf(body)}, "display_name": {"Rà soát năm 2026"}, "id": {"2026"}, "deadline": {"31/02"}}
	code, body := admin.post("/reviews", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-deadline"`) || !strings.Contains(body, `id="err-organizations"`) {
		t.Fatalf("a campaign without units or a deadline: HTTP %d, want 422 with the fields' messages", code)
	}
	form.Set("deadline", deadline)
	form["organizations"] = []string{org}
	if code, _ = admin.post("/reviews", form); code != http.StatusSeeOther {
		t.Fatalf("opening a campaign: HTTP %d", code)
	}
	_, body = admin.get("/reviews")
	if !strings.Contains(body, "Rà soát năm 2026") || !strings.Contains(body, "Sở Y tế") {
		t.Errorf("the list of campaigns lacks the new one")
	}

	b := e.signIn(e.unitAccount(admin, "registrar", org))
	code, body = b.get("/reviews/2026")
	if code != http.StatusOK || !strings.Contains(body, `id="confirm-anh"`) || !strings.Contains(body, `href="/people/anh/edit?back=%2Freviews%2F2026"`) {
		t.Fatalf("the unit's reviews: HTTP %d, without a Confirm button and an edit link for Anh", code)
	}
	// Each row's link and button name the person, for a screen reader.
	if !strings.Contains(body, `aria-label="Sửa hồ sơ: Nguyễn Văn Anh, sinh năm 1985`) || !strings.Contains(body, `aria-label="Xác nhận hồ sơ đúng: Nguyễn Văn Anh, sinh năm 1985`) {
		t.Errorf("the unit's reviews: the row's link and button do not name Anh")
	}
	if !strings.Contains(body, `<td class="num" id="total-confirmed">0</td>`) {
		t.Errorf("progress before confirming is not 0 confirmed")
	}
	etag := regexp.MustCompile(`name="etag" value="([^"]+)"><button type="submit" class="confirm"`).FindStringSubmatch(body)
	if etag == nil {
		t.Fatal("the Confirm form carries no etag")
	}
	// A stale etag confirms nothing and says why.
	code, body = b.post("/reviews/2026/confirm/anh", url.Values{"csrf": {csrfOf(body)}, "etag": {"stale"}})
	if code != http.StatusSeeOther {
		t.Fatalf("a stale confirm: HTTP %d", code)
	}
	_, body = b.get("/reviews/2026?state=ALL")
	if !strings.Contains(body, `id="total-confirmed">0<`) {
		t.Errorf("a stale etag confirmed the profile")
	}
	// Without the form's token nothing is confirmed.
	if code, _ = b.post("/reviews/2026/confirm/anh", url.Values{"etag": {etag[1]}}); code != http.StatusForbidden {
		t.Errorf("confirming without the CSRF token: HTTP %d, want 403", code)
	}
	resp, err := b.http.Get(e.base + "/reviews/2026")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("the reviews page: Cache-Control %q, want no-store", cc)
	}
	if code, _ = b.post("/reviews/2026/confirm/anh", url.Values{"csrf": {csrfOf(body)}, "etag": {etag[1]}}); code != http.StatusSeeOther {
		t.Fatalf("confirming: HTTP %d", code)
	}
	_, body = b.get("/reviews/2026?state=ALL")
	if !strings.Contains(body, `id="total-confirmed">1<`) || !strings.Contains(body, `id="total-pending">0<`) || !strings.Contains(body, "Đã xác nhận") {
		t.Errorf("progress did not move after confirming")
	}
	if strings.Contains(body, `id="close"`) || strings.Contains(body, `c-create`) {
		t.Errorf("a unit's account is offered to close or open campaigns")
	}
	// The admin ends the campaign; nothing more is offered to confirm.
	_, body = admin.get("/reviews/2026")
	cetag := regexp.MustCompile(`name="etag" value="([^"]+)"><button type="submit" class="secondary" id="close"`).FindStringSubmatch(body)
	if cetag == nil {
		t.Fatal("the admin is not offered to close the campaign")
	}
	if code, _ = admin.post("/reviews/2026/close", url.Values{"csrf": {csrfOf(body)}, "etag": {cetag[1]}}); code != http.StatusSeeOther {
		t.Fatalf("closing: HTTP %d", code)
	}
	_, body = b.get("/reviews/2026?state=ALL")
	if !strings.Contains(body, `id="campaign-state">Đã kết thúc<`) || strings.Contains(body, `class="confirm"`) {
		t.Errorf("a closed campaign is not shown closed, or still offers Confirm")
	}
	// An association's registrar is told the reviews are not for it.
	r := e.signIn(e.account("registrar", "associations/hoi-y-hoc"))
	if code, _ = r.get("/reviews"); code != http.StatusForbidden {
		t.Errorf("an association's registrar on /reviews: HTTP %d, want 403", code)
	}
}
