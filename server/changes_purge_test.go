package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// After a person is purged, no change naming them or anything they held
// appears, in ListChanges or to a watcher, whatever is tried on them
// after; and the changes from before the purge name them without any of
// their values.
func TestChangesAfterPurge(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	name := f.person.Name
	if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
		Person:     &pb.Person{Name: name, Orcid: "0000-0002-1825-0097", CivilServantCode: "CC-12345"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"orcid", "civil_servant_code"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: name,
		Work: &pb.Work{Kind: pb.Work_PATENT, Title: "Quy trình nhân giống lúa chịu mặn", Year: 2019, DocumentNumber: "VN-1-2019-01234"}}); err != nil {
		t.Fatal(err)
	}
	// A current position and an honour: deleting the position updates
	// the person (where they work) before their honour goes.
	if _, err := e.client.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: name, Position: &pb.Position{
		OrganizationName: "Bệnh viện Đa khoa tỉnh", AdministrativeUnit: "30742", Title: "Bác sĩ", Current: true, Start: &date.Date{Year: 2025, Month: 8}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.People.CreateHonor(ctx, &pb.CreateHonorRequest{Parent: name, Honor: &pb.Honor{
		Kind: pb.Honor_PROVINCIAL_HONOR, Title: "Bằng khen", Year: 2020, Issuer: "UBND tỉnh"}}); err != nil {
		t.Fatal(err)
	}
	watchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	watch, err := e.client.Changes.WatchChanges(watchCtx, &pb.WatchChangesRequest{Cursor: feedOf(t, e.client.Changes, "")[0].Cursor})
	if err != nil {
		t.Fatal(err)
	}

	purge(t, e, name)

	// Writes that name the purged person after: each refused, none a change.
	_, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: name, GivenName: "Bảo"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"given_name"}}})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: name,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2020}})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.CreateWork(ctx, &pb.CreateWorkRequest{Parent: name, Work: &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Bài báo", Year: 2021}})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.People.UndeletePerson(ctx, &pb.UndeletePersonRequest{Name: name})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name,
		Applicant: &pb.RegisterMemberRequest_Person{Person: name}, Consent: consent()})
	wantCode(t, err, codes.InvalidArgument, "person")
	// A write of someone else marks the end of what to read.
	marker := e.createPerson(&pb.Person{GivenName: "Cúc"})

	// Values the person had, none of which a change may carry.
	values := []string{"Lâm", "Bảo", "091079000456", "bao.lam@example.vn", "0912345678", "Nội khoa",
		"0000-0002-1825-0097", "CC-12345", "nhân giống", "VN-1-2019-01234", "1979"}
	check := func(from string, cs []*pb.Change) {
		t.Helper()
		purged := -1
		for i, c := range cs {
			own := c.Resource == name || strings.HasPrefix(c.Resource, name+"/")
			if own && purged >= 0 {
				t.Errorf("%s: after the purge, change %d names %s: %v", from, i, c.Resource, c)
			}
			if c.Resource == name && c.Kind == pb.Change_PURGED {
				purged = i
				if len(c.ChangedFields) > 0 {
					t.Errorf("%s: the PURGED change names fields: %v", from, c.ChangedFields)
				}
			}
			if i > 0 && c.Sequence != cs[i-1].Sequence+1 {
				t.Errorf("%s: change %d has sequence %d after %d: a gap", from, i, c.Sequence, cs[i-1].Sequence)
			}
			if own {
				js := protojson.Format(c)
				for _, v := range values {
					if holdsMark(js, v) {
						t.Errorf("%s: a change of the purged person carries %q: %s", from, v, js)
					}
				}
			}
		}
		if purged < 0 || cs[len(cs)-1].Resource != marker.Name {
			t.Fatalf("%s: the feed lacks the purge or the write after it: %q", from, summaryOf(cs))
		}
	}
	check("ListChanges", feedOf(t, e.client.Changes, ""))
	var watched []*pb.Change
	for len(watched) == 0 || watched[len(watched)-1].Resource != marker.Name {
		m, err := watch.Recv()
		if err != nil {
			t.Fatal(err)
		}
		watched = append(watched, m.Changes...)
	}
	check("WatchChanges", watched)
}

func summaryOf(cs []*pb.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Kind.String()+" "+c.Resource)
	}
	return out
}
