package server

import (
	"bytes"
	"context"
	"testing"

	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// TestGetPersonIsBatchGetForEachRole reads varied people (positions,
// qualifications, honours, memberships; some restricted or deleted) with
// GetPerson as each role, FULL and BASIC, and wants the bytes
// BatchGetPeople answers for them: GetPerson decodes a profile from one
// statement's JSON (store/profile_read.go), BatchGetPeople reads each kind's
// rows, and both go through the same redaction and etags of what the role
// is shown. GetPerson's speed passes (BENCHMARKS.md, issue 19) must not
// change what a role reads.
func TestGetPersonIsBatchGetForEachRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := synth.Load(ctx, e.db, 3, 60); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.LoadMemberships(ctx, e.db, 3, ""); err != nil {
		t.Fatal(err)
	}
	list, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 100})
	if err != nil || len(list.People) < 60 {
		t.Fatalf("%d people, %v", len(list.GetPeople()), err)
	}
	people := list.People
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: people[1].Name}); err != nil {
		t.Fatal(err)
	}
	marshal := proto.MarshalOptions{Deterministic: true}
	held := map[string]int{}
	for _, role := range Roles {
		_, tok := e.key(role)
		c := e.clientAs(tok)
		for _, view := range []pb.PersonView{pb.PersonView_PERSON_VIEW_FULL, pb.PersonView_PERSON_VIEW_BASIC} {
			for _, p := range people {
				got, gerr := c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name, View: view})
				batch, berr := c.People.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: []string{p.Name}, View: view})
				if gerr != nil || berr != nil {
					if status.Code(gerr) != status.Code(berr) {
						t.Errorf("%s %v %s: GetPerson %v, BatchGetPeople %v", role, view, p.Name, gerr, berr)
					}
					continue
				}
				a, err := marshal.Marshal(got)
				if err != nil {
					t.Fatal(err)
				}
				b, err := marshal.Marshal(batch.People[0])
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s %v %s:\n GetPerson:      %v\n BatchGetPeople: %v", role, view, p.Name, got, batch.People[0])
				}
				if got.Etag == "" {
					t.Errorf("%s %v %s: no etag", role, view, p.Name)
				}
				held["positions"] += len(got.Positions)
				held["qualifications"] += len(got.Qualifications)
				held["honours"] += len(got.Honors)
				held["memberships"] += len(got.Memberships)
				held["fields"] += len(got.Fields)
			}
		}
	}
	// The registry must hold every kind, or the comparison proves little.
	for _, k := range []string{"positions", "qualifications", "honours", "memberships", "fields"} {
		if held[k] == 0 {
			t.Errorf("no %s read", k)
		}
	}
}
