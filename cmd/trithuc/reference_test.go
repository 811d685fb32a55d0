package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/store"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// schemeSize counts the fields of a scheme in the database at path.
func schemeSize(t *testing.T, path, scheme string) int {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, page, err := db.ListFields(context.Background(), store.FieldQuery{Scheme: scheme, ListQuery: store.ListQuery{PageSize: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return page.TotalSize
}

func TestReferenceLoad(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	good := writeFile(t, dir, "vn2025.csv", "\ufeffcode,parent_code,level,name_vi,name_en\r\n"+
		"1,,1,Khoa học tự nhiên,Natural sciences\r\n"+
		"101,1,2,Toán học,Mathematics\r\n"+
		"10101,101,3,\"Toán học thuần túy, lý thuyết\",Pure mathematics\r\n")
	bad := writeFile(t, dir, "bad.csv", "code,parent_code,level,name_vi\n"+
		"2,,1,Khoa học kỹ thuật và công nghệ\n"+
		"201,2,x,Kỹ thuật dân dụng\n"+
		"202,7,2,Kỹ thuật điện\n"+
		"203,2,2,\n")

	out, err := cli(t, "reference", "load", "--create", "--db", db, "--list", "fields", "--scheme", "vn2025", "--dry-run", good)
	if err != nil || !strings.Contains(out, "would add 2, update 1") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	// The six areas of vn2025 are seeded; the file adds two fields below
	// area 1 and gives it an English name.
	if n := schemeSize(t, db, "vn2025"); n != 6 {
		t.Fatalf("a dry run loaded %d fields", n-6)
	}
	out, err = cli(t, "reference", "load", "--db", db, "--list", "fields", "--scheme", "vn2025", good)
	if err != nil || !strings.Contains(out, "2 added, 1 updated, 0 unchanged") {
		t.Fatalf("load: %v\n%s", err, out)
	}
	if n := schemeSize(t, db, "vn2025"); n != 8 {
		t.Errorf("vn2025 has %d fields, want 8", n)
	}
	if n := schemeSize(t, db, "vn2008"); n != 52 {
		t.Errorf("vn2008 has %d fields beside vn2025, want 52", n)
	}

	// A bad file names the row and column of every problem and loads
	// nothing, not even its good rows.
	out, err = cli(t, "reference", "load", "--db", db, "--list", "fields", "--scheme", "vn2025", bad)
	if err == nil || !strings.Contains(err.Error(), "3 problem(s); nothing was loaded") {
		t.Fatalf("bad file: %v\n%s", err, out)
	}
	for _, want := range []string{
		`bad.csv: row 3, column level: "x": want a whole number`,
		"bad.csv: row 4, column parent_code: 7 is not in scheme vn2025",
		"bad.csv: row 5, column name_vi: required",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if n := schemeSize(t, db, "vn2025"); n != 8 {
		t.Errorf("after a rejected load vn2025 has %d fields, want 8", n)
	}

	// Another list, flags after the file.
	titles := writeFile(t, dir, "titles.csv", "code,name_vi,abbrev_vi,name_en\nGIAO_SU,Giáo sư,GS.,Professor\n")
	if out, err := cli(t, "reference", "load", titles, "--db", db, "--list", "academic-titles"); err != nil || !strings.Contains(out, "0 added, 1 updated") {
		t.Errorf("academic titles: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"reference"},
		{"reference", "unload"},
		{"reference", "load", "--db", db, good},
		{"reference", "load", "--db", db, "--list", "stars", good},
		{"reference", "load", "--db", db, "--list", "fields", good},
		{"reference", "load", "--db", db, "--list", "countries", "--scheme", "vn2025", good},
		{"reference", "load", "--db", db, "--list", "countries"},
	} {
		_, err := cli(t, args...)
		var ue usageError
		if !errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	if _, err := cli(t, "reference", "load", "--db", db, "--list", "countries", filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("a missing file loaded")
	}
}

// The reference lists are collections of the command line, derived from the
// contract like people.
func TestReferenceCommands(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}

	out, err := cli(t, append([]string{"fields", "list", "--scheme", "vn2008", "--level", "1", "--output", "table"}, c...)...)
	if err != nil || strings.Count(out, "fields/vn2008-") != 6 || !strings.Contains(out, "Khoa học xã hội") {
		t.Errorf("fields list: %v\n%s", err, out)
	}
	out, err = cli(t, append([]string{"administrativeUnits", "get", "906", "--as-of", "2019-06-01"}, c...)...)
	if err != nil || !strings.Contains(out, `"display_name": "Huyện Giồng Riềng"`) {
		t.Errorf("administrativeUnits get: %v\n%s", err, out)
	}
	_, err = cli(t, append([]string{"administrativeUnits", "get", "906", "--as-of", "2026-01-01"}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "NOT_FOUND") || !strings.Contains(err.Error(), "valid until 2025-06-30") {
		t.Errorf("906 in 2026: %v", err)
	}
	out, err = cli(t, append([]string{"countries", "list", "--all", "--page-size", "100"}, c...)...)
	if err != nil || strings.Count(out, `"name": "countries/`) != 249 {
		t.Errorf("countries list --all: %v, %d countries", err, strings.Count(out, `"name": "countries/`))
	}
}
