package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The workforce of the statistics tests: fifteen people whose every
// dimension is known, so that each count below is worked out by hand from
// this table.
//
//	key  sex born        eth level     title  field  works now (since)          type       where      before
//	a01  F   1990-03-11  01  TIEN_SI   PGS    502    KGU 30742 (2016)           public     province
//	a02  F   1985-07-01  01  TIEN_SI   -      502    KGU 30742 (2016)           public     province
//	a03  M   1970-01-20  01  TIEN_SI   GS     502    KGU 30742 (2016)           public     province
//	a04  M   1980-05-05  05  THAC_SI   -      302    hospital 30760 (2016)      public     province   899, 2006-01..2012-12
//	a05  F   1992-11-11  05  THAC_SI   -      302    hospital 30760 (2016)      public     province
//	a06  F   1995-02-02  01  DAI_HOC   -      302    hospital 30760 (2016)      contract   province
//	a07  M   1988-08-08  01  DAI_HOC   -      505    Sở Nội vụ 30742 (2024)     civil      province   906, 2019-01..2023-12
//	a08  F   1979-09-09  01  DAI_HOC   -      505    Sở Nội vụ 30742 (2020-07)  civil      province   906, 2015-01..2020-06
//	a09  M   1965-12-31  06  THAC_SI   -      506    Sở Nội vụ 30742 (2020)     civil      province   906, 2010-01..2019-12
//	a10  F   1991-01-01  01  DAI_HOC   -      502    company 31078 (2016)      private    province
//	a11  M   1993-06-15  01  DAI_HOC   -      102    company 31078 (2016)      private    province
//	a12  M   1987-04-04  01  THAC_SI   -      102    Kyoto University, JP       contract   abroad
//	a13  F   1996-10-10  01  DAI_HOC   -      503    Trường ĐH Cần Thơ          public     elsewhere
//	a14  M   1999        01  CAO_DANG  -      -      -                          -          -
//	a15  F   -           -   -         -      -      -                          -          -
type worker struct {
	key        string
	gender     pb.Person_Gender
	born       *date.Date
	ethnicity  string
	level      string
	title      string
	field      string
	org        string // a registered workplace's id
	orgName    string // or an unregistered one's name
	country    string
	since      *date.Date
	employment pb.Position_EmploymentType
	where      pb.Person_WorkLocation
	pastUnit   string
	pastFrom   *date.Date
	pastTo     *date.Date
}

func day(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

var (
	public   = pb.Position_PUBLIC_EMPLOYEE
	civil    = pb.Position_CIVIL_SERVANT
	contract = pb.Position_CONTRACT
	private  = pb.Position_PRIVATE_SECTOR
	inside   = pb.Person_IN_PROVINCE
	female   = pb.Person_FEMALE
	male     = pb.Person_MALE
)

var workforce = []worker{
	{key: "a01", gender: female, born: day(1990, 3, 11), ethnicity: "01", level: "TIEN_SI", title: "PHO_GIAO_SU", field: "502", org: "kgu", since: day(2016, 1, 0), employment: public, where: inside},
	{key: "a02", gender: female, born: day(1985, 7, 1), ethnicity: "01", level: "TIEN_SI", field: "502", org: "kgu", since: day(2016, 1, 0), employment: public, where: inside},
	{key: "a03", gender: male, born: day(1970, 1, 20), ethnicity: "01", level: "TIEN_SI", title: "GIAO_SU", field: "502", org: "kgu", since: day(2016, 1, 0), employment: public, where: inside},
	{key: "a04", gender: male, born: day(1980, 5, 5), ethnicity: "05", level: "THAC_SI", field: "302", org: "bv", since: day(2016, 1, 0), employment: public, where: inside,
		pastUnit: "899", pastFrom: day(2006, 1, 0), pastTo: day(2012, 12, 0)},
	{key: "a05", gender: female, born: day(1992, 11, 11), ethnicity: "05", level: "THAC_SI", field: "302", org: "bv", since: day(2016, 1, 0), employment: public, where: inside},
	{key: "a06", gender: female, born: day(1995, 2, 2), ethnicity: "01", level: "DAI_HOC", field: "302", org: "bv", since: day(2016, 1, 0), employment: contract, where: inside},
	{key: "a07", gender: male, born: day(1988, 8, 8), ethnicity: "01", level: "DAI_HOC", field: "505", org: "snv", since: day(2024, 1, 0), employment: civil, where: inside,
		pastUnit: "906", pastFrom: day(2019, 1, 0), pastTo: day(2023, 12, 0)},
	{key: "a08", gender: female, born: day(1979, 9, 9), ethnicity: "01", level: "DAI_HOC", field: "505", org: "snv", since: day(2020, 7, 0), employment: civil, where: inside,
		pastUnit: "906", pastFrom: day(2015, 1, 0), pastTo: day(2020, 6, 0)},
	{key: "a09", gender: male, born: day(1965, 12, 31), ethnicity: "06", level: "THAC_SI", field: "506", org: "snv", since: day(2020, 1, 0), employment: civil, where: inside,
		pastUnit: "906", pastFrom: day(2010, 1, 0), pastTo: day(2019, 12, 0)},
	{key: "a10", gender: female, born: day(1991, 1, 1), ethnicity: "01", level: "DAI_HOC", field: "502", org: "dn", since: day(2016, 1, 0), employment: private, where: inside},
	{key: "a11", gender: male, born: day(1993, 6, 15), ethnicity: "01", level: "DAI_HOC", field: "102", org: "dn", since: day(2016, 1, 0), employment: private, where: inside},
	{key: "a12", gender: male, born: day(1987, 4, 4), ethnicity: "01", level: "THAC_SI", field: "102", orgName: "Kyoto University", country: "JP", since: day(2022, 4, 0),
		employment: contract, where: pb.Person_ABROAD},
	{key: "a13", gender: female, born: day(1996, 10, 10), ethnicity: "01", level: "DAI_HOC", field: "503", orgName: "Trường Đại học Cần Thơ", since: day(2020, 9, 0),
		employment: public, where: pb.Person_ELSEWHERE_IN_VIETNAM},
	{key: "a14", gender: male, born: day(1999, 0, 0), ethnicity: "01", level: "CAO_DANG"},
	{key: "a15", gender: female},
}

// statsEnv is a server holding the workforce, with its people by key.
type statsEnv struct {
	*env
	people map[string]*pb.Person
	orgs   map[string]string
}

func newStatsEnv(t *testing.T) *statsEnv {
	e := &statsEnv{env: newEnv(t), people: map[string]*pb.Person{}, orgs: map[string]string{}}
	ctx := context.Background()
	for _, o := range []struct {
		id, name string
		kind     pb.Organization_Kind
		unit     string
	}{
		{"kgu", "Trường Đại học Kiên Giang", pb.Organization_UNIVERSITY, "30742"},
		{"bv", "Bệnh viện Đa khoa tỉnh Kiên Giang", pb.Organization_HOSPITAL, "30760"},
		{"snv", "Sở Nội vụ", pb.Organization_STATE_AGENCY, "30742"},
		{"dn", "Công ty Cổ phần Thủy sản Kiên Cường", pb.Organization_ENTERPRISE, "31078"},
	} {
		org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: o.id,
			Organization: &pb.Organization{DisplayName: o.name, Kind: o.kind, AdministrativeUnit: o.unit}})
		if err != nil {
			t.Fatal(err)
		}
		e.orgs[o.id] = org.Name
	}
	for _, w := range workforce {
		p := &pb.Person{FamilyName: "Nguyễn", GivenName: strings.ToUpper(w.key), Gender: w.gender, BirthDate: w.born,
			Ethnicity: w.ethnicity, WorkLocation: w.where, WorkCountry: w.country}
		if w.field != "" {
			p.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-" + w.field}}
		}
		// Registered in 2005, before every as_of asked below: a person
		// counts on a day only once registered.
		e.db.Now = func() time.Time { return time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC) }
		p = e.person(p)
		e.db.Now = time.Now
		e.people[w.key] = p
		if w.level != "" {
			e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: w.level, Major: "Kinh tế"})
		}
		if w.title != "" {
			e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: w.title, Year: 2020})
		}
		if w.pastUnit != "" {
			e.position(p.Name, &pb.Position{OrganizationName: "UBND huyện", AdministrativeUnit: w.pastUnit,
				Start: w.pastFrom, End: w.pastTo, EmploymentType: civil})
		}
		if w.since != nil {
			pos := &pb.Position{Current: true, Start: w.since, EmploymentType: w.employment, Country: w.country}
			if w.org != "" {
				pos.Organization = e.orgs[w.org]
			} else {
				pos.OrganizationName = w.orgName
			}
			e.position(p.Name, pos)
		}
	}
	return e
}

func (e *env) position(parent string, p *pb.Position) *pb.Position {
	e.t.Helper()
	out, err := e.client.People.CreatePosition(context.Background(), &pb.CreatePositionRequest{Parent: parent, Position: p})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) setThreshold(n int32) {
	e.t.Helper()
	_, err := e.client.Statistics.UpdateStatisticsSettings(context.Background(), &pb.UpdateStatisticsSettingsRequest{
		Settings:   &pb.StatisticsSettings{Name: "statisticsSettings", SuppressionThreshold: n},
		UpdateMask: mask("suppression_threshold"),
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) stats(req *pb.ComputeStatisticsRequest) *pb.ComputeStatisticsResponse {
	e.t.Helper()
	out, err := e.client.Statistics.ComputeStatistics(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

type dim = pb.ComputeStatisticsRequest_Dimension

const (
	dLevel      = pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
	dTitle      = pb.ComputeStatisticsRequest_ACADEMIC_TITLE
	dField      = pb.ComputeStatisticsRequest_FIELD
	dUnit       = pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT
	dOrgKind    = pb.ComputeStatisticsRequest_ORGANIZATION_KIND
	dEmployment = pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE
	dWhere      = pb.ComputeStatisticsRequest_WORK_LOCATION
	dGender     = pb.ComputeStatisticsRequest_GENDER
	dAge        = pb.ComputeStatisticsRequest_AGE_BAND
	dEthnicity  = pb.ComputeStatisticsRequest_ETHNICITY
	dMembership = pb.ComputeStatisticsRequest_MEMBERSHIP_STATE
)

// rowsOf renders an answer's rows as "value/value=count", "=*" for a
// suppressed count, in the answer's order.
func rowsOf(r *pb.ComputeStatisticsResponse) string {
	var out []string
	for _, row := range r.GetRows() {
		n := "*"
		if row.Count != nil {
			n = fmt.Sprint(row.GetCount())
		}
		out = append(out, strings.Join(row.GetValues(), "/")+"="+n)
	}
	total := "*"
	if r.Total != nil {
		total = fmt.Sprint(r.GetTotal())
	}
	return strings.Join(out, " ") + " | " + total
}

// With a threshold of 3, every dimension, worked out by hand from the
// table of the workforce.
func TestStatisticsEveryDimension(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	asOf := day(2025, 3, 10)
	for _, tt := range []struct {
		name string
		req  *pb.ComputeStatisticsRequest
		want string
	}{
		// Levels lowest first, "" (no degree) last. CAO_DANG 1 and none 1
		// are small, and both 1 would follow from their sum (2 = their
		// number), so the smallest other, TIEN_SI 3, is hidden too.
		{"level", &pb.ComputeStatisticsRequest{Dimensions: []dim{dLevel}},
			"CAO_DANG=* DAI_HOC=6 THAC_SI=4 TIEN_SI=* =* | 15"},
		// GS 1 and PGS 1: pinned by their sum unless the 13 go too.
		{"title", &pb.ComputeStatisticsRequest{Dimensions: []dim{dTitle}},
			"PHO_GIAO_SU=* GIAO_SU=* =* | 15"},
		{"field, top level", &pb.ComputeStatisticsRequest{Dimensions: []dim{dField}},
			"fields/vn2008-1=* fields/vn2008-3=3 fields/vn2008-5=8 =* | 15"},
		{"field, second level", &pb.ComputeStatisticsRequest{Dimensions: []dim{dField}, FieldLevel: 2},
			"fields/vn2008-102=* fields/vn2008-302=3 fields/vn2008-502=4 fields/vn2008-503=* fields/vn2008-505=* fields/vn2008-506=* =* | 15"},
		// 31078 (2) alone would be the total less the rest: 30760 (3), the
		// smallest other, goes with it. The answer by 2024 district hides
		// "" (4) to protect Phú Quốc (911, 2); here "" is that district's
		// only unit, so it goes too (store/statlinked.go).
		{"unit", &pb.ComputeStatisticsRequest{Dimensions: []dim{dUnit}},
			"31078=* 30742=6 30760=* =* | 15"},
		// ENTERPRISE (2) alone: the first of the smallest others goes.
		{"organization kind", &pb.ComputeStatisticsRequest{Dimensions: []dim{dOrgKind}},
			"STATE_AGENCY=* UNIVERSITY=3 HOSPITAL=3 ENTERPRISE=* =4 | 15"},
		{"employment type", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEmployment}},
			"CIVIL_SERVANT=3 PUBLIC_EMPLOYEE=6 CONTRACT=* PRIVATE_SECTOR=* =* | 15"},
		{"work location", &pb.ComputeStatisticsRequest{Dimensions: []dim{dWhere}},
			"IN_PROVINCE=11 ELSEWHERE_IN_VIETNAM=* ABROAD=* =* | 15"},
		{"gender", &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}},
			"MALE=7 FEMALE=8 | 15"},
		// a01 turns 35 the day after; a14's birth date has only its year.
		{"age on 2025-03-10", &pb.ComputeStatisticsRequest{Dimensions: []dim{dAge}, AsOf: asOf},
			"UNDER_35=7 35_44=4 45_54=* 55_AND_OVER=* =* | 15"},
		{"age on 2025-03-11", &pb.ComputeStatisticsRequest{Dimensions: []dim{dAge}, AsOf: day(2025, 3, 11)},
			"UNDER_35=6 35_44=5 45_54=* 55_AND_OVER=* =* | 15"},
		{"ethnicity", &pb.ComputeStatisticsRequest{Dimensions: []dim{dEthnicity}},
			"01=11 05=* 06=* =* | 15"},
		{"filtered", &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}, Filter: `highest_qualification_level = DAI_HOC`},
			"MALE=* FEMALE=* | 6"},
		// THAC_SI or higher takes TIEN_SI, hidden above: 7 less THAC_SI's
		// 4 would tell it, so nothing is shown (store/statpinned.go).
		{"filtered on a hidden level", &pb.ComputeStatisticsRequest{Dimensions: []dim{dGender}, Filter: `highest_qualification_level >= THAC_SI`},
			" | *"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.stats(tt.req)
			if got := rowsOf(r); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if r.GetSuppressionThreshold() != 3 {
				t.Errorf("threshold %d", r.GetSuppressionThreshold())
			}
			if len(r.GetDimensions()) != len(tt.req.Dimensions) || len(r.GetDimensionLabels()) != len(tt.req.Dimensions) {
				t.Errorf("dimensions %v %v", r.GetDimensions(), r.GetDimensionLabels())
			}
		})
	}

	// Labels are the reference lists' Vietnamese names. (The answer by
	// unit and gender has no rows: 31078's 2 are a man and a woman, and
	// with the total less the units shown, each hidden cell holding
	// someone would be 1; only leaving the rows out protects them.)
	labels := map[string]string{}
	for _, d := range []dim{dUnit, dGender} {
		for _, row := range e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{d}}).GetRows() {
			for i, v := range row.GetValues() {
				labels[v] = row.GetLabels()[i]
			}
		}
	}
	r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dUnit, dGender}})
	if len(r.GetRows()) != 0 || r.GetTotal() != 15 {
		t.Errorf("by unit and gender: %s", rowsOf(r))
	}
	for v, want := range map[string]string{"30742": "Phường Rạch Giá", "FEMALE": "Nữ", "MALE": "Nam", "": "Chưa ghi nhận"} {
		if labels[v] != want {
			t.Errorf("label of %q is %q, want %q", v, labels[v], want)
		}
	}
	if got := r.GetDimensionLabels(); !slices.Equal(got, []string{"Đơn vị hành chính", "Giới tính"}) {
		t.Errorf("dimension labels %q", got)
	}
	r = e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dLevel, dEthnicity, dField}})
	for _, row := range r.GetRows() {
		if row.GetValues()[0] == "DAI_HOC" && row.GetValues()[1] == "01" && row.GetValues()[2] == "fields/vn2008-5" {
			if got := strings.Join(row.GetLabels(), "|"); got != "Đại học|Kinh|Khoa học xã hội" {
				t.Errorf("labels %q", got)
			}
		}
	}
}

// Historical units: the 2024 district of the position held on as_of (or
// on 2025-06-30, the last day of the districts, when as_of is later).
func TestStatisticsHistoricalUnits(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	history := func(asOf *date.Date) string {
		return rowsOf(e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dUnit},
			UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024, AsOf: asOf}))
	}
	// On 2019-06-01 a07 (from 2019), a08 and a09 worked in Huyện Giồng
	// Riềng; the others' workplaces are in 2025 communes, counted under
	// the district the successor table names: Phường Rạch Giá (30742) and
	// Phường Vĩnh Thông (30760) under Thành phố Rạch Giá (899), Đặc khu Phú
	// Quốc (31078) under Thành phố Phú Quốc (911).
	if got, want := history(day(2019, 6, 1)), "906=* 911=* 899=6 =4 | 15"; got != want {
		t.Errorf("2019: got %s, want %s", got, want)
	}
	// On 2011-06-01: a04 in Thành phố Rạch Giá, a09 in Giồng Riềng.
	if got, want := history(day(2011, 6, 1)), "906=* 899=* =* | 15"; got != want {
		t.Errorf("2011: got %s, want %s", got, want)
	}
	r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dUnit}, UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024, AsOf: day(2011, 6, 1)})
	if got := r.GetRows()[0].GetLabels()[0]; got != "Huyện Giồng Riềng" {
		t.Errorf("906 is labelled %q", got)
	}
	// After the districts, as kept for every person, and on the last day
	// as asked for it: the same.
	for _, asOf := range []*date.Date{nil, day(2025, 12, 1), day(2025, 6, 30), day(2025, 6, 29)} {
		if got, want := history(asOf), "911=* 899=9 =* | 15"; got != want {
			t.Errorf("as of %v: got %s, want %s", asOf, got, want)
		}
	}

	// An administrator's row wins over the seeded one: 899 followed by
	// 30742 alone leaves 30760 without a district.
	_, err := e.db.LoadReference(context.Background(), store.RefAdminUnit, "", strings.NewReader(
		"code,name,kind,parent_code,valid_from,valid_to,successors\n899,Thành phố Rạch Giá,city,91,,2025-06-30,30742\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := history(nil), "911=* 899=* =7 | 15"; got != want {
		t.Errorf("with the administrator's row: got %s, want %s", got, want)
	}
}

// The workplace columns follow the positions and organizations they are
// derived from.
func TestStatisticsFollowWrites(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	units := func() string { return rowsOf(e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dUnit}})) }
	if got, want := units(), "31078=* 30742=6 30760=* =* | 15"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	// The hospital moves to 31078.
	_, err := e.client.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
		Organization: &pb.Organization{Name: e.orgs["bv"], AdministrativeUnit: "31078"}, UpdateMask: mask("administrative_unit")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := units(), "31078=5 30742=6 =4 | 15"; got != want {
		t.Errorf("after the move: got %s, want %s", got, want)
	}
	// a10 leaves the company: no current workplace.
	list, err := e.client.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: e.people["a10"].Name})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range list.GetPositions() {
		if _, err := e.client.People.DeletePosition(ctx, &pb.DeletePositionRequest{Name: p.Name}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := units(), "31078=4 30742=6 =5 | 15"; got != want {
		t.Errorf("after a10 left: got %s, want %s", got, want)
	}
	// a13's primary field changes, and a deleted person is not counted.
	_, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: e.people["a13"].Name,
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-301"}}}, UpdateMask: mask("fields")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: e.people["a15"].Name}); err != nil {
		t.Fatal(err)
	}
	got := rowsOf(e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{dField}}))
	if want := "fields/vn2008-1=* fields/vn2008-3=4 fields/vn2008-5=7 =* | 14"; got != want {
		t.Errorf("fields: got %s, want %s", got, want)
	}
}
