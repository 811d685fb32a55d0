package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The import form takes the Ngày vào danh sách of the new people whose
// rows give none; a box that is not a date, or a day to come, is refused
// next to it in Vietnamese, and starts no import.
func TestImportFormRegistryDate(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	const file = "Họ;Tên;Số CCCD\nLê;Hà;091080000021\n"
	for _, c := range []struct{ typed, want string }{
		{"mai", "không phải là ngày"},
		{"31/12/2099", "không thể là một ngày trong tương lai"},
	} {
		_, page := b.get("/imports")
		code, body, _ := b.postImport(sentForm(t, page, url.Values{"registry_date": {c.typed}}), "ds.csv", file)
		body = html.UnescapeString(body)
		i := strings.Index(body, `id="err-registry_date"`)
		if code != http.StatusUnprocessableEntity || i < 0 || !strings.Contains(body[i:], c.want) || !strings.Contains(body, `value="`+c.typed+`"`) {
			t.Errorf("registry_date %q: HTTP %d, want 422 saying %q next to the box, keeping what was typed:\n%s", c.typed, code, c.want, body)
		}
	}
	_, page := b.get("/imports")
	code, _, to := b.postImport(sentForm(t, page, url.Values{"registry_date": {"01/06/2025"}}), "ds.csv", file)
	if code != http.StatusSeeOther || !strings.HasPrefix(to, "/imports/") {
		t.Fatalf("importing: HTTP %d to %q", code, to)
	}
	ctx := context.Background()
	for end := time.Now().Add(time.Minute); ; {
		if time.Now().After(end) {
			t.Fatal("the import registered no one")
		}
		people, err := e.admin.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `national_id = "091080000021"`})
		if err != nil {
			t.Fatal(err)
		}
		if len(people.GetPeople()) == 1 {
			if d := people.People[0].GetRegistryDate(); d.GetYear() != 2025 || d.GetMonth() != 6 || d.GetDay() != 1 {
				t.Errorf("registry_date %v, want 2025-06-01", d)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The person's page shows their Ngày vào danh sách, dd/mm/yyyy as the
// other dates.
func TestProfileShowsRegistryDate(t *testing.T) {
	e := newEnv(t)
	if _, err := e.admin.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{PersonId: "lan", Person: &pb.Person{
		FamilyName: "Lê", GivenName: "Lan", RegistryDate: &date.Date{Year: 2024, Month: 3, Day: 5}}}); err != nil {
		t.Fatal(err)
	}
	_, body := e.signIn(e.account("registrar", "")).get("/people/lan")
	if want := `<dt>Ngày vào danh sách</dt><dd id="registry-date">05/03/2024</dd>`; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("the profile lacks %s:\n%s", want, body)
	}
}
