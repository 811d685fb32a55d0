package console_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// People of the same name are told apart by the accessible names of their
// links in the results (a screen reader's list of links reads the link
// alone): the name, then the birth year and the current workplace.
func TestResultLinksOfNamesakesDiffer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	mai := func(p *pb.Person) *pb.Person {
		p.FamilyName, p.MiddleName, p.GivenName, p.Gender = "Trần", "Thị", "Mai", pb.Person_FEMALE
		return p
	}
	var ids []string
	for _, p := range []*pb.Person{mai(&pb.Person{BirthDate: &date.Date{Year: 1980}}), mai(&pb.Person{BirthDate: &date.Date{Year: 1991}}), mai(&pb.Person{})} {
		made, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, made.GetName())
	}
	if _, err := e.admin.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: ids[2], Position: &pb.Position{
		Title: "Bác sĩ", OrganizationName: "Bệnh viện Đa khoa tỉnh", Start: &date.Date{Year: 2015}, Current: true}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	code, body := b.get("/people?q=tran+thi+mai")
	if code != http.StatusOK {
		t.Fatalf("search: HTTP %d", code)
	}
	got := map[string]bool{}
	for _, m := range regexp.MustCompile(`<a href="/people/[^"]*" aria-label="([^"]*)">Trần Thị Mai</a>`).FindAllStringSubmatch(body, -1) {
		got[html.UnescapeString(m[1])] = true
	}
	for _, want := range []string{"Trần Thị Mai, sinh năm 1980", "Trần Thị Mai, sinh năm 1991", "Trần Thị Mai, Bệnh viện Đa khoa tỉnh"} {
		if !got[want] {
			t.Errorf("no result link named %q; got %v", want, got)
		}
	}
}

// Wherever people are listed (a pool's members, an honours campaign's
// nominees, a review campaign's profiles, the qualifications to verify, a
// desk, a membership's page), a link to a person is named by their birth
// year and workplace too, as the search's results are, so that two people
// of the same name can be told apart. Before, only the results were.
func TestEveryListTellsNamesakesApart(t *testing.T) {
	e := newEnv(t)
	membership := e.listsSetup()
	b := e.signIn(e.account("admin", ""))
	link := regexp.MustCompile(`<a href="[^"]*"[^>]* aria-label="([^"]*)">Nguyễn Văn Anh</a>`)
	for _, list := range []string{"/reviews/ra-soat?state=ALL", "/experts/hoi-y-hoc/thuy-san", "/honors/tieu-bieu",
		"/qualifications?state=UNVERIFIED", "/members/hoi-y-hoc", membership} {
		code, body := b.get(list)
		if code != http.StatusOK {
			t.Fatalf("%s: HTTP %d", list, code)
		}
		m := link.FindStringSubmatch(body)
		if m == nil {
			t.Errorf("%s: no link to Anh named by more than his name", list)
			continue
		}
		if got := html.UnescapeString(m[1]); !strings.HasPrefix(got, "Nguyễn Văn Anh, sinh năm 1985, Sở ") {
			t.Errorf("%s: the link to Anh is named %q, want his name, birth year and workplace", list, got)
		}
	}
}
