package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A position sent as current with an end date ahead is no longer current
// once the server runs past that date (the job runs at start and daily):
// the profile says so over gRPC and REST, and the run is in the audit trail.
func TestServerEndsLapsedPositions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{
		DisplayName: "Trường Đại học Kiên Giang", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}})
	if err != nil {
		t.Fatal(err)
	}
	p := e.createPerson(&pb.Person{FamilyName: "Lê", GivenName: "Hết Hạn"})
	end := time.Now().AddDate(0, 0, 10)
	pos, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
		Organization: org.Name, Title: "Giảng viên hợp đồng", Start: &date.Date{Year: 2024, Month: 9, Day: 1},
		End: &date.Date{Year: int32(end.Year()), Month: int32(end.Month()), Day: int32(end.Day())}, Current: true}})
	if err != nil || !pos.GetCurrent() {
		t.Fatalf("CreatePosition: %v %v", pos, err)
	}

	e.stop()
	e.start(func(s *Server) {
		now := time.Now().AddDate(0, 0, 11)
		s.db.Now = func() time.Time { return now }
	})
	e.client = e.clientAs(e.token)
	waitFor(t, func() bool { return strings.Contains(e.logs.String(), "no longer current") })

	got, err := e.client.People.GetPosition(ctx, &pb.GetPositionRequest{Name: pos.Name})
	if err != nil || got.GetCurrent() {
		t.Fatalf("after its end date: %v %v; want a position no longer current", got, err)
	}
	person, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
	if err != nil || person.GetWorkLocation() != pb.Person_WORK_LOCATION_UNSPECIFIED {
		t.Errorf("the person's work location still follows the ended position: %v %v", person.GetWorkLocation(), err)
	}
	code, body := e.rest("GET", "/v1/"+pos.Name, nil)
	if code != 200 || body["current"] == true {
		t.Errorf("REST: %d %v", code, body)
	}
	events, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Filter: `method = "` + LapsedPositionsMethod + `"`})
	if err != nil || len(events.GetAuditEvents()) != 1 {
		t.Errorf("audit events of the run: %v %v; want one", events, err)
	}
}
