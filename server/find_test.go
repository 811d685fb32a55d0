package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// registry is a small province: who is who, by a short key.
type registry struct {
	e      *env
	people map[string]*pb.Person
}

func (r *registry) names(keys ...string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, r.people[k].Name)
	}
	slices.Sort(out)
	return out
}

func namesOf(people []*pb.Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.Name)
	}
	slices.Sort(out)
	return out
}

func newRegistry(t *testing.T) *registry {
	e := newEnv(t)
	ctx := context.Background()
	r := &registry{e: e, people: map[string]*pb.Person{}}
	org := func(id, name string, kind pb.Organization_Kind, unit string) string {
		o, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: id,
			Organization: &pb.Organization{DisplayName: name, Kind: kind, AdministrativeUnit: unit}})
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	}
	kgu := org("dh-kien-giang", "Trường Đại học Kiên Giang", pb.Organization_UNIVERSITY, "30742")
	agu := org("dh-an-giang", "Trường Đại học An Giang", pb.Organization_UNIVERSITY, "30307")
	bv := org("bv-kien-giang", "Bệnh viện Đa khoa tỉnh Kiên Giang", pb.Organization_HOSPITAL, "30742")
	snv := org("so-noi-vu", "Sở Nội vụ", pb.Organization_STATE_AGENCY, "30742")

	type spec struct {
		key                     string
		family, middle, given   string
		gender                  pb.Person_Gender
		born                    int32
		ethnicity, hometown     string
		field                   string
		degrees                 []string // levels, in order
		major                   string
		org                     string // current workplace
		where                   pb.Person_WorkLocation
		country                 string
		pastOrg                 string
		pastUnit                string
		pastStart, pastEndMonth int32
	}
	for _, s := range []spec{
		{key: "anh", family: "Nguyễn", middle: "Văn", given: "Anh", gender: pb.Person_MALE, born: 1978, ethnicity: "01", hometown: "30742",
			field: "502", degrees: []string{"DAI_HOC", "THAC_SI", "TIEN_SI"}, major: "Kinh tế nông nghiệp", org: kgu, where: pb.Person_IN_PROVINCE},
		{key: "ánh", family: "Nguyễn", middle: "Thị", given: "Ánh", gender: pb.Person_FEMALE, born: 1985, ethnicity: "01", hometown: "30742",
			field: "502", degrees: []string{"DAI_HOC", "THAC_SI", "TIEN_SI"}, major: "Tài chính ngân hàng", org: agu, where: pb.Person_IN_PROVINCE},
		{key: "đạt", family: "Trần", middle: "Đức", given: "Đạt", gender: pb.Person_MALE, born: 1980, ethnicity: "01", hometown: "30766",
			field: "302", degrees: []string{"DAI_HOC", "TIEN_SI"}, major: "Y học", org: bv, where: pb.Person_IN_PROVINCE,
			pastOrg: "Trạm y tế xã", pastUnit: "906", pastStart: 2006, pastEndMonth: 2012},
		{key: "đào", family: "Đặng", middle: "Thị", given: "Đào", gender: pb.Person_FEMALE, born: 1990, ethnicity: "01", hometown: "30760",
			field: "502", degrees: []string{"DAI_HOC", "TIEN_SI"}, major: "Kinh tế học", org: snv, where: pb.Person_IN_PROVINCE},
		{key: "rươl", family: "Thạch", middle: "", given: "Sa Rươl", gender: pb.Person_MALE, born: 1988, ethnicity: "05", hometown: "30904",
			field: "405", degrees: []string{"DAI_HOC", "THAC_SI"}, major: "Nuôi trồng thủy sản", where: pb.Person_ABROAD, country: "JP"},
		{key: "hà", family: "Lê", middle: "Thị", given: "Hà", gender: pb.Person_FEMALE, born: 1995, ethnicity: "01", hometown: "30742",
			field: "503", degrees: []string{"DAI_HOC"}, major: "Sư phạm Toán học", where: pb.Person_ELSEWHERE_IN_VIETNAM},
		{key: "anh2", family: "Phạm", middle: "Minh", given: "Anh", gender: pb.Person_MALE, born: 1970, ethnicity: "06", hometown: "30307",
			field: "502", degrees: []string{"DAI_HOC", "TIEN_SI"}, major: "Kinh tế", org: snv, where: pb.Person_IN_PROVINCE,
			pastOrg: kgu, pastStart: 2000, pastEndMonth: 2015},
	} {
		p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{
			FamilyName: s.family, MiddleName: s.middle, GivenName: s.given, Gender: s.gender,
			BirthDate: &date.Date{Year: s.born, Month: 5, Day: 1}, Ethnicity: s.ethnicity, Hometown: s.hometown,
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-" + s.field}}, WorkLocation: s.where, WorkCountry: s.country,
		}})
		if err != nil {
			t.Fatal(err)
		}
		for i, lvl := range s.degrees {
			e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: lvl, Major: s.major,
				Field: "fields/vn2008-" + s.field, Year: s.born + 23 + int32(3*i), Institution: "Trường Đại học Cần Thơ"})
		}
		if s.org != "" {
			if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
				Organization: s.org, Title: "Giảng viên", Current: true, Start: &date.Date{Year: 2016, Month: 1}}}); err != nil {
				t.Fatal(err)
			}
		}
		if s.pastOrg != "" {
			pos := &pb.Position{Start: &date.Date{Year: s.pastStart, Month: 1}, End: &date.Date{Year: s.pastEndMonth, Month: 12}, Title: "Bác sĩ"}
			if strings.HasPrefix(s.pastOrg, "organizations/") {
				pos.Organization = s.pastOrg
			} else {
				pos.OrganizationName, pos.AdministrativeUnit = s.pastOrg, s.pastUnit
			}
			if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: pos}); err != nil {
				t.Fatal(err)
			}
		}
		if s.where == pb.Person_ABROAD {
			if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
				OrganizationName: "Kyoto University", Country: "JP", Current: true, Start: &date.Date{Year: 2022, Month: 4}}}); err != nil {
				t.Fatal(err)
			}
		}
		r.people[s.key] = p
	}
	return r
}

func TestHomeAffairsQuestions(t *testing.T) {
	r := newRegistry(t)
	e := r.e
	ctx := context.Background()
	for _, tt := range []struct {
		question, filter string
		want             []string
	}{
		{"every doctorate in economics working at a university in Phường Rạch Giá",
			`highest_qualification_level = TIEN_SI AND fields.code = "502" AND positions.current = true AND positions.organization.kind = UNIVERSITY AND positions.organization.administrative_unit = "30742"`,
			r.names("anh")},
		// Phạm Minh Anh once taught at the university; he no longer does.
		{"doctorates in economics who ever worked at a university",
			`qualifications.level = TIEN_SI AND qualifications.field_code = "502" AND positions.organization.kind = UNIVERSITY`,
			r.names("anh", "ánh", "anh2")},
		{"intellectuals from the province who now work abroad", `work_location = ABROAD`, r.names("rươl")},
		{"working outside the province", `work_location = ABROAD OR work_location = ELSEWHERE_IN_VIETNAM`, r.names("rươl", "hà")},
		{"a master's or above", `qualifications.level >= THAC_SI`, r.names("anh", "ánh", "đạt", "đào", "rươl", "anh2")},
		{"highest degree a master's", `highest_qualification_level = THAC_SI`, r.names("rươl")},
		{"women doctors of science", `gender = FEMALE AND highest_qualification_level >= TIEN_SI`, r.names("ánh", "đào")},
		{"ethnic minorities", `ethnicity != "01"`, r.names("rươl", "anh2")},
		{"under 35 on 2026-01-01", `birth_date > "1991-01-01"`, r.names("hà")},
		{"from Phường Rạch Giá", `hometown = "30742"`, r.names("anh", "ánh", "hà")},
		{"worked in Giồng Riềng before the merger", `positions.administrative_unit = "906"`, r.names("đạt")},
		{"family name Nguyễn, prefix", `family_name = "Nguyễn*"`, r.names("anh", "ánh")},
		{"not an economist", `NOT fields.code:"502"`, r.names("đạt", "rươl", "hà")},
	} {
		t.Run(tt.question, func(t *testing.T) {
			resp, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: tt.filter})
			if err != nil {
				t.Fatal(err)
			}
			if got := namesOf(resp.People); !slices.Equal(got, tt.want) || int(resp.TotalSize) != len(tt.want) {
				t.Errorf("gRPC: %v (total %d), want %v", got, resp.TotalSize, tt.want)
			}
			code, body := e.rest("GET", "/v1/people?filter="+url.QueryEscape(tt.filter), nil)
			if code != http.StatusOK {
				t.Fatalf("REST: HTTP %d %v", code, body)
			}
			var got []string
			list, _ := body["people"].([]any)
			for _, p := range list {
				got = append(got, p.(map[string]any)["name"].(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("REST: %v, want %v", got, tt.want)
			}
		})
	}
}

func TestListingAcrossPeople(t *testing.T) {
	r := newRegistry(t)
	e := r.e
	ctx := context.Background()
	quals, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/-",
		Filter: `level >= THAC_SI AND person.gender = FEMALE`, OrderBy: "year desc"})
	if err != nil {
		t.Fatal(err)
	}
	var holders []string
	for _, q := range quals.Qualifications {
		holders = append(holders, strings.Split(q.Name, "/qualifications/")[0])
		if q.Level != "THAC_SI" && q.Level != "TIEN_SI" {
			t.Errorf("level %s", q.Level)
		}
	}
	if len(quals.Qualifications) != 3 || quals.Qualifications[0].Year < quals.Qualifications[2].Year {
		t.Errorf("women's master's and doctorates: %v", quals.Qualifications)
	}
	for _, h := range holders {
		if h != r.people["ánh"].Name && h != r.people["đào"].Name {
			t.Errorf("qualification of %s", h)
		}
	}
	code, body := e.rest("GET", "/v1/people/-/positions?filter="+url.QueryEscape(`organization.kind = UNIVERSITY AND current = true`), nil)
	ps, _ := body["positions"].([]any)
	if code != http.StatusOK || len(ps) != 2 {
		t.Fatalf("current university positions: HTTP %d %v", code, body)
	}
	orgs, err := e.client.Organizations.ListOrganizations(ctx, &pb.ListOrganizationsRequest{Filter: `kind = UNIVERSITY AND administrative_unit = "30742"`})
	if err != nil || len(orgs.Organizations) != 1 || orgs.Organizations[0].Name != "organizations/dh-kien-giang" {
		t.Fatalf("organizations: %v %v", orgs, err)
	}
}

func TestOrderByVietnameseName(t *testing.T) {
	r := newRegistry(t)
	ctx := context.Background()
	resp, err := r.e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "display_name"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range resp.People {
		got = append(got, p.DisplayName)
	}
	// By given name, then middle, then family name, in Vietnamese
	// alphabetical order: A before Á... before Đ, Đ after D.
	want := []string{"Phạm Minh Anh", "Nguyễn Văn Anh", "Nguyễn Thị Ánh", "Đặng Thị Đào", "Trần Đức Đạt", "Lê Thị Hà", "Thạch Sa Rươl"}
	if !slices.Equal(got, want) {
		t.Errorf("order:\n got %v\nwant %v", got, want)
	}
	resp, err = r.e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "family_name desc, birth_date", PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if resp.People[0].FamilyName != "Trần" || resp.People[1].FamilyName != "Thạch" {
		t.Errorf("family names descending: %v, %v", resp.People[0].DisplayName, resp.People[1].DisplayName)
	}
	// Paging in name order gives the same order.
	var paged []string
	token := ""
	for {
		page, err := r.e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "display_name", PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.People {
			paged = append(paged, p.DisplayName)
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if !slices.Equal(paged, want) {
		t.Errorf("paged order %v", paged)
	}
}

func TestFilterErrors(t *testing.T) {
	r := newRegistry(t)
	e := r.e
	ctx := context.Background()
	for _, tt := range []struct{ filter, mention string }{
		{`shoe_size = 42`, "shoe_size"},
		{`gender = FEMAL`, "FEMALE"},
		{`highest_qualification_level >= MASTER`, "THAC_SI"},
		{`birth_date > "1990/01/01"`, "YYYY-MM-DD"},
		{`(gender = MALE`, "column"},
		{`given_name = Anh`, "quotes"},
		{strings.Repeat(`gender = MALE OR `, 70) + `gender = MALE`, "64"},
	} {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: tt.filter})
		wantCode(t, err, codes.InvalidArgument, "filter")
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("%q: %v does not mention %q", tt.filter, err, tt.mention)
		}
	}
	code, body := e.rest("GET", "/v1/people?filter="+url.QueryEscape("nickname = 1"), nil)
	wantREST(t, code, body, http.StatusBadRequest, "filter")

	// A token is bound to its filter.
	page, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `gender = MALE`, PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `gender = FEMALE`, PageSize: 1, PageToken: page.NextPageToken})
	wantCode(t, err, codes.InvalidArgument, "page_token")
}

func TestInjectionChangesNothing(t *testing.T) {
	r := newRegistry(t)
	e := r.e
	ctx := context.Background()
	before := e.count()
	for _, f := range []string{
		`given_name = "x' OR 1=1 --"`,
		`given_name = "a\") OR (1=1"`,
		`given_name = "'; DROP TABLE people; --"`,
		`display_name = "%"`,
		`display_name = "_*"`,
	} {
		resp, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: f})
		if err != nil {
			t.Errorf("%q: %v", f, err)
			continue
		}
		if len(resp.People) != 0 {
			t.Errorf("%q matched %d people", f, len(resp.People))
		}
	}
	for _, o := range []string{"given_name; DROP TABLE people", "p.pk", "(SELECT 1)", "given_name desc, --"} {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: o})
		wantCode(t, err, codes.InvalidArgument, "order_by")
	}
	_, err := e.client.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: `anh" OR "1`})
	if err != nil {
		t.Errorf("search with quotes: %v", err)
	}
	if after := e.count(); after != before {
		t.Errorf("%d people, was %d", after, before)
	}
}

func TestSearchPeople(t *testing.T) {
	r := newRegistry(t)
	e := r.e
	ctx := context.Background()
	search := func(q, filter string) []*pb.Person {
		t.Helper()
		resp, err := e.client.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: q, Filter: filter})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return resp.People
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"nguyen", r.names("anh", "ánh")},
		{"NGUYỄN", r.names("anh", "ánh")},
		{"anh", r.names("anh", "ánh", "anh2")},
		{"dao", r.names("đào")},
		{"Đào", r.names("đào")},
		{"dang thi dao", r.names("đào")},
		{"ĐẶNG THỊ ĐÀO", r.names("đào")},
		{"ruol", r.names("rươl")},
		{"sa rươl", r.names("rươl")},
		// Field 502 is "Kinh tế và kinh doanh": the field names are indexed too.
		{"kinh te", r.names("anh", "ánh", "đào", "anh2")},
		// Đạt studied at a university and works in Kiên Giang.
		{"dai hoc kien giang", r.names("anh", "đạt", "anh2")},
		{"kyoto", r.names("rươl")},
		{"nguy", r.names("anh", "ánh")},
		{"zzz", nil},
	} {
		if got := namesOf(search(tt.query, "")); !slices.Equal(got, tt.want) {
			t.Errorf("%q found %v, want %v", tt.query, got, tt.want)
		}
	}

	// Typed with diacritics, the exact match comes first.
	if got := search("Ánh", ""); len(got) != 3 || got[0].Name != r.people["ánh"].Name {
		t.Errorf("Ánh ranked %v first", got[0].DisplayName)
	}
	if got := search("Anh", ""); got[len(got)-1].Name != r.people["ánh"].Name {
		t.Errorf("Anh ranked Ánh above an exact Anh: %v", namesOf(got))
	}
	// Matches in the name rank above matches elsewhere.
	if got := search("kinh", ""); got[0].Name == "" {
		t.Error("no result")
	}
	if got := namesOf(search("anh", `gender = MALE AND birth_date.year < 1975`)); !slices.Equal(got, r.names("anh2")) {
		t.Errorf("search with a filter: %v", got)
	}

	// REST, paged.
	code, body := e.rest("GET", "/v1/people:search?query="+url.QueryEscape("nguyễn")+"&pageSize=1", nil)
	if code != http.StatusOK || body["totalSize"] != float64(2) || body["nextPageToken"] == "" {
		t.Fatalf("REST search: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/people:search?query="+url.QueryEscape("nguyễn")+"&pageSize=1&pageToken="+url.QueryEscape(body["nextPageToken"].(string)), nil)
	if code != http.StatusOK || len(body["people"].([]any)) != 1 || body["nextPageToken"] != nil {
		t.Fatalf("REST search, page 2: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/people:search?query=", nil)
	wantREST(t, code, body, http.StatusBadRequest, "query")
	code, body = e.rest("GET", "/v1/people:search?query=%2C%2C", nil)
	wantREST(t, code, body, http.StatusBadRequest, "query")

	// The index follows every write.
	p := r.people["hà"]
	if got := namesOf(search("lê thị hà", "")); !slices.Equal(got, r.names("hà")) {
		t.Fatalf("the name is not found: %v", got)
	}
	if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, FamilyName: "Quách", GivenName: "Hằng"},
		UpdateMask: mask("family_name", "given_name", "display_name")}); err != nil {
		t.Fatal(err)
	}
	if got := search("lê thị hà", ""); len(got) != 0 {
		t.Errorf("the old name is still found")
	}
	if got := namesOf(search("quach hang", "")); !slices.Equal(got, r.names("hà")) {
		t.Errorf("the new name is not found: %v", got)
	}
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name}); err != nil {
		t.Fatal(err)
	}
	if got := search("quach hang", ""); len(got) != 0 {
		t.Errorf("a deleted person is found")
	}
	if _, err := e.client.People.UndeletePerson(ctx, &pb.UndeletePersonRequest{Name: p.Name}); err != nil {
		t.Fatal(err)
	}
	if got := search("quach hang", ""); len(got) != 1 {
		t.Errorf("an undeleted person is not found")
	}
	q := e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Ngôn ngữ học", Year: 2022})
	if got := search("ngon ngu", ""); len(got) != 1 {
		t.Errorf("a new major is not found")
	}
	if _, err := e.client.People.DeleteQualification(ctx, &pb.DeleteQualificationRequest{Name: q.Name}); err != nil {
		t.Fatal(err)
	}
	if got := search("ngon ngu", ""); len(got) != 0 {
		t.Errorf("a deleted major is still found")
	}
	if _, err := e.client.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: "organizations/so-noi-vu", DisplayName: "Sở Nội vụ tỉnh An Giang"}, UpdateMask: mask("display_name")}); err != nil {
		t.Fatal(err)
	}
	if got := namesOf(search("noi vu an giang", "")); !slices.Equal(got, r.names("đào", "anh2")) {
		t.Errorf("a renamed workplace: %v", got)
	}
}
