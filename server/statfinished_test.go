package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// clockAt is a morning of the day in Vietnam.
func clockAt(y int, m time.Month, d int) func() time.Time {
	return func() time.Time { return time.Date(y, m, d, 3, 0, 0, 0, time.UTC) }
}

// The auditor's case: 8 at a university since 2015; at a hospital 4 whose
// position since 2010 was sent as not current with no end, and 4 current
// since 2012. As on today the answers are today's, and the yearly report's
// table of today's units leaves the 4 who left out. (Its 2024 districts are
// as on 2025-06-30, before the 4 were recorded as gone: store's
// TestStatisticsFinishedPositionAsOfToday has leavers recorded earlier.)
func TestServerStatisticsAsOfTodayLeaveOutFinished(t *testing.T) {
	e := newEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	e.db.Now = clockAt(2026, 12, 5)
	for id, o := range map[string]*pb.Organization{
		"dh-a": {DisplayName: "Trường Đại học A", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"},
		"bv-b": {DisplayName: "Bệnh viện B", Kind: pb.Organization_HOSPITAL, AdministrativeUnit: "30760"},
	} {
		if _, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: id, Organization: o}); err != nil {
			t.Fatal(err)
		}
	}
	hire := func(who string, org string, since int32, current bool) {
		p := e.createPerson(&pb.Person{FamilyName: "Lê", GivenName: who})
		e.position(p.Name, &pb.Position{Organization: org, Start: day(since, 0, 0), Current: current})
	}
	for i := range 8 {
		hire(fmt.Sprint("A", i), "organizations/dh-a", 2015, true)
	}
	for i := range 4 {
		hire(fmt.Sprint("B", i), "organizations/bv-b", 2010, false)
		hire(fmt.Sprint("C", i), "organizations/bv-b", 2012, true)
	}
	for _, c := range []struct{ query, want string }{
		{"dimensions=ORGANIZATION_KIND", "UNIVERSITY=8 HOSPITAL=4 =4 | 16"},
		{"dimensions=WORK_LOCATION", ""},
		{"dimensions=ADMINISTRATIVE_UNIT", ""},
		{"dimensions=ORGANIZATION_KIND&filter=positions.current%20%3D%20true", "UNIVERSITY=8 HOSPITAL=4 | 12"},
	} {
		now := e.restRows("/v1/statistics:compute?" + c.query)
		if c.want != "" && now != c.want {
			t.Errorf("%s today: %s, want %s", c.query, now, c.want)
		}
		if dated := e.restRows("/v1/statistics:compute?" + c.query + "&asOf.year=2026&asOf.month=12&asOf.day=5"); dated != now {
			t.Errorf("%s as on today: %s, but today's answer is %s", c.query, dated, now)
		}
	}

	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	op, err := e.client.Statistics.CreateReport(ctx, &pb.CreateReportRequest{
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2026, 12, 5)}})
	if err != nil {
		t.Fatal(err)
	}
	if op = e.wait(ops, op); op.GetError() != nil {
		t.Fatalf("the report's operation failed: %v", op.GetError())
	}
	r := &pb.Report{}
	if err := op.GetResponse().UnmarshalTo(r); err != nil {
		t.Fatal(err)
	}
	for _, tab := range r.GetTables()[:1] {
		var none, some int32
		for _, row := range tab.GetStatistics().GetRows() {
			if vals := row.GetValues(); vals[len(vals)-1] == "" {
				none += row.GetCount()
			} else {
				some += row.GetCount()
			}
		}
		if none != 4 || some != 12 {
			t.Errorf("report table %q: %d without a unit and %d with one, want 4 and 12", tab.GetTitle(), none, some)
		}
	}
}

// restRows is a REST statistics answer as rowsOf writes it.
func (e *env) restRows(path string) string {
	e.t.Helper()
	code, body := e.rest("GET", path, nil)
	if code != 200 {
		e.t.Fatalf("GET %s: %d %v", path, code, body)
	}
	var out []string
	rows, _ := body["rows"].([]any)
	for _, r := range rows {
		row := r.(map[string]any)
		var vals []string
		for _, v := range row["values"].([]any) {
			vals = append(vals, v.(string))
		}
		out = append(out, fmt.Sprintf("%s=%v", strings.Join(vals, "/"), row["count"]))
	}
	return strings.Join(out, " ") + fmt.Sprintf(" | %v", body["total"])
}
