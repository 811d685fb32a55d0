package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func feedOf(t *testing.T, c pb.ChangeServiceClient, token string) []*pb.Change {
	t.Helper()
	var out []*pb.Change
	for {
		r, err := c.ListChanges(context.Background(), &pb.ListChangesRequest{PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Changes...)
		token = r.Cursor
		if r.NextPageToken == "" {
			return out
		}
	}
}

func resources(cs []*pb.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Resource)
	}
	return out
}

// A service key sees the changes of people and organizations only; a
// registrar limited to an association sees those of its people and its
// memberships, never of someone outside its scope.
func TestChangesSeenByRole(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Trường Đại học Kiên Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	member := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}}})
	q, err := e.client.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: f.outsider.Name,
		Qualification: &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2012}})
	if err != nil {
		t.Fatal(err)
	}

	admin := resources(feedOf(t, e.client.Changes, ""))
	for _, want := range []string{org.Name, member.Person.Name, member.Membership.Name, q.Name, f.outsider.Name, f.hyh.Name} {
		if !slices.Contains(admin, want) {
			t.Errorf("the admin's feed lacks %s: %q", want, admin)
		}
	}

	_, tok := e.key(RoleService)
	for _, c := range feedOf(t, e.clientAs(tok).Changes, "") {
		if c.ResourceType != pb.Change_PERSON && c.ResourceType != pb.Change_ORGANIZATION {
			t.Errorf("a service key sees %s %s", c.ResourceType, c.Resource)
		}
	}

	medical := feedOf(t, f.medical.Changes, "")
	got := resources(medical)
	if !slices.Contains(got, member.Person.Name) || !slices.Contains(got, member.Membership.Name) {
		t.Errorf("the limited registrar's feed lacks its member: %q", got)
	}
	for _, c := range medical {
		f.noLeak(t, "ListChanges", c)
		if c.ResourceType == pb.Change_ORGANIZATION || c.ResourceType == pb.Change_ASSOCIATION {
			t.Errorf("the limited registrar sees %s", c.Resource)
		}
	}

	// A filter on the type; a bad filter and a bad cursor are the caller's
	// mistakes.
	r, err := e.client.Changes.ListChanges(ctx, &pb.ListChangesRequest{Filter: "resource_type = ORGANIZATION"})
	if err != nil || len(r.Changes) != 1 || r.Changes[0].Resource != org.Name {
		t.Errorf("filtered: %v %v", r, err)
	}
	_, err = e.client.Changes.ListChanges(ctx, &pb.ListChangesRequest{Filter: "display_name = 1"})
	wantCode(t, err, codes.InvalidArgument, "filter")
	_, err = e.client.Changes.ListChanges(ctx, &pb.ListChangesRequest{PageToken: "nonsense"})
	wantCode(t, err, codes.InvalidArgument, "page_token")
	status, body := e.rest("GET", "/v1/changes?filter=resource_type%20%3D%20ORGANIZATION", nil)
	if status != http.StatusOK || len(body["changes"].([]any)) != 1 {
		t.Errorf("REST: %d %v", status, body)
	}
}

// A watch sends the head first, then each change as it commits; it
// resumes from a cursor, and a cursor older than the feed keeps is
// FAILED_PRECONDITION naming the oldest one.
func TestWatchChanges(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, tok := e.key(RoleService)
	svc := e.clientAs(tok)
	first := e.createPerson(&pb.Person{GivenName: "An"})
	stream, err := svc.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	head, err := stream.Recv()
	if err != nil || len(head.Changes) != 0 || head.Cursor == "" {
		t.Fatalf("first message: %v %v", head, err)
	}
	second := e.createPerson(&pb.Person{GivenName: "Bình"})
	got, err := stream.Recv()
	if err != nil || len(got.Changes) != 1 || got.Changes[0].Resource != second.Name || got.Changes[0].Kind != pb.Change_CREATED {
		t.Fatalf("after a create: %v %v", got, err)
	}

	// Resuming from the start reads both.
	again, err := svc.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Cursor: feedOf(t, e.client.Changes, "")[0].Cursor})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := again.Recv(); err != nil || len(m.Changes) != 1 || m.Changes[0].Resource != second.Name {
		t.Fatalf("resumed after %s: %v %v", first.Name, m, err)
	}

	if _, err := e.db.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	old, err := svc.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Cursor: head.Cursor})
	if err == nil {
		_, err = old.Recv()
	}
	wantCode(t, err, codes.FailedPrecondition)
	if !strings.Contains(err.Error(), "the oldest cursor it holds is") {
		t.Errorf("the error names no cursor: %v", err)
	}
}

// BatchGetPeople answers in the order asked, or fails as a whole naming
// the first name missing; over REST too.
func TestBatchGet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a, b := e.createPerson(&pb.Person{GivenName: "An"}), e.createPerson(&pb.Person{GivenName: "Bình"})
	r, err := e.client.People.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: []string{b.Name, a.Name, b.Name}})
	if err != nil || len(r.People) != 3 || r.People[0].Name != b.Name || r.People[1].Name != a.Name {
		t.Fatalf("%v %v", r, err)
	}
	_, err = e.client.People.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: []string{a.Name, "people/nobody"}})
	wantCode(t, err, codes.NotFound)
	if !strings.Contains(err.Error(), "names[1]: people/nobody") {
		t.Errorf("the error names no name: %v", err)
	}
	_, err = e.client.People.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: slices.Repeat([]string{a.Name}, 1001)})
	wantCode(t, err, codes.InvalidArgument, "names")
	status, body := e.rest("GET", "/v1/people:batchGet?names="+a.Name+"&names="+b.Name, nil)
	if status != http.StatusOK || len(body["people"].([]any)) != 2 {
		t.Errorf("REST: %d %v", status, body)
	}
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	_, tok := e.key(RoleService)
	o, err := e.clientAs(tok).Organizations.BatchGetOrganizations(ctx, &pb.BatchGetOrganizationsRequest{Names: []string{org.Name}})
	if err != nil || len(o.Organizations) != 1 {
		t.Errorf("%v %v", o, err)
	}
	_, err = e.client.Organizations.BatchGetOrganizations(ctx, &pb.BatchGetOrganizationsRequest{Names: []string{org.Name, "organizations/none"}})
	wantCode(t, err, codes.NotFound)
}

func (e *env) createPerson(p *pb.Person) *pb.Person {
	e.t.Helper()
	out, err := e.client.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: p})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// A watch does not hold the server up when it shuts down: the watcher is
// told UNAVAILABLE at once, and reconnects to the next server.
func TestWatchEndsAtShutdown(t *testing.T) {
	e := newEnv(t)
	stream, err := e.client.Changes.WatchChanges(context.Background(), &pb.WatchChangesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	// The shutdown's deadline is far off: it must not be what ends it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if err := e.srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown with a watcher: %v", err)
	}
	_, err = stream.Recv()
	wantCode(t, err, codes.Unavailable)
	e.db.Close()
	e.srv = nil
}

// A watch with a bad filter is refused before it sends anything: over
// REST with an HTTP error, not a 200 whose body starts with a cursor.
func TestWatchBadFilter(t *testing.T) {
	e := newEnv(t)
	stream, err := e.client.Changes.WatchChanges(context.Background(), &pb.WatchChangesRequest{Filter: "bogus=1"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := stream.Recv()
	if err == nil {
		t.Fatalf("the watch sent %v before refusing its filter", first)
	}
	wantCode(t, err, codes.InvalidArgument, "filter")
	code, body := e.rest("GET", "/v1/changes:watch?filter=bogus%3D1", nil)
	if code != http.StatusBadRequest {
		t.Fatalf("REST: HTTP %d %v, want 400", code, body)
	}
}
