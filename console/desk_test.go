package console_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The membership desk shows every member of a state, a page at a time with
// the count: an association of more than one page of members lost the
// rest.
func TestDeskPagesThroughEveryMember(t *testing.T) {
	e := newEnv(t)
	const n = 205
	var members []store.BulkMember
	for i := range n {
		members = append(members, store.BulkMember{Parent: "associations/hoi-y-hoc", Registration: store.Registration{
			NewPerson: &pb.Person{FamilyName: "Trần", MiddleName: "Văn", GivenName: fmt.Sprintf("Hội viên %03d", i)},
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}}})
	}
	if err := e.db.BulkRegisterMembers(context.Background(), members); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	seen := map[string]bool{}
	rowRE := regexp.MustCompile(`<a href="/members/hoi-y-hoc/([a-z0-9]+)">`)
	nextRE := regexp.MustCompile(`<a href="([^"]+)" id="next">`)
	path := "/members/hoi-y-hoc?state=PENDING"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("the desk's pages do not end")
		}
		code, body := b.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", path, code)
		}
		if pages == 0 && !strings.Contains(body, fmt.Sprintf(`id="count">%d hồ sơ`, n)) {
			t.Errorf("the desk does not say it holds %d registrations", n)
		}
		for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Errorf("membership %s shown twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := nextRE.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(seen) != n {
		t.Errorf("the desk showed %d of %d pending registrations", len(seen), n)
	}
}
