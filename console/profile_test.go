package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
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
		`<dd id="highest-level">Thạc sĩ</dd>`, `<td data-label="Trình độ">Thạc sĩ</td>`, `<dd id="ethnicity">Khmer</dd>`, "Kinh tế và kinh doanh", "(Việt Nam)",
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
	if !strings.Contains(results, `<td data-label="Trình độ">Thạc sĩ</td>`) || strings.Contains(results, "THAC_SI") {
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

// Codes are shown by their names wherever a page shows them: a framework's
// level (political theory) and an academic title on the profile, the
// association of a membership, the highest level on the membership page,
// the role in the audit trail.
func TestCodesShownByName(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, q := range []*pb.Qualification{
		{Kind: pb.Qualification_POLITICAL_THEORY, Level: "SO_CAP", Year: 2015},
		{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "GIAO_SU", Year: 2020},
		{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Kinh tế", Year: 2018},
	} {
		if _, err := e.admin.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: "people/anh", Qualification: q}); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := e.admin.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hoi-y-hoc",
		Applicant: &pb.RegisterMemberRequest_Person{Person: "people/anh"},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("admin", ""))
	_, body := b.get("/people/anh")
	for _, want := range []string{`<td data-label="Trình độ">Sơ cấp</td>`, `<td data-label="Trình độ">Giáo sư</td>`, ">Hội Y học tỉnh</a></td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the profile lacks %s", want)
		}
	}
	for _, code := range []string{">SO_CAP<", ">GIAO_SU<", ">associations/"} {
		if strings.Contains(body, code) {
			t.Errorf("the profile shows the code %s", code)
		}
	}
	m := strings.TrimPrefix(reg.GetMembership().GetName(), "associations/")
	code, body := b.get("/members/" + strings.Replace(m, "/memberships/", "/", 1))
	if code != http.StatusOK || !strings.Contains(body, `<dd class="level">Tiến sĩ</dd>`) || strings.Contains(body, "TIEN_SI") {
		t.Errorf("the membership page: HTTP %d, does not name the level", code)
	}
	// The framework's levels are in the edit form's list of levels.
	qs, err := e.admin.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/anh", Filter: "kind = POLITICAL_THEORY"})
	if err != nil || len(qs.GetQualifications()) != 1 {
		t.Fatalf("the political theory qualification: %v", err)
	}
	if _, body = b.get("/" + qs.GetQualifications()[0].GetName() + "/edit"); !strings.Contains(body, `<option value="SO_CAP" selected>Sơ cấp (lý luận chính trị)</option>`) {
		t.Errorf("the edit form does not choose the level by its name")
	}
	if _, body = b.get("/admin/audit"); !strings.Contains(body, `<td data-label="Vai trò">Quản trị viên</td>`) || strings.Contains(body, ">admin</td>") {
		t.Errorf("the audit trail shows roles by their codes")
	}
}

// Each edit link of a profile names its entry for a screen reader: the
// link's text, "Sửa", is the same on every row.
func TestEditLinksNameTheirEntry(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.admin.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: "people/anh", Honor: &pb.Honor{Title: "Chiến sĩ thi đua cơ sở", Year: 2019}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: "people/anh", Position: &pb.Position{
		Title: "Trưởng phòng", OrganizationName: "Sở Y tế", Start: &date.Date{Year: 2018, Month: 3}, Current: true}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("admin", ""))
	_, body := b.get("/people/anh")
	for _, want := range []string{`aria-label="Sửa trình độ: Thạc sĩ Kinh tế, 2012"`, `aria-label="Sửa khen thưởng: Chiến sĩ thi đua cơ sở, 2019"`,
		`aria-label="Sửa công tác: Trưởng phòng, Sở Y tế, 03/2018"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the profile lacks %s", want)
		}
	}
}

// A degree's title ("Kỹ sư", "Bác sĩ"), which the level alone does not
// tell, is shown beside the level.
func TestProfileShowsDegreeTitle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.admin.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: "people/anh",
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", DegreeTitle: "Kỹ sư",
			Major: "Xây dựng dân dụng", Year: 2005}})
	if err != nil {
		t.Fatal(err)
	}
	_, body := e.signIn(e.account("admin", "")).get("/people/anh")
	if !strings.Contains(body, `<td data-label="Trình độ">Đại học (Kỹ sư)</td>`) {
		t.Errorf("the profile does not show the degree's title beside its level")
	}
}
