package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// readFeed reads every change after cursor after, in pages.
func readFeed(t *testing.T, db *DB, q ChangeQuery) []*pb.Change {
	t.Helper()
	var out []*pb.Change
	for {
		page, err := db.ListChanges(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Changes...)
		q.After = page.Next
		if !page.More {
			return out
		}
	}
}

func summary(cs []*pb.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %v", c.Kind, c.Resource, c.ChangedFields))
	}
	return out
}

// One change per resource per write, with the kind and the contract's
// field paths; derived columns (sort keys, statistics) make none.
func TestChangesOfEachWrite(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Nguyễn", GivenName: "An",
		Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-101", Primary: true}}}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	start := readFeed(t, db, ChangeQuery{})
	after := start[len(start)-1].Sequence
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error {
		p.GivenName = "Bình"
		p.BirthDate = &date.Date{Year: 1980}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	q, err := db.CreateQualification(ctx, p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2010}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeletePerson(ctx, p.Name, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UndeletePerson(ctx, p.Name, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := summary(readFeed(t, db, ChangeQuery{After: after}))
	want := []string{
		fmt.Sprintf("UPDATED %s [given_name display_name birth_date]", p.Name),
		fmt.Sprintf("CREATED %s []", q.Name),
		fmt.Sprintf("UPDATED %s [highest_qualification_level]", p.Name),
		fmt.Sprintf("DELETED %s []", p.Name),
		fmt.Sprintf("UNDELETED %s []", p.Name),
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
	if got := summary(start); !slices.Contains(got, fmt.Sprintf("CREATED %s []", p.Name)) || len(got) != 1 {
		t.Errorf("a create with its fields of expertise is one CREATED change: %q", got)
	}
}

// Concurrent writes leave every change exactly once, numbered without
// gaps, and a reader resuming from any cursor reads the same tail.
func TestChangesNoGapsNoDuplicates(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const writers, each = 8, 40
	var mu sync.Mutex
	made := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				p, err := db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("W%dI%d", w, i)}, CreateOptions{})
				if err != nil {
					errs <- err
					return
				}
				if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.FamilyName = "Trần"; return nil }); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				made[p.Name] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all := readFeed(t, db, ChangeQuery{PageSize: 37})
	if len(all) != 2*writers*each {
		t.Fatalf("%d changes, want %d", len(all), 2*writers*each)
	}
	seen := map[string]int{}
	for i, c := range all {
		if c.Sequence != int64(i+1) {
			t.Fatalf("change %d has sequence %d: a gap or a repeat", i+1, c.Sequence)
		}
		seen[c.Resource+" "+c.Kind.String()]++
	}
	for name := range made {
		if seen[name+" CREATED"] != 1 || seen[name+" UPDATED"] != 1 {
			t.Errorf("%s: %d created, %d updated; want one of each", name, seen[name+" CREATED"], seen[name+" UPDATED"])
		}
	}
	for from := 0; from < len(all); from += 10 {
		tail := readFeed(t, db, ChangeQuery{After: int64(from), PageSize: 100})
		if len(tail) != len(all)-from || (len(tail) > 0 && tail[0].Sequence != int64(from+1)) {
			t.Fatalf("from cursor %d: %d changes", from, len(tail))
		}
	}
}

// A rejected write appends nothing.
func TestChangesOfRejectedWrite(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", NationalId: "079199001122"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Bình", NationalId: "079199001122"}, CreateOptions{}); err == nil {
		t.Fatal("a second person with the same national ID was created")
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Chi"}, CreateOptions{ValidateOnly: true}); err != nil {
		t.Fatal(err)
	}
	if got := readFeed(t, db, ChangeQuery{}); len(got) != 1 {
		t.Errorf("changes: %q", summary(got))
	}
}

// A pruned feed says which cursor is the oldest it holds; a cursor from
// the future is refused too.
func TestChangesRetention(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, n := range []string{"An", "Bình", "Chi"} {
		if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: n}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil || n != 3 {
		t.Fatalf("pruned %d: %v", n, err)
	}
	if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "Dung"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := db.ListChanges(ctx, ChangeQuery{After: 2, CursorField: "page_token"})
	if errCode(err) != FailedPrecondition || !containsStr(err.Error(), db.EncodeCursor(3)) {
		t.Errorf("a pruned cursor: %v", err)
	}
	if got := readFeed(t, db, ChangeQuery{After: 3}); len(got) != 1 || got[0].Sequence != 4 {
		t.Errorf("from the oldest cursor held: %q", summary(got))
	}
	if _, err := db.ListChanges(ctx, ChangeQuery{After: 99}); errCode(err) != FailedPrecondition {
		t.Errorf("a cursor past the head: %v", err)
	}
	if _, err := db.ParseCursor("bm9wZQ", "cursor"); errCode(err) != Invalid {
		t.Errorf("a forged cursor: %v", err)
	}
}

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }

// A person's works are resources of the feed, and their external
// identifiers are paths of the person's changes.
func TestChangesOfWorksAndIdentifiers(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An", Orcid: "0000-0002-1825-0097"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	head := readFeed(t, db, ChangeQuery{})
	after := head[len(head)-1].Sequence
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error {
		p.CivilServantCode = "CC-0001"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error {
		p.Orcid, p.CivilServantCode = "", ""
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	w, err := db.CreateWork(ctx, p.Name, &pb.Work{Kind: pb.Work_PATENT, Title: "Quy trình", Year: 2019}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateWork(ctx, w.Name, WriteOptions{}, func(w *pb.Work) error {
		w.Title, w.DocumentNumber = "Quy trình mới", "VN-1-2019-01234"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWork(ctx, w.Name, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := summary(readFeed(t, db, ChangeQuery{After: after}))
	want := []string{
		fmt.Sprintf("UPDATED %s [civil_servant_code]", p.Name),
		fmt.Sprintf("UPDATED %s [orcid civil_servant_code]", p.Name),
		// A work's write also touches the person (their etag changes: the
		// FULL view carries works), as a qualification's does.
		fmt.Sprintf("CREATED %s []", w.Name),
		fmt.Sprintf("UPDATED %s []", p.Name),
		fmt.Sprintf("UPDATED %s [title document_number]", w.Name),
		fmt.Sprintf("UPDATED %s []", p.Name),
		fmt.Sprintf("DELETED %s []", w.Name),
		fmt.Sprintf("UPDATED %s []", p.Name),
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
	if got := summary(head); len(got) != 1 || got[0] != fmt.Sprintf("CREATED %s []", p.Name) {
		t.Errorf("a create with an ORCID iD is one CREATED change: %q", got)
	}
	works := readFeed(t, db, ChangeQuery{Filter: "resource_type = WORK"})
	if len(works) != 3 {
		t.Errorf("filtered on WORK: %q", summary(works))
	}
}

// One restricted person hides their changes from a caller other than an
// admin, and nothing else: the changes of organizations and associations
// have no person, and stay in the feed (a NULL person is no restricted
// person).
func TestChangesRestrictedHidesOnlyTheirs(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "Hạnh"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Trường Đại học"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội Y học", Code: "HYH"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := db.CreateConsent(ctx, p.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.WithdrawConsent(ctx, c.Name, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateOrganization(ctx, org.Name, WriteOptions{}, func(o *pb.Organization) error { o.ShortName = "ĐH"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAssociation(ctx, a.Name, WriteOptions{}, func(a *pb.Association) error { a.DisplayName = "Hội Y học tỉnh"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePerson(ctx, p.Name, WriteOptions{}, func(p *pb.Person) error { p.Phone = "0900000001"; return nil }); err != nil {
		t.Fatal(err)
	}
	kinds := func(cs []*pb.Change) []string {
		var out []string
		for _, c := range cs {
			if !strings.HasPrefix(c.Resource, "people/") {
				out = append(out, c.Kind.String()+" "+c.Resource)
			}
		}
		return out
	}
	all := readFeed(t, db, ChangeQuery{})
	hidden := readFeed(t, db, ChangeQuery{HideRestricted: true})
	want := []string{"CREATED " + org.Name, "CREATED " + a.Name, "UPDATED " + org.Name, "UPDATED " + a.Name}
	if got := kinds(all); !slices.Equal(got, want) {
		t.Fatalf("the admin reads %q, want %q", got, want)
	}
	if got := kinds(hidden); !slices.Equal(got, want) {
		t.Errorf("a caller other than an admin reads %q, want %q", got, want)
	}
	var theirs []string
	for _, c := range hidden {
		if strings.HasPrefix(c.Resource, p.Name) {
			theirs = append(theirs, c.Kind.String())
		}
	}
	if want := []string{"DELETED"}; !slices.Equal(theirs, want) {
		t.Errorf("of the restricted person, a caller other than an admin reads %q, want %q", theirs, want)
	}
	for _, f := range []string{"resource_type = ORGANIZATION", "resource_type = ASSOCIATION"} {
		if got := readFeed(t, db, ChangeQuery{Filter: f, HideRestricted: true}); len(got) != 2 {
			t.Errorf("%s, restricted hidden: %q", f, summary(got))
		}
	}
}
