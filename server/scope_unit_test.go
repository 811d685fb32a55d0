package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// unitFixture is the Department of Health (so-y-te) with a hospital under
// it, the Department of Education beside it, people who work at each, and
// keys limited to the Department of Health: a registrar's and home
// affairs'.
type unitFixture struct {
	e                 *env
	ctx               context.Context
	health, hospital  *pb.Organization
	education         *pb.Organization
	inside, outside   *pb.Person // at the hospital; at education
	leaver            *pb.Person // at the department, until their position ends
	leaverPos         *pb.Position
	reg, ha           *client.Client
	regTok, haTok     string
	insideExtra       int // people besides inside and leaver in the unit
	outsideExtra      int
	outsideMarks      []string
	insideQ, outsideQ *pb.Qualification
	insideW, outsideW *pb.Work
	insideH, outsideH *pb.Honor
	insideP, outsideP *pb.Position
	seq               int
}

func (f *unitFixture) org(id, name, parent string) *pb.Organization {
	f.e.t.Helper()
	o, err := f.e.client.Organizations.CreateOrganization(f.ctx, &pb.CreateOrganizationRequest{OrganizationId: id,
		Organization: &pb.Organization{DisplayName: name, Parent: parent}})
	if err != nil {
		f.e.t.Fatal(err)
	}
	return o
}

// worker registers someone working at org since 2015.
func (f *unitFixture) worker(org *pb.Organization, given string) (*pb.Person, *pb.Position) {
	f.e.t.Helper()
	f.seq++
	p := f.e.person(&pb.Person{FamilyName: "Trần", GivenName: given, Gender: pb.Person_FEMALE,
		NationalId: fmt.Sprintf("0911850%05d", f.seq), BirthDate: &date.Date{Year: 1980, Month: 1, Day: 1}})
	pos := f.e.position(p.Name, &pb.Position{Organization: org.Name, Title: "Bác sĩ", Start: &date.Date{Year: 2015, Month: 1, Day: 1}, Current: true})
	return p, pos
}

func newUnitFixture(t *testing.T) *unitFixture {
	e := newEnv(t)
	f := &unitFixture{e: e, ctx: context.Background()}
	f.health = f.org("so-y-te", "Sở Y tế", "")
	f.hospital = f.org("bv-da-khoa", "Bệnh viện Đa khoa tỉnh", f.health.Name)
	f.education = f.org("so-gd", "Sở Giáo dục và Đào tạo", "")
	f.inside, f.insideP = f.worker(f.hospital, "Trong")
	f.outside, f.outsideP = f.worker(f.education, "Ngoài")
	f.leaver, f.leaverPos = f.worker(f.health, "Rời")
	for i := 0; i < 2; i++ {
		f.worker(f.hospital, fmt.Sprintf("Khoa%d", i))
		f.insideExtra++
	}
	for i := 0; i < 4; i++ {
		f.worker(f.education, fmt.Sprintf("Giáo%d", i))
		f.outsideExtra++
	}
	f.outsideMarks = []string{strings.TrimPrefix(f.outside.Name, "people/"), "Ngoài", "Giáo"}
	for _, p := range []struct {
		person string
		q      **pb.Qualification
		w      **pb.Work
		h      **pb.Honor
	}{{f.inside.Name, &f.insideQ, &f.insideW, &f.insideH}, {f.outside.Name, &f.outsideQ, &f.outsideW, &f.outsideH}} {
		*p.q = e.qualification(p.person, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Y học", Year: 2010})
		w, err := e.client.People.CreateWork(f.ctx, &pb.CreateWorkRequest{Parent: p.person, Work: &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Bài báo", Year: 2020}})
		if err != nil {
			t.Fatal(err)
		}
		*p.w = w
		h, err := e.client.People.CreateHonor(f.ctx, &pb.CreateHonorRequest{Parent: p.person, Honor: &pb.Honor{Title: "Bằng khen", Kind: pb.Honor_CERTIFICATE_OF_MERIT, Year: 2021}})
		if err != nil {
			t.Fatal(err)
		}
		*p.h = h
	}
	var err error
	_, f.regTok, err = e.db.CreateScopedKey(f.ctx, "Sở Y tế, tổ chức cán bộ", RoleRegistrar, f.health.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	_, f.haTok, err = e.db.CreateScopedKey(f.ctx, "Sở Y tế, thống kê", RoleHomeAffairs, f.health.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	f.reg, f.ha = e.clientAs(f.regTok), e.clientAs(f.haTok)
	e.setThreshold(3)
	return f
}

// noLeak fails when text holds anything of the people outside the unit.
func (f *unitFixture) noLeak(t *testing.T, where, text string) {
	t.Helper()
	for _, m := range f.outsideMarks {
		if strings.Contains(text, m) {
			t.Errorf("%s: the answer holds %q of someone outside the unit:\n%.600s", where, m, text)
		}
	}
}

// unitCall is one method called by the unit's registrar on a person: each
// returns the call's error.
type unitCall struct {
	method string
	call   func(f *unitFixture, person string) error
}

func (f *unitFixture) child(person, kind string) string {
	switch {
	case person == f.inside.Name:
		return map[string]string{"q": f.insideQ.Name, "w": f.insideW.Name, "h": f.insideH.Name, "p": f.insideP.Name}[kind]
	default:
		return map[string]string{"q": f.outsideQ.Name, "w": f.outsideW.Name, "h": f.outsideH.Name, "p": f.outsideP.Name}[kind]
	}
}

var unitCalls = []unitCall{
	{"GetPerson", func(f *unitFixture, p string) error {
		_, err := f.reg.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: p, View: pb.PersonView_PERSON_VIEW_FULL})
		return err
	}},
	{"UpdatePerson", func(f *unitFixture, p string) error {
		_, err := f.reg.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p, Email: "moi@example.vn"}, UpdateMask: mask("email")})
		return err
	}},
	{"BatchGetPeople", func(f *unitFixture, p string) error {
		_, err := f.reg.People.BatchGetPeople(f.ctx, &pb.BatchGetPeopleRequest{Names: []string{f.inside.Name, p}})
		return err
	}},
	{"ListPersonRevisions", func(f *unitFixture, p string) error {
		_, err := f.reg.Privacy.ListPersonRevisions(f.ctx, &pb.ListPersonRevisionsRequest{Parent: p})
		return err
	}},
	{"CreateQualification", func(f *unitFixture, p string) error {
		_, err := f.reg.People.CreateQualification(f.ctx, &pb.CreateQualificationRequest{Parent: p,
			Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Y đa khoa", Year: 2003}})
		return err
	}},
	{"GetQualification", func(f *unitFixture, p string) error {
		_, err := f.reg.People.GetQualification(f.ctx, &pb.GetQualificationRequest{Name: f.child(p, "q")})
		return err
	}},
	{"ListQualifications", func(f *unitFixture, p string) error {
		_, err := f.reg.People.ListQualifications(f.ctx, &pb.ListQualificationsRequest{Parent: p})
		return err
	}},
	{"UpdateQualification", func(f *unitFixture, p string) error {
		_, err := f.reg.People.UpdateQualification(f.ctx, &pb.UpdateQualificationRequest{
			Qualification: &pb.Qualification{Name: f.child(p, "q"), Major: "Y học dự phòng"}, UpdateMask: mask("major")})
		return err
	}},
	{"CreatePosition", func(f *unitFixture, p string) error {
		_, err := f.reg.People.CreatePosition(f.ctx, &pb.CreatePositionRequest{Parent: p,
			Position: &pb.Position{OrganizationName: "Phòng khám tư", Title: "Bác sĩ", Start: &date.Date{Year: 2018}}})
		return err
	}},
	{"GetPosition", func(f *unitFixture, p string) error {
		_, err := f.reg.People.GetPosition(f.ctx, &pb.GetPositionRequest{Name: f.child(p, "p")})
		return err
	}},
	{"ListPositions", func(f *unitFixture, p string) error {
		_, err := f.reg.People.ListPositions(f.ctx, &pb.ListPositionsRequest{Parent: p})
		return err
	}},
	{"UpdatePosition", func(f *unitFixture, p string) error {
		_, err := f.reg.People.UpdatePosition(f.ctx, &pb.UpdatePositionRequest{
			Position: &pb.Position{Name: f.child(p, "p"), Department: "Khoa Nội"}, UpdateMask: mask("department")})
		return err
	}},
	{"CreateHonor", func(f *unitFixture, p string) error {
		_, err := f.reg.People.CreateHonor(f.ctx, &pb.CreateHonorRequest{Parent: p,
			Honor: &pb.Honor{Title: "Chiến sĩ thi đua", Kind: pb.Honor_PROVINCIAL_HONOR, Year: 2022}})
		return err
	}},
	{"GetHonor", func(f *unitFixture, p string) error {
		_, err := f.reg.People.GetHonor(f.ctx, &pb.GetHonorRequest{Name: f.child(p, "h")})
		return err
	}},
	{"ListHonors", func(f *unitFixture, p string) error {
		_, err := f.reg.People.ListHonors(f.ctx, &pb.ListHonorsRequest{Parent: p})
		return err
	}},
	{"UpdateHonor", func(f *unitFixture, p string) error {
		_, err := f.reg.People.UpdateHonor(f.ctx, &pb.UpdateHonorRequest{
			Honor: &pb.Honor{Name: f.child(p, "h"), Issuer: "UBND tỉnh"}, UpdateMask: mask("issuer")})
		return err
	}},
	{"CreateWork", func(f *unitFixture, p string) error {
		_, err := f.reg.People.CreateWork(f.ctx, &pb.CreateWorkRequest{Parent: p, Work: &pb.Work{Kind: pb.Work_TASK, Title: "Đề tài", Year: 2023}})
		return err
	}},
	{"GetWork", func(f *unitFixture, p string) error {
		_, err := f.reg.People.GetWork(f.ctx, &pb.GetWorkRequest{Name: f.child(p, "w")})
		return err
	}},
	{"ListWorks", func(f *unitFixture, p string) error {
		_, err := f.reg.People.ListWorks(f.ctx, &pb.ListWorksRequest{Parent: p})
		return err
	}},
	{"UpdateWork", func(f *unitFixture, p string) error {
		_, err := f.reg.People.UpdateWork(f.ctx, &pb.UpdateWorkRequest{
			Work: &pb.Work{Name: f.child(p, "w"), Venue: "Tạp chí Y học"}, UpdateMask: mask("venue")})
		return err
	}},
	// Deletes last: they take away what the calls above read.
	{"DeleteQualification", func(f *unitFixture, p string) error {
		_, err := f.reg.People.DeleteQualification(f.ctx, &pb.DeleteQualificationRequest{Name: f.child(p, "q")})
		return err
	}},
	{"DeleteHonor", func(f *unitFixture, p string) error {
		_, err := f.reg.People.DeleteHonor(f.ctx, &pb.DeleteHonorRequest{Name: f.child(p, "h")})
		return err
	}},
	{"DeleteWork", func(f *unitFixture, p string) error {
		_, err := f.reg.People.DeleteWork(f.ctx, &pb.DeleteWorkRequest{Name: f.child(p, "w")})
		return err
	}},
}

// A unit's registrar reads and keeps the people of its unit, and of the
// organizations under it, by every method on a person; on anyone else
// every one of them is PERMISSION_DENIED and changes nothing.
func TestUnitScopeOverGRPC(t *testing.T) {
	f := newUnitFixture(t)
	before := f.e.get(f.outside.Name, pb.PersonView_PERSON_VIEW_FULL)
	for _, c := range unitCalls {
		if err := c.call(f, f.outside.Name); status.Code(err) != codes.PermissionDenied {
			t.Errorf("%s on someone outside the unit: %v, want PERMISSION_DENIED", c.method, err)
		}
		if err := c.call(f, f.inside.Name); err != nil {
			t.Errorf("%s on someone of the unit: %v", c.method, err)
		}
	}
	after := f.e.get(f.outside.Name, pb.PersonView_PERSON_VIEW_FULL)
	if after.Etag != before.Etag || len(after.Qualifications) != 1 || len(after.Honors) != 1 || len(after.Positions) != 1 {
		t.Errorf("the profile outside the unit changed: %v", after)
	}
	// A national ID taken by someone outside the unit is refused without
	// naming them.
	_, err := f.reg.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.inside.Name, NationalId: f.outside.NationalId}, UpdateMask: mask("national_id")})
	wantCode(t, err, codes.AlreadyExists)
	f.noLeak(t, "a national ID taken", status.Convert(err).Message())
	// A person who does not exist is refused alike (AIP-211).
	_, err = f.reg.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: "people/khongco"})
	wantCode(t, err, codes.PermissionDenied)

	// What is not a unit's is refused whatever it names.
	_, err = f.reg.People.CreatePerson(f.ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Mới", GivenName: "Người"}})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.reg.People.DeletePerson(f.ctx, &pb.DeletePersonRequest{Name: f.inside.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.reg.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: "associations/-"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.reg.Audit.ListAuditEvents(f.ctx, &pb.ListAuditEventsRequest{})
	wantCode(t, err, codes.PermissionDenied)
	// Its role still holds: the unit's registrar does not compute
	// statistics, its home affairs key does not write.
	_, err = f.reg.Statistics.ComputeStatistics(f.ctx, &pb.ComputeStatisticsRequest{Dimensions: []dim{pb.ComputeStatisticsRequest_GENDER}})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.ha.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.inside.Name, Email: "x@example.vn"}, UpdateMask: mask("email")})
	wantCode(t, err, codes.PermissionDenied)
}

// The same over REST, where the codes are HTTP statuses.
func TestUnitScopeOverREST(t *testing.T) {
	f := newUnitFixture(t)
	type call struct {
		method, path string
		body         any
	}
	calls := func(p string) []call {
		return []call{
			{"GET", "/v1/" + p + "?view=PERSON_VIEW_FULL", nil},
			{"PATCH", "/v1/" + p + "?updateMask=email", map[string]any{"email": "moi@example.vn"}},
			{"GET", "/v1/people:batchGet?names=" + url.QueryEscape(p), nil},
			{"GET", "/v1/" + p + "/revisions", nil},
			{"GET", "/v1/" + p + "/qualifications", nil},
			{"GET", "/v1/" + f.child(p, "q"), nil},
			{"PATCH", "/v1/" + f.child(p, "q") + "?updateMask=major", map[string]any{"major": "Dược học"}},
			{"POST", "/v1/" + p + "/qualifications", map[string]any{"kind": "DEGREE", "level": "DAI_HOC", "major": "Y", "year": 2003}},
			{"GET", "/v1/" + p + "/positions", nil},
			{"GET", "/v1/" + f.child(p, "p"), nil},
			{"PATCH", "/v1/" + f.child(p, "p") + "?updateMask=department", map[string]any{"department": "Khoa Ngoại"}},
			{"GET", "/v1/" + p + "/honors", nil},
			{"GET", "/v1/" + f.child(p, "h"), nil},
			{"GET", "/v1/" + p + "/works", nil},
			{"GET", "/v1/" + f.child(p, "w"), nil},
			{"DELETE", "/v1/" + f.child(p, "w"), nil},
		}
	}
	for _, c := range calls(f.outside.Name) {
		if code, body := f.e.restAs(f.regTok, c.method, c.path, c.body); code != http.StatusForbidden {
			t.Errorf("REST %s %s outside the unit: %d %v, want 403", c.method, c.path, code, body)
		}
	}
	for _, c := range calls(f.inside.Name) {
		if code, body := f.e.restAs(f.regTok, c.method, c.path, c.body); code != http.StatusOK {
			t.Errorf("REST %s %s in the unit: %d %v", c.method, c.path, code, body)
		}
	}
	// Lists over REST hold the unit's people only.
	code, body := f.e.restAs(f.regTok, "GET", "/v1/people?pageSize=100", nil)
	if code != http.StatusOK || len(body["people"].([]any)) != 2+f.insideExtra {
		t.Errorf("REST list: %d %v", code, body)
	}
	f.noLeak(t, "REST list", fmt.Sprint(body))
	code, body = f.e.restAs(f.haTok, "GET", "/v1/statistics:compute?dimensions=GENDER", nil)
	if code != http.StatusOK || body["total"] != float64(2+f.insideExtra) {
		t.Errorf("REST statistics for the unit: %d %v", code, body)
	}
}

// Lists, searches, figures, exports and the change feed answer within the
// unit, counts included; a person whose position there ends drops out of
// every one of them, and out of reach.
func TestUnitScopeLists(t *testing.T) {
	f := newUnitFixture(t)
	inUnit := 2 + f.insideExtra
	check := func(when string, want int) {
		t.Helper()
		resp, err := f.reg.People.ListPeople(f.ctx, &pb.ListPeopleRequest{PageSize: 2})
		if err != nil || resp.TotalSize != int32(want) {
			t.Errorf("%s: ListPeople counts %d, want %d (%v)", when, resp.GetTotalSize(), want, err)
		}
		all, err := f.reg.People.ListPeople(f.ctx, &pb.ListPeopleRequest{PageSize: 100})
		if err != nil || len(all.People) != want {
			t.Fatalf("%s: ListPeople %d people, want %d (%v)", when, len(all.GetPeople()), want, err)
		}
		f.noLeak(t, when+": ListPeople", fmt.Sprint(all))
		found, err := f.reg.People.SearchPeople(f.ctx, &pb.SearchPeopleRequest{Query: "Trần", PageSize: 100})
		if err != nil || len(found.People) != want {
			t.Errorf("%s: SearchPeople %d, want %d (%v)", when, len(found.GetPeople()), want, err)
		}
		f.noLeak(t, when+": SearchPeople", fmt.Sprint(found))
		st, err := f.ha.Statistics.ComputeStatistics(f.ctx, &pb.ComputeStatisticsRequest{Dimensions: []dim{pb.ComputeStatisticsRequest_GENDER}})
		if err != nil {
			t.Fatalf("%s: statistics: %v", when, err)
		}
		if st.Total == nil && want >= 3 || st.Total != nil && int(*st.Total) != want {
			t.Errorf("%s: the unit's statistics count %v, want %d", when, st.Total, want)
		}
		ind, err := f.ha.Statistics.GetIndicators(f.ctx, &pb.GetIndicatorsRequest{})
		if err != nil {
			t.Fatalf("%s: indicators: %v", when, err)
		}
		women := -1
		for _, i := range ind.Indicators {
			if i.Kind == pb.Indicator_WOMEN {
				women = int(i.GetDenominator())
			}
		}
		if women != want {
			t.Errorf("%s: the unit's indicators count %d people, want %d", when, women, want)
		}
		csv := string(f.e.export(f.regTok, &pb.ExportPeopleRequest{}))
		if n := strings.Count(csv, "Trần"); n != want {
			t.Errorf("%s: the export holds %d people, want %d", when, n, want)
		}
		f.noLeak(t, when+": export", csv)
	}
	check("at first", inUnit)
	// Figures without a limit count everyone.
	if st := f.e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{pb.ComputeStatisticsRequest_GENDER}}); int(st.GetTotal()) != inUnit+1+f.outsideExtra {
		t.Errorf("the province counts %d", st.GetTotal())
	}
	// A filter cannot reach past the unit: a filter for the people outside
	// it selects none.
	st, err := f.ha.Statistics.ComputeStatistics(f.ctx, &pb.ComputeStatisticsRequest{Dimensions: []dim{pb.ComputeStatisticsRequest_GENDER},
		Filter: `given_name = "Ngoài"`})
	if err == nil && st.GetTotal() != 0 {
		t.Errorf("a filter for someone outside the unit counts %d", st.GetTotal())
	}
	// Asking for several names, one of them outside, is refused whole.
	_, err = f.reg.People.BatchGetPeople(f.ctx, &pb.BatchGetPeopleRequest{Names: []string{f.inside.Name, f.outside.Name}})
	wantCode(t, err, codes.PermissionDenied)
	if got, err := f.reg.People.BatchGetPeople(f.ctx, &pb.BatchGetPeopleRequest{Names: []string{f.inside.Name, f.leaver.Name}}); err != nil || len(got.People) != 2 {
		t.Errorf("BatchGetPeople in the unit: %v %v", got, err)
	}

	// The change feed names the unit's people only.
	for _, p := range []string{f.inside.Name, f.outside.Name} {
		if _, err := f.e.client.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p, Phone: "0912000111"}, UpdateMask: mask("phone")}); err != nil {
			t.Fatal(err)
		}
	}
	feed, err := f.reg.Changes.ListChanges(f.ctx, &pb.ListChangesRequest{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	sawInside := false
	for _, c := range feed.Changes {
		f.noLeak(t, "ListChanges", c.Resource)
		sawInside = sawInside || c.Resource == f.inside.Name
		if !strings.HasPrefix(c.Resource, "people/") {
			t.Errorf("the unit's feed holds %s", c.Resource)
		}
	}
	if !sawInside {
		t.Errorf("the unit's feed misses the change of its own person")
	}

	// The leaver's position ends: they leave the unit.
	if _, err := f.e.client.People.UpdatePosition(f.ctx, &pb.UpdatePositionRequest{
		Position: &pb.Position{Name: f.leaverPos.Name, End: &date.Date{Year: 2024, Month: 12, Day: 31}, Current: false}, UpdateMask: mask("end", "current")}); err != nil {
		t.Fatal(err)
	}
	check("after the position ended", inUnit-1)
	_, err = f.reg.People.GetPerson(f.ctx, &pb.GetPersonRequest{Name: f.leaver.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.reg.People.UpdatePerson(f.ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.leaver.Name, Email: "x@example.vn"}, UpdateMask: mask("email")})
	wantCode(t, err, codes.PermissionDenied)
}

// A key or an account may be limited to an organization that exists only,
// and the limit is kept.
func TestUnitKeysAndAccounts(t *testing.T) {
	f := newUnitFixture(t)
	_, _, err := f.e.db.CreateScopedKey(f.ctx, "x", RoleRegistrar, "organizations/khong-co", time.Time{})
	if err == nil || !strings.Contains(err.Error(), "organization") {
		t.Errorf("a key limited to no organization: %v", err)
	}
	a, _, err := f.e.db.CreateAccount(f.ctx, "ytbv@example.vn", "Tổ chức cán bộ", RoleRegistrar, f.hospital.Name)
	if err != nil || a.Organization != f.hospital.Name || a.Association != "" {
		t.Fatalf("account: %+v %v", a, err)
	}
	accounts, err := f.e.db.ListAccounts(f.ctx)
	if err != nil || len(accounts) != 1 || accounts[0].Organization != f.hospital.Name {
		t.Errorf("listed accounts: %+v %v", accounts, err)
	}
	keys, err := f.e.db.ListKeys(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	limited := 0
	for _, k := range keys {
		if k.Organization == f.health.Name {
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d keys limited to %s, want 2", limited, f.health.Name)
	}
}
