package server

import (
	"net/http"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an association "may read associations" (README): it
// gets any association by name, over gRPC and REST, as ListAssociations
// lists them all to it; what it may do with another association's members
// is refused as before.
func TestScopedKeyReadsAssociations(t *testing.T) {
	f := newScopeFixture(t)
	list, err := f.medical.Memberships.ListAssociations(f.ctx, &pb.ListAssociationsRequest{PageSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]*pb.Association{}
	for _, a := range list.Associations {
		listed[a.Name] = a
	}
	for _, name := range []string{f.hyh.Name, f.kt.Name, f.union.Name} {
		a, err := f.medical.Memberships.GetAssociation(f.ctx, &pb.GetAssociationRequest{Name: name})
		if err != nil || !proto.Equal(a, listed[name]) {
			t.Errorf("GetAssociation %s: %v, %v; want it as listed: %v", name, a, err, listed[name])
		}
		code, body := f.e.restAs(f.medicalTok, "GET", "/v1/"+name, nil)
		if code != http.StatusOK || body["name"] != name {
			t.Errorf("REST GET %s: %d %v", name, code, body)
		}
	}
	// Its members are still not the key's.
	_, err = f.medical.Memberships.ListMemberships(f.ctx, &pb.ListMembershipsRequest{Parent: f.kt.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.medical.Memberships.UpdateAssociation(f.ctx, &pb.UpdateAssociationRequest{Association: &pb.Association{Name: f.kt.Name, DisplayName: "x"}, UpdateMask: mask("display_name")})
	wantCode(t, err, codes.PermissionDenied)
}
