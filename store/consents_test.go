package store

import (
	"context"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Statistics count no restricted person: when the consent a member's
// profile rested on is withdrawn, they leave every count; a new consent
// brings them back.
func TestStatisticsLeaveRestrictedOut(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội Y học", Code: "HYH"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var member *pb.RegisterMemberResponse
	for i := range 8 {
		p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A" + itoa(int64(i)), Gender: pb.Person_FEMALE}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			member, err = db.RegisterMember(ctx, a.Name, Registration{Person: p.Name,
				Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	females := func() int32 {
		t.Helper()
		r, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER}})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range r.GetRows() {
			if row.GetValues()[0] == "FEMALE" {
				return row.GetCount()
			}
		}
		return 0
	}
	if n := females(); n != 8 {
		t.Fatalf("before the withdrawal, %d women, want 8", n)
	}
	if _, err := db.WithdrawMembership(ctx, member.Membership.Name, Transition{ConsentWithdrawn: true}); err != nil {
		t.Fatal(err)
	}
	if n := females(); n != 7 {
		t.Errorf("after the withdrawal, %d women, want 7", n)
	}
	if _, err := db.CreateConsent(ctx, member.Person.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2"}, nil); err != nil {
		t.Fatal(err)
	}
	if n := females(); n != 8 {
		t.Errorf("after a new consent, %d women, want 8", n)
	}
}
