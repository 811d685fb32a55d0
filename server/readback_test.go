package server

import (
	"context"
	"net/http"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestUpdateWithWhatWasRead: a client that reads a resource, changes a
// field and sends it back whole (the REST gateway makes the update mask of
// every field of the body) updates it: the output-only fields it read
// back are ignored, in the mask too, and an immutable one sent as it is
// (AIP-203); changing an immutable one is still INVALID_ARGUMENT.
func TestUpdateWithWhatWasRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.createPerson(anh())
	if _, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Kinh tế", Year: 2010}}); err != nil {
		t.Fatal(err)
	}
	for _, view := range []string{"", "?view=PERSON_VIEW_FULL"} {
		t.Run("ReadBack"+view, func(t *testing.T) {
			code, read := e.rest("GET", "/v1/"+p.Name+view, nil)
			if code != http.StatusOK {
				t.Fatalf("GET: HTTP %d %v", code, read)
			}
			read["email"] = "anh" + view + "@example.vn"
			code, got := e.rest("PATCH", "/v1/"+p.Name, read)
			if code != http.StatusOK {
				t.Fatalf("PATCH of the person read back: HTTP %d %v", code, got)
			}
			if got["email"] != read["email"] || got["createTime"] != read["createTime"] || got["givenName"] != "Ánh" ||
				got["highestQualificationLevel"] != "THAC_SI" {
				t.Errorf("PATCH gave %v", got)
			}
		})
	}
	t.Run("ErrImmutableChanged", func(t *testing.T) {
		_, read := e.rest("GET", "/v1/"+p.Name, nil)
		read["registryDate"] = map[string]any{"year": 2001, "month": 1, "day": 1}
		code, body := e.rest("PATCH", "/v1/"+p.Name, read)
		wantREST(t, code, body, http.StatusBadRequest, "person.registry_date")
	})
	t.Run("GRPCOutputOnlyInMask", func(t *testing.T) {
		got, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person:     &pb.Person{Name: p.Name, Phone: "0901 222 333", HighestQualificationLevel: "TIEN_SI"},
			UpdateMask: mask("phone", "create_time", "highest_qualification_level"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "0901 222 333" || got.HighestQualificationLevel != "THAC_SI" || !got.CreateTime.AsTime().Equal(p.CreateTime.AsTime()) {
			t.Errorf("update gave %v", got)
		}
	})
	t.Run("ErrGRPCImmutableChanged", func(t *testing.T) {
		_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person:     &pb.Person{Name: p.Name, RegistryDate: p.RegistryDate, Phone: "0901 444 555"},
			UpdateMask: mask("phone", "registry_date"),
		})
		if err != nil {
			t.Fatalf("registry_date sent as it is: %v", err)
		}
		_, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person:     &pb.Person{Name: p.Name, Phone: "0901 666 777", RegistryDate: &date.Date{Year: 2001, Month: 1, Day: 1}},
			UpdateMask: mask("phone", "registry_date"),
		})
		wantCode(t, err, codes.InvalidArgument, "person.registry_date")
	})
	t.Run("ReadBackOrganization", func(t *testing.T) {
		code, org := e.rest("POST", "/v1/organizations", map[string]any{"displayName": "Trường Đại học Kiên Giang", "kind": "UNIVERSITY"})
		if code != http.StatusOK {
			t.Fatalf("POST: HTTP %d %v", code, org)
		}
		org["shortName"] = "ĐHKG"
		code, got := e.rest("PATCH", "/v1/"+org["name"].(string), org)
		if code != http.StatusOK || got["shortName"] != "ĐHKG" {
			t.Fatalf("PATCH of the organization read back: HTTP %d %v", code, got)
		}
	})
}

// TestUpdateImmutableAsItIs: an immutable field named in the mask is no
// change when sent as it is, and INVALID_ARGUMENT when changed (AIP-203),
// whatever the resource: here a pool member's person.
func TestUpdateImmutableAsItIs(t *testing.T) {
	f := newExpertFixture(t)
	members, err := f.reg.Experts.ListExpertPoolMembers(f.ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool})
	if err != nil || len(members.ExpertPoolMembers) < 2 {
		t.Fatalf("members: %v %v", members, err)
	}
	m, other := members.ExpertPoolMembers[0], members.ExpertPoolMembers[1]
	got, err := f.reg.Experts.UpdateExpertPoolMember(f.ctx, &pb.UpdateExpertPoolMemberRequest{
		ExpertPoolMember: &pb.ExpertPoolMember{Name: m.Name, Person: m.Person, Etag: m.Etag}, UpdateMask: mask("person", "create_time")})
	if err != nil || got.Person != m.Person {
		t.Fatalf("the person sent as it is: %v %v", got, err)
	}
	_, err = f.reg.Experts.UpdateExpertPoolMember(f.ctx, &pb.UpdateExpertPoolMemberRequest{
		ExpertPoolMember: &pb.ExpertPoolMember{Name: m.Name, Person: other.Person}, UpdateMask: mask("person")})
	wantCode(t, err, codes.InvalidArgument, "update_mask")
	again, _ := f.reg.Experts.GetExpertPoolMember(f.ctx, &pb.GetExpertPoolMemberRequest{Name: m.Name})
	if again.GetPerson() != m.Person {
		t.Errorf("a refused update moved the member to %s", again.GetPerson())
	}
}
