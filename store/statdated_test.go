package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A synthetic history whose every answer is known by construction: three
// cohorts of four people, so that no count is below the threshold (3).
//
//	A  registered 2010-01-01; THAC_SI 2012, TIEN_SI 2018; PHO_GIAO_SU 2021;
//	   university in 30742 2011-01..2019-12, hospital in 30760 from 2020-01;
//	   STATE_TITLE 2019; expert roles CONSULTING and CRITIQUE.
//	B  registered 2015-06-01, deleted 2022-03-01; DAI_HOC 2008; hospital in
//	   30760 from 2016-01.
//	C  registered 2010-01-01; DAI_HOC 2005, THAC_SI 2023; no position;
//	   applied to an association 2018-05-01, approved 2020-05-01.
type history struct {
	db  *DB
	set func(y int, m time.Month, d int)
}

func newHistory(t *testing.T) *history {
	t.Helper()
	db := openTest(t)
	ctx := context.Background()
	h := &history{db: db, set: func(y int, m time.Month, d int) {
		db.Now = func() time.Time { return time.Date(y, m, d, 3, 0, 0, 0, time.UTC) }
	}}
	h.set(2026, 1, 1)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	setThreshold(t, db, 3)
	uni, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Trường Đại học", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}, CreateOptions{ID: "dh"})
	must(err)
	hosp, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Bệnh viện", Kind: pb.Organization_HOSPITAL, AdministrativeUnit: "30760"}, CreateOptions{ID: "bv"})
	must(err)
	assoc, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội Y học", Code: "HYH"}, CreateOptions{ID: "hyh"})
	must(err)
	degree := func(p *pb.Person, level string, year int32) {
		_, err := db.CreateQualification(ctx, p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: level, Year: year, Major: "Y"}, CreateOptions{})
		must(err)
	}
	position := func(p *pb.Person, org string, from, to *date.Date) {
		_, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org, Start: from, End: to, Current: to == nil,
			EmploymentType: pb.Position_PUBLIC_EMPLOYEE}, CreateOptions{})
		must(err)
	}
	person := func(i int, y int, m time.Month, d int, roles ...pb.Person_ExpertRole) *pb.Person {
		h.set(y, m, d)
		p, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprint("P", i), Gender: pb.Person_FEMALE, ExpertRoles: roles}, CreateOptions{})
		must(err)
		h.set(2026, 1, 1)
		return p
	}
	for i := range 4 {
		a := person(i, 2010, 1, 1, pb.Person_CRITIQUE, pb.Person_CONSULTING)
		degree(a, "THAC_SI", 2012)
		degree(a, "TIEN_SI", 2018)
		_, err := db.CreateQualification(ctx, a.Name, &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "PHO_GIAO_SU", Year: 2021}, CreateOptions{})
		must(err)
		position(a, uni.Name, &date.Date{Year: 2011, Month: 1}, &date.Date{Year: 2019, Month: 12})
		position(a, hosp.Name, &date.Date{Year: 2020, Month: 1}, nil)
		_, err = db.CreateHonor(ctx, a.Name, &pb.Honor{Title: "Nhà giáo ưu tú", Kind: pb.Honor_STATE_TITLE, Year: 2019}, CreateOptions{})
		must(err)

		b := person(10+i, 2015, 6, 1)
		degree(b, "DAI_HOC", 2008)
		position(b, hosp.Name, &date.Date{Year: 2016, Month: 1}, nil)
		h.set(2022, 3, 1)
		_, err = db.DeletePerson(ctx, b.Name, WriteOptions{})
		must(err)

		c := person(20+i, 2010, 1, 1)
		degree(c, "DAI_HOC", 2005)
		degree(c, "THAC_SI", 2023)
		h.set(2018, 5, 1)
		m, err := db.RegisterMember(ctx, assoc.Name, Registration{Person: c.Name,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, CreateOptions{})
		must(err)
		h.set(2020, 5, 1)
		_, err = db.ApproveMembership(ctx, m.Membership.Name, Transition{ConfirmDistinctPerson: true})
		must(err)
		h.set(2026, 1, 1)
	}
	return h
}

// answer is an answer as "value=count ... | total", "*" for a hidden count.
func answer(r *pb.ComputeStatisticsResponse) string {
	var parts []string
	for _, row := range r.GetRows() {
		n := "*"
		if row.Count != nil {
			n = fmt.Sprint(row.GetCount())
		}
		parts = append(parts, strings.Join(row.GetValues(), ",")+"="+n)
	}
	return strings.Join(parts, " ") + fmt.Sprintf(" | %d", r.GetTotal())
}

func TestStatisticsAsOfDatedFacts(t *testing.T) {
	h := newHistory(t)
	ctx := context.Background()
	on := func(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }
	type D = pb.ComputeStatisticsRequest_Dimension
	const (
		level   = pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
		title   = pb.ComputeStatisticsRequest_ACADEMIC_TITLE
		orgKind = pb.ComputeStatisticsRequest_ORGANIZATION_KIND
		unit    = pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT
		emp     = pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE
		member  = pb.ComputeStatisticsRequest_MEMBERSHIP_STATE
		org     = pb.ComputeStatisticsRequest_ORGANIZATION
		assoc   = pb.ComputeStatisticsRequest_ASSOCIATION
		hKind   = pb.ComputeStatisticsRequest_HONOR_KIND
		hYear   = pb.ComputeStatisticsRequest_HONOR_YEAR
		roles   = pb.ComputeStatisticsRequest_EXPERT_ROLE
	)
	for _, c := range []struct {
		asOf   *date.Date
		dim    D
		filter string
		want   string
	}{
		// Nobody was registered yet.
		{on(2009, 12, 31), level, "", " | 0"},
		// B is registered in 2015; A's doctorate comes in 2018.
		{on(2013, 6, 30), level, "", "DAI_HOC=4 THAC_SI=4 | 8"},
		{on(2019, 6, 30), level, "", "DAI_HOC=8 TIEN_SI=4 | 12"},
		// B is deleted in 2022; C's master's comes in 2023.
		{on(2024, 6, 30), level, "", "THAC_SI=4 TIEN_SI=4 | 8"},
		// Today: as recorded.
		{nil, level, "", "THAC_SI=4 TIEN_SI=4 | 8"},
		{on(2020, 12, 31), title, "", "=12 | 12"},
		{on(2021, 1, 1), title, "", "PHO_GIAO_SU=4 =8 | 12"},
		// A position while it ran: A at the university until 2019-12.
		{on(2013, 6, 30), orgKind, "", "UNIVERSITY=4 =4 | 8"},
		{on(2019, 12, 31), orgKind, "", "UNIVERSITY=4 HOSPITAL=4 =4 | 12"},
		{on(2020, 1, 1), orgKind, "", "HOSPITAL=8 =4 | 12"},
		{on(2013, 6, 30), unit, "", "30742=4 =4 | 8"},
		{on(2021, 6, 30), unit, "", "30760=8 =4 | 12"},
		{on(2013, 6, 30), emp, "", "PUBLIC_EMPLOYEE=4 =4 | 8"},
		// C's membership: none before the application, pending until the
		// approval, active since.
		{on(2018, 4, 30), member, "", "=12 | 12"},
		{on(2019, 6, 30), member, "", "PENDING=4 =8 | 12"},
		{on(2021, 6, 30), member, "", "ACTIVE=4 =8 | 12"},
		// The organization of the day's position; the association of the
		// day's active membership; the latest honour by the day.
		{on(2013, 6, 30), org, "", "organizations/dh=4 =4 | 8"},
		{on(2021, 6, 30), org, "", "organizations/bv=8 =4 | 12"},
		{nil, org, "", "organizations/bv=4 =4 | 8"},
		{on(2019, 6, 30), assoc, "", "=12 | 12"},
		{on(2021, 6, 30), assoc, "", "associations/hyh=4 =8 | 12"},
		{nil, assoc, "", "associations/hyh=4 =4 | 8"},
		{on(2018, 6, 30), hKind, "", "=12 | 12"},
		{on(2019, 6, 30), hKind, "", "STATE_TITLE=4 =8 | 12"},
		{on(2019, 6, 30), hYear, "", "2019=4 =8 | 12"},
		{nil, roles, "", "CONSULTING+CRITIQUE=4 =4 | 8"},
		// Filters read the day's facts too.
		{on(2013, 6, 30), level, "highest_qualification_level >= THAC_SI", "THAC_SI=4 | 4"},
		{on(2024, 6, 30), level, "highest_qualification_level >= THAC_SI", "THAC_SI=4 TIEN_SI=4 | 8"},
		{on(2019, 6, 30), level, "qualifications.level = TIEN_SI", "TIEN_SI=4 | 4"},
		{on(2017, 6, 30), level, "qualifications.level = TIEN_SI", " | 0"},
		{on(2013, 6, 30), level, "positions.current = true", "THAC_SI=4 | 4"},
		{on(2021, 6, 30), level, "positions.current = true", "DAI_HOC=4 TIEN_SI=4 | 8"},
		{on(2021, 6, 30), level, "positions.organization.kind = UNIVERSITY", "TIEN_SI=4 | 4"},
		{on(2010, 6, 30), level, "positions.organization.kind = UNIVERSITY", " | 0"},
		{on(2018, 6, 30), level, "honors.kind = STATE_TITLE", " | 0"},
		{on(2019, 6, 30), level, "honors.kind = STATE_TITLE", "TIEN_SI=4 | 4"},
		{on(2022, 6, 30), level, "academic_title.title >= PHO_GIAO_SU", "TIEN_SI=4 | 4"},
	} {
		r, err := h.db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{c.dim}, AsOf: c.asOf, Filter: c.filter})
		if err != nil {
			t.Errorf("%v %v %q: %v", c.asOf, c.dim, c.filter, err)
			continue
		}
		if got := answer(r); got != c.want {
			t.Errorf("%v on %v, filter %q: got %q, want %q", c.dim, c.asOf, c.filter, got, c.want)
		}
	}
}

func TestIndicatorsAsOfDatedFacts(t *testing.T) {
	h := newHistory(t)
	ctx := context.Background()
	for _, c := range []struct {
		asOf *date.Date
		want map[pb.Indicator_Kind]string
	}{
		{&date.Date{Year: 2013, Month: 6, Day: 30}, map[pb.Indicator_Kind]string{pb.Indicator_MASTER_OR_HIGHER: "4/8", pb.Indicator_DOCTORATE: "0/8", pb.Indicator_PROFESSORS: "0/8"}},
		{&date.Date{Year: 2019, Month: 6, Day: 30}, map[pb.Indicator_Kind]string{pb.Indicator_MASTER_OR_HIGHER: "4/12", pb.Indicator_DOCTORATE: "4/12", pb.Indicator_PROFESSORS: "0/12"}},
		{&date.Date{Year: 2021, Month: 6, Day: 30}, map[pb.Indicator_Kind]string{pb.Indicator_PROFESSORS: "4/12", pb.Indicator_WOMEN: "12/12"}},
		{&date.Date{Year: 2024, Month: 6, Day: 30}, map[pb.Indicator_Kind]string{pb.Indicator_MASTER_OR_HIGHER: "8/8", pb.Indicator_PROFESSORS: "4/8"}},
	} {
		r, err := h.db.GetIndicators(ctx, "", "", nil, c.asOf)
		if err != nil {
			t.Fatal(err)
		}
		for _, ind := range r.GetIndicators() {
			want, ok := c.want[ind.GetKind()]
			if !ok {
				continue
			}
			got := "*"
			if !ind.GetSuppressed() {
				got = fmt.Sprintf("%d/%d", ind.GetNumerator(), ind.GetDenominator())
			}
			if got != want {
				t.Errorf("%v on %v: got %s, want %s", ind.GetKind(), c.asOf, got, want)
			}
		}
	}
}

// ORGANIZATION keeps the organizations with the most people by name and
// counts the rest together.
func TestKeepTop(t *testing.T) {
	values := []string{"organizations/a", "organizations/b", "", "organizations/c", "organizations/d"}
	// One dimension: the key holds the value's index.
	counts := map[cellKey]int{{0}: 5, {1}: 9, {2}: 50, {3}: 5, {4}: 1}
	keepTop(values, counts, 0, 2)
	want := []string{"organizations/a", "organizations/b", "", otherOrganizations, otherOrganizations}
	if strings.Join(values, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q (ties by name)", values, want)
	}
}

// A report runs in an operation: the read budget of a call does not bound
// it, as it bounds the same answer asked for directly.
func TestReportReadsPastTheCallBudget(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	bulkLoad(t, db, 5000, 1)
	db.SetReadBudget(time.Nanosecond) // any read that runs long enough to be measured
	asOf := &date.Date{Year: 2021, Month: 6, Day: 30}
	_, err := db.ComputeStatistics(ctx, StatsQuery{AsOf: asOf, Dimensions: []Dimension{pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
		pb.ComputeStatisticsRequest_FIELD, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}})
	if errCode(err) != ResourceExhausted {
		t.Errorf("the call: %v, want its budget exhausted", err)
	}
	r, err := db.MakeReport(ctx, &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: asOf}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.GetTables()[0].GetStatistics().GetTotal(); got != 5000 {
		t.Errorf("the report counts %d, want 5000", got)
	}
}

// With ETHNICITY, ORGANIZATION keeps every organization apart: the guard
// compares its groups across filters, and "the rest" could hold others.
func TestOrganizationByEthnicityHasNoRest(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	bulkLoad(t, db, 3000, 2)
	r, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_ORGANIZATION, pb.ComputeStatisticsRequest_ETHNICITY}})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range r.GetRows() {
		if row.GetValues()[0] == otherOrganizations {
			t.Fatalf("row %v", row)
		}
	}
	r, err = db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_ORGANIZATION}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.GetRows()); n != topOrganizations+2 || r.GetRows()[topOrganizations].GetValues()[0] != otherOrganizations {
		t.Errorf("%d rows without ethnicity; want the %d largest, the rest and none", n, topOrganizations)
	}
}
