package trithuc

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// handWritten lists the Go files that are not generated.
func handWritten(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".pb.go") && !strings.HasSuffix(path, ".pb.gw.go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGofmt(t *testing.T) {
	for _, f := range handWritten(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := format.Source(src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if !bytes.Equal(src, out) {
			t.Errorf("%s is not gofmt-ed: run `make fmt`", f)
		}
	}
}

func TestVet(t *testing.T) {
	if testing.Short() {
		t.Skip("vet takes a while")
	}
	cmd := exec.Command("go", "vet", "-tags", "sqlite_fts5", "./...")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet: %v\n%s", err, out)
	}
	cmd = exec.Command("go", "vet", "-tags", "sqlite_fts5,"+benchTag, "./store", "./cmd/trithuc-bench")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go vet -tags %s: %v\n%s", benchTag, err, out)
	}
}

// benchTag builds the benchmark ceilings (store.Plain) and the harness,
// which the production binary leaves out.
const benchTag = "trithuc_bench"

// The harness builds only with benchTag, which the README's test command
// does not give; its own test runs here, so that CI still runs it.
func TestBenchmarkHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("the harness takes a while")
	}
	cmd := exec.Command("go", "test", "-tags", "sqlite_fts5,"+benchTag, "./cmd/trithuc-bench")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go test -tags %s ./cmd/trithuc-bench: %v\n%s", benchTag, err, out)
	}
}

// The README's test command is what CI runs.
func TestCIRunsTheREADMETestCommand(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(ci)), "\n")
	cmd := strings.TrimSpace(lines[len(lines)-1])
	if !strings.Contains(string(readme), "    "+cmd+"\n") {
		t.Errorf(".ci/run runs %q, which the README does not give as a command", cmd)
	}
}

// Every CSV file is written through transfer.CSVWriter, which quotes a
// cell that would start a formula: no other code makes an encoding/csv
// writer.
func TestCSVIsWrittenThroughTransfer(t *testing.T) {
	for _, f := range handWritten(t) {
		if strings.HasSuffix(f, "_test.go") || f == filepath.Join("transfer", "csvcell.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(src, []byte("csv.NewWriter(")) {
			t.Errorf("%s makes a CSV writer: use transfer.NewCSVWriter, which starts no formula", f)
		}
	}
}
