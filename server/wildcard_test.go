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

// "-" (any parent, AIP-159) reads across collections in a List call's
// parent; in the name of one resource, or the parent a create writes
// under, it is refused INVALID_ARGUMENT naming the field and saying that
// "-" works only in lists, over gRPC and REST alike.
func TestWildcardOnlyInLists(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	grpcCalls := []struct {
		name  string
		field string
		call  func() error
	}{
		{"GetQualification", "name", func() error {
			_, err := e.client.People.GetQualification(ctx, &pb.GetQualificationRequest{Name: "people/-/qualifications/x"})
			return err
		}},
		{"GetPerson", "name", func() error {
			_, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/-"})
			return err
		}},
		{"DeleteQualification", "name", func() error {
			_, err := e.client.People.DeleteQualification(ctx, &pb.DeleteQualificationRequest{Name: "people/-/qualifications/x"})
			return err
		}},
		{"CreateQualification", "parent", func() error {
			_, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: "people/-",
				Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC"}})
			return err
		}},
		{"GetMembership", "name", func() error {
			_, err := e.client.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: "associations/-/memberships/x"})
			return err
		}},
	}
	for _, c := range grpcCalls {
		t.Run("gRPC/"+c.name, func(t *testing.T) {
			err := c.call()
			wantCode(t, err, codes.InvalidArgument, c.field)
			if msg := status.Convert(err).Message(); !strings.Contains(msg, `"-"`) || !strings.Contains(msg, "List") {
				t.Errorf("message %q does not say that \"-\" works only in lists", msg)
			}
		})
	}
	for _, path := range []string{"/v1/people/-/qualifications/x", "/v1/people/-/positions/x", "/v1/associations/-/memberships/x"} {
		t.Run("REST"+path, func(t *testing.T) {
			code, body := e.rest("GET", path, nil)
			wantREST(t, code, body, http.StatusBadRequest, "name")
			if msg, _ := body["message"].(string); !strings.Contains(msg, `"-"`) || !strings.Contains(msg, "List") {
				t.Errorf("message %q does not say that \"-\" works only in lists", msg)
			}
		})
	}
	// In a List call's parent "-" reads across people.
	if _, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/-"}); err != nil {
		t.Errorf("ListQualifications of people/-: %v", err)
	}
}
