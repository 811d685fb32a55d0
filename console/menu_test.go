package console_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Every page an account may use is in its menu, and no page it may not:
// for each kind of account, a top-level page is in the menu exactly when
// the account opens it (200; the others are refused, 403).
func TestMenuHoldsEveryPageTheAccountMayUse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.admin.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
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
	pages := []string{"/people", "/members", "/stats", "/qualifications", "/reports", "/experts", "/honors", "/reviews", "/admin/accounts"}
	menuRE := regexp.MustCompile(`(?s)<nav>(.*?)</nav>`)
	hrefRE := regexp.MustCompile(`href="([^"]+)"`)
	for kind, email := range accounts {
		t.Run(kind, func(t *testing.T) {
			b := e.signIn(email)
			_, home := b.get("/people")
			inMenu := map[string]bool{}
			if m := menuRE.FindStringSubmatch(home); m != nil {
				for _, h := range hrefRE.FindAllStringSubmatch(m[1], -1) {
					inMenu[h[1]] = true
				}
			}
			for _, p := range pages {
				code, _ := b.get(p)
				switch {
				case code == http.StatusOK && !inMenu[p]:
					t.Errorf("%s opens %s, which is not in its menu", kind, p)
				case code != http.StatusOK && inMenu[p]:
					t.Errorf("%s has %s in its menu, which answers HTTP %d", kind, p, code)
				}
			}
		})
	}
}
