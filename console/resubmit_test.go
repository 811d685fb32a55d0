package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

var requestIDOf = regexp.MustCompile(`name="request_id" value="([^"]+)"`)

// sentForm is values with the hidden fields a page's form carries (csrf,
// request_id).
func sentForm(t *testing.T, body string, values url.Values) url.Values {
	t.Helper()
	m := requestIDOf.FindStringSubmatch(body)
	if m == nil {
		t.Error("the form carries no request_id")
		m = []string{"", ""}
	}
	out := url.Values{}
	for k, v := range values {
		out[k] = v
	}
	out.Set("csrf", csrfOf(body))
	if m[1] != "" {
		out.Set("request_id", m[1])
	}
	return out
}

// A create form sent twice (a double click, the browser sending it again
// after Back or a reload) creates one thing: one registration and one
// person, one honour. Sent again changed, it creates nothing, says why in
// Vietnamese, and a new save of the form shown then creates the second.
func TestCreateFormSentTwiceCreatesOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(e.account("registrar", ""))

	_, body := b.get("/members/hoi-tin-hoc/-/register")
	form := sentForm(t, body, url.Values{"family_name": {"Trương"}, "middle_name": {"Thị"}, "given_name": {"Mai"},
		"gender": {"FEMALE"}, "birth_date": {"03/04/1990"}, "consent": {"on"}})
	var where []string
	for range 2 {
		code, _ := b.post("/members/hoi-tin-hoc/-/register", form)
		if code != http.StatusSeeOther {
			t.Fatalf("registering: HTTP %d", code)
		}
	}
	ms, err := e.admin.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/hoi-tin-hoc"})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms.GetMemberships() {
		where = append(where, m.GetName())
	}
	if len(where) != 1 {
		t.Errorf("the registration form sent twice registered %d memberships, want 1: %v", len(where), where)
	}
	people, err := e.admin.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `given_name = "Mai"`})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(people.GetPeople()); n != 1 {
		t.Errorf("the registration form sent twice created %d people, want 1", n)
	}

	_, body = b.get("/people/anh/honors/new")
	form = sentForm(t, body, url.Values{"title": {"Thầy thuốc Ưu tú"}, "kind": {"STATE_TITLE"}, "year": {"2024"},
		"issuer": {"Chủ tịch nước"}, "decision_number": {"12/QĐ-CTN"}})
	for range 2 {
		if code, _ := b.post("/people/anh/honors/new", form); code != http.StatusSeeOther {
			t.Fatalf("adding an honour: HTTP %d", code)
		}
	}
	honors := func() int {
		t.Helper()
		l, err := e.admin.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: "people/anh"})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.GetHonors())
	}
	if n := honors(); n != 1 {
		t.Errorf("the honour form sent twice added %d honours, want 1", n)
	}

	// Back, a change, and the same form again: nothing is added, the page
	// says so, and saving the form it shows adds the second.
	form.Set("year", "2025")
	code, body := b.post("/people/anh/honors/new", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "đã được lưu một lần") {
		t.Fatalf("the saved form sent again changed: HTTP %d, want 422 saying it was saved", code)
	}
	if strings.Contains(body, "request_id") && strings.Contains(body, "already used") {
		t.Errorf("the page says the server's English")
	}
	if n := honors(); n != 1 {
		t.Errorf("the saved form sent again changed added an honour: %d", n)
	}
	again := sentForm(t, body, form)
	if again.Get("request_id") == form.Get("request_id") {
		t.Fatal("the form shown again keeps the used request_id")
	}
	if code, _ := b.post("/people/anh/honors/new", again); code != http.StatusSeeOther {
		t.Fatalf("saving the form shown again: HTTP %d", code)
	}
	if n := honors(); n != 2 {
		t.Errorf("saving the form shown again: %d honours, want 2", n)
	}
}
