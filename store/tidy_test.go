package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"trithuc.gov.vn/trithuc/internal/schemaundo"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// oldSortKey is vntext.SortKey as versions before search version 8 made
// it: of the parts as stored, tones where typed.
func oldSortKey(parts ...string) []byte {
	c := collate.New(language.Vietnamese)
	var buf collate.Buffer
	var key []byte
	for i, p := range parts {
		if i > 0 {
			key = append(key, 0, 0)
		}
		key = append(key, c.KeyFromString(&buf, p)...)
		buf.Reset()
	}
	return key
}

// A database written by a version that kept short text as typed (a
// no-break space, an ideographic space, two spaces, an Eth for a Đ) and
// keyed names with their tones where typed is tidied and keyed again when
// opened: filters find its names as typed with plain spaces, Ðặng sorts
// as Đặng, the spellings of a name sort as one, and the change feed tells
// of the rows that changed and of no others.
func TestOpenTidiesTextOfOldVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	create := func(family, middle, given string) *pb.Person {
		t.Helper()
		p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: family, MiddleName: middle, GivenName: given}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	dang := create("Đặng", "Văn Minh", "Hoà")
	tien := create("Lê", "Thị", "Thuỷ Tiên")
	create("Dương", "", "An")
	for _, mg := range [][2]string{{"An", "Thủy"}, {"Bình", "Thuỷ"}, {"Cúc", "Thủy"}, {"Dạ", "Thuỷ"}} {
		create("Võ", mg[0], mg[1])
	}
	var orgs []*pb.Organization
	for _, n := range []string{"Đài Phát thanh", "Dược phẩm"} {
		o, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: n}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}

	// As the old version stored them.
	id := func(name string) string { return name[strings.LastIndex(name, "/")+1:] }
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE people SET family_name = 'Ðặng', middle_name = 'Văn\u00a0 Minh', display_name = 'Ðặng Văn\u00a0 Minh Hoà'," +
			" address = 'Số  12\u00a0Trần Hưng Đạo' WHERE id = ?", []any{id(dang.Name)}},
		{"UPDATE people SET given_name = 'Thuỷ\u3000Tiên', display_name = 'Lê Thị Thuỷ\u3000Tiên' WHERE id = ?", []any{id(tien.Name)}},
		{"UPDATE organizations SET display_name = 'Ðài Phát thanh' WHERE id = ?", []any{id(orgs[0].Name)}},
		{"DELETE FROM schema_migrations WHERE version >= 36", nil},
		// Undone, as 0037 runs again after 0036.
		{"DROP INDEX people_phone_key", nil},
		{"ALTER TABLE people DROP COLUMN phone_key", nil},
		// And 0040, whose index needs 0038's column.
		{"DROP INDEX positions_current_last_day", nil},
		{"DROP INDEX positions_start", nil},
		// And 0038, whose view the triggers of 0007 need meanwhile.
		{"DROP VIEW person_work", nil},
		{"CREATE VIEW person_work(person_pk, current_unit, current_org_kind, current_employment, unit_on_20250630) AS SELECT 0, '', 0, 0, ''", nil},
		{"ALTER TABLE positions DROP COLUMN last_day", nil},
		// 0039 rekeys phones alone: it runs again as it is.
		// 0042 undone, as it runs again: its column, and its triggers,
		// which write it (0042 makes them again).
		{"DROP TRIGGER positions_change_update", nil},
		{"DROP TRIGGER positions_change_delete", nil},
		// 0044's index of the column, which runs again after it.
		{"DROP INDEX changes_moved_organization", nil},
		{"ALTER TABLE changes DROP COLUMN organization_pk", nil},
		{"UPDATE settings SET value = 7 WHERE key = 'search_version'", nil},
		// And 0043.
		{"ALTER TABLE people DROP COLUMN registry_start", nil},
	} {
		if _, err := db.writer.ExecContext(ctx, stmt.sql, stmt.args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range schemaundo.Since0045(trigger0033(t, "people_change_update")) {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.writer.QueryContext(ctx, `SELECT pk, family_name, middle_name, given_name FROM people`)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[int64][2][]byte{}
	for rows.Next() {
		var pk int64
		var f, m, g string
		if err := rows.Scan(&pk, &f, &m, &g); err != nil {
			t.Fatal(err)
		}
		keys[pk] = [2][]byte{oldSortKey(g, m, f), oldSortKey(f, m, g)}
	}
	rows.Close()
	for pk, k := range keys {
		if _, err := db.writer.ExecContext(ctx, `UPDATE people SET sort_key = ?, family_key = ? WHERE pk = ?`, k[0], k[1], pk); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.writer.ExecContext(ctx, `UPDATE organizations SET sort_key = ?1 WHERE display_name = ?2`,
		oldSortKey("Ðài Phát thanh"), "Ðài Phát thanh"); err != nil {
		t.Fatal(err)
	}
	var lastSeq int64
	if err := db.writer.QueryRowContext(ctx, `SELECT IFNULL(MAX(seq), 0) FROM changes`).Scan(&lastSeq); err != nil {
		t.Fatal(err)
	}
	db.Close()

	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.GetPerson(ctx, dang.Name, pb.PersonView_PERSON_VIEW_FULL)
	if err != nil {
		t.Fatal(err)
	}
	if got.FamilyName != "Đặng" || got.MiddleName != "Văn Minh" || got.DisplayName != "Đặng Văn Minh Hoà" || got.Address != "Số 12 Trần Hưng Đạo" {
		t.Errorf("after the upgrade %q %q %q %q", got.FamilyName, got.MiddleName, got.DisplayName, got.Address)
	}
	list := func(q ListQuery) []string {
		t.Helper()
		q.PageSize = 100
		people, _, err := db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		var out []string
		for _, p := range people {
			out = append(out, p.DisplayName)
		}
		return out
	}
	for filter, want := range map[string]string{
		`middle_name = "Văn Minh"`:                    dang.Name,
		`address = "Số 12 Trần Hưng Đạo"`:             dang.Name,
		`display_name = "Đặng Văn Minh Hoà"`:          dang.Name,
		`display_name = "Đặng Văn Minh Hòa"`:          dang.Name,
		`family_name = "Đặ*"`:                         dang.Name,
		`given_name = "Thuỷ Tiên"`:                    tien.Name,
		`given_name = "Thủy Tiên"`:                    tien.Name,
		"given_name = \"Thuỷ\u00a0Tiên\"":             tien.Name,
		`display_name = "Lê Thị Thuỷ Tiên"`:           tien.Name,
		`family_name = "Đặng" AND given_name = "Hoà"`: dang.Name,
	} {
		people, _, err := db.ListPeople(ctx, ListQuery{Filter: filter, PageSize: 10}, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil || len(people) != 1 || people[0].Name != want {
			t.Errorf("%s: %v %v, want %s", filter, people, err, want)
		}
	}
	if got, want := list(ListQuery{Filter: `family_name = "D*"`, OrderBy: "family_name"}), []string{"Dương An", "Đặng Văn Minh Hoà"}; !slices.Equal(got, want) {
		t.Errorf("by family name: %q, want %q", got, want)
	}
	// The spellings of Thuỷ sort as one name: by middle name.
	want := []string{"Võ An Thủy", "Võ Bình Thuỷ", "Võ Cúc Thủy", "Võ Dạ Thuỷ"}
	if got := list(ListQuery{Filter: `given_name = "Thủy"`, OrderBy: "display_name"}); !slices.Equal(got, want) {
		t.Errorf("Thủy by display name: %q, want %q", got, want)
	}
	if got := list(ListQuery{Filter: `given_name = "Thuy*" AND family_name = "Võ"`, OrderBy: "display_name"}); !slices.Equal(got, want) {
		t.Errorf("Thuy* by display name: %q, want %q", got, want)
	}
	listed, _, err := db.ListOrganizations(ctx, ListQuery{PageSize: 10, OrderBy: "display_name"})
	if err != nil || len(listed) != 2 || listed[0].DisplayName != "Dược phẩm" || listed[1].DisplayName != "Đài Phát thanh" {
		t.Errorf("organizations: %v %v, want Dược phẩm then Đài Phát thanh", listed, err)
	}

	// The feed tells of the rows tidied, of the fields that changed, and
	// of nothing else.
	rows, err = db.reader.QueryContext(ctx, `SELECT resource, fields FROM changes WHERE seq > ? ORDER BY seq`, lastSeq)
	if err != nil {
		t.Fatal(err)
	}
	changed := map[string]string{}
	for rows.Next() {
		var r, f string
		if err := rows.Scan(&r, &f); err != nil {
			t.Fatal(err)
		}
		changed[r] = f
	}
	rows.Close()
	wantChanged := map[string]string{
		dang.Name:    ",family_name,middle_name,display_name,address,",
		tien.Name:    ",given_name,display_name,",
		orgs[0].Name: ",display_name,",
	}
	if len(changed) != len(wantChanged) {
		t.Errorf("changes after the upgrade: %q, want %q", changed, wantChanged)
	}
	for r, f := range wantChanged {
		if changed[r] != f {
			t.Errorf("change of %s: fields %q, want %q", r, changed[r], f)
		}
	}
}

// trigger0033 is the statement of migration 0033 that makes the trigger
// named, for a test that puts a version before a later one made it again.
func trigger0033(t *testing.T, name string) string {
	t.Helper()
	b, err := migrationFiles.ReadFile("migrations/0033_change_triggers.sql")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "CREATE TRIGGER "+name+" ")
	if i < 0 {
		t.Fatalf("0033 makes no trigger %s", name)
	}
	j := strings.Index(text[i:], "\nEND;")
	return text[i : i+j+len("\nEND")]
}
