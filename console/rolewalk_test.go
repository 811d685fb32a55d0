package console_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Every kind of account walks the pages of every menu (and the admin's
// pages under its entry): a page it may not use says why in Vietnamese,
// by its role or its limit, never that something is outside its scope (no
// person or record is), and links home. Before, an association's or a
// unit's registrar opening the admin pages read "outside the scope of your
// account", for the server refuses a limited key by its limit first.
func TestEveryRoleIsToldWhyAPageIsNotForIt(t *testing.T) {
	e := newEnv(t)
	if _, err := e.admin.Organizations.CreateOrganization(context.Background(), &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
		Organization: &pb.Organization{DisplayName: "Sở Y tế"}}); err != nil {
		t.Fatal(err)
	}
	accounts := map[string]string{
		"admin":                 e.account("admin", ""),
		"registrar":             e.account("registrar", ""),
		"association registrar": e.account("registrar", "associations/hoi-y-hoc"),
		"home_affairs":          e.account("home_affairs", ""),
		"unit registrar":        e.account("registrar", "organizations/so-y-te"),
		"unit home_affairs":     e.account("home_affairs", "organizations/so-y-te"),
	}
	pages := []string{"/people", "/members", "/members/hoi-y-hoc", "/members/hoi-y-hoc/-/register", "/stats", "/stats/indicators",
		"/qualifications", "/reports", "/experts", "/honors", "/reviews", "/imports", "/admin/accounts", "/admin/keys", "/admin/audit"}
	errorRE := regexp.MustCompile(`(?s)id="error">(.*?)</p>`)
	english := regexp.MustCompile(`\b(may not|limited|call|key|role|scope|denied|permission)\b`)
	for kind, email := range accounts {
		t.Run(kind, func(t *testing.T) {
			b := e.signIn(email)
			for _, p := range pages {
				code, body := b.get(p)
				if code == http.StatusOK {
					if strings.HasPrefix(p, "/admin/") && kind != "admin" {
						t.Errorf("%s opens %s", kind, p)
					}
					continue
				}
				m := errorRE.FindStringSubmatch(body)
				if code != http.StatusForbidden || m == nil {
					t.Errorf("%s: %s answers HTTP %d without a message", kind, p, code)
					continue
				}
				msg := html.UnescapeString(m[1])
				if strings.Contains(msg, "ngoài phạm vi") {
					t.Errorf("%s: %s says it is out of scope: %s", kind, p, msg)
				}
				if english.MatchString(msg) {
					t.Errorf("%s: %s answers in English: %s", kind, p, msg)
				}
				if strings.HasPrefix(p, "/admin/") && !strings.Contains(msg, "chỉ dành cho quản trị viên") {
					t.Errorf("%s: %s does not say it is for administrators: %s", kind, p, msg)
				}
				if !strings.Contains(body, `<a href="/people" id="home">`) {
					t.Errorf("%s: %s has no link home", kind, p)
				}
			}
		})
	}
}

// An association's registrar who opens the admin pages reads that they
// are for administrators, and the link home leads back to the search.
func TestBrowserAdminPageToldToARegistrar(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	run(t, ctx, signInTasks(e.base+"/admin/accounts", e.account("registrar", "associations/hoi-y-hoc")), chromedp.WaitVisible("#error"))
	if msg := read(t, ctx, chromedp.Text("#error")); !strings.Contains(msg, "chỉ dành cho quản trị viên") || strings.Contains(msg, "ngoài phạm vi") {
		t.Errorf("the admin page tells an association's registrar %q", msg)
	}
	follow(t, ctx, chromedp.Click("#home"))
	run(t, ctx, chromedp.WaitVisible("#q"))
}

// The list of review campaigns tells an account that may not open one who
// does, rather than end at an empty table (Home Affairs in the demo: "no
// campaign yet", and nothing to do about it); one that may is shown the form.
func TestReviewsSayWhoOpensACampaign(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		role      string
		form, who bool
	}{
		{"admin", true, false},
		{"registrar", true, false},
		{"home_affairs", false, true},
	} {
		_, body := e.signIn(e.account(c.role, "")).get("/reviews")
		if got := strings.Contains(body, `id="c-create"`); got != c.form {
			t.Errorf("%s: the form to open a campaign: %v, want %v", c.role, got, c.form)
		}
		if got := strings.Contains(body, `id="who-opens"`) && strings.Contains(body, "quản trị viên hoặc cán bộ của Liên hiệp hội"); got != c.who {
			t.Errorf("%s: says who opens a campaign: %v, want %v", c.role, got, c.who)
		}
	}
}
