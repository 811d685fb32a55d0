package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

// TestOneReadProfileIsTheSame reads every person of a rich registry in one
// statement and with a statement per kind, FULL and BASIC, and wants the
// same protos, and the same as a page of ListPeople says of them.
func TestOneReadProfileIsTheSame(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := synth.Load(ctx, db, 5, 120); err != nil {
		t.Fatal(err)
	}
	if _, err := synth.LoadMemberships(ctx, db, 5, ""); err != nil {
		t.Fatal(err)
	}
	if err := synth.LoadExperts(ctx, db, 5, time.Now()); err != nil {
		t.Fatal(err)
	}
	rich := richPerson(t, db)
	defer store.SetOneReadAttach(store.SetOneReadAttach(true))

	read := func(one bool, view pb.PersonView) []*pb.Person {
		t.Helper()
		store.SetOneReadAttach(one)
		var out []*pb.Person
		token := ""
		for {
			page, p, err := db.ListPeople(ctx, store.ListQuery{PageSize: 37, PageToken: token, ShowDeleted: true}, view)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page...)
			if token = p.NextPageToken; token == "" {
				break
			}
		}
		for _, p := range out[:] {
			got, err := db.GetPerson(ctx, p.Name, view)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, got)
		}
		return out
	}
	for _, view := range []pb.PersonView{pb.PersonView_PERSON_VIEW_BASIC, pb.PersonView_PERSON_VIEW_FULL} {
		each, one := read(false, view), read(true, view)
		if len(each) != len(one) || len(one) < 240 {
			t.Fatalf("%v: %d people, %d", view, len(each), len(one))
		}
		for i, n := 0, len(one)/2; i < n; i++ {
			if !proto.Equal(one[i], one[n+i]) {
				t.Errorf("%v, %s: listed as %v\n read as %v", view, one[i].Name, one[i], one[n+i])
			}
		}
		held := map[string]int{}
		for i := range each {
			if !proto.Equal(each[i], one[i]) {
				t.Errorf("%v, %s:\n statement per kind: %v\n one statement:      %v", view, each[i].Name, each[i], one[i])
			}
			p := one[i]
			for k, n := range map[string]int{"fields": len(p.Fields), "roles": len(p.ExpertRoles), "current": len(p.CurrentPositions),
				"positions": len(p.Positions), "qualifications": len(p.Qualifications), "honours": len(p.Honors),
				"works": len(p.Works), "memberships": len(p.Memberships)} {
				held[k] += n
			}
			if p.Orcid != "" {
				held["orcid"]++
			}
			if p.Name == rich && view == pb.PersonView_PERSON_VIEW_FULL &&
				(len(p.Works) != 1 || p.Works[0].Title != richTitle || p.Qualifications[0].Verification.GetVerifyTime() == nil) {
				t.Errorf("rich person read as %v", p)
			}
		}
		// The registry must hold every kind, or the comparison proves little.
		for _, k := range []string{"fields", "roles", "current", "orcid"} {
			if held[k] == 0 {
				t.Errorf("%v: no %s in the fixture", view, k)
			}
		}
		if view == pb.PersonView_PERSON_VIEW_FULL {
			for _, k := range []string{"positions", "qualifications", "honours", "works", "memberships"} {
				if held[k] == 0 {
					t.Errorf("no %s in the fixture", k)
				}
			}
		}
	}
}

// richTitle has what JSON escapes: quotes, a backslash, and text outside ASCII.
const richTitle = `"Nghiên cứu" lúa \ mặn 🌾 <b>&</b>`

func richPerson(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình", Orcid: "0000-0002-1825-0097",
		CivilServantCode: "CC-1"}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateWork(ctx, p.Name, &pb.Work{Kind: pb.Work_PUBLICATION, Title: richTitle, Year: 2020,
		Doi: "10.1000/x"}, store.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	q, err := db.CreateQualification(ctx, p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI",
		Major: "Nông học", Year: 2015}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.VerifyQualification(ctx, q.Name, pb.Verification_VERIFIED, "accounts/x", "đã xem bản gốc", store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePosition(ctx, p.Name, &pb.Position{OrganizationName: `Viện "Lúa" \ ĐBSCL`, Title: "Trưởng phòng",
		Current: true}, store.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	return p.Name
}
