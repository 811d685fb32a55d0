package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// TestHeldCacheAsRead wants every page of people, searched or listed, as
// each kind of caller reads them (what they read of people's holdings, a
// unit's scope), in each view, the same with the profiles earlier pages
// left in memory (heldcache.go) as read afresh: on a synthetic registry,
// after each kind of write that changes what a BASIC page shows (fields,
// roles, identifiers, current positions started, edited, ended, made
// current, deleted, ended by their date passing, an organization renamed,
// a rename, delete and undelete, consents and restriction, memberships).
func TestHeldCacheAsRead(t *testing.T) {
	ctx := context.Background()
	db, now, orgs, hoa := heldRegistry(t, 19, 150, &pb.Person{})
	org := orgs[0]
	pos, err := db.CreatePosition(ctx, hoa.Name, &pb.Position{Organization: org.Name, Title: "Giảng viên", Current: true}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}

	type query struct {
		name string
		page func(token string) ([]*pb.Person, string, error)
	}
	var queries []query
	shown := map[string]store.Shown{
		"all": store.ShownAll, "memberships": store.ShownMemberships, "profile": store.ShownProfile,
		"association": store.ShownAssociation("associations/lien-hiep-hoi"),
	}
	for sname, s := range shown {
		for _, scope := range []string{"", org.Name} {
			for _, view := range []pb.PersonView{pb.PersonView_PERSON_VIEW_UNSPECIFIED, pb.PersonView_PERSON_VIEW_BASIC, pb.PersonView_PERSON_VIEW_FULL} {
				at := fmt.Sprintf("%s, scope %q, view %v", sname, scope, view)
				list := func(q store.ListQuery) func(string) ([]*pb.Person, string, error) {
					return func(token string) ([]*pb.Person, string, error) {
						q.PageToken, q.Shown, q.Scope = token, s, scope
						people, page, err := db.ListPeople(ctx, q, view)
						return people, page.NextPageToken, err
					}
				}
				search := func(q store.SearchQuery) func(string) ([]*pb.Person, string, error) {
					return func(token string) ([]*pb.Person, string, error) {
						q.PageToken, q.Shown, q.Scope = token, s, scope
						people, page, err := db.SearchPeople(ctx, q, view)
						return people, page.NextPageToken, err
					}
				}
				queries = append(queries,
					query{"list, " + at, list(store.ListQuery{PageSize: 40})},
					query{"list with the deleted, " + at, list(store.ListQuery{PageSize: 60, ShowDeleted: true})},
					query{"list by name, " + at, list(store.ListQuery{PageSize: 50, OrderBy: "display_name"})},
					query{"search lê, " + at, search(store.SearchQuery{Query: "lê", ListQuery: store.ListQuery{PageSize: 20}})},
					query{"search hoa, " + at, search(store.SearchQuery{Query: "hoa", ListQuery: store.ListQuery{PageSize: 10}})},
					query{"search names nguyen, " + at, search(store.SearchQuery{Query: "nguyen", NamesOnly: true, ListQuery: store.ListQuery{PageSize: 25}})},
				)
			}
		}
	}
	readAll := func(step string) [][]*pb.Person {
		var out [][]*pb.Person
		for _, q := range queries {
			var all []*pb.Person
			token := ""
			for {
				people, next, err := q.page(token)
				if err != nil {
					t.Fatalf("%s: %s: %v", step, q.name, err)
				}
				all = append(all, people...)
				if token = next; token == "" {
					break
				}
			}
			out = append(out, all)
		}
		return out
	}
	seenHoa := false
	check := func(step string) {
		t.Helper()
		got := readAll(step) // with what the step before left in memory
		if db.HeldEntries() == 0 {
			t.Fatalf("%s: nothing held in memory", step)
		}
		db.ForgetHeld()
		want := readAll(step)
		for i, q := range queries {
			if len(got[i]) != len(want[i]) {
				t.Errorf("%s: %s: %d people, want %d", step, q.name, len(got[i]), len(want[i]))
				continue
			}
			for j := range want[i] {
				if want[i][j].Name == hoa.Name {
					seenHoa = true
				}
				if !proto.Equal(got[i][j], want[i][j]) {
					t.Errorf("%s: %s: person %d:\n got  %v\n want %v", step, q.name, j, got[i][j], want[i][j])
					return
				}
			}
		}
	}
	check("first")
	if !seenHoa {
		t.Fatal("people/hoa is on no page")
	}

	updatePerson := func(step string, apply func(p *pb.Person)) {
		t.Helper()
		if _, err := db.UpdatePerson(ctx, hoa.Name, store.WriteOptions{}, func(p *pb.Person) error { apply(p); return nil }); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	updatePosition := func(step string, apply func(p *pb.Position)) {
		t.Helper()
		if _, err := db.UpdatePosition(ctx, pos.Name, store.WriteOptions{}, func(p *pb.Position) error { apply(p); return nil }); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	updatePerson("field added", func(p *pb.Person) {
		p.Fields = append(p.Fields, &pb.FieldOfExpertise{Field: "fields/vn2008-5"})
	})
	updatePerson("primary field changed", func(p *pb.Person) {
		p.Fields[0].Primary, p.Fields[1].Primary = false, true
	})
	updatePerson("field removed", func(p *pb.Person) { p.Fields = p.Fields[1:] })
	updatePerson("expert roles", func(p *pb.Person) {
		p.ExpertRoles = []pb.Person_ExpertRole{pb.Person_CRITIQUE, pb.Person_CONSULTING}
	})
	updatePerson("an expert role less", func(p *pb.Person) { p.ExpertRoles = p.ExpertRoles[:1] })
	updatePerson("ORCID", func(p *pb.Person) { p.Orcid = "0000-0002-1825-0097" })
	updatePerson("renamed", func(p *pb.Person) { p.GivenName = "Hoa" })
	updatePosition("position edited", func(p *pb.Position) { p.Title = "Trưởng khoa" })
	updatePosition("position ended", func(p *pb.Position) { p.Current = false })
	updatePosition("position made current", func(p *pb.Position) { p.Current = true })
	second, err := db.CreatePosition(ctx, hoa.Name, &pb.Position{OrganizationName: "Sở Y tế", Title: "Chuyên viên", Current: true}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check("position started")
	if err := db.DeletePosition(ctx, second.Name, store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	check("position deleted")
	heldWrites(t, db, now, orgs, hoa.Name, 19, check)
}

// heldRegistry is the registry the tests of the memories of profiles
// write to: seed's n synthetic people, and people/hoa, hoa with a name
// and a field. Its clock stands at *now.
func heldRegistry(t *testing.T, seed uint64, n int, hoa *pb.Person) (db *store.DB, now *time.Time, orgs []*pb.Organization, created *pb.Person) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := synth.Load(ctx, db, seed, n); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	db.Now = func() time.Time { return at }
	orgs, _, err = db.ListOrganizations(ctx, store.ListQuery{PageSize: 2})
	if err != nil || len(orgs) < 2 {
		t.Fatalf("organizations: %v, %v", orgs, err)
	}
	hoa.FamilyName, hoa.MiddleName, hoa.GivenName = "Lê", "Văn", "Hoà"
	hoa.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-3", Primary: true}}
	if created, err = db.CreatePerson(ctx, hoa, store.CreateOptions{ID: "hoa"}); err != nil {
		t.Fatal(err)
	}
	return db, &at, orgs, created
}

// heldWrites makes, to the person hoa of heldRegistry, the writes that
// change a profile without a write of it, or of all of it, calling check
// after each: an organization renamed, a position ended by its date
// passing, delete and undelete, consents and restriction, and others'
// memberships (seed's).
func heldWrites(t *testing.T, db *store.DB, now *time.Time, orgs []*pb.Organization, hoa string, seed uint64, check func(step string)) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.UpdateOrganization(ctx, orgs[0].Name, store.WriteOptions{}, func(o *pb.Organization) error {
		o.DisplayName = "Trường Đại học An Giang (đổi tên)"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("organization renamed")
	end := now.AddDate(0, 1, 0)
	if _, err := db.CreatePosition(ctx, hoa, &pb.Position{Organization: orgs[1].Name, Title: "Cộng tác viên", Current: true,
		End: &date.Date{Year: int32(end.Year()), Month: int32(end.Month()), Day: int32(end.Day())}}, store.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	check("position with an end date")
	*now = now.AddDate(0, 2, 0)
	if n, err := db.EndLapsedPositions(ctx, nil); err != nil || n != 1 {
		t.Fatalf("ended %d positions, %v; want 1", n, err)
	}
	check("its end date passed")
	if _, err := db.DeletePerson(ctx, hoa, store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	check("deleted")
	if _, err := db.UndeletePerson(ctx, hoa, store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	check("undeleted")
	c, err := db.CreateConsent(ctx, hoa, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT}, TextVersion: "2026-01"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("consent")
	if _, err := db.WithdrawConsent(ctx, c.Name, store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	check("restricted")
	if _, err := synth.LoadMemberships(ctx, db, seed, ""); err != nil {
		t.Fatal(err)
	}
	check("memberships")
}

// TestHeldAnswersOwn changes every answer of a page from memory in place,
// as a caller may (every field of the Person cleared) and as a redaction
// does (the birth date cut to its year within), and wants the next
// answers, from memory again, as read afresh: no answer's change reaches
// the memory or another answer (heldcache.go, answerCopy).
func TestHeldAnswersOwn(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synth.Load(ctx, db, 29, 150); err != nil {
		t.Fatal(err)
	}
	reads := map[string]func() ([]*pb.Person, error){
		"search": func() ([]*pb.Person, error) {
			people, _, err := db.SearchPeople(ctx, store.SearchQuery{Query: "nguyen", ListQuery: store.ListQuery{PageSize: 50}}, pb.PersonView_PERSON_VIEW_BASIC)
			return people, err
		},
		"list": func() ([]*pb.Person, error) {
			people, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 60, Shown: store.ShownProfile}, pb.PersonView_PERSON_VIEW_UNSPECIFIED)
			return people, err
		},
	}
	// GetPerson, in each view, of the people of a page (heldperson.go).
	page, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 40}, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		t.Fatal(err)
	}
	for _, view := range []pb.PersonView{pb.PersonView_PERSON_VIEW_BASIC, pb.PersonView_PERSON_VIEW_FULL} {
		reads["get "+view.String()] = func() ([]*pb.Person, error) {
			var out []*pb.Person
			for _, p := range page {
				got, err := db.GetPersonShown(ctx, p.Name, view, store.ShownMemberships)
				if err != nil {
					return nil, err
				}
				out = append(out, got)
			}
			return out, nil
		}
	}
	for name, read := range reads {
		read1 := func() []*pb.Person {
			t.Helper()
			people, err := read()
			if err != nil || len(people) == 0 {
				t.Fatalf("%s: %d people, %v", name, len(people), err)
			}
			return people
		}
		read1() // into memory
		changed := read1()
		if db.HeldEntries() == 0 || name == "get PERSON_VIEW_FULL" && db.HeldFullEntries() == 0 {
			t.Fatalf("%s: nothing held in memory", name)
		}
		cut := 0
		for _, p := range changed {
			if d := p.GetBirthDate(); d != nil && (d.Month != 0 || d.Day != 0) {
				d.Month, d.Day = 0, 0
				cut++
			}
			m := p.ProtoReflect()
			var fds []protoreflect.FieldDescriptor
			m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
				fds = append(fds, fd)
				return true
			})
			for _, fd := range fds {
				m.Clear(fd)
			}
		}
		if cut == 0 {
			t.Fatalf("%s: no birth date to cut", name)
		}
		got := read1() // from memory, after the changes
		db.ForgetHeld()
		want := read1()
		if len(got) != len(want) {
			t.Fatalf("%s: %d people, want %d", name, len(got), len(want))
		}
		for i := range want {
			if !proto.Equal(got[i], want[i]) {
				t.Fatalf("%s: person %d, after an answer's change:\n got  %v\n want %v", name, i, got[i], want[i])
			}
		}
	}
}

// TestHeldAnswersConcurrently searches, and gets the people found, from
// several goroutines at once, each encoding its answers (as gRPC does,
// which caches sizes in the messages the answers share) and changing its
// own: under -race, that the messages the answers share with the memory
// are only read.
func TestHeldAnswersConcurrently(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synth.Load(ctx, db, 29, 120); err != nil {
		t.Fatal(err)
	}
	q := store.SearchQuery{Query: "nguyen", ListQuery: store.ListQuery{PageSize: 50}}
	if _, _, err := db.SearchPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			for range 10 {
				people, _, err := db.SearchPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
				if err != nil {
					errs <- err
					return
				}
				// Half the goroutines get each person too, in both views
				// (heldperson.go).
				for _, p := range people[:len(people)*(i%2)] {
					for _, view := range []pb.PersonView{pb.PersonView_PERSON_VIEW_BASIC, pb.PersonView_PERSON_VIEW_FULL} {
						got, err := db.GetPerson(ctx, p.Name, view)
						if err != nil {
							errs <- err
							return
						}
						people = append(people, got)
					}
				}
				for _, p := range people {
					if _, err := proto.Marshal(p); err != nil {
						errs <- err
						return
					}
					p.Etag, p.Email = "", ""
					if p.BirthDate != nil {
						p.BirthDate.Day = 0
					}
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
