package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An import that found more problems than it lists prints how many, and
// their counts by column after the problems it lists.
func TestImportCommandPrintsProblemCounts(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	var b strings.Builder
	b.WriteString("Họ;Tên;Ngày sinh;Email\n")
	for i := range 5500 {
		fmt.Fprintf(&b, "Nguyễn;An;31/02/1980;an%d@\n", i)
	}
	file := filepath.Join(dir, "ds.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _ := cli(t, "import", "people", file, "--dry-run", "--output", "table", "--server", addr, "--token", token, "--quiet")
	_, counts, ok := strings.Cut(out, "11000 problems found, the first 10000 listed; by column:")
	if !ok {
		t.Fatalf("no count of the problems:\n%.2000s", out[max(0, len(out)-2000):])
	}
	for _, want := range []string{"C (Ngày sinh)", "D (Email)", "5500", "must be a valid email address"} {
		if !strings.Contains(counts, want) {
			t.Errorf("the counts lack %q:\n%s", want, counts)
		}
	}
}
