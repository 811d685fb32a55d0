package store

import (
	"context"
	"testing"
)

// Migration 0020 turns free-text sectors that name a section plainly into
// its code, moving the revision, and leaves any other text as it was.
func TestMigrateSectors(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_fields_sectors.sql")
	_, err := old.writer.ExecContext(ctx, `INSERT INTO organizations(pk, id, display_name, sector, create_time, update_time) VALUES
		(1, 'sgd', 'Sở GD', 'Giáo dục', 1, 1), (2, 'bv', 'Bệnh viện', ' Y tế ', 1, 1),
		(3, 'la', 'Tổ chức lạ', 'Ngành lạ', 1, 1), (4, 'none', 'Không ngành', '', 1, 1)`)
	if err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	want := map[string]string{"sgd": "P 2", "bv": "Q 2", "la": "Ngành lạ 1", "none": " 1"}
	for id, w := range want {
		o, err := db.GetOrganization(ctx, "organizations/"+id)
		if err != nil {
			t.Fatal(err)
		}
		var rev int
		db.read(ctx, func(tx *Tx) error {
			return tx.QueryRowContext(ctx, `SELECT revision FROM organizations WHERE id = ?`, id).Scan(&rev)
		})
		if got := o.GetSector() + " " + itoa(int64(rev)); got != w {
			t.Errorf("organizations/%s: sector and revision %q, want %q", id, got, w)
		}
	}
	sectors, page, err := db.ListSectors(ctx, ListQuery{PageSize: 100})
	if err != nil || page.TotalSize != 21 || sectors[0].GetName() != "sectors/A" || sectors[20].GetCode() != "U" {
		t.Errorf("sectors: %d, %v, %v", page.TotalSize, sectors, err)
	}
}
