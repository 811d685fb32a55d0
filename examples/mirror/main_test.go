package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

type source struct {
	t    testing.TB
	path string
	addr string
	// rate is the server's rate limit (calls a second for each principal,
	// in bursts of twice as many); 0 for none.
	rate float64
	db   *store.DB
	srv  *server.Server
}

func (s *source) start() {
	db, err := store.Open(context.Background(), s.path)
	if err != nil {
		s.t.Fatal(err)
	}
	srv, err := server.New(db, server.Config{GRPCAddr: s.addr, HTTPAddr: "127.0.0.1:0",
		RateLimit: s.rate, RateBurst: int(2 * s.rate), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		s.t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.db, s.srv, s.addr = db, srv, srv.GRPCAddr()
}

func (s *source) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
	s.db.Close()
}

// The mirror equals the source after bursts of concurrent writes with a
// server restart between them, while the mirror follows throughout.
func TestMirrorFollowsThroughRestart(t *testing.T) {
	src := &source{t: t, path: filepath.Join(t.TempDir(), "source.db"), addr: "127.0.0.1:0"}
	src.start()
	defer func() { src.stop() }()
	_, admin, err := src.db.CreateKey(context.Background(), "test", "admin", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	_, svcKey, err := src.db.CreateKey(context.Background(), "mirror", "service", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	writer, err := client.Dial(src.addr, client.Options{Token: admin})
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	reader, err := client.Dial(src.addr, client.Options{Token: svcKey})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	m, err := openMirror(filepath.Join(t.TempDir(), "mirror.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.follow(ctx, reader) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	burst := func(round int) {
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 20 {
					p, err := writer.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: fmt.Sprintf("R%dW%dI%d", round, w, i)}})
					if err != nil {
						t.Error(err)
						return
					}
					if i%3 == 0 {
						if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name}); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
	}
	burst(1)
	src.stop()
	src.start()
	burst(2)

	waitSynced(t, m, writer)
}

// waitSynced waits until the mirror holds the people the source lists, with
// their etags.
func waitSynced(t *testing.T, m *mirror, source *client.Client) {
	t.Helper()
	ctx := context.Background()
	want := map[string]string{}
	for p, err := range client.All(ctx, &pb.ListPeopleRequest{PageSize: 1000}, source.People.ListPeople, (*pb.ListPeopleResponse).GetPeople) {
		if err != nil {
			t.Fatal(err)
		}
		want[p.Name] = p.Etag
	}
	var got map[string]string
	for range 600 {
		got = map[string]string{}
		rows, err := m.db.Query(`SELECT name, etag FROM people`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n, e string
			rows.Scan(&n, &e)
			got[n] = e
		}
		rows.Close()
		if equal(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the mirror holds %d people, the source %d:\n%v\n%v", len(got), len(want), got, want)
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// fixture is a source with an admin client and a service key to mirror
// with.
func fixture(t *testing.T) (src *source, writer *client.Client, svcKey string) {
	t.Helper()
	src = &source{t: t, path: filepath.Join(t.TempDir(), "source.db"), addr: "127.0.0.1:0"}
	src.start()
	t.Cleanup(func() { src.stop() })
	_, admin, err := src.db.CreateKey(context.Background(), "test", "admin", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	_, svcKey, err = src.db.CreateKey(context.Background(), "mirror", "service", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	writer, err = client.Dial(src.addr, client.Options{Token: admin})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { writer.Close() })
	return src, writer, svcKey
}

// run follows the source with a mirror until the test ends or stop is
// called; following must end well.
func run(t *testing.T, m *mirror, addr, key string) (stop func()) {
	t.Helper()
	return runWith(t, m, addr, client.Options{Token: key})
}

// runWith is run with the client's options.
func runWith(t *testing.T, m *mirror, addr string, o client.Options) (stop func()) {
	t.Helper()
	reader, err := client.Dial(addr, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.follow(ctx, reader) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("following: %v", err)
			}
			reader.Close()
		})
	}
	t.Cleanup(stop)
	return stop
}

func create(t *testing.T, c *client.Client, given string) *pb.Person {
	t.Helper()
	p, err := c.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: given}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A restore of the source's database is another feed, which refuses the
// mirror's cursor: the mirror reads the registry in full again, dropping
// the person the restore took away and taking back the one it undid the
// deletion of, and follows on.
func TestMirrorResyncsAfterRestore(t *testing.T) {
	ctx := context.Background()
	src, writer, svcKey := fixture(t)
	an := create(t, writer, "An")
	create(t, writer, "Bình")
	m, err := openMirror(filepath.Join(t.TempDir(), "mirror.db"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, m, src.addr, svcKey)
	waitSynced(t, m, writer)

	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := src.db.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	create(t, writer, "Chi")
	if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: an.Name}); err != nil {
		t.Fatal(err)
	}
	waitSynced(t, m, writer)

	src.stop()
	if err := store.Restore(ctx, backup, src.path, true, store.Options{}); err != nil {
		t.Fatal(err)
	}
	src.start()
	create(t, writer, "Dung")
	waitSynced(t, m, writer)
}

// A mirror started on a feed that no longer holds its first changes, and
// one stopped for longer than the feed keeps changes, read the registry
// in full and follow on.
func TestMirrorAfterPruning(t *testing.T) {
	ctx := context.Background()
	src, writer, svcKey := fixture(t)
	an := create(t, writer, "An")
	create(t, writer, "Bình")
	offline, err := openMirror(filepath.Join(t.TempDir(), "offline.db"))
	if err != nil {
		t.Fatal(err)
	}
	stop := run(t, offline, src.addr, svcKey)
	waitSynced(t, offline, writer)
	stop()

	create(t, writer, "Chi")
	if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: an.Name}); err != nil {
		t.Fatal(err)
	}
	if n, err := src.db.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil || n == 0 {
		t.Fatalf("pruning: %d, %v", n, err)
	}

	fresh, err := openMirror(filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	run(t, fresh, src.addr, svcKey)
	run(t, offline, src.addr, svcKey)
	dung := create(t, writer, "Dung")
	waitSynced(t, fresh, writer)
	waitSynced(t, offline, writer)
	if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: dung.Name}); err != nil {
		t.Fatal(err)
	}
	waitSynced(t, fresh, writer)
	waitSynced(t, offline, writer)
}

// A Follower with Resync and no cursor reads in full first, given the
// cursor it then follows from, and is handed the changes after it.
func TestFollowerWithoutCursorResyncs(t *testing.T) {
	src, writer, svcKey := fixture(t)
	create(t, writer, "An")
	reader, err := client.Dial(src.addr, client.Options{Token: svcKey})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	resynced := make(chan string, 1)
	handled := make(chan string, 10)
	f := &client.Follower{Changes: reader.Changes,
		Resync: func(ctx context.Context, cursor string) error { resynced <- cursor; return nil },
		Handle: func(ctx context.Context, c *pb.Change) error { handled <- c.Resource; return nil }}
	go f.Run(ctx)
	select {
	case cur := <-resynced:
		if head, _ := src.db.ChangeHead(ctx); cur != src.db.EncodeCursor(head) {
			t.Errorf("Resync was given %q, not the newest change's cursor", cur)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no Resync")
	}
	bich := create(t, writer, "Bích")
	select {
	case got := <-handled:
		if got != bich.Name {
			t.Errorf("handled %s first, want %s", got, bich.Name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("nothing handled after Resync")
	}
}

// A registrar key limited to an association mirrors the people of its
// scope: from the first change, and, after the feed no longer holds a
// stopped mirror's cursor, by reading its scope in full (ListPeople,
// which such a key may call), leaving out the people of another
// association.
func TestMirrorOfAnAssociationsKeyResyncs(t *testing.T) {
	ctx := context.Background()
	src, writer, _ := fixture(t)
	association := func(id, name, code string) string {
		a, err := writer.Memberships.CreateAssociation(ctx, &pb.CreateAssociationRequest{AssociationId: id,
			Association: &pb.Association{DisplayName: name, Code: code}})
		if err != nil {
			t.Fatal(err)
		}
		return a.Name
	}
	medical, economic := association("hoi-y-hoc", "Hội Y học", "HYH"), association("hoi-kinh-te", "Hội Kinh tế", "HKT")
	member := func(assoc, given, nid string) string {
		r, err := writer.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: assoc,
			Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"},
			Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Lê", GivenName: given, NationalId: nid}}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Membership.Person
	}
	an := member(medical, "An", "091185000001")
	member(economic, "Bình", "091185000002")
	key, scoped, m := scopedMirror(t, src, "Hội Y học", medical)
	stop := run(t, m, src.addr, key)
	waitSynced(t, m, scoped)
	stop()
	if _, err := writer.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: an}); err != nil {
		t.Fatal(err)
	}
	member(medical, "Chi", "091185000003")
	member(economic, "Dung", "091185000004")
	if n, err := src.db.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil || n == 0 {
		t.Fatalf("pruning: %d, %v", n, err)
	}
	run(t, m, src.addr, key)
	waitSynced(t, m, scoped)
	names := mirroredNames(t, m)
	if len(names) != 1 || names[0] != "Lê Chi" {
		t.Errorf("the association's mirror holds %v, want Lê Chi alone", names)
	}
}

// A key limited to an organization mirrors the people of its unit: an
// organization moved out of it takes its people out of the mirror, and
// one moved under it brings its people in, though none of them changed.
func TestMirrorOfAUnitsKeyFollowsMoves(t *testing.T) {
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
	worker := func(org, given string) {
		p := create(t, writer, given)
		if _, err := writer.People.CreatePosition(ctx, &pb.CreatePositionRequest{Parent: p.Name, Position: &pb.Position{
			Organization: org, Title: "Bác sĩ", Start: &date.Date{Year: 2015, Month: 1, Day: 1}, Current: true}}); err != nil {
			t.Fatal(err)
		}
	}
	move := func(org, parent string) {
		if _, err := writer.Organizations.UpdateOrganization(ctx, &pb.UpdateOrganizationRequest{
			Organization: &pb.Organization{Name: org, Parent: parent}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"parent"}}}); err != nil {
			t.Fatal(err)
		}
	}
	health, education := org("so-y-te", "Sở Y tế", ""), org("so-gd", "Sở Giáo dục", "")
	clinic := org("tram-y-te", "Trạm Y tế", health)
	lab := org("phong-thi-nghiem", "Phòng thí nghiệm", education)
	worker(health, "An")
	worker(clinic, "Bình")
	worker(clinic, "Chi")
	worker(lab, "Dung")
	key, scoped, m := scopedMirror(t, src, "Sở Y tế", health)
	run(t, m, src.addr, key)
	waitSynced(t, m, scoped)

	move(clinic, education)
	move(lab, health)
	waitSynced(t, m, scoped)
	names := mirroredNames(t, m)
	if want := []string{"Lê An", "Lê Dung"}; !slices.Equal(names, want) {
		t.Errorf("the unit's mirror holds %v, want %v", names, want)
	}
}

// scopedMirror makes a registrar key limited to scope, a client of the
// source with it and an empty mirror, closed when the test ends.
func scopedMirror(t *testing.T, src *source, name, scope string) (key string, scoped *client.Client, m *mirror) {
	t.Helper()
	_, key, err := src.db.CreateScopedKey(context.Background(), name, "registrar", scope, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if scoped, err = client.Dial(src.addr, client.Options{Token: key}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { scoped.Close() })
	if m, err = openMirror(filepath.Join(t.TempDir(), "mirror.db")); err != nil {
		t.Fatal(err)
	}
	return key, scoped, m
}

// mirroredNames is the display names the mirror holds, in order.
func mirroredNames(t *testing.T, m *mirror) []string {
	t.Helper()
	rows, err := m.db.Query(`SELECT display_name FROM people ORDER BY display_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}
