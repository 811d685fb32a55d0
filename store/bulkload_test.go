package store_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// createOneByOne writes what synth.BulkLoad writes for seed and n, through
// the API's creates, one person and one child at a time.
func createOneByOne(t *testing.T, db *store.DB, seed uint64, n int) {
	t.Helper()
	ctx := context.Background()
	orgs := synth.OrganizationsFor(n)
	for _, o := range orgs {
		if _, err := db.CreateOrganization(ctx, proto.Clone(o.Organization).(*pb.Organization), store.CreateOptions{ID: o.ID}); err != nil {
			t.Fatal(err)
		}
	}
	g := synth.New(seed)
	for range n {
		prof := g.Profile(orgs) // in synth.Batches' order: the profile, then its id
		createProfile(t, db, prof, g.ID())
	}
}

// createProfile creates prof's person under id, then each of its
// qualifications, positions and honours, one call each.
func createProfile(t *testing.T, db *store.DB, prof *synth.Profile, id string) {
	t.Helper()
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, prof.Person, store.CreateOptions{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range prof.Qualifications {
		if _, err := db.CreateQualification(ctx, p.Name, q, store.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, pos := range prof.Positions {
		if _, err := db.CreatePosition(ctx, p.Name, pos, store.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range prof.Honors {
		if _, err := db.CreateHonor(ctx, p.Name, h, store.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// synth.BulkLoad (trithuc gen --db, the harness's builder) leaves the
// store holding what creating the same seed's people one by one leaves:
// the same rows with their derived columns, search documents and names,
// one revision a person, every index and full-text index whole, and the
// same answers to reads and searches.
func TestBulkLoadWritesWhatCreatesWrite(t *testing.T) {
	ctx := context.Background()
	const seed, n = 7, 150
	api, bulk := open(t, "api.db"), open(t, "bulk.db")
	createOneByOne(t, api, seed, n)
	// Batches of 40: three full and a part, so that each continues the last.
	st, err := synth.BulkLoad(ctx, bulk, synth.BulkOptions{Seed: seed, People: n, Batch: 40})
	if err != nil {
		t.Fatal(err)
	}
	if st.People != n {
		t.Fatalf("BulkLoad says %d people, want %d", st.People, n)
	}
	if err := api.Analyze(ctx); err != nil { // as BulkLoad ends
		t.Fatal(err)
	}

	for name, db := range map[string]*store.DB{"one by one": api, "bulk": bulk} {
		bad, err := db.CheckIntegrity(ctx)
		if err != nil || len(bad) > 0 {
			t.Errorf("%s: integrity check: %v %v", name, bad, err)
		}
		if c, err := db.CountPeople(ctx, true); err != nil || c != n {
			t.Errorf("%s: %d people (%v), want %d", name, c, err, n)
		}
	}

	want, err := api.DumpPeople(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := bulk.DumpPeople(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || len(want) != n {
		t.Fatalf("%d people loaded in bulk and %d created one by one, want %d", len(got), len(want), n)
	}
	diffs := 0
	for id, w := range want {
		if g := got[id]; g != w && diffs < 3 {
			diffs++
			t.Errorf("people/%s differs:\none by one:\n%s\nbulk:\n%s", id, w, g)
		}
	}

	// A few whole profiles as read, and their revisions: one, the creation.
	ids := []string{}
	for id := range want {
		if len(ids) == 5 {
			break
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		var views [2]*pb.Person
		for i, db := range []*store.DB{api, bulk} {
			p, err := db.GetPerson(ctx, "people/"+id, pb.PersonView_PERSON_VIEW_FULL)
			if err != nil {
				t.Fatal(err)
			}
			views[i] = withoutStamps(p)
		}
		if !proto.Equal(views[0], views[1]) {
			t.Errorf("people/%s FULL differs:\none by one: %v\nbulk:       %v", id, views[0], views[1])
		}
		revs, _, err := bulk.ListPersonRevisions(ctx, "people/"+id, 10, "", "", true)
		if err != nil || len(revs) != 1 || revs[0].Before != nil || revs[0].After.GetPerson().GetFamilyName() != views[1].FamilyName {
			t.Errorf("people/%s's revisions after a bulk load: %v, %v; want their creation", id, revs, err)
		}
	}

	// Searches by name, by words of a workplace or degree, by a field.
	for _, q := range []string{"nguyen", "nguyễn thị", "tran van", "dai hoc", "kinh te", "Giáo dục", "bác sĩ"} {
		var hits [2][]string
		var totals [2]int
		for i, db := range []*store.DB{api, bulk} {
			ps, page, err := db.SearchPeople(ctx, store.SearchQuery{Query: q, ListQuery: store.ListQuery{PageSize: 1000}}, 0)
			if err != nil {
				t.Fatal(err)
			}
			totals[i] = page.TotalSize
			for _, p := range ps {
				hits[i] = append(hits[i], p.Name)
			}
		}
		if len(hits[0]) != len(hits[1]) || totals[0] != totals[1] {
			t.Errorf("search %q: %d found one by one, %d in bulk", q, totals[0], totals[1])
			continue
		}
		for i := range hits[0] {
			if hits[0][i] != hits[1][i] {
				t.Errorf("search %q: result %d is %s one by one, %s in bulk", q, i, hits[0][i], hits[1][i])
				break
			}
		}
	}
}

// withoutStamps clears what two writes of the same profile differ by:
// times, etags and the children's generated names.
func withoutStamps(p *pb.Person) *pb.Person {
	p = proto.Clone(p).(*pb.Person)
	p.CreateTime, p.UpdateTime, p.Etag = nil, nil, ""
	for _, q := range p.Qualifications {
		q.Name, q.CreateTime, q.UpdateTime, q.Etag = "", nil, nil, ""
	}
	for _, ps := range append(p.Positions, p.CurrentPositions...) {
		ps.Name, ps.CreateTime, ps.UpdateTime, ps.Etag = "", nil, nil, ""
	}
	for _, h := range p.Honors {
		h.Name, h.CreateTime, h.UpdateTime, h.Etag = "", nil, nil, ""
	}
	return p
}

// A bulk load writes with a page cache of store.BulkCacheBytes (the
// dozen randomly keyed indexes it enters outgrow the usual 32 MB at a
// hundred thousand people), and gives the server's cache and SQLite's
// memory limit back when it ends.
func TestBulkLoadGrowsTheWriterCacheWhileLoading(t *testing.T) {
	ctx := context.Background()
	db := open(t, "cache.db")
	cache0, limit0, err := db.WriterCache(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var during [][2]int64
	_, err = synth.BulkLoad(ctx, db, synth.BulkOptions{Seed: 3, People: 30, Batch: 10,
		Progress: func(int, time.Duration) {
			c, l, err := db.WriterCache(ctx)
			if err != nil {
				t.Error(err)
			}
			during = append(during, [2]int64{c, l})
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(during) != 3 {
		t.Fatalf("%d progress calls, want 3", len(during))
	}
	for _, d := range during {
		if d[0] != -store.BulkCacheBytes/1024 || d[1] < limit0+store.BulkCacheBytes {
			t.Errorf("while loading: cache_size %d and soft heap limit %d; want %d and at least %d",
				d[0], d[1], -store.BulkCacheBytes/1024, limit0+store.BulkCacheBytes)
		}
	}
	if c, l, err := db.WriterCache(ctx); err != nil || c != cache0 || l != limit0 {
		t.Errorf("after the load: cache_size %d and soft heap limit %d (%v); want %d and %d as before", c, l, err, cache0, limit0)
	}
}
