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

// setDay sets the store's clock to a morning in Vietnam.
func setDay(db *DB, y int, m time.Month, d int) {
	db.Now = func() time.Time { return time.Date(y, m, d, 3, 0, 0, 0, time.UTC) }
}

// A position recorded as not current, with no end, ran at the latest until
// the day before it was so recorded: answers as on today agree with
// today's, and a past day before the registrar marked it finished still
// counts it.
//
//	a  8 people registered 2015, at the university (30742) since 2015;
//	b  4 registered 2015 at the hospital (30760) since 2010, marked not
//	   current on 2024-03-01, no end given;
//	c  4 registered 2015 at the hospital since 2012, current;
//	d  4 registered 2024-03-01 with a position at the hospital since 2010
//	   sent as not current, no end.
func TestStatisticsFinishedPositionAsOfToday(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	setDay(db, 2015, 1, 1)
	setThreshold(t, db, 3)
	uni, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Trường Đại học", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}, CreateOptions{ID: "dh-a"})
	must(err)
	hosp, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Bệnh viện", Kind: pb.Organization_HOSPITAL, AdministrativeUnit: "30760"}, CreateOptions{ID: "bv-b"})
	must(err)
	person := func(group string, i int, org string, since int32, current bool) *pb.Position {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: fmt.Sprint(group, i)}, CreateOptions{})
		must(err)
		pos, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org, Title: "Cán bộ",
			Start: &date.Date{Year: since}, Current: current}, CreateOptions{})
		must(err)
		return pos
	}
	var left []*pb.Position
	for i := range 8 {
		person("a", i, uni.Name, 2015, true)
	}
	for i := range 4 {
		left = append(left, person("b", i, hosp.Name, 2010, true))
		person("c", i, hosp.Name, 2012, true)
	}
	setDay(db, 2024, 3, 1)
	for _, pos := range left {
		_, err := db.UpdatePosition(ctx, pos.Name, WriteOptions{}, func(p *pb.Position) error {
			p.Current = false
			return nil
		})
		must(err)
	}
	for i := range 4 {
		person("d", i, hosp.Name, 2010, false)
	}
	setDay(db, 2026, 12, 5)

	today := &date.Date{Year: 2026, Month: 12, Day: 5}
	on := func(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }
	compute := func(dim Dimension, asOf *date.Date, filter string) string {
		t.Helper()
		q := StatsQuery{Dimensions: []Dimension{dim}, AsOf: asOf, Filter: filter}
		r, err := db.ComputeStatistics(ctx, q)
		must(err)
		return answer(r)
	}
	const (
		kind  = pb.ComputeStatisticsRequest_ORGANIZATION_KIND
		unit  = pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT
		where = pb.ComputeStatisticsRequest_WORK_LOCATION
	)
	for _, c := range []struct {
		dim    Dimension
		filter string
		want   string
	}{
		{kind, "", "UNIVERSITY=8 HOSPITAL=4 =8 | 20"},
		{unit, "", "30742=8 30760=4 =8 | 20"},
		{where, "", ""},
		{kind, "positions.current = true", "UNIVERSITY=8 HOSPITAL=4 | 12"},
	} {
		now := compute(c.dim, nil, c.filter)
		if c.want != "" && now != c.want {
			t.Errorf("%v, filter %q, today: got %q, want %q", c.dim, c.filter, now, c.want)
		}
		if dated := compute(c.dim, today, c.filter); dated != now {
			t.Errorf("%v, filter %q: as on today %q, but today's answer is %q", c.dim, c.filter, dated, now)
		}
	}
	// Before b were marked finished they were at the hospital; from that
	// day not. d, sent as finished, never counts while registered.
	for _, c := range []struct {
		asOf *date.Date
		want string
	}{
		{on(2024, 2, 29), "UNIVERSITY=8 HOSPITAL=8 | 16"},
		{on(2024, 3, 1), "UNIVERSITY=8 HOSPITAL=4 =8 | 20"},
	} {
		if got := compute(kind, c.asOf, ""); got != c.want {
			t.Errorf("%v on %v: got %q, want %q", kind, c.asOf, got, c.want)
		}
	}

	// The yearly report: the units of today and the 2024 districts (as on
	// 2025-06-30) leave out the 8 who left before then.
	r, err := db.MakeReport(ctx, &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: today}, "")
	must(err)
	for _, tab := range r.GetTables() {
		if !strings.Contains(tab.GetTitle(), "đơn vị hành chính") && !strings.Contains(tab.GetTitle(), "huyện") {
			continue
		}
		var none, some int32
		for _, row := range tab.GetStatistics().GetRows() {
			vals := row.GetValues()
			if vals[len(vals)-1] == "" {
				none += row.GetCount()
			} else {
				some += row.GetCount()
			}
		}
		if none != 8 || some != 12 {
			t.Errorf("report table %q: %d without a unit and %d with one, want 8 and 12", tab.GetTitle(), none, some)
		}
	}
}
