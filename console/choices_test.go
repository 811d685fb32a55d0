package console_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Edit forms offer reference codes by their Vietnamese names: a select
// for short lists, a datalist of "Tên (mã)" for long ones; the choice is
// kept when the form comes back with an error, and saved as the code.
func TestEditFormsOfferReferenceNames(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	path := "/people/anh/qualifications/" + strings.TrimPrefix(e.qual.GetName(), "people/anh/qualifications/") + "/edit"
	code, body := b.get(path)
	if code != http.StatusOK {
		t.Fatalf("edit form: HTTP %d", code)
	}
	for _, want := range []string{
		`<select name="level" id="f-level">`, `<option value="THAC_SI" selected>Thạc sĩ</option>`, `<option value="TIEN_SI" >Tiến sĩ</option>`,
		`<select name="country" id="f-country">`, `<option value="VN" selected>Việt Nam</option>`,
		`list="list-fields"`, `<datalist id="list-fields">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	if strings.Contains(body, `value="THAC_SI" name`) || strings.Contains(body, "mã trình độ") {
		t.Errorf("the form still asks for a typed code")
	}
	// The datalist's entry for 5.02 as the browser would put it in the box.
	m := regexp.MustCompile(`<option value="(502 [^"]*)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the fields' datalist has no entry for fields/vn2008-502")
	}
	fieldEntry := html.UnescapeString(m[1])

	form := url.Values{"csrf": {csrfOf(body)}, "etag": {e.qual.GetEtag()}, "kind": {"DEGREE"}, "level": {"TIEN_SI"},
		"major": {"Kinh tế"}, "field": {fieldEntry}, "country": {"JP"}, "year": {"năm ngoái"}}
	code, body = b.post(path, form)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a bad year: HTTP %d, want 422", code)
	}
	for _, want := range []string{`<option value="TIEN_SI" selected>Tiến sĩ</option>`, `<option value="JP" selected>`, `value="` + html.EscapeString(fieldEntry) + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("after the error the form lost the choice %s", want)
		}
	}
	form.Set("year", "2016")
	if code, _ = b.post(path, form); code != http.StatusSeeOther {
		t.Fatalf("saving: HTTP %d", code)
	}
	q, err := e.admin.People.GetQualification(context.Background(), &pb.GetQualificationRequest{Name: e.qual.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if q.GetLevel() != "TIEN_SI" || q.GetField() != "fields/vn2008-502" || q.GetCountry() != "JP" {
		t.Errorf("saved level %q field %q country %q", q.GetLevel(), q.GetField(), q.GetCountry())
	}

	// A name the list does not hold goes to the server, whose message
	// stands next to the field.
	_, body = b.get(path)
	form.Set("csrf", csrfOf(body))
	form.Set("etag", q.GetEtag())
	form.Set("field", "Khoa học huyền bí")
	code, body = b.post(path, form)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-field"`) {
		t.Errorf("an unknown field: HTTP %d, want 422 with the field's message", code)
	}

	// A level the lists do not hold (a certificate's) is typed beside
	// the select, and comes back there; academic titles are in the list.
	_, body = b.get("/people/anh/qualifications/new")
	if !strings.Contains(body, `<option value="GIAO_SU" >Giáo sư</option>`) || !strings.Contains(body, `id="f-level_other"`) {
		t.Errorf("the level list lacks academic titles, or the box for another level")
	}
	code, _ = b.post("/people/anh/qualifications/new", url.Values{"csrf": {csrfOf(body)}, "kind": {"PROFESSIONAL_CERTIFICATE"},
		"level": {""}, "level_other": {"Chứng chỉ hành nghề khám bệnh"}, "major": {"Y đa khoa"}, "year": {"2019"}})
	if code != http.StatusSeeOther {
		t.Fatalf("a certificate with a level of its own: HTTP %d", code)
	}
	qs, err := e.admin.People.ListQualifications(context.Background(), &pb.ListQualificationsRequest{Parent: "people/anh"})
	if err != nil {
		t.Fatal(err)
	}
	var cert string
	for _, q := range qs.GetQualifications() {
		if q.GetKind() == pb.Qualification_PROFESSIONAL_CERTIFICATE {
			cert = q.GetName()
			if q.GetLevel() != "Chứng chỉ hành nghề khám bệnh" {
				t.Errorf("the certificate's level is %q", q.GetLevel())
			}
		}
	}
	if _, body = b.get("/" + cert + "/edit"); !strings.Contains(body, `id="f-level_other" value="Chứng chỉ hành nghề khám bệnh"`) {
		t.Errorf("the certificate's level is not in its box on the edit form")
	}

	// The person's form: ethnicity and country of work are selects.
	_, body = b.get("/people/anh/edit")
	for _, want := range []string{`<select name="ethnicity" id="f-ethnicity">`, `<option value="05" selected>Khmer</option>`, `<select name="work_country" id="f-work_country">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the person's form lacks %s", want)
		}
	}
	// A position's organization is a select, its unit a datalist.
	_, body = b.get("/people/anh/positions/new")
	for _, want := range []string{`<select name="organization" id="f-organization">`, `<datalist id="list-units">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the position's form lacks %s", want)
		}
	}
}
