package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/protobuf/types/known/anypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// writeWorkbook saves rows as the people sheet of an XLSX file.
func writeWorkbook(t *testing.T, path string, rows ...[]any) {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", transfer.PeopleSheet)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(transfer.PeopleSheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func sheetRows(t *testing.T, data []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a workbook (%v): %.200q", err, data)
	}
	defer f.Close()
	rows, err := f.GetRows(transfer.PeopleSheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestImportExportCommands(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	c := []string{"--server", addr, "--token", token}

	// --output csv on a list: a header of the fields, a line per item;
	// the hint of more pages on stderr.
	out, more, err := cliApart(t, append([]string{"people", "list", "--page-size", "5", "--output", "csv", "--columns", "name,family_name,gender"}, c...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 6 || strings.Join(recs[0], ",") != "name,family_name,gender" || !strings.HasPrefix(recs[1][0], "people/") {
		t.Fatalf("csv list (%v):\n%s", err, out)
	}
	if !strings.HasPrefix(more, "More: --page-token ") {
		t.Errorf("csv list: stderr %q, want the hint of more pages", more)
	}

	// An import with a bad row imports nothing and names the cell.
	file := filepath.Join(dir, "ds.xlsx")
	writeWorkbook(t, file, []any{"Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh", "Số CCCD"},
		[]any{"Nguyễn", "Thị", "Hoa", "Nữ", "15/03/1980", "001180000001"},
		[]any{"Trần", "", "Bình", "Nam", "31/02/1980", ""},
		[]any{"Thạch", "", "Sa Rươl", "Nam", "1988", ""})
	errs := filepath.Join(dir, "loi.xlsx")
	out, err = cli(t, append([]string{"import", "people", file, "--output", "table", "--report", errs}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "INVALID_ARGUMENT") || !strings.Contains(out, "E (Ngày sinh)") || !strings.Contains(out, "not applied") {
		t.Fatalf("import with a bad row: %v\n%s", err, out)
	}
	if data, err := os.ReadFile(errs); err != nil {
		t.Errorf("no report: %v\n%s", err, out)
	} else if rows := sheetRows(t, data); len(rows) != 4 || len(rows[2]) != 7 || !strings.Contains(rows[2][6], "E (Ngày sinh)") {
		t.Errorf("report rows %q", rows)
	}
	// Skipping it imports the others, with a progress bar from the
	// operation's metadata.
	out, err = cli(t, append([]string{"import", "people", file, "--skip-invalid", "--output", "table"}, c...)...)
	if err != nil || !strings.Contains(out, "2 created") || !strings.Contains(out, "3 rows read, 1 refused") {
		t.Fatalf("import --skip-invalid: %v\n%s", err, out)
	}
	// `people import` is the same command.
	out, err = cli(t, append([]string{"people", "import", file, "--skip-invalid", "--dry-run", "--quiet", "--output", "table"}, c...)...)
	if err != nil || !strings.Contains(out, "0 created") || !strings.Contains(out, "2 unchanged") || strings.Contains(out, "rows,") {
		t.Fatalf("people import --dry-run: %v\n%s", err, out)
	}

	// The template sent as it is says it has no rows, not "{}".
	empty := filepath.Join(dir, "mau.xlsx")
	writeWorkbook(t, empty, []any{"Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh", "Số CCCD"})
	out, err = cli(t, append([]string{"import", "people", empty, "--dry-run", "--quiet"}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "the file has no rows to import") || strings.Contains(out, "{}") {
		t.Errorf("import of the empty template: %v\n%s", err, out)
	}

	// Export as XLSX to stdout: the filter's people, in the template's
	// columns.
	var xlsx, errOut bytes.Buffer
	if err := run(context.Background(), append([]string{"people", "export", "--filter", `given_name = "Hoa" AND family_name = "Nguyễn"`, "--format", "xlsx"}, c...), &xlsx, &errOut); err != nil {
		t.Fatalf("export: %v\n%s", err, errOut.String())
	}
	rows := sheetRows(t, xlsx.Bytes())
	if len(rows) != 2 || rows[0][0] != "Mã hồ sơ" || rows[1][3] != "Hoa" || rows[1][7] != "001180000001" {
		t.Fatalf("export rows: %q", rows)
	}
	out, err = cli(t, append([]string{"people", "export", "--columns", "family_name,given_name", "--format", "csv"}, c...)...)
	if err != nil || !strings.HasPrefix(out, "\ufeffHọ,Tên\n") || strings.Count(out, "\n") != 43 {
		t.Fatalf("export csv with columns: %v\n%s", err, out)
	}

	// The whole registry, exported, re-imports with no changes.
	xlsx.Reset()
	if err := run(context.Background(), append([]string{"people", "export", "--format", "xlsx"}, c...), &xlsx, &errOut); err != nil {
		t.Fatal(err)
	}
	all := filepath.Join(dir, "all.xlsx")
	if err := os.WriteFile(all, xlsx.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cli(t, append([]string{"import", "people", all, "--quiet", "--output", "table"}, c...)...)
	// The 42 people and their records (the export's other sheets).
	if err != nil || !strings.Contains(out, "0 created, 0 updated, ") || !strings.Contains(out, " unchanged, 0 refused, 0 possible") || strings.Contains(out, " 42 unchanged") {
		t.Fatalf("re-import of an export: %v\n%s", err, out)
	}

	// The template, from the import command and from the collection's verb.
	for _, args := range [][]string{{"import", "template"}, {"transfer", "get-import-template"}} {
		var tmpl bytes.Buffer
		if err := run(context.Background(), append(args, c...), &tmpl, &errOut); err != nil {
			t.Fatalf("%s: %v\n%s", args, err, errOut.String())
		}
		if rows := sheetRows(t, tmpl.Bytes()); len(rows) != 1 || rows[0][0] != "Mã hồ sơ" {
			t.Errorf("%s: template rows %q", args, rows)
		}
	}

	// A file over gRPC's 4 MiB message limit goes in chunks: both its
	// people, the second after 5 MiB of blank lines, are imported.
	big := filepath.Join(dir, "lon.csv")
	if err := os.WriteFile(big, []byte("\xEF\xBB\xBFHọ;Tên;Ngày sinh;Số CCCD\nLý;Cường;15/03/1970;001070009901\n"+
		strings.Repeat("\n", 5<<20)+"Hồ;Dung;16/04/1971;001071009902\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cli(t, append([]string{"import", "people", big, "--quiet", "--output", "table"}, c...)...)
	if err != nil || !strings.Contains(out, "2 created") {
		t.Fatalf("import of a file over 4 MiB: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"import"}, {"import", "people"}, {"import", "people", "a", "b"}} {
		if _, err := cli(t, args...); err == nil {
			t.Errorf("trithuc %s: no error", strings.Join(args, " "))
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("trithuc %s: %v, want a usage error", strings.Join(args, " "), err)
		}
	}
}

// TestProgressBarRedrawsWholeLine draws the bar as a terminal shows it: a
// carriage return goes back to the start of the line, and what a shorter
// line does not cover stays on the screen.
func TestProgressBarRedrawsWholeLine(t *testing.T) {
	var out bytes.Buffer
	b := &progressBar{w: &out}
	for _, m := range []*pb.ImportPeopleMetadata{
		{},                              // the file not read yet: no total
		{RowsTotal: 9, RowsRead: 3},     // a bar
		{RowsTotal: 9, RowsRead: 9},     // the bar full
		{RowsRead: 656, RowsRefused: 2}, // a workbook without a total: a count, shorter
	} {
		a, err := anypb.New(m)
		if err != nil {
			t.Fatal(err)
		}
		b.show(&longrunningpb.Operation{Metadata: a})
	}
	b.end()
	var screen []rune
	col := 0
	for _, r := range strings.TrimSuffix(out.String(), "\n") {
		if r == '\r' {
			col = 0
			continue
		}
		if col < len(screen) {
			screen[col] = r
		} else {
			screen = append(screen, r)
		}
		col++
	}
	if got := strings.TrimRight(string(screen), " "); got != "656 rows read, 2 refused" {
		t.Errorf("the terminal shows %q, want %q", got, "656 rows read, 2 refused")
	}
	if strings.Contains(out.String(), "0/0 rows") {
		t.Errorf("a bar without a total: %q", out.String())
	}
}

// trithuc import sends a request_id, one per invocation (the client makes
// it before the first attempt): its own retries are answered the first
// import. The server remembers it for an import, not for a dry run.
func TestImportCommandSendsARequestID(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	c := []string{"--server", addr, "--token", token, "--quiet"}
	file := filepath.Join(dir, "ds.xlsx")
	writeWorkbook(t, file, []any{"Họ", "Tên", "Ngày sinh"}, []any{"Lê", "Hà", "1980"})
	remembered := func() int {
		t.Helper()
		db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "t.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM requests WHERE method = 'ImportPeople'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, args := range [][]string{{"--dry-run"}, {}, {}} {
		if out, err := cli(t, append(append([]string{"import", "people", file}, args...), c...)...); err != nil {
			t.Fatalf("import %v: %v\n%s", args, err, out)
		}
		if n, want := remembered(), i; n != want {
			t.Errorf("after import %d %v: %d requests remembered, want %d", i, args, n, want)
		}
	}
}

// --registry-date gives the people an import registers the day they count
// from when their row gives none; a date that is not whole is refused
// before anything is sent.
func TestImportRegistryDateFlag(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	c := []string{"--server", addr, "--token", token}
	file := filepath.Join(dir, "ds.xlsx")
	writeWorkbook(t, file, []any{"Họ", "Tên", "Số CCCD", "Ngày vào danh sách"},
		[]any{"Quách", "Ngày", "091080000011", ""},
		[]any{"Quách", "Riêng", "091080000012", "15/01/2024"})
	if out, err := cli(t, append([]string{"import", "people", file, "--registry-date", "2024"}, c...)...); err == nil || !strings.Contains(err.Error(), "--registry-date") {
		t.Fatalf("--registry-date 2024: %v\n%s", err, out)
	}
	if out, err := cli(t, append([]string{"import", "people", file, "--quiet", "--registry-date", "01/06/2023", "--output", "table"}, c...)...); err != nil || !strings.Contains(out, "2 created") {
		t.Fatalf("import --registry-date: %v\n%s", err, out)
	}
	out, err := cli(t, append([]string{"people", "list", "--filter", `family_name = "Quách"`, "--order-by", "given_name", "--output", "csv", "--columns", "given_name,registry_date"}, c...)...)
	if err != nil || !strings.Contains(out, "Ngày,2023-06-01") || !strings.Contains(out, "Riêng,2024-01-15") {
		t.Fatalf("the registry dates: %v\n%s", err, out)
	}
}
