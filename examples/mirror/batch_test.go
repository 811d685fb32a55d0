package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// reads counts the calls a client makes that read people.
type reads struct {
	mu    sync.Mutex
	calls map[string]int
}

func (r *reads) options(key string) client.Options {
	r.calls = map[string]int{}
	return client.Options{Token: key, DialOptions: []grpc.DialOption{grpc.WithChainUnaryInterceptor(
		func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
			r.mu.Lock()
			r.calls[method]++
			r.mu.Unlock()
			return invoker(ctx, method, req, reply, cc, opts...)
		})}}
}

// people is how many calls read people: GetPerson and BatchGetPeople.
func (r *reads) people() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls["/trithuc.v1.PersonService/GetPerson"] + r.calls["/trithuc.v1.PersonService/BatchGetPeople"]
}

// registerMany registers n people, four writers at once.
func registerMany(t *testing.T, c *client.Client, n int, each func(i int, p *pb.Person)) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				p, err := c.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Trần", GivenName: fmt.Sprintf("Người %03d", i)}})
				if err != nil {
					t.Error(err)
					return
				}
				each(i, p)
			}
		})
	}
	wg.Wait()
}

// A new mirror replays 300 registrations, 31 deletions, an undeletion, a
// purge and a restriction in a few reads of a hundred people, not a read
// a change, and holds what the source lists. The people deleted last are
// removed unread; one read and purged since makes its batch fail all or
// none, and is found by reading the batch's halves.
func TestMirrorReadsInBatches(t *testing.T) {
	ctx := context.Background()
	src, writer, svcKey := fixture(t)
	gone, restricted := create(t, writer, "Xoá"), create(t, writer, "Hạn")
	registerMany(t, writer, 300, func(i int, p *pb.Person) {
		if i%10 == 0 || i == 7 {
			if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name}); err != nil {
				t.Error(err)
			}
		}
		if i == 7 {
			if _, err := writer.People.UndeletePerson(ctx, &pb.UndeletePersonRequest{Name: p.Name}); err != nil {
				t.Error(err)
			}
		}
	})
	purge(t, writer, gone.Name)
	restrict(t, writer, restricted.Name)

	var r reads
	m, err := openMirror(filepath.Join(t.TempDir(), "mirror.db"))
	if err != nil {
		t.Fatal(err)
	}
	runWith(t, m, src.addr, r.options(svcKey))
	waitSynced(t, m, writer)
	if n := len(mirroredNames(t, m)); n != 270 {
		t.Errorf("the mirror holds %d people, want 270", n)
	}
	if n := r.people(); n > 330/5 {
		t.Errorf("catching up with 330 and more changes took %d reads of people, want at most one for five changes (%v)", n, r.calls)
	}
	t.Logf("reads: %v", r.calls)
}

// purge erases a person, on a completed request.
func purge(t *testing.T, c *client.Client, name string) {
	t.Helper()
	ctx := context.Background()
	erase, err := c.Privacy.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_ERASURE, Person: name, Requester: "Trần Rời"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []pb.DataSubjectRequest_State{pb.DataSubjectRequest_IN_PROGRESS, pb.DataSubjectRequest_COMPLETED} {
		if _, err := c.Privacy.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: erase.Name, State: s}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Privacy.PurgePerson(ctx, &pb.PurgePersonRequest{Name: name, DataSubjectRequest: erase.Name, Reason: "erasure"}); err != nil {
		t.Fatal(err)
	}
}

// restrict completes a RESTRICTION request of the person.
func restrict(t *testing.T, c *client.Client, name string) {
	t.Helper()
	ctx := context.Background()
	req, err := c.Privacy.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_RESTRICTION, Person: name, Requester: "Trần Hạn"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Privacy.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: req.Name,
		State: pb.DataSubjectRequest_COMPLETED, Action: "restricted"}); err != nil {
		t.Fatal(err)
	}
}

// A person whose UPDATED a batch holds, but who has left the key's scope
// by the time the mirror reads it (told by a DELETED still to come),
// fails the batch's BatchGetPeople: the mirror reads its halves and keeps
// everyone else.
func TestMirrorBatchWithSomeoneOutOfScopeSince(t *testing.T) {
	ctx := context.Background()
	src, writer, _ := fixture(t)
	health, err := writer.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{OrganizationId: "so-y-te",
		Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	var changes []*pb.Change
	var leaver *pb.Position
	for i := range 9 {
		p := create(t, writer, fmt.Sprintf("Người %d", i))
		pos, err := writer.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
			Organization: health.Name, Title: "Bác sĩ", Start: &date.Date{Year: 2015, Month: 1, Day: 1}, Current: true}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			leaver = pos
		}
		changes = append(changes, &pb.Change{Resource: p.Name, Kind: pb.Change_UPDATED})
	}
	if _, err := writer.People.DeletePosition(ctx, &pb.DeletePositionRequest{Name: leaver.Name}); err != nil {
		t.Fatal(err)
	}
	key, _, m := scopedMirror(t, src, "Sở Y tế", health.Name)
	var r reads
	reader, err := client.Dial(src.addr, r.options(key))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if err := m.apply(ctx, reader, changes); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range 9 {
		if i != 5 {
			want = append(want, fmt.Sprintf("Lê Người %d", i))
		}
	}
	if got := mirroredNames(t, m); !slices.Equal(got, want) {
		t.Errorf("the mirror holds %v, want %v", got, want)
	}
	if m.oneByOne {
		t.Error("the mirror reads one by one after a batch with someone out of scope")
	}
	t.Logf("reads: %v", r.calls)
}
