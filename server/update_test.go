package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestUpdateWithoutMask: without an update_mask the fields a request sets
// are the mask (AIP-134): only they are checked, so a field the client
// never sent cannot fail the update; and an update that changes nothing
// writes nothing, its etag and update_time staying as they were.
func TestUpdateWithoutMask(t *testing.T) {
	f := newExpertFixture(t)
	e, ctx := f.e, f.ctx
	eng, err := f.engage(t, f.an, time.Now(), f.dhkg, "")
	if err != nil {
		t.Fatal(err)
	}
	campaign, err := f.reg.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: int32(time.Now().Year()), Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	work, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: f.an, Work: &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Bài báo", Year: 2021}})
	if err != nil {
		t.Fatal(err)
	}
	quals, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: f.cuong})
	if err != nil || len(quals.Qualifications) != 1 {
		t.Fatalf("qualifications: %v %v", quals, err)
	}
	positions, err := e.client.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: f.binh})
	if err != nil || len(positions.Positions) != 1 {
		t.Fatalf("positions: %v %v", positions, err)
	}
	members, err := e.client.Experts.ListExpertPoolMembers(ctx, &pb.ListExpertPoolMembersRequest{Parent: f.pool})
	if err != nil || len(members.ExpertPoolMembers) == 0 {
		t.Fatalf("members: %v %v", members, err)
	}
	m := e.register(&pb.RegisterMemberRequest{Parent: "associations/lien-hiep", Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()}})

	// A field not sent is not checked: the association's code and the
	// campaign's year are required, the threshold has a range.
	if _, err := e.client.Memberships.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{
		Association: &pb.Association{Name: "associations/lien-hiep", ShortName: "LHH An Giang"}}); err != nil {
		t.Fatalf("an update of the short name alone: %v", err)
	}
	if a, err := e.client.Memberships.GetAssociation(ctx, &pb.GetAssociationRequest{Name: "associations/lien-hiep"}); err != nil || a.ShortName != "LHH An Giang" || a.Code != "LHH" {
		t.Fatalf("after the update: %v %v", a, err)
	}
	// A field sent is checked.
	_, err = e.client.Memberships.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{
		Association: &pb.Association{Name: "associations/lien-hiep", ShortName: strings.Repeat("x", 101)}})
	wantCode(t, err, codes.InvalidArgument, "association.short_name")

	for _, name := range []string{"associations/lien-hiep", campaign.Name, "statisticsSettings", f.an, f.sokhcn, f.pool,
		members.ExpertPoolMembers[0].Name, eng.Name, work.Name, quals.Qualifications[0].Name, positions.Positions[0].Name, m.Membership.Name} {
		t.Run(name, func(t *testing.T) {
			_, before := e.rest("GET", "/v1/"+name, nil)
			code, body := e.rest("PATCH", "/v1/"+name, map[string]any{})
			if code != http.StatusOK {
				t.Fatalf("PATCH {}: HTTP %d %v", code, body)
			}
			_, after := e.rest("GET", "/v1/"+name, nil)
			if body["etag"] != before["etag"] || after["etag"] != before["etag"] || after["updateTime"] != before["updateTime"] {
				t.Errorf("PATCH {} changed the etag or update time: before %v %v, answer %v, after %v %v",
					before["etag"], before["updateTime"], body["etag"], after["etag"], after["updateTime"])
			}
		})
	}
	// A change still changes them.
	_, before := e.rest("GET", "/v1/"+f.pool, nil)
	code, body := e.rest("PATCH", "/v1/"+f.pool, map[string]any{"description": "Phản biện đề tài nông nghiệp"})
	if code != http.StatusOK || body["etag"] == before["etag"] || body["description"] != "Phản biện đề tài nông nghiệp" {
		t.Fatalf("a change: HTTP %d %v (etag before %v)", code, body, before["etag"])
	}
}

// TestPatchWithName: a PATCH body may carry the resource's own name, as a
// resource read back and sent whole does; another name is refused, and
// changes nothing.
func TestPatchWithName(t *testing.T) {
	e := newEnv(t)
	p := e.createPerson(anh())
	other := e.createPerson(&pb.Person{GivenName: "Xuân"})
	code, body := e.rest("PATCH", "/v1/"+p.Name, map[string]any{"name": p.Name, "givenName": "Ánh Hồng"})
	if code != http.StatusOK || body["givenName"] != "Ánh Hồng" {
		t.Fatalf("PATCH with its own name: HTTP %d %v", code, body)
	}
	code, body = e.rest("PATCH", "/v1/"+p.Name, map[string]any{"name": other.Name, "givenName": "Ngọc"})
	wantREST(t, code, body, http.StatusBadRequest, "person.name")
	code, body = e.rest("PATCH", "/v1/"+p.Name+"?updateMask=given_name", map[string]any{"name": other.Name, "givenName": "Ngọc"})
	wantREST(t, code, body, http.StatusBadRequest, "person.name")
	for _, name := range []string{p.Name, other.Name} {
		if _, got := e.rest("GET", "/v1/"+name, nil); got["givenName"] == "Ngọc" {
			t.Errorf("a refused PATCH changed %s: %v", name, got)
		}
	}
}

// TestMaskSpellings: a REST client's masks take the fields' JSON names and
// their proto names alike, in the query string of an update as in the body
// of a restore (where protojson took only the JSON names).
func TestMaskSpellings(t *testing.T) {
	e := newEnv(t)
	p := e.createPerson(&pb.Person{FamilyName: "Nguyễn", GivenName: "Ánh"})
	code, body := e.rest("PATCH", "/v1/"+p.Name+"?updateMask=givenName", map[string]any{"givenName": "Bình", "familyName": "Trần"})
	if code != http.StatusOK || body["givenName"] != "Bình" || body["familyName"] != "Nguyễn" {
		t.Fatalf("updateMask=givenName: HTTP %d %v", code, body)
	}
	code, body = e.rest("PATCH", "/v1/"+p.Name+"?updateMask=given_name,familyName", map[string]any{"givenName": "Châu", "familyName": "Lê"})
	if code != http.StatusOK || body["givenName"] != "Châu" || body["familyName"] != "Lê" {
		t.Fatalf("updateMask=given_name,familyName: HTTP %d %v", code, body)
	}
	code, body = e.rest("GET", "/v1/"+p.Name+"/revisions?pageSize=1", nil)
	revs, _ := body["personRevisions"].([]any)
	if code != http.StatusOK || len(revs) != 1 {
		t.Fatalf("revisions: HTTP %d %v", code, body)
	}
	rev := revs[0].(map[string]any)["name"].(string)
	code, body = e.rest("POST", "/v1/"+rev+":restore", map[string]any{"fieldMask": "given_name,familyName"})
	if code != http.StatusOK || body["givenName"] != "Bình" || body["familyName"] != "Nguyễn" {
		t.Fatalf("restore with given_name,familyName: HTTP %d %v", code, body)
	}
	// A path of no field is still refused, in either place.
	code, body = e.rest("PATCH", "/v1/"+p.Name+"?updateMask=nickName", map[string]any{"givenName": "X"})
	wantREST(t, code, body, http.StatusBadRequest, "update_mask")
	code, body = e.rest("POST", "/v1/"+rev+":restore", map[string]any{"fieldMask": "nick_name"})
	wantREST(t, code, body, http.StatusBadRequest, "field_mask.paths[0]")
}
