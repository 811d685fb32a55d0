package server

import (
	"context"
	"net/http"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

func (e *env) person(p *pb.Person) *pb.Person {
	e.t.Helper()
	out, err := e.client.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: p})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) get(name string, view pb.PersonView) *pb.Person {
	e.t.Helper()
	p, err := e.client.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: name, View: view})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) qualification(parent string, q *pb.Qualification) *pb.Qualification {
	e.t.Helper()
	out, err := e.client.People.CreateQualification(context.Background(), &pb.CreateQualificationRequest{Parent: parent, Qualification: q})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestOrganizations(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	orgs := e.client.Organizations

	sở, err := orgs.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-giao-duc",
		Organization: &pb.Organization{DisplayName: "Sở Giáo dục và Đào tạo", Kind: pb.Organization_STATE_AGENCY, Sector: "P", AdministrativeUnit: "30742"}})
	if err != nil {
		t.Fatal(err)
	}
	if sở.Name != "organizations/so-giao-duc" || sở.Country != "VN" || sở.Etag == "" {
		t.Errorf("created %v", sở)
	}
	code, body := e.rest("POST", "/v1/organizations?organizationId=thpt-chuyen", map[string]any{
		"displayName": "Trường THPT chuyên Huỳnh Mẫn Đạt", "kind": "SCHOOL", "parent": sở.Name,
	})
	if code != http.StatusOK || body["parent"] != sở.Name {
		t.Fatalf("REST create: HTTP %d %v", code, body)
	}
	// No cycles, no self-parent, no parent that does not exist.
	_, err = orgs.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{Organization: &pb.Organization{Name: sở.Name, Parent: "organizations/thpt-chuyen"}, UpdateMask: mask("parent")})
	wantCode(t, err, codes.InvalidArgument, "organization.parent")
	_, err = orgs.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{Organization: &pb.Organization{Name: sở.Name, Parent: sở.Name}, UpdateMask: mask("parent")})
	wantCode(t, err, codes.InvalidArgument, "organization.parent")
	_, err = orgs.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "X", Parent: "organizations/none"}})
	wantCode(t, err, codes.InvalidArgument, "organization.parent")
	_, err = orgs.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{Kind: pb.Organization_HOSPITAL}})
	wantCode(t, err, codes.InvalidArgument, "organization.display_name")

	code, body = e.rest("PATCH", "/v1/"+sở.Name, map[string]any{"shortName": "Sở GD&ĐT", "etag": sở.Etag})
	if code != http.StatusOK || body["shortName"] != "Sở GD&ĐT" || body["displayName"] != sở.DisplayName {
		t.Fatalf("REST patch: HTTP %d %v", code, body)
	}
	code, body = e.rest("PATCH", "/v1/"+sở.Name, map[string]any{"shortName": "x", "etag": sở.Etag})
	wantREST(t, code, body, http.StatusConflict)

	list, err := orgs.ListOrganizations(ctx, &pb.ListOrganizationsRequest{OrderBy: "display_name"})
	if err != nil || len(list.Organizations) != 2 || list.Organizations[0].DisplayName != "Sở Giáo dục và Đào tạo" {
		t.Fatalf("list: %v %v", list, err)
	}
	if _, err := orgs.DeleteOrganization(ctx, &pb.DeleteOrganizationRequest{Name: "organizations/thpt-chuyen"}); err != nil {
		t.Fatal(err)
	}
	list, _ = orgs.ListOrganizations(ctx, &pb.ListOrganizationsRequest{})
	if len(list.Organizations) != 1 {
		t.Errorf("a deleted organization is listed")
	}
	code, _ = e.rest("POST", "/v1/organizations/thpt-chuyen:undelete", map[string]any{})
	if code != http.StatusOK {
		t.Errorf("undelete: HTTP %d", code)
	}
	_, err = orgs.UndeleteOrganization(ctx, &pb.UndeleteOrganizationRequest{Name: "organizations/thpt-chuyen"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = orgs.GetOrganization(ctx, &pb.GetOrganizationRequest{Name: "organizations/none"})
	wantCode(t, err, codes.NotFound)
}

func TestDerivedHighestLevelAndTitle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.person(anh())
	if p.HighestQualificationLevel != "" || p.AcademicTitle != nil {
		t.Fatalf("a new person has derived fields: %v", p)
	}

	bachelor := e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Kinh tế", Year: 2007, Country: "VN"})
	if got := e.get(p.Name, 0).HighestQualificationLevel; got != "DAI_HOC" {
		t.Errorf("after a bachelor's: %q", got)
	}
	doctorate := e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Kinh tế nông nghiệp", Year: 2016, Country: "JP"})
	e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Year: 2011})
	after := e.get(p.Name, 0)
	if after.HighestQualificationLevel != "TIEN_SI" {
		t.Errorf("adding a doctorate gave highest %q", after.HighestQualificationLevel)
	}
	if after.Etag == p.Etag {
		t.Error("the person's etag did not change with their highest level")
	}
	e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "PHO_GIAO_SU", Year: 2018})
	e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "GIAO_SU", Year: 2024})
	if got := e.get(p.Name, 0).AcademicTitle; got.GetTitle() != "GIAO_SU" || got.GetYear() != 2024 {
		t.Errorf("academic title %v, want GIAO_SU 2024", got)
	}

	// A doctorate found wrong no longer counts; deleting the master's
	// leaves the bachelor's.
	if _, err := e.client.People.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: doctorate.Name, State: pb.Verification_REJECTED, Note: "không có trong sổ gốc"}); err != nil {
		t.Fatal(err)
	}
	if got := e.get(p.Name, 0).HighestQualificationLevel; got != "THAC_SI" {
		t.Errorf("after rejecting the doctorate: %q", got)
	}
	full := e.get(p.Name, pb.PersonView_PERSON_VIEW_FULL)
	for _, q := range full.Qualifications {
		if q.Level == "THAC_SI" {
			if _, err := e.client.People.DeleteQualification(ctx, &pb.DeleteQualificationRequest{Name: q.Name, Etag: q.Etag}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := e.get(p.Name, 0).HighestQualificationLevel; got != "DAI_HOC" {
		t.Errorf("after deleting the master's: %q", got)
	}
	if _, err := e.client.People.DeleteQualification(ctx, &pb.DeleteQualificationRequest{Name: bachelor.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.DeleteQualification(ctx, &pb.DeleteQualificationRequest{Name: doctorate.Name}); err != nil {
		t.Fatal(err)
	}
	if got := e.get(p.Name, 0).HighestQualificationLevel; got != "" {
		t.Errorf("with no degree left: %q", got)
	}
}

func TestVerifyQualification(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.person(anh())
	q := e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Quản trị kinh doanh", Year: 2012, DocumentNumber: "A0123456"})
	if q.Verification.GetState() != pb.Verification_UNVERIFIED {
		t.Fatalf("a new qualification is %v", q.Verification)
	}
	// Clients cannot verify by writing the field: it is output only, and
	// so ignored, in the mask too (AIP-203).
	got, err := e.client.People.UpdateQualification(ctx, &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: q.Name, Verification: &pb.Verification{State: pb.Verification_VERIFIED}}, UpdateMask: mask("verification")})
	if err != nil || got.Verification.GetState() != pb.Verification_UNVERIFIED {
		t.Fatalf("an update of the verification: %v %v", got.GetVerification(), err)
	}

	code, body := e.rest("POST", "/v1/"+q.Name+":verify", map[string]any{"state": "VERIFIED", "note": "đối chiếu bản gốc", "etag": q.Etag})
	if code != http.StatusOK {
		t.Fatalf("verify: HTTP %d %v", code, body)
	}
	v, _ := body["verification"].(map[string]any)
	if v["state"] != "VERIFIED" || v["verifier"] == "" || v["verifyTime"] == nil || v["note"] != "đối chiếu bản gốc" {
		t.Errorf("verification %v", v)
	}
	// The stale etag is named as the request names it.
	_, err = e.client.People.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: q.Name, State: pb.Verification_VERIFIED, Etag: q.Etag})
	wantCode(t, err, codes.Aborted, "etag")
	_, err = e.client.People.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: q.Name, State: pb.Verification_UNVERIFIED})
	wantCode(t, err, codes.InvalidArgument, "state")

	// Changing nothing it vouched for keeps it; changing the major does not.
	got, err = e.client.People.UpdateQualification(ctx, &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: q.Name, Major: "Quản trị kinh doanh"}, UpdateMask: mask("major")})
	if err != nil || got.Verification.GetState() != pb.Verification_VERIFIED {
		t.Fatalf("a no-op update: %v %v", got.GetVerification(), err)
	}
	got, err = e.client.People.UpdateQualification(ctx, &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: q.Name, Major: "Tài chính ngân hàng"}, UpdateMask: mask("major")})
	if err != nil || got.Verification.GetState() != pb.Verification_UNVERIFIED || got.Major != "Tài chính ngân hàng" {
		t.Fatalf("a changed major: %v %v", got, err)
	}
}

func TestPositionsAndCurrentWorkplace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	uni, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{
		Organization: &pb.Organization{DisplayName: "Trường Đại học Kiên Giang", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.person(anh())

	lecturer, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
		Organization: uni.Name, Title: "Giảng viên chính", Department: "Khoa Kinh tế", EmploymentType: pb.Position_PUBLIC_EMPLOYEE,
		Start: &date.Date{Year: 2016, Month: 9}, Current: true}})
	if err != nil {
		t.Fatal(err)
	}
	if lecturer.OrganizationName != uni.DisplayName {
		t.Errorf("organization_name %q, want the registry's %q", lecturer.OrganizationName, uni.DisplayName)
	}
	// A position held in 2009 in Giồng Riềng, before the 2025 merger.
	old, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
		OrganizationName: "Phòng Nông nghiệp huyện Giồng Riềng", AdministrativeUnit: "906", Title: "Chuyên viên",
		Start: &date.Date{Year: 2008, Month: 3}, End: &date.Date{Year: 2016, Month: 8}, EmploymentType: pb.Position_CIVIL_SERVANT}})
	if err != nil {
		t.Fatal(err)
	}
	if old.Current {
		t.Error("an ended position is current")
	}
	got := e.get(p.Name, 0)
	if len(got.CurrentPositions) != 1 || got.CurrentPositions[0].Name != lecturer.Name {
		t.Fatalf("current positions %v", got.CurrentPositions)
	}

	// Ending the position removes it from the current ones.
	code, body := e.rest("PATCH", "/v1/"+lecturer.Name, map[string]any{"end": map[string]any{"year": 2025, "month": 6}})
	if code != http.StatusOK || body["current"] == true {
		t.Fatalf("ending: HTTP %d %v", code, body)
	}
	if got := e.get(p.Name, 0); len(got.CurrentPositions) != 0 {
		t.Errorf("an ended position is still current: %v", got.CurrentPositions)
	}

	abroad, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
		OrganizationName: "Kyoto University", Country: "JP", Title: "Nghiên cứu viên", EmploymentType: pb.Position_CONTRACT,
		Start: &date.Date{Year: 2025, Month: 7}, Current: true}})
	if err != nil {
		t.Fatal(err)
	}
	full := e.get(p.Name, pb.PersonView_PERSON_VIEW_FULL)
	if len(full.Positions) != 3 || len(full.CurrentPositions) != 1 || full.CurrentPositions[0].Name != abroad.Name {
		t.Errorf("full view: %d positions, current %v", len(full.Positions), full.CurrentPositions)
	}

	for _, tt := range []struct {
		name  string
		pos   *pb.Position
		field string
	}{
		{"NoWorkplace", &pb.Position{Title: "X"}, "position.organization"},
		{"UnknownOrganization", &pb.Position{Organization: "organizations/none"}, "position.organization"},
		{"EndBeforeStart", &pb.Position{OrganizationName: "X", Start: &date.Date{Year: 2020, Month: 5}, End: &date.Date{Year: 2019}}, "position.end"},
		{"FutureStart", &pb.Position{OrganizationName: "X", Start: &date.Date{Year: 2090}}, "position.start"},
		{"BadMonth", &pb.Position{OrganizationName: "X", Start: &date.Date{Year: 2010, Month: 13}}, "position.start.month"},
		{"BeforeBirth", &pb.Position{OrganizationName: "X", Start: &date.Date{Year: 1980}}, "position.start"},
		{"ControlCharacter", &pb.Position{OrganizationName: "X\x00Y"}, "position.organization_name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: tt.pos})
			wantCode(t, err, codes.InvalidArgument, tt.field)
		})
	}
	if n := len(e.get(p.Name, pb.PersonView_PERSON_VIEW_FULL).Positions); n != 3 {
		t.Errorf("rejected positions were stored: %d", n)
	}
}

func TestQualificationValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.person(anh()) // born 1985
	for _, tt := range []struct {
		name   string
		q      *pb.Qualification
		fields []string
	}{
		{"ErrKindRequired", &pb.Qualification{Level: "DAI_HOC"}, []string{"qualification.kind"}},
		{"ErrDegreeLevelRequired", &pb.Qualification{Kind: pb.Qualification_DEGREE}, []string{"qualification.level"}},
		{"ErrTitleLevelRequired", &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE}, []string{"qualification.level"}},
		{"ErrPoliticalTheoryLevel", &pb.Qualification{Kind: pb.Qualification_POLITICAL_THEORY, Level: "THAC_SI"}, []string{"qualification.level"}},
		{"ErrLanguageRequired", &pb.Qualification{Kind: pb.Qualification_FOREIGN_LANGUAGE, Level: "B2"}, []string{"qualification.language"}},
		{"ErrLanguageOnDegree", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Language: "en"}, []string{"qualification.language"}},
		{"ErrLanguageCode", &pb.Qualification{Kind: pb.Qualification_FOREIGN_LANGUAGE, Level: "B2", Language: "English"}, []string{"qualification.language"}},
		{"ErrYearFuture", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Year: 2100}, []string{"qualification.year"}},
		{"ErrYearBeforeHolderCould", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Year: 1990}, []string{"qualification.year"}},
		{"ErrCountry", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Country: "Nhật"}, []string{"qualification.country"}},
		{"ErrMajorTooLong", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: string(make([]byte, 201))}, []string{"qualification.major"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: tt.q})
			wantCode(t, err, codes.InvalidArgument, tt.fields...)
		})
	}
	if got := e.get(p.Name, pb.PersonView_PERSON_VIEW_FULL); len(got.Qualifications) != 0 {
		t.Errorf("rejected qualifications were stored: %v", got.Qualifications)
	}

	ok := &pb.Qualification{Kind: pb.Qualification_FOREIGN_LANGUAGE, Level: "BAC_4", Language: "en", Year: 2015}
	req := &pb.CreateQualificationRequest{Parent: p.Name, Qualification: ok, RequestId: "lang-1"}
	first, err := e.client.People.CreateQualification(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.People.CreateQualification(ctx, req)
	if err != nil || !proto.Equal(first, again) {
		t.Fatalf("repeated request: %v %v", again, err)
	}
	_, err = e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: ok, QualificationId: first.Name[len(first.Name)-16:]})
	wantCode(t, err, codes.AlreadyExists, "qualification_id")
	_, err = e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: "people/nobody", Qualification: ok})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.GetQualification(ctx, &pb.GetQualificationRequest{Name: p.Name + "/qualifications/none"})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.GetQualification(ctx, &pb.GetQualificationRequest{Name: "qualifications/x"})
	wantCode(t, err, codes.InvalidArgument, "name")
	_, err = e.client.People.UpdateQualification(ctx, &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: first.Name, Year: 1970}, UpdateMask: mask("year")})
	wantCode(t, err, codes.InvalidArgument, "qualification.year")
	_, err = e.client.People.UpdateQualification(ctx, &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: first.Name, Year: 2016, Etag: "stale"}, UpdateMask: mask("year")})
	wantCode(t, err, codes.Aborted)

	// Nothing can be added under a deleted person.
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: ok})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.DeleteQualification(ctx, &pb.DeleteQualificationRequest{Name: first.Name})
	wantCode(t, err, codes.NotFound)
}

func TestHonorsAndListingAcrossPeople(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.person(anh())
	b := e.person(&pb.Person{FamilyName: "Thạch", GivenName: "Sa Rươl", Ethnicity: "05"})
	for _, p := range []*pb.Person{a, b} {
		_, err := e.client.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: p.Name, Honor: &pb.Honor{
			Title: "Trí thức tiêu biểu tỉnh năm 2025", Kind: pb.Honor_PROVINCIAL_HONOR, Year: 2025, Issuer: "UBND tỉnh An Giang"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.client.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: a.Name, Honor: &pb.Honor{Kind: pb.Honor_AWARD}})
	wantCode(t, err, codes.InvalidArgument, "honor.title")
	_, err = e.client.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: a.Name, Honor: &pb.Honor{Title: "X", Year: 1970}})
	wantCode(t, err, codes.InvalidArgument, "honor.year")

	code, body := e.rest("GET", "/v1/people/-/honors?pageSize=1", nil)
	if code != http.StatusOK || body["totalSize"] != float64(2) || body["nextPageToken"] == "" {
		t.Fatalf("people/-/honors: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/"+b.Name+"/honors", nil)
	hs, _ := body["honors"].([]any)
	if code != http.StatusOK || len(hs) != 1 {
		t.Fatalf("one person's honours: HTTP %d %v", code, body)
	}
	h := hs[0].(map[string]any)
	code, body = e.rest("PATCH", "/v1/"+h["name"].(string), map[string]any{"decisionNumber": "1234/QĐ-UBND"})
	if code != http.StatusOK || body["decisionNumber"] != "1234/QĐ-UBND" || body["title"] != h["title"] {
		t.Fatalf("patch honour: HTTP %d %v", code, body)
	}
	code, _ = e.rest("DELETE", "/v1/"+h["name"].(string), nil)
	if code != http.StatusOK {
		t.Errorf("delete honour: HTTP %d", code)
	}
	code, body = e.rest("GET", "/v1/"+h["name"].(string), nil)
	wantREST(t, code, body, http.StatusNotFound)
	code, body = e.rest("GET", "/v1/people/nobody/honors", nil)
	wantREST(t, code, body, http.StatusNotFound)
}

func TestFieldsOfExpertiseAndWorkLocation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := anh()
	p.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-502"}}
	p.ExpertRoles = []pb.Person_ExpertRole{pb.Person_CRITIQUE, pb.Person_CONSULTING}
	p.WorkLocation, p.WorkCountry = pb.Person_ABROAD, "JP"
	got := e.person(p)
	if len(got.Fields) != 1 || !got.Fields[0].Primary || got.Fields[0].Code != "502" {
		t.Errorf("a single field: %v", got.Fields)
	}
	if len(got.ExpertRoles) != 2 || got.WorkCountry != "JP" {
		t.Errorf("roles %v, work country %q", got.ExpertRoles, got.WorkCountry)
	}

	for _, tt := range []struct {
		name  string
		edit  func(*pb.Person)
		field string
	}{
		{"TwoPrimaries", func(p *pb.Person) {
			p.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-502", Primary: true}, {Field: "fields/vn2008-101", Primary: true}}
		}, "person.fields"},
		{"NoPrimary", func(p *pb.Person) {
			p.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-502"}, {Field: "fields/vn2008-101"}}
		}, "person.fields"},
		{"Twice", func(p *pb.Person) {
			p.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-502", Primary: true}, {Field: "fields/vn2008-502"}}
		}, "person.fields[1].field"},
		{"AbroadWithoutCountry", func(p *pb.Person) { p.WorkLocation, p.WorkCountry = pb.Person_ABROAD, "" }, "person.work_country"},
		{"CountryWithoutAbroad", func(p *pb.Person) { p.WorkLocation, p.WorkCountry = pb.Person_IN_PROVINCE, "JP" }, "person.work_country"},
		{"RoleUnspecified", func(p *pb.Person) { p.ExpertRoles = []pb.Person_ExpertRole{0} }, "person.expert_roles[0]"},
		{"RoleTwice", func(p *pb.Person) { p.ExpertRoles = []pb.Person_ExpertRole{1, 1} }, "person.expert_roles"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := anh()
			p.NationalId = ""
			tt.edit(p)
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: p})
			wantCode(t, err, codes.InvalidArgument, tt.field)
		})
	}

	upd, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: got.Name,
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-502"}, {Field: "fields/vn2008-101", Primary: true}}}, UpdateMask: mask("fields")})
	if err != nil {
		t.Fatal(err)
	}
	if len(upd.Fields) != 2 || upd.Fields[1].Primary != true || upd.Fields[0].Primary || len(upd.ExpertRoles) != 2 {
		t.Errorf("after updating fields: %v roles %v", upd.Fields, upd.ExpertRoles)
	}
}

func TestCodesMustExistInTheReferenceData(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.person(anh())
	for _, tt := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"Ethnicity", func() error {
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "X", Ethnicity: "99"}})
			return err
		}, "person.ethnicity"},
		{"Hometown", func() error {
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "X", Hometown: "12345"}})
			return err
		}, "person.hometown"},
		{"Field", func() error {
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "X", Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-999"}}}})
			return err
		}, "person.fields[0].field"},
		{"WorkCountry", func() error {
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "X", WorkLocation: pb.Person_ABROAD, WorkCountry: "XX"}})
			return err
		}, "person.work_country"},
		{"DegreeLevel", func() error {
			_, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "BAC_SI"}})
			return err
		}, "qualification.level"},
		{"TitleLevel", func() error {
			_, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "VIEN_SI"}})
			return err
		}, "qualification.level"},
		{"QualificationField", func() error {
			_, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Field: "fields/vn2025-502"}})
			return err
		}, "qualification.field"},
		// Giồng Riềng was a district until 30 June 2025: a position there
		// that begins in 2026 is refused, one from 2019 is not (below).
		{"UnitNotValidOnTheStartDate", func() error {
			_, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{OrganizationName: "X", AdministrativeUnit: "906", Start: &date.Date{Year: 2026, Month: 1}}})
			return err
		}, "position.administrative_unit"},
		// Phường Rạch Giá exists from 1 July 2025 only.
		{"UnitNotYetValid", func() error {
			_, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{OrganizationName: "X", AdministrativeUnit: "30742", Start: &date.Date{Year: 2019, Month: 6}}})
			return err
		}, "position.administrative_unit"},
		{"OrganizationUnit", func() error {
			_, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "X", AdministrativeUnit: "99999"}})
			return err
		}, "organization.administrative_unit"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			wantCode(t, err, codes.InvalidArgument, tt.field)
		})
	}
	if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
		OrganizationName: "Trường THPT Giồng Riềng", AdministrativeUnit: "906", Start: &date.Date{Year: 2019, Month: 6}, End: &date.Date{Year: 2024, Month: 6}}}); err != nil {
		t.Errorf("a position held in 2019 in Giồng Riềng: %v", err)
	}
}
