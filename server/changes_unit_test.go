package server

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A person whose current position at an organization is deleted, or moved
// to an organization outside it, leaves the scope of a key limited to it:
// its feed tells of the person's DELETED, named changes/{seq}-1, also to a
// follower of people alone and to a watch. The key of the organization
// they move to sees their change. A move to an organization under it, or
// the end of one position of two there, leaves them in scope: no DELETED.
func TestChangesTellMovingOutOfTheUnit(t *testing.T) {
	f := newUnitFixture(t)
	e, ctx := f.e, f.ctx
	_, eduTok, err := e.db.CreateScopedKey(ctx, "Sở Giáo dục, thống kê", RoleHomeAffairs, f.education.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	edu := e.clientAs(eduTok)
	deleted, deletedP := f.worker(f.health, "Xoá")
	mover, moverP := f.worker(f.health, "Chuyển")
	sub, subP := f.worker(f.health, "Xuống")
	two, twoP := f.worker(f.health, "Hai")
	e.position(two.Name, &pb.Position{Organization: f.hospital.Name, Title: "Trưởng khoa", Start: &date.Date{Year: 2016, Month: 1, Day: 1}, Current: true})
	health := feedOf(t, f.ha.Changes, "")
	fromHealth := health[len(health)-1].Cursor
	school := feedOf(t, edu.Changes, "")
	fromEdu := school[len(school)-1].Cursor

	for _, p := range []string{deletedP.Name, twoP.Name} {
		if _, err := e.client.People.DeletePosition(ctx, &pb.DeletePositionRequest{Name: p}); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []struct {
		pos *pb.Position
		to  *pb.Organization
	}{{moverP, f.education}, {subP, f.hospital}} {
		if _, err := e.client.People.UpdatePosition(ctx, &pb.UpdatePositionRequest{
			Position: &pb.Position{Name: m.pos.Name, Organization: m.to.Name}, UpdateMask: mask("organization")}); err != nil {
			t.Fatal(err)
		}
	}

	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.ha.Changes, fromHealth, filter)
		told := map[string]bool{}
		names := map[string]bool{}
		for _, c := range got {
			f.noLeak(t, "ListChanges", c.Resource)
			if names[c.Name] {
				t.Errorf("filter %q: two changes are named %s", filter, c.Name)
			}
			names[c.Name] = true
			if c.Kind == pb.Change_DELETED && c.ResourceType == pb.Change_PERSON {
				told[c.Resource] = true
				if want := "changes/" + strconv.FormatInt(c.Sequence, 10) + "-1"; c.Name != want {
					t.Errorf("filter %q: the DELETED of %s is named %s, want %s", filter, c.Resource, c.Name, want)
				}
			}
		}
		for _, p := range []*pb.Person{deleted, mover} {
			if !told[p.Name] {
				t.Errorf("filter %q: the feed does not tell that %s left the unit: %q", filter, p.Name, summaryOf(got))
			}
		}
		for _, p := range []*pb.Person{sub, two} {
			if told[p.Name] {
				t.Errorf("filter %q: the feed tells that %s, still in the unit, left it: %q", filter, p.Name, summaryOf(got))
			}
		}

		// The unit the mover joined sees their change, and no DELETED.
		got = listAll(t, edu.Changes, fromEdu, filter)
		seen := false
		for _, c := range got {
			if c.Resource != mover.Name && !strings.HasPrefix(c.Resource, mover.Name+"/") {
				t.Errorf("filter %q: the school's feed tells of %s: %q", filter, c.Resource, summaryOf(got))
			}
			seen = seen || c.Resource == mover.Name && c.Kind == pb.Change_UPDATED
		}
		if !seen {
			t.Errorf("filter %q: the school's feed does not tell of %s, who joined it: %q", filter, mover.Name, summaryOf(got))
		}
	}

	// A watch tells the same, each DELETED in the message of its change.
	want := summaryOf(listAll(t, f.ha.Changes, fromHealth, "resource_type = PERSON"))
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	stream, err := f.ha.Changes.WatchChanges(wctx, &pb.WatchChangesRequest{Cursor: fromHealth, Filter: "resource_type = PERSON"})
	if err != nil {
		t.Fatal(err)
	}
	var watched []*pb.Change
	for len(watched) < len(want) {
		m, err := stream.Recv()
		if err != nil {
			t.Fatalf("watch: %v after %q", err, summaryOf(watched))
		}
		watched = append(watched, m.Changes...)
	}
	if got := summaryOf(watched); !slices.Equal(got, want) {
		t.Errorf("watch: %q, want %q", got, want)
	}
}

// listAll reads the feed after token, a change a page, with filter.
func listAll(t *testing.T, c pb.ChangeServiceClient, token, filter string) []*pb.Change {
	t.Helper()
	var got []*pb.Change
	for {
		r, err := c.ListChanges(context.Background(), &pb.ListChangesRequest{PageToken: token, Filter: filter, PageSize: 1})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Changes...)
		token = r.Cursor
		if r.NextPageToken == "" {
			return got
		}
	}
}

// A person of the unit purged is told as PURGED to its key too, also to a
// follower of people alone, though nothing of them is left to place them
// in the unit: its copy drops them. A person purged who never worked
// there is not named. So it is to a key limited to an association, of a
// member purged.
func TestChangesTellPurgeToTheUnit(t *testing.T) {
	f := newUnitFixture(t)
	last, _ := f.worker(f.health, "Cuối")
	head := feedOf(t, f.ha.Changes, "")
	from := head[len(head)-1].Cursor
	purge(t, f.e, f.leaver.Name)
	purge(t, f.e, f.outside.Name)
	// The newest pk is given again: its new holder, outside the unit, is
	// not named by the changes of the positions of the one purged.
	purge(t, f.e, last.Name)
	f.e.createPerson(&pb.Person{FamilyName: "Lê", GivenName: "Mới"})
	for _, filter := range []string{"", "resource_type = PERSON"} {
		got := listAll(t, f.ha.Changes, from, filter)
		want := []string{"PURGED " + f.leaver.Name, "PURGED " + last.Name}
		if s := summaryOf(got); !slices.Equal(s, want) {
			t.Errorf("filter %q: the unit's feed: %q, want %q", filter, s, want)
		}
	}

	s := newScopeFixture(t)
	member := s.e.register(&pb.RegisterMemberRequest{Parent: s.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}}})
	other := s.e.createPerson(&pb.Person{FamilyName: "Lê", GivenName: "Khác"})
	head = feedOf(t, s.medical.Changes, "")
	from = head[len(head)-1].Cursor
	purge(t, s.e, member.Person.Name)
	purge(t, s.e, other.Name)
	got := listAll(t, s.medical.Changes, from, "resource_type = PERSON")
	if s := summaryOf(got); !slices.Equal(s, []string{"PURGED " + member.Person.Name}) {
		t.Errorf("the association's feed: %q, want the PURGED of %s", s, member.Person.Name)
	}
}

// purge erases a person, on a completed request.
func purge(t *testing.T, e *env, name string) {
	t.Helper()
	ctx := context.Background()
	pv := e.client.Privacy
	erase, err := pv.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_ERASURE, Person: name, Requester: "Trần Rời"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []pb.DataSubjectRequest_State{pb.DataSubjectRequest_IN_PROGRESS, pb.DataSubjectRequest_COMPLETED} {
		if _, err := pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: erase.Name, State: s}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: name, DataSubjectRequest: erase.Name, Reason: "erasure"}); err != nil {
		t.Fatal(err)
	}
}
