package console_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The export links of the list download it in the list's order, whichever
// order is chosen, not in the order people were registered.
func TestExportFollowsTheListsOrder(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	exportRE := regexp.MustCompile(`<a href="([^"]*)" id="export-csv"`)
	for _, sort := range []string{"", "family_name desc"} {
		t.Run("sort="+sort, func(t *testing.T) {
			path := "/people"
			if sort != "" {
				path += "?sort=" + strings.ReplaceAll(sort, " ", "+")
			}
			_, page := b.get(path)
			m := exportRE.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("%s has no CSV export link", path)
			}
			code, body := b.get(html.UnescapeString(m[1]))
			if code != http.StatusOK {
				t.Fatalf("export: HTTP %d", code)
			}
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows[1:] {
				got = append(got, r[0])
			}
			order := sort
			if order == "" {
				order = "display_name"
			}
			list, err := e.admin.People.ListPeople(context.Background(), &pb.ListPeopleRequest{OrderBy: order})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, p := range list.GetPeople() {
				want = append(want, p.GetName())
			}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("export order %v, want the list's %v", got, want)
			}
		})
	}
}

// The field filter offers each area once and finds the people coded at
// fields under it.
func TestFieldFilterFindsTheAreasPeople(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for name, field := range map[string]string{"Trần Thị Bích": "fields/vn2008-202", "Lê Hoàng Đức": "fields/vn2008-101"} {
		q := strings.Fields(name)
		list, err := e.admin.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `given_name = "` + q[2] + `" AND family_name = "` + q[0] + `"`})
		if err != nil || len(list.GetPeople()) != 1 {
			t.Fatalf("finding %s: %v", name, err)
		}
		p := list.GetPeople()[0]
		p.Fields = []*pb.FieldOfExpertise{{Field: field, Primary: true}}
		if _, err := e.admin.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: p,
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"fields"}}}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.signIn(e.account("admin", ""))
	_, page := b.get("/people?field=2")
	if n := strings.Count(page, ">2 Khoa học kỹ thuật và công nghệ</option>"); n != 1 {
		t.Errorf("the field select lists area 2 %d times, want once", n)
	}
	if !strings.Contains(page, `<option value="2" selected>`) {
		t.Errorf("the chosen area is not selected")
	}
	if !strings.Contains(page, ">Trần Thị Bích</a>") || strings.Contains(page, ">Lê Hoàng Đức</a>") {
		t.Errorf("field 2 should find Bích (202) and not Đức (101):\n%s", page)
	}
}

// Lists keyed by names are offered in the Vietnamese order of the names.
func TestCountriesAndUnitsOfferedByName(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	_, page := b.get("/people/anh/edit")
	sel := regexp.MustCompile(`(?s)<select name="work_country"[^>]*>(.*?)</select>`).FindStringSubmatch(page)
	if sel == nil {
		t.Fatal("the edit form has no country select")
	}
	optRE := regexp.MustCompile(`<option value="[^"]*"[^>]*>([^<]*)</option>`)
	var countries []string
	for _, m := range optRE.FindAllStringSubmatch(sel[1], -1) {
		countries = append(countries, html.UnescapeString(m[1]))
	}
	if !inOrder(countries, "Dominica", "Đức", "Hoa Kỳ", "Việt Nam") {
		t.Errorf("countries are not in Vietnamese order: %q", countries)
	}
	_, page = b.get("/people")
	sel = regexp.MustCompile(`(?s)<select name="unit">(.*?)</select>`).FindStringSubmatch(page)
	if sel == nil {
		t.Fatal("the search form has no unit select")
	}
	var units []string
	for _, m := range optRE.FindAllStringSubmatch(sel[1], -1) {
		units = append(units, html.UnescapeString(m[1]))
	}
	if !inOrder(units, "Đặc khu Phú Quốc", "Phường Bình Đức", "Xã An Phú", "Xã Óc Eo", "Xã Ô Lâm") {
		t.Errorf("units are not in Vietnamese order: %q", units)
	}
}

// inOrder reports whether list holds want in that order.
func inOrder(list []string, want ...string) bool {
	at := -1
	for _, w := range want {
		i := slices.Index(list, w)
		if i <= at {
			return false
		}
		at = i
	}
	return true
}

// /members lists the associations in Vietnamese order of their names, not
// in the order they were created: "Đ" after "D", "Â" after "A".
func TestAssociationsInVietnameseOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, a := range []struct{ id, name, code string }{
		{"hoi-dia-ly", "Hội Địa lý tỉnh", "HDL"}, {"hoi-duoc", "Hội Dược học tỉnh", "HDH"}, {"hoi-an", "Hội Ân nhân tỉnh", "HAN"},
	} {
		if _, err := e.admin.Memberships.CreateAssociation(ctx, &pb.CreateAssociationRequest{AssociationId: a.id,
			Association: &pb.Association{DisplayName: a.name, Code: a.code}}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.signIn(e.account("admin", ""))
	_, page := b.get("/members")
	var got []string
	for _, m := range regexp.MustCompile(`<a href="/members/[^"]*">([^<]*)</a>`).FindAllStringSubmatch(page, -1) {
		got = append(got, html.UnescapeString(m[1]))
	}
	want := []string{"Hội Ân nhân tỉnh", "Hội Dược học tỉnh", "Hội Địa lý tỉnh", "Hội Tin học tỉnh", "Hội Y học tỉnh"}
	if !slices.Equal(got, want) {
		t.Errorf("/members lists %q, want %q", got, want)
	}
}

// A dimension has one word: the picker's is the result table's header and
// the CSV file's.
func TestStatisticsDimensionsHaveOneWord(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, d := range []string{"HIGHEST_QUALIFICATION_LEVEL", "ACADEMIC_TITLE", "FIELD", "ADMINISTRATIVE_UNIT", "ORGANIZATION_KIND",
		"EMPLOYMENT_TYPE", "WORK_LOCATION", "GENDER", "AGE_BAND", "ETHNICITY", "MEMBERSHIP_STATE"} {
		_, page := b.get("/stats?d1=" + d)
		m := regexp.MustCompile(`<option value="` + d + `" selected>([^<]*)</option>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("/stats?d1=%s: the picker does not offer it", d)
		}
		picker := html.UnescapeString(m[1])
		h := regexp.MustCompile(`<thead><tr><th>([^<]*)</th>`).FindStringSubmatch(page)
		if h == nil {
			t.Fatalf("/stats?d1=%s: no result table", d)
		}
		if got := html.UnescapeString(h[1]); got != picker {
			t.Errorf("%s: the picker says %q, the table %q", d, picker, got)
		}
		_, body := b.get("/stats.csv?d1=" + d)
		if header, _, _ := strings.Cut(strings.TrimPrefix(body, "\ufeff"), "\n"); !strings.Contains(header, ","+picker+",") {
			t.Errorf("%s: the picker says %q, stats.csv's header is %q", d, picker, header)
		}
	}
}

// The count above the list says how many were found in words a person
// reads: none is "none", not "0 on this page", and a search refused (a
// query of quotes only) shows its reason without a count.
func TestSearchCountSaysNone(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("home_affairs", ""))
	count := regexp.MustCompile(`id="count"[^>]*>([^<]*)<`)
	for _, tc := range []struct{ name, query, want string }{
		{"OKNoneFound", "?q=xyzzyquux", "Không có ai khớp"},
		{"OKNoneFiltered", "?gender=FEMALE&level=TIEN_SI_KHOA_HOC", "Không có ai khớp"},
		{"OKFound", "?q=nguyen", "2 người"},
		{"NoCountOnError", "?q=%22", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, body := b.get("/people" + tc.query)
			m := count.FindStringSubmatch(body)
			switch {
			case tc.want == "" && m != nil:
				t.Errorf("a refused search shows the count %q", m[1])
			case tc.want != "" && (m == nil || !strings.HasPrefix(m[1], tc.want)):
				t.Errorf("count %v, want it to begin %q", m, tc.want)
			}
		})
	}
}

// Lists of names are in Vietnamese order with numbers compared as numbers:
// "Trạm Y tế số 2" before "Trạm Y tế số 10", wherever the console lists
// organizations or associations.
func TestNamesWithNumbersInOrder(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	orgs := []string{"Trạm Y tế số 10", "Trạm Y tế số 2", "Đại học An Giang", "Trạm Y tế số 1", "Bệnh viện Đa khoa"}
	for i, name := range orgs {
		if _, err := e.admin.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "org-" + string(rune('a'+i)),
			Organization: &pb.Organization{DisplayName: name}}); err != nil {
			t.Fatal(err)
		}
	}
	for i, name := range []string{"Chi hội số 10", "Chi hội số 9"} {
		if _, err := e.admin.Memberships.CreateAssociation(ctx, &pb.CreateAssociationRequest{AssociationId: "chi-hoi-" + string(rune('a'+i)),
			Association: &pb.Association{DisplayName: name, Code: "CH" + string(rune('A'+i))}}); err != nil {
			t.Fatal(err)
		}
	}
	wantOrgs := []string{"Bệnh viện Đa khoa", "Đại học An Giang", "Trạm Y tế số 1", "Trạm Y tế số 2", "Trạm Y tế số 10"}
	b := e.signIn(e.account("admin", ""))
	optRE := regexp.MustCompile(`<option value="[^"]*"[^>]*>([^<]*)</option>`)
	for _, tc := range []struct{ name, path, sel string }{
		{"SearchFilter", "/people", `<select name="org"[^>]*>`},
		{"PositionForm", "/people/anh/positions/new", `<select name="organization"[^>]*>`},
		{"AccountForm", "/admin/accounts", `<select name="organization"[^>]*>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, page := b.get(tc.path)
			sel := regexp.MustCompile(`(?s)` + tc.sel + `(.*?)</select>`).FindStringSubmatch(page)
			if sel == nil {
				t.Fatalf("%s has no select %s", tc.path, tc.sel)
			}
			var got []string
			for _, m := range optRE.FindAllStringSubmatch(sel[1], -1) {
				if name := html.UnescapeString(m[1]); slices.Contains(orgs, name) {
					got = append(got, name)
				}
			}
			if !slices.Equal(got, wantOrgs) {
				t.Errorf("%s lists %q, want %q", tc.path, got, wantOrgs)
			}
		})
	}
	t.Run("Associations", func(t *testing.T) {
		_, page := b.get("/members")
		var got []string
		for _, m := range regexp.MustCompile(`<a href="/members/[^"]*">([^<]*)</a>`).FindAllStringSubmatch(page, -1) {
			got = append(got, html.UnescapeString(m[1]))
		}
		if !inOrder(got, "Chi hội số 9", "Chi hội số 10") {
			t.Errorf("/members lists %q", got)
		}
	})
}
