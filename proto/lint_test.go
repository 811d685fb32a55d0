package proto

import (
	"bytes"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPILinter runs Google's API linter (AIP rules, pinned in tools/go.mod)
// over every .proto of the contract with the settings in api-linter.yaml. A
// finding is either fixed in the proto or disabled beside it with an
// `(-- api-linter: RULE=disabled --)` comment that says why.
func TestAPILinter(t *testing.T) {
	var files []string
	err := filepath.WalkDir("trithuc", func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".proto") {
			files = append(files, filepath.ToSlash(path))
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no .proto files under trithuc/: %v", err)
	}
	args := []string{"tool", "-modfile=../tools/go.mod", "api-linter",
		"--config", "../api-linter.yaml", "--proto-path", "../third_party/proto",
		"--output-format", "yaml", "--set-exit-status"}
	cmd := exec.Command("go", append(args, files...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("api-linter: %v\n%s\nFix each finding, or disable it beside the element with\n"+
			"// (-- api-linter: RULE=disabled\n//     aip.dev/not-precedent: WHY. --)", err, out.String())
	}
}
