package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestNewPersonChangeReadsNoFeed holds people_change_insert to its insert:
// a person inserted has no change of their resource to fold into (0053),
// and looking for one opened the feed's table and indexes at every create
// in the single writer.
func TestNewPersonChangeReadsNoFeed(t *testing.T) {
	db := openTest(t)
	var sql string
	if err := db.writer.QueryRowContext(context.Background(),
		`SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'people_change_insert'`).Scan(&sql); err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(sql, " BEGIN")
	if n := strings.Count(body, ";"); n != 1 || !strings.Contains(body, "INSERT INTO changes") || strings.Contains(body, "FROM changes") {
		t.Errorf("people_change_insert runs %d statements, want one INSERT INTO changes that reads no change:\n%s", n, sql)
	}
}

// TestNewPersonChangeAsBefore runs the same writes on a store with 0033's
// people_change_insert (which first looked for the write's change of the
// person's resource) and on one with 0053's, and wants the same feed:
// creates alone and grouped, with fields, roles and identifiers (whose
// triggers fold into the create's change), a chosen id, a create after a
// purge in the same group, updates, deletes and undeletes.
func TestNewPersonChangeAsBefore(t *testing.T) {
	ctx := context.Background()
	feed := func(old bool) []string {
		db := openTest(t)
		if old {
			for _, q := range []string{`DROP TRIGGER people_change_insert`, trigger0033(t, "people_change_insert")} {
				if _, err := db.writer.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
		}
		// Each person's name as the order of its create, so that the two
		// stores' feeds compare though their ids differ.
		var mu sync.Mutex
		names := map[string]string{}
		create := func(i int, p *pb.Person, o CreateOptions) *pb.Person {
			got, err := db.CreatePerson(ctx, p, o)
			if err != nil {
				t.Error(err)
				return nil
			}
			mu.Lock()
			names[got.Name] = fmt.Sprintf("people/#%d", i)
			mu.Unlock()
			return got
		}
		var made []*pb.Person
		for i, p := range variedNewPeople() {
			made = append(made, create(i, p, CreateOptions{}))
		}
		made = append(made, create(100, &pb.Person{FamilyName: "Lý", GivenName: "Chọn"}, CreateOptions{ID: "chosen-one"}))
		if t.Failed() {
			t.FailNow()
		}
		if _, err := db.UpdatePerson(ctx, made[0].Name, WriteOptions{}, func(p *pb.Person) error { p.GivenName = "Bình"; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeletePerson(ctx, made[1].Name, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UndeletePerson(ctx, made[1].Name, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		gone := made[2]
		dsr, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: gone.Name,
			Requester: gone.FamilyName + " " + gone.GivenName}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.TransitionDataSubjectRequest(ctx, dsr.Name, pb.DataSubjectRequest_COMPLETED, "", "", WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		// Grouped writes: creates from eight callers at once, one of them
		// right after the purge (the next create may take the purged pk).
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := db.PurgePerson(ctx, gone.Name, dsr.Name, "erasure requested", nil); err != nil {
				t.Error(err)
			}
			create(200, &pb.Person{FamilyName: "Đặng", GivenName: "Hà"}, CreateOptions{})
		})
		for w := range 8 {
			wg.Go(func() {
				for i := range 10 {
					p := variedNewPeople()[(w*10+i)%len(variedNewPeople())]
					p.NationalId = "" // each is one person's
					create(300+w*10+i, p, CreateOptions{})
				}
			})
		}
		wg.Wait()
		var out []string
		for _, c := range readFeed(t, db, ChangeQuery{}) {
			name, rest, _ := strings.Cut(strings.TrimPrefix(c.Resource, "people/"), "/")
			r := names["people/"+name]
			if r == "" {
				r = "a purged person"
			}
			if rest != "" {
				r += "/" + rest
			}
			if strings.Contains(rest, "/") {
				// A child's own id (a qualification's, say) differs too.
				r = r[:strings.LastIndex(r, "/")]
			}
			out = append(out, fmt.Sprintf("%s %s %v", c.Kind, r, c.ChangedFields))
		}
		// The grouped creates' order depends on the callers' turns.
		slices.Sort(out)
		return out
	}
	old, cur := feed(true), feed(false)
	if len(cur) < 100 {
		t.Fatalf("%d changes, want one at least for each of the 100 and more writes", len(cur))
	}
	if !slices.Equal(old, cur) {
		t.Errorf("the feed with 0033's trigger and with 0053's differ:\nold %q\nnew %q", old, cur)
	}
}
