package store

import (
	"context"
	"testing"
)

// Migration 0023 makes existing people's work location follow their
// current position, keeping a typed value only where no current position
// says where.
func TestMigrateWorkLocation(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_work_location.sql")
	for _, q := range []string{
		`INSERT INTO ref_admin_units VALUES ('91', '2025-07-01', '', 'Tỉnh An Giang', 'province', '', '', 'seed', 1),
			('30742', '2025-07-01', '', 'Phường Rạch Giá', 'ward', '91', '', 'seed', 1)`,
		`INSERT INTO organizations(pk, id, display_name, administrative_unit, create_time, update_time) VALUES (1, 'dh', 'Đại học', '30742', 1, 1)`,
		`INSERT INTO people(pk, id, given_name, work_location, work_country, create_time, update_time) VALUES
			(1, 'home', 'A', 3, 'FR', 1, 1), (2, 'away', 'B', 1, '', 1, 1), (3, 'typed', 'C', 2, '', 1, 1), (4, 'vague', 'D', 3, 'KR', 1, 1),
			(5, 'ended', 'E', 2, '', 1, 1)`,
		`INSERT INTO positions(id, person_pk, organization_pk, organization_name, start_date, end_date, is_current, country, administrative_unit, create_time, update_time) VALUES
			('p', 1, 1, '', 20200100, 0, 1, '', '', 1, 1), ('p', 2, NULL, 'Kyoto University', 20220400, 0, 1, 'JP', '', 1, 1),
			('p', 4, NULL, 'Công ty gia đình', 20210000, 0, 1, '', '', 1, 1), ('p', 5, 1, '', 20100000, 20150000, 0, '', '', 1, 1)`,
	} {
		if _, err := old.writer.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db := reopen(t, old, path)
	want := map[string]string{"home": "IN_PROVINCE/", "away": "ABROAD/JP", "typed": "ELSEWHERE_IN_VIETNAM/",
		"vague": "ABROAD/KR", "ended": "ELSEWHERE_IN_VIETNAM/"}
	for id, w := range want {
		p, err := db.GetPerson(ctx, "people/"+id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.GetWorkLocation().String() + "/" + p.GetWorkCountry(); got != w {
			t.Errorf("people/%s: %s, want %s", id, got, w)
		}
	}
	// A profile the migration changed takes a new revision; the others keep theirs.
	var changed, kept int
	db.read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT (SELECT revision FROM people WHERE id = 'home'), (SELECT revision FROM people WHERE id = 'typed')`).Scan(&changed, &kept)
	})
	if changed != kept+1 {
		t.Errorf("revisions %d (changed) and %d (kept)", changed, kept)
	}
}
