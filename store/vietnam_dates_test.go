package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The calendar dates a person types (a nomination deadline, a birth date)
// are Vietnam's: at 18:00 UTC on 4 December it is already 5 December in
// the province, so a deadline of the 4th has passed and a birth on the
// 5th is not in the future.
func TestDatesAreVietnams(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	db.Now = func() time.Time { return time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC) }

	c, err := db.CreateHonorCampaign(ctx, &pb.HonorCampaign{DisplayName: "Trí thức tiêu biểu", Year: 2026,
		Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1, NominationDeadline: &date.Date{Year: 2026, Month: 12, Day: 4}}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "An",
		BirthDate: &date.Date{Year: 2026, Month: 12, Day: 5}}, CreateOptions{})
	if err != nil {
		t.Fatalf("a birth on 5 December, 01:00 in Vietnam: %v", err)
	}
	_, err = db.CreateNomination(ctx, c.Name, &pb.Nomination{Person: p.Name, Nominator: "Hội Y học"}, CreateOptions{})
	if e, ok := err.(*Error); !ok || e.Code != FailedPrecondition || !strings.Contains(e.Message, "closed") {
		t.Errorf("a nomination on 5 December, 01:00 in Vietnam, to a campaign closed on the 4th: %v", err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Bình", BirthDate: &date.Date{Year: 2026, Month: 12, Day: 6}}, CreateOptions{}); err == nil {
		t.Error("a birth on 6 December was taken on the 5th")
	}
	// A position that began on the 5th is not in the future either.
	doctor, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Võ", GivenName: "Hùng"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePosition(ctx, doctor.Name, &pb.Position{OrganizationName: "Bệnh viện Đa khoa tỉnh", Title: "Bác sĩ",
		Start: &date.Date{Year: 2026, Month: 12, Day: 5}, Current: true}, CreateOptions{}); err != nil {
		t.Errorf("a position from 5 December: %v", err)
	}

	// At 18:00 UTC on 31 December the province is in the new year.
	db.Now = func() time.Time { return time.Date(2026, 12, 31, 18, 0, 0, 0, time.UTC) }
	q, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "Chi"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateWork(ctx, q.Name, &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Bài báo đầu năm", Year: 2027}, CreateOptions{}); err != nil {
		t.Errorf("a work of 2027 on 1 January 2027 in Vietnam: %v", err)
	}
	if _, err := db.CreateQualification(ctx, q.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2027}, CreateOptions{}); err != nil {
		t.Errorf("a degree of 2027 on 1 January 2027 in Vietnam: %v", err)
	}
}
