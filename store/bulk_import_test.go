package store_test

import (
	"context"
	"sort"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// An import creates new people through the bulk transaction: the rows,
// fields, roles, search documents and revisions are those CreatePerson
// writes for the same profiles, and importing them again changes nothing.
func TestImportCreatesWhatCreatePersonCreates(t *testing.T) {
	ctx := context.Background()
	api, imp := open(t, "api.db"), open(t, "import.db")
	g := synth.New(7)
	orgs := synth.Organizations(5)
	var people []*pb.Person
	for i := range 60 {
		p := g.Profile(orgs).Person
		if i == 0 {
			p.ExpertRoles = []pb.Person_ExpertRole{pb.Person_CRITIQUE, pb.Person_CONSULTING, pb.Person_CRITIQUE}
			p.Fields = append(p.Fields, &pb.FieldOfExpertise{Field: "fields/vn2008-101"})
		}
		people = append(people, p)
	}
	for _, p := range people {
		if _, err := api.CreatePerson(ctx, proto.Clone(p).(*pb.Person), store.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	importAll := func(want store.ImportAction) {
		t.Helper()
		err := imp.Import(ctx, store.ImportOptions{}, func(im *store.Importer) error {
			for i, p := range people {
				out, err := im.Person(ctx, proto.Clone(p).(*pb.Person))
				if err != nil {
					return err
				}
				if out.Action != want {
					t.Errorf("row %d: %v, want %v", i, out.Action, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	importAll(store.Created)
	importAll(store.Unchanged)

	// Ids differ between the two databases: compare the people as sets.
	dumps := func(db *store.DB) []string {
		d, err := db.DumpPeople(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range d {
			out = append(out, s)
		}
		sort.Strings(out)
		return out
	}
	want, got := dumps(api), dumps(imp)
	if len(want) != len(people) || len(got) != len(want) {
		t.Fatalf("%d people created through the API, %d imported, want %d", len(want), len(got), len(people))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("an imported person differs from the API's:\nAPI:\n%s\nimport:\n%s", want[i], got[i])
		}
	}

	// Each imported person has the revision CreatePerson stores.
	revisions := func(db *store.DB) map[string]*pb.PersonRevision {
		list, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 1000}, 0)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*pb.PersonRevision{}
		for _, p := range list {
			revs, _, err := db.ListPersonRevisions(ctx, p.Name, 10, "", "", true)
			if err != nil || len(revs) != 1 {
				t.Fatalf("revisions of %s: %v, %v; want one", p.Name, revs, err)
			}
			out[p.NationalId] = revs[0]
		}
		return out
	}
	wantRevs, gotRevs := revisions(api), revisions(imp)
	for nid, w := range wantRevs {
		g := gotRevs[nid]
		if g == nil || !proto.Equal(g.After, w.After) || g.Before != nil ||
			len(g.ChangedFields) != len(w.ChangedFields) {
			t.Errorf("revision of the person with national ID %s:\nAPI:    %v\nimport: %v", nid, w, g)
		}
	}
}
