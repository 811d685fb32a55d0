package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// People filter on their memberships (memberships.association,
// memberships.state), so that an association's members export with their
// names: memberships of deleted associations do not count, and a caller
// limited to an association lists, and counts, only the people of its
// scope, not those whose link to a registration it made is unconfirmed.
func TestPeopleFilterOnMemberships(t *testing.T) {
	db, hth := openWithAssociation(t)
	ctx := context.Background()
	sub, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Chi hội Phần mềm", Code: "CHPM", Parent: hth.Name}, CreateOptions{ID: "chpm"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội cũ", Code: "HC"}, CreateOptions{ID: "hoi-cu"})
	if err != nil {
		t.Fatal(err)
	}
	consent := &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}
	people := map[string]string{} // given name → people/{id}
	register := func(assoc, given string, o CreateOptions, then ...func(string) (*pb.Membership, error)) {
		t.Helper()
		reg := Registration{Person: people[given], Consent: consent}
		if reg.Person == "" {
			reg.NewPerson = &pb.Person{FamilyName: "Trần", GivenName: given}
		}
		r, err := db.RegisterMember(ctx, assoc, reg, o)
		if err != nil {
			t.Fatal(err)
		}
		people[given] = r.Membership.Person
		for _, f := range then {
			if _, err := f(r.Membership.Name); err != nil {
				t.Fatal(err)
			}
		}
	}
	approve := func(m string) (*pb.Membership, error) { return db.ApproveMembership(ctx, m, Transition{}) }
	withdraw := func(m string) (*pb.Membership, error) {
		return db.WithdrawMembership(ctx, m, Transition{Reason: "Chuyển công tác"})
	}
	register(hth.Name, "An", CreateOptions{}, approve)
	register(hth.Name, "Bình", CreateOptions{})
	register(sub.Name, "Chi", CreateOptions{}, approve)
	register(hth.Name, "Chi", CreateOptions{}, approve, withdraw)
	register(old.Name, "Dũng", CreateOptions{}, withdraw)
	if _, err := db.DeleteAssociation(ctx, old.Name, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Em is in the registry already: a registration by a key limited to
	// hth links to her unconfirmed, and so brings her into no scope.
	em, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Em"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	people["Em"] = em.Name
	register(hth.Name, "Em", CreateOptions{Scope: hth.Name})
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Giang"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	const inHTH = `memberships.association = "associations/hth"`
	for _, c := range []struct {
		name, filter, scope string
		want                []string // given names, in the listing's order
		err                 string   // what the error says, for a refused filter
	}{
		{name: "OK_Association", filter: inHTH, want: []string{"An", "Bình", "Chi", "Em"}},
		{name: "OK_ActiveMembers", filter: inHTH + ` AND memberships.state = ACTIVE`, want: []string{"An"}},
		{name: "OK_SameMembership", filter: inHTH + ` AND memberships.state = WITHDRAWN`, want: []string{"Chi"}},
		{name: "OK_StateAnywhere", filter: `memberships.state = ACTIVE`, want: []string{"An", "Chi"}},
		{name: "OK_Either", filter: `memberships.association = "associations/chpm" OR memberships.state = PENDING`, want: []string{"Bình", "Chi", "Em"}},
		{name: "OK_AnyMembership", filter: `memberships.association:*`, want: []string{"An", "Bình", "Chi", "Em"}},
		{name: "OK_NotMember", filter: `NOT ` + inHTH, want: []string{"Dũng", "Giang"}},
		{name: "OK_DeletedAssociation", filter: `memberships.association = "associations/hoi-cu"`, want: nil},
		{name: "OK_Scoped", filter: inHTH, scope: hth.Name, want: []string{"An", "Bình", "Chi"}},
		{name: "OK_ScopedActive", filter: inHTH + ` AND memberships.state = ACTIVE`, scope: hth.Name, want: []string{"An"}},
		{name: "OK_ScopedPending", filter: inHTH + ` AND memberships.state = PENDING`, scope: hth.Name, want: []string{"Bình"}},
		{name: "ErrUnknownState", filter: `memberships.state = MEMBER`, err: "memberships.state has no value MEMBER"},
		{name: "ErrUnknownField", filter: `memberships.number = "1"`, err: `unknown field "memberships.number"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, page, err := db.ListPeople(ctx, ListQuery{Filter: c.filter, Scope: c.scope, OrderBy: "given_name"}, pb.PersonView_PERSON_VIEW_BASIC)
			if c.err != "" {
				if !isInvalid(err) || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "filter") {
					t.Fatalf("got %v, want INVALID_ARGUMENT on filter saying %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range got {
				names = append(names, p.GivenName)
			}
			if !slices.Equal(names, c.want) || page.TotalSize != len(c.want) {
				t.Errorf("listed %v (total_size %d), want %v", names, page.TotalSize, c.want)
			}
		})
	}

	// ListMemberships reaches them as person.memberships.*: the members of
	// hth who are members of chpm too.
	ms, _, err := db.ListMemberships(ctx, hth.Name, ListQuery{Filter: `person.memberships.association = "associations/chpm"`})
	if err != nil || len(ms) != 1 || ms[0].Person != people["Chi"] {
		t.Errorf("ListMemberships by person.memberships: %v, %v; want Chi's", ms, err)
	}

	// Statistics do not filter by memberships (statsFilterFields).
	_, err = db.ComputeStatistics(ctx, StatsQuery{Filter: inHTH, Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER}})
	if !isInvalid(err) || !strings.Contains(err.Error(), "statistics cannot be filtered by memberships.association") {
		t.Errorf("statistics by membership: %v, want INVALID_ARGUMENT", err)
	}
}

func isInvalid(err error) bool {
	var se *Error
	return errors.As(err, &se) && se.Code == Invalid
}

// A filter on memberships reads each person's few memberships by the
// person, then their associations by pk: by the index of states it read
// every active member of the registry for each person (more than 2 s a
// page at 30,000 people with 6,000 members), by the index of codes every
// association for each membership.
func TestMembershipFilterPlan(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var plan strings.Builder
	err := db.read(ctx, func(tx *Tx) error {
		l, err := tx.peopleListing(ctx, ListQuery{Filter: `memberships.association = "associations/hth" AND memberships.state = ACTIVE`})
		if err != nil {
			return err
		}
		q, args := l.countSQL()
		rows, err := tx.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				return err
			}
			plan.WriteString(detail + "\n")
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"SEARCH pm USING INDEX memberships_person (person_pk=?)", "SEARCH pma USING INTEGER PRIMARY KEY"} {
		if !strings.Contains(plan.String(), want) {
			t.Errorf("the plan does not %s:\n%s", want, plan.String())
		}
	}
}
