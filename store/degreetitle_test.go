package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A degree's title is kept in full beside its level, checked against it,
// and a change of it is named by the change feed and by the person's
// revisions as any other field of a qualification.
func TestDegreeTitle(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreatePerson(ctx, &pb.Person{GivenName: "An"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		q    *pb.Qualification
		want string // the title stored, or the field refused
	}{
		{"OK", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", DegreeTitle: "Kỹ sư"}, "Kỹ sư"},
		{"OKInFull", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", DegreeTitle: "kts"}, "Kiến trúc sư"},
		{"OKNone", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI"}, ""},
		{"ErrNotTheLevels", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", DegreeTitle: "Kỹ sư"}, "qualification.degree_title"},
		{"ErrNoTitle", &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", DegreeTitle: "Thợ bạc"}, "qualification.degree_title"},
		{"ErrNotADegree", &pb.Qualification{Kind: pb.Qualification_IT_SKILL, Level: "CO_BAN", DegreeTitle: "Cử nhân"}, "qualification.degree_title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := db.CreateQualification(ctx, p.Name, c.q, CreateOptions{})
			if err != nil {
				if f := errField(err); f != c.want {
					t.Errorf("refused on %q (%v), want %q", f, err, c.want)
				}
				return
			}
			if q.DegreeTitle != c.want {
				t.Errorf("title %q, want %q", q.DegreeTitle, c.want)
			}
		})
	}

	q, err := db.CreateQualification(ctx, p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "DAI_HOC", Major: "Y"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	head := readFeed(t, db, ChangeQuery{})
	if _, err := db.UpdateQualification(ctx, q.Name, WriteOptions{}, func(q *pb.Qualification) error {
		q.DegreeTitle = "Bác sĩ"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got := summary(readFeed(t, db, ChangeQuery{After: head[len(head)-1].Sequence}))
	if want := fmt.Sprintf("UPDATED %s [degree_title]", q.Name); !slices.Contains(got, want) {
		t.Errorf("changes %q lack %q", got, want)
	}
	revs, _, err := db.ListPersonRevisions(ctx, p.Name, 10, "", "", true)
	if err != nil || len(revs) == 0 {
		t.Fatalf("revisions: %v, %v", revs, err)
	}
	if r := revs[0]; !slices.Equal(r.ChangedFields, []string{"degree_title"}) || r.After.GetQualification().GetDegreeTitle() != "Bác sĩ" {
		t.Errorf("the latest revision: %v", r)
	}
}

// errField is the field err refuses first.
func errField(err error) string {
	var inv Invalids
	if errors.As(err, &inv) && len(inv) > 0 {
		return inv[0].Field
	}
	var se *Error
	if errors.As(err, &se) {
		return se.Field
	}
	return ""
}
