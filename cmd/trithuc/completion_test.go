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
		{"OKUsers", []string{"us"}, []string{"users"}, nil},
		{"OKUsersVerbs", []string{"users", ""}, []string{"create", "list", "disable", "reset"}, nil},
		// Admin commands complete the flags they parse, after their verb
		// or argument too.
		{"OKKeysCreateFlags", []string{"keys", "create", "--"}, []string{"--db", "--role", "--name", "--association", "--expires"}, nil},
		{"OKKeysRevokeFlags", []string{"keys", "revoke", "abc", "--"}, []string{"--db"}, []string{"--role"}},
		{"OKKeysNoVerb", []string{"keys", "--"}, nil, []string{"--db"}},
		{"OKUsersResetFlags", []string{"users", "reset", "--"}, []string{"--db", "--url"}, []string{"--email"}},
		{"OKUsersCreateFlags", []string{"users", "create", "--e"}, []string{"--email"}, nil},
		{"OKBackupFlags", []string{"backup", "out.db", "--"}, []string{"--db"}, []string{"--force"}},
		{"OKRestoreFlags", []string{"restore", "--f"}, []string{"--force"}, nil},
		{"OKStatsFlags", []string{"stats", "--b"}, []string{"--by"}, nil},
		{"OKStatsVerbFlags", []string{"stats", "settings", "--t"}, []string{"--threshold"}, nil},
		{"OKGenFlags", []string{"gen", "--pe"}, []string{"--people"}, nil},
		{"OKHealthFlags", []string{"health", "--s"}, []string{"--server", "--service"}, nil},
		{"OKReferenceFlags", []string{"reference", "load", "--"}, []string{"--list", "--scheme", "--dry-run"}, nil},
		{"OKImportPeopleFlags", []string{"import", "people", "--s"}, []string{"--skip-invalid", "--server"}, nil},
		{"OKPeopleImportFlags", []string{"people", "import", "--s"}, []string{"--skip-invalid"}, nil},
		{"OKImportTemplateFlags", []string{"import", "template", "--"}, []string{"--server"}, []string{"--dry-run"}},
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

// Every admin command completes flags for each of its verbs: they come
// from the code that parses them, so none can be left out.
func TestEveryAdminCommandCompletesFlags(t *testing.T) {
	for name, c := range adminCommands {
		if c.flags == nil {
			continue
		}
		verbs := c.verbs
		if len(verbs) == 0 || name == "stats" {
			verbs = append([]string{""}, verbs...)
		}
		for _, verb := range verbs {
			words := []string{name}
			if verb != "" {
				words = append(words, verb)
			}
			if got := complete(append(words, "--")); len(got) == 0 {
				t.Errorf("trithuc %s -- completes no flag", strings.Join(words, " "))
			}
		}
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

// The zsh script calls compdef, which compinit defines: the usage says to
// load it after compinit, as README does.
func TestCompletionUsageSaysAfterCompinit(t *testing.T) {
	out, _ := cli(t, "completion", "--help")
	if !strings.Contains(out, "source <(trithuc completion zsh)         (in ~/.zshrc, after compinit)") {
		t.Errorf("the usage does not say to load the zsh script after compinit:\n%s", out)
	}
	if !strings.Contains(zshCompletion, "compdef _trithuc trithuc") {
		t.Error("the zsh script no longer calls compdef: update the usage and this test")
	}
}
