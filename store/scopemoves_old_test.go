package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What a key limited to a unit is told of moves of organizations made
// before migration 0044, which marked nothing (README, "Moves before the
// feed told of them"), against the same moves made since, read from a
// cursor before them: of someone an organization took out of the unit no
// DELETED, of someone one brought in no UPDATED, and of someone who left
// an organization under the unit before a move of an organization between
// it and the unit (which kept it under the unit) no DELETED. Read from the
// first change, the feed still makes the copy of the people in the unit
// now.
func TestChangesOfMovesBefore0044(t *testing.T) {
	for _, tc := range []struct {
		name      string
		before    bool
		wardMoves bool
		want      []string
	}{
		{"since 0044", false, true, []string{"DELETED people/ra []", "DELETED people/di []", "UPDATED people/vao []"}},
		{"before 0044", true, true, nil},
		{"before 0044, the ward not moved", true, false, []string{"DELETED people/ra []"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(t.TempDir(), "feed.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
			org := func(id, parent string) string {
				o, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: id, Parent: parent}, CreateOptions{ID: id})
				if err != nil {
					t.Fatal(err)
				}
				return o.Name
			}
			move := func(org, parent string) {
				if _, err := db.UpdateOrganization(ctx, org, WriteOptions{}, func(o *pb.Organization) error {
					o.Parent = parent
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			worker := func(id, org string) *pb.Position {
				p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: id}, CreateOptions{ID: id})
				if err != nil {
					t.Fatal(err)
				}
				pos, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org, Title: "Bác sĩ",
					Start: &date.Date{Year: 2020, Month: 1, Day: 1}, Current: true}, CreateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				return pos
			}
			unit, outside := org("syt", ""), org("sgd", "")
			ward, ward2 := org("khoa", unit), org("khoa-2", unit)
			room, clinic, lab := org("phong", ward), org("tram", unit), org("lab", outside)
			left := worker("ra", room)
			worker("di", clinic)
			worker("vao", lab)
			from, err := db.ChangeHead(ctx)
			if err != nil {
				t.Fatal(err)
			}

			if _, err := db.UpdatePosition(ctx, left.Name, WriteOptions{}, func(p *pb.Position) error {
				p.End, p.Current = &date.Date{Year: 2026, Month: 2, Day: 1}, false
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if tc.wardMoves {
				move(ward, ward2) // the room stays in the unit
			}
			move(clinic, outside)
			move(lab, unit)
			if tc.before {
				// As migration 0044 leaves moves made before it: no marks,
				// and where its marks begin.
				for _, q := range []string{`DELETE FROM changes WHERE type = 0`,
					`UPDATE settings SET value = (SELECT seq FROM sqlite_sequence WHERE name = 'changes') WHERE key = 'scope_moves_from'`} {
					if _, err := db.writer.ExecContext(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
			}

			q := ChangeQuery{After: from, Scope: unit, Types: []pb.Change_ResourceType{pb.Change_PERSON}}
			if got := summary(readFeed(t, db, q)); !slices.Equal(got, tc.want) {
				t.Errorf("from a cursor before the moves, the unit's feed tells %q, want %q", got, tc.want)
			}
			q.After = 0
			copied := map[string]bool{}
			for _, c := range readFeed(t, db, q) {
				copied[c.Resource] = c.Kind != pb.Change_DELETED && c.Kind != pb.Change_PURGED
			}
			var kept []string
			for name, in := range copied {
				if in {
					kept = append(kept, name)
				}
			}
			if !slices.Equal(kept, []string{"people/vao"}) {
				t.Errorf("a copy made from the first change holds %v, want people/vao alone", kept)
			}
		})
	}
}

// So for a key limited to an association, of moves of associations made
// before migration 0044: no DELETED of the members one took out, no
// UPDATED of those one brought in, and no DELETED of someone who withdrew
// from an association under the key's before a move of one between them.
func TestChangesOfAssociationMovesBefore0044(t *testing.T) {
	for _, tc := range []struct {
		name        string
		before      bool
		branchMoves bool
		want        []string
	}{
		{"since 0044", false, true, []string{"DELETED people/ra []", "DELETED people/di []", "UPDATED people/vao []"}},
		{"before 0044", true, true, nil},
		{"before 0044, the branch not moved", true, false, []string{"DELETED people/ra []"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(t.TempDir(), "feed.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			assoc := func(id, code, parent string) string {
				a, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: id, Code: code, Parent: parent}, CreateOptions{ID: id})
				if err != nil {
					t.Fatal(err)
				}
				return a.Name
			}
			move := func(a, parent string) {
				if _, err := db.UpdateAssociation(ctx, a, WriteOptions{}, func(a *pb.Association) error {
					a.Parent = parent
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			member := func(id, a string) *pb.Membership {
				p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: id}, CreateOptions{ID: id})
				if err != nil {
					t.Fatal(err)
				}
				r, err := db.RegisterMember(ctx, a, Registration{Person: p.Name,
					Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "1"}}, CreateOptions{})
				if err != nil {
					t.Fatal(err)
				}
				m, err := db.ApproveMembership(ctx, r.Membership.Name, Transition{})
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			key, outside := assoc("hoi", "H", ""), assoc("ngoai", "N", "")
			branch, branch2 := assoc("chi-hoi", "C", key), assoc("chi-hoi-2", "C2", key)
			group, leaving, joining := assoc("to", "T", branch), assoc("di-hoi", "D", key), assoc("vao-hoi", "V", outside)
			left := member("ra", group)
			member("di", leaving)
			member("vao", joining)
			from, err := db.ChangeHead(ctx)
			if err != nil {
				t.Fatal(err)
			}

			if _, err := db.WithdrawMembership(ctx, left.Name, Transition{}); err != nil {
				t.Fatal(err)
			}
			if tc.branchMoves {
				move(branch, branch2) // the group stays under the key's
			}
			move(leaving, outside)
			move(joining, key)
			if tc.before {
				for _, q := range []string{`DELETE FROM changes WHERE type = 0`,
					`UPDATE settings SET value = (SELECT seq FROM sqlite_sequence WHERE name = 'changes') WHERE key = 'scope_moves_from'`} {
					if _, err := db.writer.ExecContext(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
			}

			q := ChangeQuery{After: from, Scope: key, Types: []pb.Change_ResourceType{pb.Change_PERSON}}
			if got := summary(readFeed(t, db, q)); !slices.Equal(got, tc.want) {
				t.Errorf("from a cursor before the moves, the association's feed tells %q, want %q", got, tc.want)
			}
		})
	}
}
