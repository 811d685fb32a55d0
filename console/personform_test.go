package console_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The person's form edits the hometown (chosen from the units' list), the
// fields of expertise (a box each, one marked primary) and the expert
// roles (boxes to tick, by their Vietnamese names); what the server refuses
// in them stands next to them in Vietnamese, naming the field.
func TestEditHometownFieldsAndRoles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// As an import leaves a person: a hometown and a field, no roles.
	if _, err := e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: "people/anh",
		Hometown: "30292", Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-502", Primary: true}}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"hometown", "fields"}}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("admin", ""))
	_, body := b.get("/people/anh/edit")
	for _, want := range []string{
		`<label for="f-hometown">Quê quán</label>`, `id="f-hometown" value="Phường Bình Đức (30292)" list="list-units"`,
		`<label for="f-fields">Lĩnh vực chuyên môn</label>`, `id="f-fields" value="502 Kinh tế và kinh doanh" list="list-fields"`,
		`name="fields_primary" value="0" checked`, `id="f-fields-3" value=""`,
		`<label for="f-expert_roles">Vai trò chuyên gia</label>`,
		`value="CONSULTING" id="f-expert_roles" > Tư vấn`, `value="CRITIQUE" id="f-expert_roles-CRITIQUE" > Phản biện`,
		`value="SOCIAL_ASSESSMENT" id="f-expert_roles-SOCIAL_ASSESSMENT" > Giám định xã hội`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the person's form lacks %s", want)
		}
	}

	// A new hometown, a second field made primary (by its code, as a clerk
	// may paste it), two roles.
	code, body := b.editPerson(url.Values{"hometown": {"Xã Óc Eo (30688)"},
		"fields":         {"502 Kinh tế và kinh doanh (fields/vn2008-502)", "", "fields/vn2008-301", ""},
		"fields_primary": {"2"}, "expert_roles": {"CONSULTING", "SOCIAL_ASSESSMENT"}})
	if code != http.StatusSeeOther {
		t.Fatalf("saving: HTTP %d\n%s", code, body)
	}
	p, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, f := range p.GetFields() {
		s := f.GetField()
		if f.GetPrimary() {
			s += " (primary)"
		}
		fields = append(fields, s)
	}
	if p.GetHometown() != "30688" || !slices.Equal(fields, []string{"fields/vn2008-502", "fields/vn2008-301 (primary)"}) ||
		!slices.Equal(p.GetExpertRoles(), []pb.Person_ExpertRole{pb.Person_CONSULTING, pb.Person_SOCIAL_ASSESSMENT}) {
		t.Errorf("saved hometown %q, fields %q, roles %v", p.GetHometown(), fields, p.GetExpertRoles())
	}
	_, body = b.get("/people/anh")
	for _, want := range []string{"Xã Óc Eo", "Y học cơ sở (chính)", "Tư vấn Giám định xã hội"} {
		if !strings.Contains(body, want) {
			t.Errorf("the profile lacks %s after the edit", want)
		}
	}
	// The form shows them again as saved.
	_, body = b.get("/people/anh/edit")
	for _, want := range []string{`value="Xã Óc Eo (30688)"`, `id="f-fields-1" value="301 Y học cơ sở" list="list-fields" autocomplete="off" aria-label="Lĩnh vực chuyên môn 1"> <label class="check"><input type="radio" name="fields_primary" value="1" checked>`,
		`value="SOCIAL_ASSESSMENT" id="f-expert_roles-SOCIAL_ASSESSMENT" checked> Giám định xã hội`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form after saving lacks %s", want)
		}
	}

	// Emptying them clears them: the boxes sent empty, no role ticked (the
	// form sends an empty value beside the boxes to tick).
	if code, body = b.editPerson(url.Values{"hometown": {""}, "fields": {"", "", ""}, "expert_roles": {""}}); code != http.StatusSeeOther {
		t.Fatalf("clearing: HTTP %d\n%s", code, body)
	}
	if p, err = e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"}); err != nil ||
		p.GetHometown() != "" || len(p.GetFields()) != 0 || len(p.GetExpertRoles()) != 0 {
		t.Errorf("after clearing: hometown %q, fields %v, roles %v (%v)", p.GetHometown(), p.GetFields(), p.GetExpertRoles(), err)
	}

	for _, tc := range []struct {
		name    string
		form    url.Values
		field   string // the form's field marked
		label   string // the field's label, which the page's message names
		message string // words of the message next to it
	}{
		{"ErrHometownNotAUnit", url.Values{"hometown": {"Xã Không Có"}}, "hometown", "Quê quán", "cần mã đơn vị hành chính"},
		{"ErrHometownUnknown", url.Values{"hometown": {"99999"}}, "hometown", "Quê quán", "không có đơn vị hành chính nào mang mã này"},
		{"ErrFieldNotInList", url.Values{"fields": {"Lĩnh vực không có"}}, "fields", "Lĩnh vực chuyên môn", "không phải là một lĩnh vực của danh mục"},
		{"ErrFieldUnknown", url.Values{"fields": {"fields/vn2008-999"}}, "fields", "Lĩnh vực chuyên môn", "danh mục không có lĩnh vực này"},
		{"ErrFieldTwice", url.Values{"fields": {"301 Y học cơ sở", "301 Y học cơ sở"}}, "fields", "Lĩnh vực chuyên môn", "một lĩnh vực được ghi hai lần"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := b.editPerson(tc.form)
			if code != http.StatusUnprocessableEntity {
				t.Fatalf("HTTP %d, want 422", code)
			}
			if msg := fieldError(body, tc.field); !strings.Contains(msg, tc.message) {
				t.Errorf("next to %s: %q, want %q", tc.field, msg, tc.message)
			}
			if !strings.Contains(body, "Có thông tin chưa hợp lệ: "+tc.label+": ") {
				t.Errorf("the page's message does not name %s", tc.label)
			}
			// What was typed is still in its box.
			for _, v := range tc.form[tc.field] {
				if !strings.Contains(body, `value="`+v+`"`) {
					t.Errorf("the form lost %q", v)
				}
			}
		})
	}
	t.Run("ErrRoleNotARole", func(t *testing.T) {
		code, body := b.editPerson(url.Values{"expert_roles": {"BOSS"}})
		if code != http.StatusUnprocessableEntity || fieldError(body, "expert_roles") != "lựa chọn không hợp lệ" {
			t.Errorf("HTTP %d, message %q", code, fieldError(body, "expert_roles"))
		}
	})
}

// A person's fields of expertise are shown in their boxes and offered by
// the classification's code and Vietnamese name, never by their resource
// names (fields/vn2008-102), which mean nothing to a clerk; an area of
// another scheme says its scheme. What is shown, or a name typed without
// accents, is read back to the field.
func TestFieldsShownByName(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: "people/anh",
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-102", Primary: true}, {Field: "fields/vn2025-1"}}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"fields"}}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("admin", ""))
	_, body := b.get("/people/anh/edit")
	for _, want := range []string{`id="f-fields" value="102 Khoa học máy tính và thông tin" list="list-fields"`,
		`id="f-fields-1" value="1 Khoa học tự nhiên (danh mục 2025)" list="list-fields"`,
		`<option value="1 Khoa học tự nhiên">`, `<option value="502 Kinh tế và kinh doanh">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the person's form lacks %s", want)
		}
	}
	if strings.Contains(body, "(fields/") {
		t.Errorf("the person's form shows a field's resource name")
	}
	saved := func() []string {
		t.Helper()
		p, err := e.admin.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/anh"})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range p.GetFields() {
			out = append(out, f.GetField())
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		typed []string
		want  []string
	}{
		{"OKAsShown", []string{"102 Khoa học máy tính và thông tin", "1 Khoa học tự nhiên (danh mục 2025)"}, []string{"fields/vn2008-102", "fields/vn2025-1"}},
		{"OKWithoutAccents", []string{"khoa hoc may tinh va thong tin", "1 Khoa học tự nhiên"}, []string{"fields/vn2008-102", "fields/vn2008-1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := b.editPerson(url.Values{"fields": tc.typed, "fields_primary": {"0"}}); code != http.StatusSeeOther {
				t.Fatalf("saving: HTTP %d\n%s", code, body)
			}
			if got := saved(); !slices.Equal(got, tc.want) {
				t.Errorf("saved %q, want %q", got, tc.want)
			}
		})
	}
}
