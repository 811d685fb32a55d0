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

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A profile opened from the search's results links back to them, with
// their search, filters and page.
func TestProfileLinksBackToResults(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	list := "/people?" + url.Values{"q": {"nguyen van anh"}, "gender": {"MALE"}}.Encode()
	code, body := b.get(list)
	if code != http.StatusOK {
		t.Fatalf("search: HTTP %d", code)
	}
	m := regexp.MustCompile(`<a href="(/people/anh\?[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the results link to Anh without the way back:\n%s", body)
	}
	code, profile := b.get(html.UnescapeString(m[1]))
	if code != http.StatusOK {
		t.Fatalf("profile: HTTP %d", code)
	}
	back := regexp.MustCompile(`<a href="([^"]*)" id="back-to-results">← Quay lại kết quả tìm kiếm</a>`).FindStringSubmatch(profile)
	if back == nil {
		t.Fatalf("the profile has no link back to the results:\n%s", profile)
	}
	u, err := url.Parse(html.UnescapeString(back[1]))
	if err != nil || u.Path != "/people" || u.Query().Get("q") != "nguyen van anh" || u.Query().Get("gender") != "MALE" {
		t.Errorf("the profile links back to %q, want the search %s", back[1], list)
	}
}

// The back parameter leads only to this site's list of people: another
// site's address (absolute, protocol-relative, or one a browser reads as
// such) or another page is ignored, so that no link of a profile leads
// out of the site.
func TestProfileBackIgnoresOtherAddresses(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	for _, c := range []struct {
		back string
		ok   bool
	}{
		{"/people?q=anh&page=2", true},
		{"/people", true},
		{"https://evil.example/people", false},
		{"http://evil.example/people?q=anh", false},
		{"//evil.example/people", false},
		{"/\\evil.example/people", false},
		{"/\t/evil.example/people", false},
		{"javascript:alert(1)", false},
		{"/admin/keys", false},
		{"/people/anh", false},
		{"/people/../admin/keys", false},
		{"people?q=anh", false},
		{"/members/hoi-y-hoc?state=ACTIVE", true},
		{"/members/hoi-y-hoc/m1", true},
		{"/members/hoi-y-hoc/-/register", false},
		{"/members", false},
		{"/reviews/ra-soat", true},
		{"/reviews/ra-soat/close", false},
		{"/experts/hoi-y-hoc/thuy-san", true},
		{"/experts/hoi-y-hoc/thuy-san/delete", false},
		{"/experts/hoi-y-hoc", false},
		{"/honors/tieu-bieu", true},
		{"/honors/tieu-bieu/delete", false},
		{"/honors/../admin", false},
		{"/honors/%2e%2e", false},
		{"/qualifications?state=UNVERIFIED", true},
		{"/logout", false},
		{"/people#x", false},
		{"/people/", false},
	} {
		code, body := b.get("/people/anh?" + url.Values{"back": {c.back}}.Encode())
		if code != http.StatusOK {
			t.Fatalf("profile with back %q: HTTP %d", c.back, code)
		}
		link := strings.Contains(body, `id="back-to-results"`)
		if link != c.ok {
			t.Errorf("back %q: a link back shown %v, want %v", c.back, link, c.ok)
		}
		if c.ok && !strings.Contains(body, `href="`+html.EscapeString(c.back)+`" id="back-to-results"`) {
			t.Errorf("back %q: the link back is not to it", c.back)
		}
		if strings.Contains(body, "evil.example") {
			t.Errorf("back %q: the profile names the other site", c.back)
		}
	}
}

// Every list of people links to their profiles with its own address as
// the way back, and the profile links back to it in its words: a review
// campaign, an expert pool, an honours campaign, the qualifications to
// verify, a membership. Before, only the search's results did.
func TestListsLinkProfilesBackToThem(t *testing.T) {
	e := newEnv(t)
	membership := e.listsSetup()
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct{ list, words string }{
		{"/reviews/ra-soat?state=ALL", "đợt rà soát"},
		{"/experts/hoi-y-hoc/thuy-san", "nhóm chuyên gia"},
		{"/honors/tieu-bieu", "đợt tôn vinh"},
		{"/qualifications?state=UNVERIFIED", "danh sách trình độ chờ xác minh"},
		{membership, "đơn hội viên"},
	} {
		code, body := b.get(tc.list)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", tc.list, code)
		}
		m := regexp.MustCompile(`<a href="(/people/anh\?back=[^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s links to Anh's profile without the way back", tc.list)
			continue
		}
		_, profile := b.get(html.UnescapeString(m[1]))
		back := regexp.MustCompile(`<a href="([^"]*)" id="back-to-results">← Quay lại ([^<]*)</a>`).FindStringSubmatch(profile)
		if back == nil || html.UnescapeString(back[1]) != tc.list || back[2] != tc.words {
			t.Errorf("Anh's profile opened from %s links back %q, want to it as %q", tc.list, back, tc.words)
		}
	}
}

// listsSetup puts Anh in every list of people: the pool thuy-san, the
// honours campaign tieu-bieu, the review campaign ra-soat (of Sở Y tế,
// where he works), the qualifications to verify, and a registration with
// Hội Y học, whose page it returns.
func (e *env) listsSetup() string {
	t := e.t
	t.Helper()
	ctx := context.Background()
	e.expertSetup()
	e.honorSetup()
	org := e.unitSetup()
	if _, err := e.admin.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: "associations/hoi-y-hoc/expertPools/thuy-san",
		ExpertPoolMember: &pb.ExpertPoolMember{Person: "people/anh", Role: pb.Person_CRITIQUE}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Reviews.CreateReviewCampaign(ctx, &pb.CreateReviewCampaignRequest{ReviewCampaignId: "ra-soat",
		ReviewCampaign: &pb.ReviewCampaign{DisplayName: "Rà soát", Organizations: []string{org}, Deadline: dateOf(time.Now().AddDate(0, 1, 0))}}); err != nil {
		t.Fatal(err)
	}
	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Applicant: &pb.RegisterMemberRequest_Person{Person: "people/anh"},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}})
	if err != nil {
		t.Fatal(err)
	}
	return "/members/hoi-y-hoc/" + reg.Membership.Name[strings.LastIndex(reg.Membership.Name, "/")+1:]
}
