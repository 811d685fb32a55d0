package store

import (
	"context"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A position written as current with an end date still ahead stops being
// current once the date passes and the daily job runs: the position, the
// work location that followed it and the change feed all say so; an
// open-ended position and one ending later stay.
func TestEndLapsedPositions(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	at := func(y int, m time.Month, d int) {
		db.Now = func() time.Time { return time.Date(y, m, d, 3, 0, 0, 0, time.UTC) }
	}
	at(2026, 3, 1)
	org, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Trường Đại học", Kind: pb.Organization_UNIVERSITY, AdministrativeUnit: "30742"}, CreateOptions{ID: "dh"})
	if err != nil {
		t.Fatal(err)
	}
	person := func(id string, end *date.Date) *pb.Position {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: id}, CreateOptions{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		pos, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: "Giảng viên",
			Start: &date.Date{Year: 2020, Month: 1, Day: 1}, End: end, Current: true}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return pos
	}
	lapsing := person("hethan", &date.Date{Year: 2026, Month: 6, Day: 30})
	person("conhan", &date.Date{Year: 2027, Month: 6, Day: 30})
	person("khonghan", nil)

	if n, err := db.EndLapsedPositions(ctx, nil); err != nil || n != 0 {
		t.Fatalf("before the date: ended %d, %v; want 0", n, err)
	}
	head, err := db.ListChanges(ctx, ChangeQuery{PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	at(2026, 7, 1)
	if n, err := db.EndLapsedPositions(ctx, nil); err != nil || n != 1 {
		t.Fatalf("after the date: ended %d, %v; want 1", n, err)
	}
	for id, want := range map[string]bool{"hethan": false, "conhan": true, "khonghan": true} {
		p, err := db.GetPerson(ctx, "people/"+id, pb.PersonView_PERSON_VIEW_FULL)
		if err != nil {
			t.Fatal(err)
		}
		current := len(p.GetCurrentPositions()) > 0
		if current != want {
			t.Errorf("people/%s: holds a current position %v, want %v", id, current, want)
		}
		if loc := p.GetWorkLocation(); want != (loc == pb.Person_IN_PROVINCE) {
			t.Errorf("people/%s: work location %v with a current position %v", id, loc, want)
		}
	}
	changes, err := db.ListChanges(ctx, ChangeQuery{After: head.Next, PageSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range changes.Changes {
		seen[c.GetResource()] = true
	}
	if !seen[lapsing.Name] || !seen["people/hethan"] || len(seen) != 2 {
		t.Errorf("the feed after the run names %v; want the ended position and its person only", seen)
	}
	if n, err := db.EndLapsedPositions(ctx, nil); err != nil || n != 0 {
		t.Errorf("a second run ended %d, %v; want 0", n, err)
	}
}
