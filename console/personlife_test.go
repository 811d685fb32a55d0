package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Creating, deleting and restoring people follow the server's table: an
// admin does all three; a registrar creates and sees the deleted, but
// neither deletes nor restores; home_affairs does none, sees no link or
// button for them, and the pages refuse it, the import's form too.
func TestPersonLifeActionsByRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	gone, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "da-xoa", Person: &pb.Person{FamilyName: "Đỗ", GivenName: "Hải"}})
	if err != nil {
		t.Fatal(err)
	}
	if gone, err = e.admin.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: gone.Name}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		role                   string
		create, seeDel, delete bool
	}{
		{"admin", true, true, true},
		{"registrar", true, true, false},
		{"home_affairs", false, false, false},
	} {
		t.Run(tc.role, func(t *testing.T) {
			b := e.signIn(e.account(tc.role, ""))
			marks := func(path string, want map[string]bool) {
				t.Helper()
				code, body := b.get(path)
				if code != http.StatusOK {
					t.Fatalf("GET %s: HTTP %d", path, code)
				}
				for m, shown := range want {
					if strings.Contains(body, m) != shown {
						t.Errorf("%s: %s shown %v, want %v", path, m, !shown, shown)
					}
				}
			}
			marks("/people", map[string]bool{`id="new-person"`: tc.create, `id="deleted-tab"`: tc.seeDel})
			marks("/people/anh", map[string]bool{`id="delete-person"`: tc.delete})
			code, body := b.get("/people?deleted=1")
			if listed := strings.Contains(body, "Đỗ Hải"); code != http.StatusOK || listed != tc.seeDel {
				t.Errorf("the deleted tab: HTTP %d, lists the deleted person: %v, want %v", code, listed, tc.seeDel)
			}
			if tc.role != "home_affairs" {
				marks("/people/da-xoa", map[string]bool{`id="deleted"`: true, `id="undelete"`: tc.delete, `id="edit-person"`: false})
			}
			refused := map[string]bool{"/people/-/new": !tc.create, "/people/anh/delete": !tc.delete, "/imports": !tc.create}
			for path, refuse := range refused {
				code, body := b.get(path)
				if refuse && (code != http.StatusForbidden || !strings.Contains(body, "vai trò của tài khoản không cho phép")) {
					t.Errorf("GET %s: HTTP %d, want 403 saying the role may not", path, code)
				}
				if !refuse && code != http.StatusOK {
					t.Errorf("GET %s: HTTP %d", path, code)
				}
			}
			if !tc.delete {
				_, page := b.get("/people/anh")
				if code, _ := b.post("/people/da-xoa/undelete", url.Values{"csrf": {csrfOf(page)}, "etag": {gone.Etag}}); code != http.StatusForbidden {
					t.Errorf("restoring: HTTP %d, want 403", code)
				}
			}
		})
	}
	if p, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/da-xoa"}); err != nil || p.DeleteTime == nil {
		t.Errorf("the deleted person was restored by a role that may not: %v", err)
	}
}

// A new person's form sent twice creates one person; a national ID
// another person holds is refused next to its box, with what was typed
// kept and a link to the holder's profile to compare.
func TestNewPersonForm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(e.account("registrar", ""))

	_, body := b.get("/people/-/new")
	form := sentForm(t, body, url.Values{"family_name": {"Võ"}, "middle_name": {"Thị"}, "given_name": {"Sáu"},
		"gender": {"FEMALE"}, "birth_date": {"15/07/1987"}, "national_id": {"079085001234"}})
	code, body := b.post("/people/-/new", form)
	if code != http.StatusUnprocessableEntity && code != http.StatusConflict {
		t.Fatalf("a national ID someone holds: HTTP %d", code)
	}
	for _, want := range []string{`id="err-national_id"`, `id="f-national_id" value="079085001234"`, `id="f-given_name" value="Sáu"`,
		`id="f-birth_date" value="15/07/1987"`, `href="/people/anh" class="duplicate"`, "Nguyễn Văn Anh"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %s", want)
		}
	}

	form = sentForm(t, body, form)
	form.Set("national_id", "079087004321")
	var where []string
	for range 2 {
		code, _ := b.post("/people/-/new", form)
		if code != http.StatusSeeOther {
			t.Fatalf("creating: HTTP %d", code)
		}
	}
	people, err := e.admin.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `given_name = "Sáu"`})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people.GetPeople() {
		where = append(where, p.GetName())
	}
	if len(where) != 1 {
		t.Fatalf("the form sent twice created %d people, want 1: %v", len(where), where)
	}
}

// Deleting sends the etag of the page that asked to confirm: a profile
// changed meanwhile is not deleted, and the page says so in Vietnamese.
func TestDeletePersonStaleIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.signIn(e.account("admin", ""))
	read, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"})
	if err != nil {
		t.Fatal(err)
	}
	_, body := b.get("/people/anh/delete")
	for _, want := range []string{"xoá tạm", "không tự xoá hẳn", `name="etag" value="` + read.Etag + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the confirmation page lacks %q", want)
		}
	}
	if _, err := e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: "people/anh", Phone: "0912345678"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}}}); err != nil {
		t.Fatal(err)
	}
	code, body := b.post("/people/anh/delete", url.Values{"csrf": {csrfOf(body)}, "etag": {read.Etag}})
	if code != http.StatusConflict || !strings.Contains(body, "vừa được người khác sửa") || !strings.Contains(body, "chưa bị xoá") {
		t.Errorf("a stale deletion: HTTP %d, want 409 saying it was not deleted", code)
	}
	if p, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"}); err != nil || p.DeleteTime != nil {
		t.Fatalf("a stale deletion deleted: %v", err)
	} else if !strings.Contains(body, `name="etag" value="`+p.Etag+`"`) {
		t.Errorf("the page shown again does not carry the current etag")
	}
}

// A person whose id is "new", which the API accepts (AIP-122), opens at
// /people/new like everyone else; the form for a new person is where no
// person's id can be, and the search page links to it.
func TestPersonNamedNewOpens(t *testing.T) {
	e := newEnv(t)
	if _, err := e.admin.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{PersonId: "new",
		Person: &pb.Person{FamilyName: "Hà", MiddleName: "Minh", GivenName: "Tân"}}); err != nil {
		t.Fatalf("CreatePerson with person_id new: %v", err)
	}
	b := e.signIn(e.account("registrar", ""))
	_, body := b.get("/people?q=ha+minh+tan")
	if !regexp.MustCompile(`<a href="/people/new\?back=[^"]*"[^>]*>Hà Minh Tân</a>`).MatchString(body) {
		t.Fatalf("the search does not link to people/new:\n%s", body)
	}
	if code, body := b.get("/people/new"); code != http.StatusOK || !strings.Contains(body, `id="person-name"`) || !strings.Contains(body, "Hà Minh Tân") {
		t.Errorf("GET /people/new: HTTP %d, not the profile of people/new", code)
	}
	m := regexp.MustCompile(`<a href="([^"]+)" id="new-person"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the search page has no link to a new person's form")
	}
	code, form := b.get(m[1])
	if code != http.StatusOK || !strings.Contains(form, `id="f-given_name"`) {
		t.Fatalf("GET %s: HTTP %d, not the form of a new person", m[1], code)
	}
	code, _ = b.post(m[1], sentForm(t, form, url.Values{"family_name": {"Lý"}, "given_name": {"Năm"}}))
	if code != http.StatusSeeOther {
		t.Errorf("POST %s: HTTP %d, want the new person created", m[1], code)
	}
}
