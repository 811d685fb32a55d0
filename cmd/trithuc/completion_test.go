package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestComplete(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // each must be offered
		not  []string // none may be
	}{
		{"OKCommands", []string{""}, []string{"serve", "people", "keys", "completion", "statistics"}, nil},
		{"OKPrefix", []string{"pe"}, []string{"people"}, []string{"serve"}},
		{"OKVerbs", []string{"people", ""}, []string{"list", "get", "search", "create"}, []string{"serve"}},
		{"OKAdminVerbs", []string{"keys", "r"}, []string{"revoke"}, []string{"create"}},
		{"OKVerbFlags", []string{"people", "list", "--f"}, []string{"--filter"}, []string{"--db"}},
		{"OKServeFlags", []string{"serve", "--g"}, []string{"--grpc-addr"}, []string{"--filter"}},
		{"OKUnknownCollection", []string{"nothing", "--"}, nil, []string{"--filter"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := complete(tt.args)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("complete(%q) = %q lacks %q", tt.args, got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("complete(%q) offers %q", tt.args, w)
				}
			}
		})
	}
}

// The bash script completes through a real bash and the real binary.
func TestBashCompletionScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "trithuc")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	script, err := exec.Command(bin, "completion", "bash").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "--norc", "-c", string(script)+`
COMP_WORDS=(trithuc people li); COMP_CWORD=2; _trithuc; echo "${COMPREPLY[@]}"`)
	cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "list" {
		t.Errorf("bash completed `trithuc people li` to %q (%v)", out, err)
	}
}
