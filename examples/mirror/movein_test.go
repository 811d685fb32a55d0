package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// People who come into a unit's key's scope with their organization are
// told to it as their UPDATED alone: not their positions and
// qualifications, which it may read now. The mirror reads the person
// afresh on that UPDATED, so its copy is complete: they are in it, as the
// key reads them, and a copy of what they hold, read in full on the same
// change, finds their position and qualification. Those who leave with
// another organization, told in one batch as DELETED, leave the copy.
func TestMirrorOfAUnitsKeyAfterAMoveIn(t *testing.T) {
	ctx := context.Background()
	src, writer, _ := fixture(t)
	org := func(id, name, parent string) string {
		o, err := writer.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: id,
			Organization: &pb.Organization{DisplayName: name, Parent: parent}})
		if err != nil {
			t.Fatal(err)
		}
		return o.Name
	}
	worker := func(org, given string) *pb.Person {
		p := create(t, writer, given)
		if _, err := writer.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
			Organization: org, Title: "Kỹ sư", Start: &date.Date{Year: 2018, Month: 3, Day: 1}, Current: true}}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	move := func(org, parent string) {
		if _, err := writer.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
			Organization: &pb.Organization{Name: org, Parent: parent}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent"}}}); err != nil {
			t.Fatal(err)
		}
	}
	health, education := org("so-y-te", "Sở Y tế", ""), org("so-gd", "Sở Giáo dục", "")
	clinic, lab := org("tram-y-te", "Trạm Y tế", health), org("phong-thi-nghiem", "Phòng thí nghiệm", education)
	worker(health, "An")
	for _, given := range []string{"Bình", "Chi", "Cúc", "Diệp"} {
		worker(clinic, given)
	}
	dung := worker(lab, "Dung")
	if _, err := writer.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: dung.Name, Qualification: &pb.Qualification{
		Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Hoá học", Year: 2016}}); err != nil {
		t.Fatal(err)
	}
	key, scoped, m := scopedMirror(t, src, "Sở Y tế", health)
	var r reads
	runWith(t, m, src.addr, r.options(key))
	waitSynced(t, m, scoped)
	before, err := m.cursor()
	if err != nil {
		t.Fatal(err)
	}

	move(clinic, education)
	move(lab, health)
	waitSynced(t, m, scoped)
	if names, want := mirroredNames(t, m), []string{"Lê An", "Lê Dung"}; !slices.Equal(names, want) {
		t.Errorf("the unit's mirror holds %v, want %v", names, want)
	}

	told := changesSince(t, scoped, before)
	if got := told[dung.Name]; got != pb.Change_UPDATED {
		t.Errorf("the key was told %v of %s, want UPDATED", got, dung.Name)
	}
	for name, kind := range told {
		if strings.HasPrefix(name, dung.Name+"/") {
			t.Errorf("the key was told %v of %s: what the person holds came as more than their UPDATED", kind, name)
		}
	}
	full, err := scoped.People.GetPerson(ctx, &pb.GetPersonRequest{Name: dung.Name, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Qualifications) != 1 || len(full.Positions) != 1 || full.Positions[0].Organization != lab {
		t.Errorf("read in full on their UPDATED, %s holds %v and %v, want the doctorate and the position at %s",
			dung.Name, full.Qualifications, full.Positions, lab)
	}
	var etag string
	if err := m.db.QueryRow(`SELECT etag FROM people WHERE name = ?`, dung.Name).Scan(&etag); err != nil || etag != full.Etag {
		t.Errorf("the mirror holds %s with etag %q (%v), the key reads %q", dung.Name, etag, err, full.Etag)
	}
}

// changesSince is the last kind of change the client's key is told of each
// resource after cursor, of every resource type.
func changesSince(t *testing.T, c *client.Client, cursor string) map[string]pb.Change_Kind {
	t.Helper()
	out := map[string]pb.Change_Kind{}
	for {
		resp, err := c.Changes.ListChanges(context.Background(), &pb.ListChangesRequest{PageToken: cursor, PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range resp.Changes {
			out[ch.Resource] = ch.Kind
		}
		if resp.NextPageToken == "" {
			return out
		}
		cursor = resp.NextPageToken
	}
}
