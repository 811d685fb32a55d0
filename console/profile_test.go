package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Profiles and results show the reference list's Vietnamese names, not
// codes; the profile shows works and external identifiers.
func TestProfileShowsNamesWorksAndIdentifiers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: "people/anh",
		Orcid: "0000-0002-1825-0097", CivilServantCode: "CC-2024-17",
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-502", Primary: true}}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"orcid", "civil_servant_code", "fields"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.admin.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: "people/anh", Work: &pb.Work{
		Kind: pb.Work_PUBLICATION, Title: "Kinh tế hộ vùng Tứ giác Long Xuyên", Year: 2019, Role: pb.Work_LEAD,
		Doi: "10.1000/tgl.2019", Venue: "Tạp chí Khoa học Đại học Cần Thơ", Field: "fields/vn2008-502"}})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("admin", ""))
	code, body := b.get("/people/anh")
	if code != http.StatusOK {
		t.Fatalf("profile: HTTP %d", code)
	}
	for _, want := range []string{
		`<dd id="highest-level">Thạc sĩ</dd>`, `<td>Thạc sĩ</td>`, `<dd id="ethnicity">Khmer</dd>`, "Kinh tế và kinh doanh", "(Việt Nam)",
		`<dd id="orcid"><a href="https://orcid.org/0000-0002-1825-0097"`, `<dd id="civil-servant-code">CC-2024-17</dd>`,
		"Kinh tế hộ vùng Tứ giác Long Xuyên", "Chủ trì, tác giả chính", `href="https://doi.org/10.1000/tgl.2019"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("profile lacks %s", want)
		}
	}
	for _, code := range []string{">THAC_SI<", ">05<", "(VN)"} {
		if strings.Contains(body, code) {
			t.Errorf("profile shows the code %s", code)
		}
	}
	_, body = b.get("/people?q=nguyen+van+anh")
	results := body[strings.Index(body, `id="results"`):]
	if !strings.Contains(results, "<td>Thạc sĩ</td>") || strings.Contains(results, "THAC_SI") {
		t.Errorf("search results do not show the level's name")
	}

	// A work is added through the form; the server's message about a bad
	// DOI stands next to the field.
	_, body = b.get("/people/anh/works/new")
	form := url.Values{"csrf": {csrfOf(body)}, "title": {"Đề tài nuôi tôm sú"}, "kind": {"TASK"}, "year": {"2021"},
		"level": {"PROVINCE"}, "role": {"MEMBER"}, "doi": {"không phải DOI"}}
	code, body = b.post("/people/anh/works/new", form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "field-error") || !strings.Contains(body, "DOI") {
		t.Fatalf("a bad DOI: HTTP %d, want 422 with the field's message", code)
	}
	form.Set("doi", "")
	if code, _ = b.post("/people/anh/works/new", form); code != http.StatusSeeOther {
		t.Fatalf("adding a work: HTTP %d", code)
	}
	_, body = b.get("/people/anh")
	if !strings.Contains(body, "Đề tài nuôi tôm sú") || !strings.Contains(body, "Cấp tỉnh") {
		t.Errorf("the added work is not on the profile")
	}
}
