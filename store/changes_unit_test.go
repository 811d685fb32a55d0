package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/internal/schemaundo"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A key limited to an organization is told the DELETED of each person a
// change of a position took out of its scope: a position ended on the
// profile before migration 0042 (which keeps the organization such a
// change concerns; it fills it for the changes before it), one ended by
// the daily run, one deleted after it.
func TestChangesTellUnitLeaversAcrossMigration0042(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feed.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) }
	org, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Sở Y tế"}, CreateOptions{ID: "syt"})
	if err != nil {
		t.Fatal(err)
	}
	positions := map[string]*pb.Position{}
	for _, id := range []string{"nghi", "hethan", "xoa"} {
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: id}, CreateOptions{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		var end *date.Date
		if id == "hethan" {
			end = &date.Date{Year: 2026, Month: 6, Day: 30}
		}
		if positions[id], err = db.CreatePosition(ctx, p.Name, &pb.Position{Organization: org.Name, Title: "Bác sĩ",
			Start: &date.Date{Year: 2020, Month: 1, Day: 1}, End: end, Current: true}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	head, err := db.ChangeHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdatePosition(ctx, positions["nghi"].Name, WriteOptions{}, func(p *pb.Position) error {
		p.End, p.Current = &date.Date{Year: 2026, Month: 2, Day: 28}, false
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// As a version before 0042 left it.
	older := []string{
		`DROP TRIGGER positions_change_update`,
		`DROP TRIGGER positions_change_delete`,
		// 0044's index of the column, which runs again after it.
		`DROP INDEX changes_moved_organization`,
		`ALTER TABLE changes DROP COLUMN organization_pk`,
		// And 0043, which runs again after it.
		`ALTER TABLE people DROP COLUMN registry_start`,
	}
	older = append(older, schemaundo.Since0045(schemaundo.StandIn)...)
	older = append(older, `DELETE FROM schema_migrations WHERE version >= 42`)
	for _, q := range older {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return time.Date(2026, 7, 1, 3, 0, 0, 0, time.UTC) }
	if n, err := db.EndLapsedPositions(ctx, nil); err != nil || n != 1 {
		t.Fatalf("ended %d, %v; want 1", n, err)
	}
	if err := db.DeletePosition(ctx, positions["xoa"].Name, WriteOptions{}); err != nil {
		t.Fatal(err)
	}

	got := readFeed(t, db, ChangeQuery{After: head, Scope: org.Name, Types: []pb.Change_ResourceType{pb.Change_PERSON}})
	want := []string{"DELETED people/nghi []", "DELETED people/hethan []", "DELETED people/xoa []"}
	if s := summary(got); !slices.Equal(s, want) {
		t.Errorf("the unit's feed: %q, want %q", s, want)
	}
}
