package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

func open(t *testing.T, name string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func clone[T proto.Message](xs []T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = proto.Clone(x).(T)
	}
	return out
}

// The bulk path writes the rows the API writes: the same profiles, one
// database loaded through CreatePerson and the child creates, the other
// through BulkCreatePeople, hold the same columns, derived values and
// search documents.
func TestBulkWritesWhatTheAPIWrites(t *testing.T) {
	ctx := context.Background()
	api, bulk := open(t, "api.db"), open(t, "bulk.db")
	orgs := synth.Organizations(20)
	var borgs []store.BulkOrganization
	for _, o := range orgs {
		if _, err := api.CreateOrganization(ctx, proto.Clone(o.Organization).(*pb.Organization), store.CreateOptions{ID: o.ID}); err != nil {
			t.Fatal(err)
		}
		borgs = append(borgs, store.BulkOrganization{ID: o.ID, Organization: proto.Clone(o.Organization).(*pb.Organization)})
	}
	if err := bulk.BulkCreateOrganizations(ctx, borgs); err != nil {
		t.Fatal(err)
	}

	g := synth.New(11)
	var batch []store.BulkProfile
	const n = 200
	for i := range n {
		prof := g.Profile(orgs)
		id := fmt.Sprintf("p%05d", i)
		if i == 0 {
			prof.Person.BirthDate.Year = 1968
			// Make sure the rarer shapes are there: an academic title and
			// an expert with roles, an honour, a second field.
			prof.Qualifications = append(prof.Qualifications,
				&pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Major: "Kinh tế", Field: "fields/vn2008-502", Year: prof.Person.BirthDate.Year + 35},
				&pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "PHO_GIAO_SU", Year: prof.Person.BirthDate.Year + 45})
			prof.Person.ExpertRoles = []pb.Person_ExpertRole{pb.Person_CRITIQUE, pb.Person_CONSULTING, pb.Person_CRITIQUE}
			prof.Person.Fields = append(prof.Person.Fields, &pb.FieldOfExpertise{Field: "fields/vn2008-101"})
			prof.Honors = append(prof.Honors, &pb.Honor{Title: "Nhà giáo Ưu tú", Kind: pb.Honor_STATE_TITLE, Year: prof.Person.BirthDate.Year + 40})
		}
		batch = append(batch, store.BulkProfile{ID: id, Person: proto.Clone(prof.Person).(*pb.Person),
			Qualifications: clone(prof.Qualifications), Positions: clone(prof.Positions), Honors: clone(prof.Honors)})

		createProfile(t, api, prof, id)
	}
	// Two batches, so that the second continues the first.
	if err := bulk.BulkCreatePeople(ctx, batch[:n/2]); err != nil {
		t.Fatal(err)
	}
	if err := bulk.BulkCreatePeople(ctx, batch[n/2:]); err != nil {
		t.Fatal(err)
	}

	// Each person loaded in bulk has one revision: their creation.
	revs, _, err := bulk.ListPersonRevisions(ctx, "people/p00000", 10, "", "", true)
	if err != nil || len(revs) != 1 || revs[0].Resource != "people/p00000" || revs[0].Before != nil ||
		revs[0].After.GetPerson().GetGivenName() == "" || len(revs[0].ChangedFields) == 0 {
		t.Errorf("revisions of a person loaded in bulk: %v, %v; want their creation", revs, err)
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
		t.Fatalf("%d people loaded in bulk and %d through the API, want %d", len(got), len(want), n)
	}
	if w := want["p00000"]; !strings.Contains(w, "col=other_folded(string) term=luat") || !strings.Contains(w, "level=TIEN_SI") || !strings.Contains(w, "names=") || !strings.Contains(w, "academic_title=PHO_GIAO_SU") {
		t.Errorf("the dump leaves out what it compares:\n%s", w)
	}
	diffs := 0
	for id, w := range want {
		if g := got[id]; g != w && diffs < 3 {
			diffs++
			t.Errorf("people/%s differs:\nAPI:\n%s\nbulk:\n%s", id, w, g)
		}
	}

	// What readers see is the same too, the FULL view and a search.
	a, err := api.GetPerson(ctx, "people/p00000", pb.PersonView_PERSON_VIEW_FULL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bulk.GetPerson(ctx, "people/p00000", pb.PersonView_PERSON_VIEW_FULL)
	if err != nil {
		t.Fatal(err)
	}
	if a.AcademicTitle.GetTitle() != "PHO_GIAO_SU" || a.HighestQualificationLevel != "TIEN_SI" || len(a.ExpertRoles) != 2 {
		t.Errorf("API-written profile: title %v, level %q, roles %v", a.AcademicTitle, a.HighestQualificationLevel, a.ExpertRoles)
	}
	for _, p := range []*pb.Person{a, b} {
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
	}
	if !proto.Equal(a, b) {
		t.Errorf("GetPerson FULL differs:\nAPI:  %v\nbulk: %v", a, b)
	}
	for _, q := range []string{"nguyen thi", "kinh te", "dai hoc can tho", "Giáo dục"} {
		sa, pa, err := api.SearchPeople(ctx, store.SearchQuery{Query: q, ListQuery: store.ListQuery{PageSize: 1000}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		sb, pb_, err := bulk.SearchPeople(ctx, store.SearchQuery{Query: q, ListQuery: store.ListQuery{PageSize: 1000}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if pa.TotalSize == 0 || pa.TotalSize != pb_.TotalSize || len(sa) != len(sb) {
			t.Errorf("search %q: %d found in the API's database, %d in the bulk one", q, pa.TotalSize, pb_.TotalSize)
			continue
		}
		for i := range sa {
			if sa[i].Name != sb[i].Name {
				t.Errorf("search %q: result %d is %s in the API's database, %s in the bulk one", q, i, sa[i].Name, sb[i].Name)
				break
			}
		}
	}
}

// A bad profile fails its whole batch, named by its index, and the batch
// leaves nothing behind.
func TestBulkRefusesABadProfile(t *testing.T) {
	ctx := context.Background()
	db := open(t, "bad.db")
	orgs := synth.Organizations(5)
	var borgs []store.BulkOrganization
	for _, o := range orgs {
		borgs = append(borgs, store.BulkOrganization{ID: o.ID, Organization: o.Organization})
	}
	if err := db.BulkCreateOrganizations(ctx, borgs); err != nil {
		t.Fatal(err)
	}
	g := synth.New(5)
	mk := func() []store.BulkProfile {
		var ps []store.BulkProfile
		for range 5 {
			p := g.Profile(orgs)
			ps = append(ps, store.BulkProfile{Person: p.Person, Qualifications: p.Qualifications, Positions: p.Positions, Honors: p.Honors})
		}
		return ps
	}
	for _, tc := range []struct {
		name   string
		break_ func([]store.BulkProfile)
		want   string
	}{
		{"unknown field", func(ps []store.BulkProfile) { ps[2].Person.Fields[0].Field = "fields/vn2008-999" }, "profiles[2]"},
		{"no given name", func(ps []store.BulkProfile) { ps[3].Person.GivenName = "" }, "given_name"},
		{"unknown level", func(ps []store.BulkProfile) { ps[1].Qualifications[0].Level = "NONE" }, "profiles[1]"},
		{"unknown organization", func(ps []store.BulkProfile) {
			ps[4].Positions = append(ps[4].Positions, &pb.Position{Organization: "organizations/nowhere", Title: "x"})
		}, "organizations/nowhere"},
		{"same national ID twice", func(ps []store.BulkProfile) { ps[4].Person.NationalId = ps[0].Person.NationalId }, "national ID"},
		{"same id twice", func(ps []store.BulkProfile) { ps[0].ID, ps[1].ID = "same", "same" }, "person id"},
	} {
		ps := mk()
		tc.break_(ps)
		err := db.BulkCreatePeople(ctx, ps)
		var se *store.Error
		var inv store.Invalids
		if err == nil || !(errors.As(err, &se) || errors.As(err, &inv)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want a store error naming %q", tc.name, err, tc.want)
		}
	}
	_, page, err := db.ListPeople(ctx, store.ListQuery{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalSize != 0 {
		t.Errorf("%d people after failed loads, want 0", page.TotalSize)
	}
	if err := db.BulkCreatePeople(ctx, mk()); err != nil {
		t.Fatal(err)
	}
}
