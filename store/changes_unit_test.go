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
	for _, q := range []string{
		`DROP TRIGGER positions_change_update`,
		`DROP TRIGGER positions_change_delete`,
		// 0044's index of the column, which runs again after it.
		`DROP INDEX changes_moved_organization`,
		`ALTER TABLE changes DROP COLUMN organization_pk`,
		// And 0043, which runs again after it.
		`ALTER TABLE people DROP COLUMN registry_start`,
		// 0045 undone: its triggers (it makes them again), indexes and columns.
		`DROP TRIGGER positions_work_insert`,
		`DROP TRIGGER positions_work_update`,
		`DROP TRIGGER positions_work_delete`,
		`DROP INDEX people_middle_key`,
		`DROP INDEX people_display_key`,
		`DROP INDEX people_statistics`,
		`ALTER TABLE people DROP COLUMN middle_key`,
		`ALTER TABLE people DROP COLUMN display_key`,
		`ALTER TABLE people DROP COLUMN current_positions`,
		// 0046 undone: its column, and the trigger that reads it, which
		// it drops and makes again.
		`DROP TRIGGER qualifications_change_update`,
		`ALTER TABLE qualifications DROP COLUMN degree_title`,
		`CREATE TRIGGER qualifications_change_update AFTER UPDATE ON qualifications BEGIN SELECT 1; END`,
		// 0047 undone: its column.
		`ALTER TABLE profile_reviews DROP COLUMN confirmer_principal`,
		// 0048 undone: its columns, which its trigger (made again by it,
		// here a stand-in for 0033's) names.
		`DROP TRIGGER people_change_update`,
		`ALTER TABLE people DROP COLUMN holdings_hidden`,
		`ALTER TABLE people DROP COLUMN holdings_last`,
		`ALTER TABLE people DROP COLUMN holdings_time`,
		`ALTER TABLE people DROP COLUMN consents_hidden`,
		`ALTER TABLE people DROP COLUMN consents_last`,
		`ALTER TABLE people DROP COLUMN consents_time`,
		// 0049 undone: its columns and table (its trigger goes with 0048's).
		`ALTER TABLE people DROP COLUMN members_hidden`,
		`ALTER TABLE people DROP COLUMN members_last`,
		`ALTER TABLE people DROP COLUMN members_time`,
		`DROP TABLE association_holdings`,
		`CREATE TRIGGER people_change_update AFTER UPDATE ON people BEGIN SELECT 1; END`,
		// 0050 undone: its columns.
		`ALTER TABLE honor_campaigns DROP COLUMN delete_time`,
		`ALTER TABLE expert_pools DROP COLUMN delete_time`,
		`DELETE FROM schema_migrations WHERE version >= 42`,
	} {
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
