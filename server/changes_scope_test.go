package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A person whose membership ends leaves the scope of a registrar key
// limited to the association: its feed then tells of the person's
// DELETED, also to a follower of people alone, so that its copy drops
// them as the key can no longer read them. Someone linked by the key but
// never confirmed, whose membership is rejected, was never in its scope
// and is not named.
func TestChangesTellLeavingTheScope(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	member := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}}})
	stays := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Mai"}}})
	out := bao()
	out.FamilyName, out.GivenName = "Khác", "Tên"
	linked, err := f.medical.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: out}})
	if err != nil || !linked.LinkedExistingPerson {
		t.Fatalf("linking the outsider: %v %v", linked, err)
	}
	cursor := feedOf(t, f.medical.Changes, "")
	from := cursor[len(cursor)-1].Cursor

	if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: member.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.RejectMembership(ctx, &pb.RejectMembershipRequest{Name: linked.Membership.Name, Reason: "Trùng hồ sơ"}); err != nil {
		t.Fatal(err)
	}

	for _, filter := range []string{"", "resource_type = PERSON"} {
		var got []*pb.Change
		token := from
		for {
			r, err := f.medical.Changes.ListChanges(ctx, &pb.ListChangesRequest{PageToken: token, Filter: filter, PageSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r.Changes...)
			token = r.Cursor
			if r.NextPageToken == "" {
				break
			}
		}
		told := false
		names := map[string]bool{}
		for _, c := range got {
			f.noLeak(t, "ListChanges", c)
			if names[c.Name] {
				t.Errorf("filter %q: two changes are named %s", filter, c.Name)
			}
			names[c.Name] = true
			if c.Resource == member.Person.Name {
				told = c.Kind == pb.Change_DELETED && c.ResourceType == pb.Change_PERSON
				// One name whatever the filter leaves of the pair.
				if want := fmt.Sprintf("changes/%d-1", c.Sequence); told && c.Name != want {
					t.Errorf("filter %q: the DELETED of %s is named %s, want %s", filter, c.Resource, c.Name, want)
				}
			}
			if c.Resource == stays.Person.Name {
				t.Errorf("filter %q: a change of %s, who is still a member: %v", filter, c.Resource, c)
			}
		}
		if !told {
			t.Errorf("filter %q: the feed does not tell that %s left the scope: %q", filter, member.Person.Name, summaryOf(got))
		}
	}

	// A watch tells it too.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stream, err := f.medical.Changes.WatchChanges(wctx, &pb.WatchChangesRequest{Cursor: from, Filter: "resource_type = PERSON"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := stream.Recv()
	if err != nil || len(m.Changes) != 1 || m.Changes[0].Resource != member.Person.Name || m.Changes[0].Kind != pb.Change_DELETED {
		t.Errorf("watch: %v %v", m, err)
	}

	// The admin's feed holds the changes as they were written.
	for _, c := range feedOf(t, e.client.Changes, "") {
		if c.ResourceType == pb.Change_PERSON && c.Kind == pb.Change_DELETED {
			t.Errorf("the admin's feed: %v", c)
		}
	}
}

// A person whose position at an organization ends leaves the scope of a
// key limited to it: its feed tells of the person's DELETED. Someone who
// never worked there, whose position elsewhere ends, is not named.
func TestChangesTellLeavingTheUnit(t *testing.T) {
	f := newUnitFixture(t)
	head := feedOf(t, f.ha.Changes, "")
	from := head[len(head)-1].Cursor
	for _, p := range []*pb.Position{f.leaverPos, f.outsideP} {
		if _, err := f.e.client.People.UpdatePosition(f.ctx, &pb.UpdatePositionRequest{
			Position: &pb.Position{Name: p.Name, End: &date.Date{Year: 2024, Month: 12, Day: 31}, Current: false}, UpdateMask: mask("end", "current")}); err != nil {
			t.Fatal(err)
		}
	}
	got := feedOf(t, f.ha.Changes, from)
	told := false
	for _, c := range got {
		f.noLeak(t, "ListChanges", c.Resource)
		if c.Resource == f.leaver.Name && c.Kind == pb.Change_DELETED {
			told = true
			// Its name is the DELETED's own, though the change that
			// brought it is not the key's to see.
			if want := fmt.Sprintf("changes/%d-1", c.Sequence); c.Name != want {
				t.Errorf("the DELETED of %s is named %s, want %s", c.Resource, c.Name, want)
			}
		}
	}
	if !told {
		t.Errorf("the feed does not tell that %s left the unit: %q", f.leaver.Name, summaryOf(got))
	}
}

// A watch's message holds as many changes as fit in 16 KB, and never ends
// between two changes of one seq.
func TestMessageLen(t *testing.T) {
	change := func(seq int64) *pb.Change {
		return &pb.Change{Sequence: seq, Resource: "people/" + strings.Repeat("x", 1000)}
	}
	fit := watchMessageBytes / proto.Size(change(1))
	for _, tc := range []struct {
		name  string
		pairs []int // indexes i where changes i and i+1 share a seq
		want  int
	}{
		{"OK", nil, fit},
		{"PairAcrossTheEnd", []int{fit - 1}, fit + 1},
		{"PairBeforeTheEnd", []int{fit - 3}, fit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cs []*pb.Change
			seq := int64(0)
			for i := range 2 * fit {
				if !slices.Contains(tc.pairs, i-1) {
					seq++
				}
				cs = append(cs, change(seq))
			}
			if n := messageLen(cs); n != tc.want {
				t.Errorf("messageLen = %d, want %d", n, tc.want)
			}
		})
	}
}
