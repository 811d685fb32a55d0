package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// MEMBERSHIP_STATE counts each person under their most advanced
// membership of an association.
func TestMembershipStateDimension(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER, pb.ComputeStatisticsRequest_MEMBERSHIP_STATE}}
	var assocs []string
	for _, code := range []string{"HYH", "HKT"} {
		a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội " + code, Code: code}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		assocs = append(assocs, a.Name)
	}
	// People 1-6 active (person 1 also withdrawn elsewhere), 7-9 pending,
	// 10 rejected, 11 and 12 with none.
	var people []string
	for i := range 12 {
		p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A" + itoa(int64(i)), Gender: pb.Person_FEMALE}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p.Name)
	}
	member := func(person, assoc string) string {
		t.Helper()
		r, err := db.RegisterMember(ctx, assoc, Registration{Person: person,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Membership.Name
	}
	for i := range 10 {
		m := member(people[i], assocs[0])
		switch {
		case i < 6:
			_, err = db.ApproveMembership(ctx, m, Transition{})
		case i == 9:
			_, err = db.RejectMembership(ctx, m, Transition{Reason: "x"})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.WithdrawMembership(ctx, member(people[0], assocs[1]), Transition{}); err != nil {
		t.Fatal(err)
	}
	setThreshold(t, db, 3)
	r, err := db.ComputeStatistics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range r.GetRows() {
		n := "*"
		if row.Count != nil {
			n = itoa(int64(row.GetCount()))
		}
		got = append(got, strings.Join(row.GetValues(), "/")+"="+n)
	}
	// PENDING 3 is shown; REJECTED 1 is hidden, and with it the smallest
	// other, "" (2: no membership). (Labels are the server's.)
	want := "FEMALE/ACTIVE=6, FEMALE/PENDING=3, FEMALE/REJECTED=*, FEMALE/=*"
	if strings.Join(got, ", ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ", "), want)
	}
}

// setThreshold sets the suppression threshold of db's statistics.
func setThreshold(t *testing.T, db *DB, threshold int32) {
	t.Helper()
	if _, err := db.UpdateStatisticsSettings(context.Background(), statisticsSettingsName, WriteOptions{}, func(s *pb.StatisticsSettings) error {
		s.SuppressionThreshold = threshold
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
