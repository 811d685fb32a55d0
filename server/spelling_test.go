package server

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/internal/schemaundo"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// displayNames lists the display names of the people a filter selects.
func (e *env) displayNames(filter string) []string {
	e.t.Helper()
	resp, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{Filter: filter, PageSize: 100})
	if err != nil {
		e.t.Fatalf("filter %s: %v", filter, err)
	}
	var out []string
	for _, p := range resp.People {
		out = append(out, p.DisplayName)
	}
	slices.Sort(out)
	return out
}

// searched lists the display names SearchPeople finds, in its order.
func (e *env) searched(query string) []string {
	e.t.Helper()
	resp, err := e.client.People.SearchPeople(context.Background(), &pb.SearchPeopleRequest{Query: query, PageSize: 100})
	if err != nil {
		e.t.Fatalf("search %q: %v", query, err)
	}
	var out []string
	for _, p := range resp.People {
		out = append(out, p.DisplayName)
	}
	return out
}

// importRows imports rows of people (family, middle, given, birth date,
// email) and returns what the import said of each, by row from 2.
func (e *env) importRows(rows ...[]any) map[int32]string {
	e.t.Helper()
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX,
		Data: workbook(e.t, append([][]any{{"Họ", "Tên đệm", "Tên", "Ngày sinh", "Email"}}, rows...)...)}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil {
		e.t.Fatalf("import: %v %v", st, resp)
	}
	out := map[int32]string{}
	for _, p := range resp.Problems {
		out[p.Row] += p.Kind.String() + " " + p.Person + " " + p.Message + "; "
	}
	return out
}

// Old and new tone placement (Hòa, Hoà) are one name: to duplicate
// detection, to equality filters and to search's ranking.
func TestTonePlacementIsOneName(t *testing.T) {
	e := newEnv(t)
	born := &date.Date{Year: 1990, Month: 1, Day: 16}
	hoa := e.person(&pb.Person{FamilyName: "Trần", MiddleName: "Kiểmtra", GivenName: "Hoà", BirthDate: born})
	if hoa.GivenName != "Hoà" {
		t.Errorf("stored %q, not as typed", hoa.GivenName)
	}
	got := e.importRows(
		[]any{"Trần", "Kiểmtra", "Hòa", "16/01/1990"},
		[]any{"TRẦN", "KIỂMTRA", "HÒA", "16/01/1990"},
	)
	for row := int32(2); row <= 3; row++ {
		if !strings.Contains(got[row], "POSSIBLE_DUPLICATE "+hoa.Name) {
			t.Errorf("row %d: %q, want a possible duplicate of %s", row, got[row], hoa.Name)
		}
	}
	if n := e.count(); n != 1 {
		t.Errorf("%d people after importing spellings of one", n)
	}

	e.person(&pb.Person{FamilyName: "Trần", MiddleName: "Kiểmtra", GivenName: "Hòa", Email: "hoa.old@example.vn"})
	e.person(&pb.Person{FamilyName: "Trần", MiddleName: "Kiểmtra", GivenName: "Hoàng"})
	e.person(&pb.Person{FamilyName: "Nguyễn", MiddleName: "Thị", GivenName: "Thủy"})
	both := []string{"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa"}
	for filter, want := range map[string][]string{
		`given_name = "Hoà"`:                           both,
		`given_name = "Hòa"`:                           both,
		`display_name = "Trần Kiểmtra Hòa"`:            both,
		`given_name != "Hòa" AND family_name = "Trần"`: {"Trần Kiểmtra Hoàng"},
		`given_name = "Thuỷ"`:                          {"Nguyễn Thị Thủy"},
		`given_name = "hoà"`:                           nil, // = is still case-sensitive
	} {
		if got := e.displayNames(filter); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", filter, got, want)
		}
	}

	// The exact name first, then the longer one it begins.
	for _, q := range []string{"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa", "Kiểmtra Hoà"} {
		got := e.searched(q)
		if len(got) != 3 || got[2] != "Trần Kiểmtra Hoàng" {
			t.Errorf("search %q: %q, want both Hòa before Hoàng", q, got)
		}
	}
}

// Spaces that look alike are one space: names are kept with ASCII spaces,
// one between words, however typed or imported.
func TestLookAlikeSpaces(t *testing.T) {
	e := newEnv(t)
	born := &date.Date{Year: 1985, Month: 3, Day: 2}
	p := e.person(&pb.Person{FamilyName: "Lê\u00a0Thị", MiddleName: "Kim  Ngân", GivenName: "Hà\u3000My", BirthDate: born})
	if p.FamilyName != "Lê Thị" || p.MiddleName != "Kim Ngân" || p.GivenName != "Hà My" || p.DisplayName != "Lê Thị Kim Ngân Hà My" {
		t.Errorf("stored %q %q %q %q", p.FamilyName, p.MiddleName, p.GivenName, p.DisplayName)
	}
	if got := e.displayNames(`display_name = "Lê Thị Kim Ngân Hà My"`); len(got) != 1 {
		t.Errorf("= with ASCII spaces: %q", got)
	}
	if got := e.displayNames("given_name = \"Hà\u00a0My\""); len(got) != 1 {
		t.Errorf("= with a no-break space: %q", got)
	}
	// The same person imported again, with other spaces: unchanged.
	got := e.importRows([]any{"Lê Thị", "Kim\u00a0Ngân", "Hà  My", "02/03/1985"})
	if got[2] != "" || e.count() != 1 {
		t.Errorf("import with a no-break space: %q, %d people", got[2], e.count())
	}
	// Another of the same name and birth date, by email: a duplicate.
	got = e.importRows([]any{"Lê Thị", "Kim\u00a0Ngân", "Hà  My", "02/03/1985", "ha.my@example.vn"})
	if !strings.Contains(got[2], "POSSIBLE_DUPLICATE "+p.Name) {
		t.Errorf("import with a no-break space: %q, want a possible duplicate of %s", got[2], p.Name)
	}
	got = e.importRows([]any{"Phan\u00a0Văn", "", "Tèo", "01/01/1970"})
	if got[2] != "" || len(e.displayNames(`display_name = "Phan Văn Tèo"`)) != 1 {
		t.Errorf("import: %q; the name was not kept with a space", got[2])
	}
}

// Ð (Eth) typed for Đ is Đ: stored as Đ, found as d, and a duplicate of Đ.
func TestEthForD(t *testing.T) {
	e := newEnv(t)
	got := e.importRows(
		[]any{"Ðặng", "Eth", "Hải", "05/05/1975"},
		[]any{"Guðrún", "", "Ólafsdóttir", "06/06/1966"},
	)
	if len(got) != 0 {
		t.Fatalf("import: %q", got)
	}
	got = e.importRows([]any{"Đặng", "Eth", "Hải", "05/05/1975", "hai@example.vn"})
	if !strings.Contains(got[2], "POSSIBLE_DUPLICATE") {
		t.Errorf("Đặng after Ðặng: %q, want a possible duplicate", got[2])
	}
	if names := e.displayNames(`family_name = "Đặng"`); !slices.Equal(names, []string{"Đặng Eth Hải"}) {
		t.Errorf("Ðặng stored as %q, want Đặng", names)
	}
	for _, q := range []string{"dang eth hai", "Đặng Eth Hải", "Ðặng Eth Hải"} {
		if got := e.searched(q); !slices.Equal(got, []string{"Đặng Eth Hải"}) {
			t.Errorf("search %q: %q", q, got)
		}
	}
	// Icelandic keeps its eth, and is found without marks.
	if got := e.searched("gudrun"); !slices.Equal(got, []string{"Guðrún Ólafsdóttir"}) {
		t.Errorf("search gudrun: %q", got)
	}
}

// A prefix's last letter typed bare matches that letter with any marks.
func TestPrefixFilterMarks(t *testing.T) {
	e := newEnv(t)
	for _, g := range []string{"Ha", "Hà", "Hả", "Hã", "Há", "Hạ", "Hằng", "Hoà", "Hòa", "Hùng"} {
		e.person(&pb.Person{FamilyName: "Trần", MiddleName: "Kiểmtra", GivenName: g})
	}
	for _, g := range []string{"An", "Ăn", "Ân", "Bảo"} {
		e.person(&pb.Person{FamilyName: "Lê", GivenName: g})
	}
	for filter, want := range map[string][]string{
		`display_name = "Trần Kiểmtra Ha*"`: {"Trần Kiểmtra Ha", "Trần Kiểmtra Hà", "Trần Kiểmtra Hả", "Trần Kiểmtra Hã",
			"Trần Kiểmtra Há", "Trần Kiểmtra Hạ", "Trần Kiểmtra Hằng"},
		`given_name = "A*"`:     {"Lê An", "Lê Ân", "Lê Ăn"},
		`given_name = "Ho*"`:    {"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa"},
		`given_name = "Hà*"`:    {"Trần Kiểmtra Hà"},
		`NOT given_name = "H*"`: {"Lê An", "Lê Bảo", "Lê Ân", "Lê Ăn"},
		`given_name = "Hoa*"`:   {"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa"}, // the tone on either vowel
		`given_name = "Hoà*"`:   {"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa"},
		`given_name = "Hòa*"`:   {"Trần Kiểmtra Hoà", "Trần Kiểmtra Hòa"},
	} {
		want = slices.Clone(want)
		slices.Sort(want)
		if got := e.displayNames(filter); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", filter, got, want)
		}
	}
}

// Names an earlier version stored as typed (an Eth for a Đ, a no-break
// space, two spaces, an ideographic space) are tidied when this version
// opens the database: filters find them, and their export imports again
// without a conflict.
func TestUpgradeTidiesStoredNames(t *testing.T) {
	e := newEnv(t)
	born := &date.Date{Year: 1970, Month: 7, Day: 7}
	dang := e.person(&pb.Person{FamilyName: "Đặng", MiddleName: "Văn Minh", GivenName: "Hoà", Address: "Số 12 Trần Hưng Đạo", BirthDate: born})
	tien := e.person(&pb.Person{FamilyName: "Lê", MiddleName: "Thị", GivenName: "Thuỷ Tiên", BirthDate: born})
	e.stop()
	conn, err := sql.Open("sqlite3", e.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE people SET family_name = 'Ðặng', middle_name = 'Văn\u00a0 Minh', display_name = 'Ðặng Văn\u00a0 Minh Hoà'," +
			" address = 'Số  12\u00a0Trần Hưng Đạo' WHERE id = ?", []any{strings.TrimPrefix(dang.Name, "people/")}},
		{"UPDATE people SET given_name = 'Thuỷ\u3000Tiên', display_name = 'Lê Thị Thuỷ\u3000Tiên' WHERE id = ?", []any{strings.TrimPrefix(tien.Name, "people/")}},
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
		if _, err := conn.Exec(stmt.sql, stmt.args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range schemaundo.Since0045(schemaundo.StandIn) {
		if _, err := conn.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	e.start(nil)
	e.client.Close()
	e.client = e.clientAs(e.token)

	for filter, want := range map[string][]string{
		`middle_name = "Văn Minh"`:           {"Đặng Văn Minh Hoà"},
		`address = "Số 12 Trần Hưng Đạo"`:    {"Đặng Văn Minh Hoà"},
		`display_name = "Đặng Văn Minh Hòa"`: {"Đặng Văn Minh Hoà"},
		`family_name = "Đặ*"`:                {"Đặng Văn Minh Hoà"},
		`given_name = "Thủy Tiên"`:           {"Lê Thị Thuỷ Tiên"},
	} {
		if got := e.displayNames(filter); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", filter, got, want)
		}
	}
	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}, ValidateOnly: true})
	if st != nil || len(resp.Problems) != 0 || resp.Unchanged != 2 {
		t.Errorf("re-importing the export: %v %v", st, resp)
	}
}
