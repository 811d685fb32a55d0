package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Invisible and direction-changing characters are refused in every text a
// request carries, over gRPC and REST, with the field and the character
// named, and nothing is stored.
func TestHiddenCharactersRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	before := e.count()

	t.Run("ErrZeroWidthJoinerInMajor", func(t *testing.T) {
		_, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: p.Name, Qualification: &pb.Qualification{
			Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Kinh\u200d tế", Year: 2010,
		}})
		wantCode(t, err, codes.InvalidArgument, "qualification.major")
		if msg := status.Convert(err).Message(); !strings.Contains(msg, "U+200D") || !strings.Contains(msg, "zero-width joiner") {
			t.Errorf("message %q does not name the character", msg)
		}
	})
	t.Run("ErrIsolateInOrganizationName", func(t *testing.T) {
		_, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{
			DisplayName: "Trường \u2067Đại học\u2069", Kind: pb.Organization_UNIVERSITY,
		}})
		wantCode(t, err, codes.InvalidArgument, "organization.display_name")
	})
	t.Run("ErrInUpdate", func(t *testing.T) {
		_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, GivenName: "Ánh\u2060"}})
		wantCode(t, err, codes.InvalidArgument, "person.given_name")
	})
	t.Run("ErrInFilter", func(t *testing.T) {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: "given_name = \"Ánh\u200b\""})
		wantCode(t, err, codes.InvalidArgument, "filter")
	})
	t.Run("REST", func(t *testing.T) {
		code, body := e.rest("POST", "/v1/people", map[string]any{"givenName": "Bình\u200b"})
		wantREST(t, code, body, http.StatusBadRequest, "person.given_name")
		code, body = e.rest("PATCH", "/v1/"+p.Name, map[string]any{"address": "Số 5\u202e"})
		wantREST(t, code, body, http.StatusBadRequest, "person.address")
	})
	got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil {
		t.Fatal(err)
	}
	if got.GivenName != "Ánh" || got.Address != "" || len(got.Qualifications) != 0 {
		t.Errorf("a refused request changed the profile: %v", got)
	}
	if after := e.count(); after != before {
		t.Errorf("refused creates changed the count from %d to %d", before, after)
	}
}
