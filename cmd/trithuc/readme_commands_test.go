package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// readmeSnippet is a command the README shows: a line (or lines joined by
// a backslash or an open quote) of an indented code block, or a code span.
type readmeSnippet struct {
	line int // where it starts in README.md, from 1
	text string
	span bool // a code span of the prose
}

// readmeSnippets returns the README's code-block commands and its code
// spans, in order.
func readmeSnippets(readme string) []readmeSnippet {
	lines := strings.Split(readme, "\n")
	var out []readmeSnippet
	prose := make([]string, len(lines))
	inCode, prevBlank := false, true
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		blank := strings.TrimSpace(l) == ""
		switch {
		case strings.HasPrefix(l, "    ") && (prevBlank || inCode):
			inCode = true
			// A command goes on while a quote is open or a line ends in a
			// backslash (the memberships register --json, the curl uploads).
			start, text := i, l
			for !shellComplete(text) && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") {
				i++
				text += "\n" + lines[i]
			}
			out = append(out, readmeSnippet{line: start + 1, text: strings.TrimSpace(text)})
		case !blank:
			inCode = false
			prose[i] = l
		}
		prevBlank = blank
	}
	// Code spans may run over a line break of the prose.
	text := strings.Join(prose, "\n")
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatchIndex(text, -1) {
		out = append(out, readmeSnippet{line: strings.Count(text[:m[0]], "\n") + 1, text: strings.ReplaceAll(text[m[2]:m[3]], "\n", " "), span: true})
	}
	return out
}

// shellWord is a word of a command line; op marks an unquoted operator
// (a pipe, a redirection, a comment), which ends the command.
type shellWord struct {
	text string
	op   bool
}

// shellWords splits s as a shell does, quotes and backslashes included,
// closing an open quote at the end.
func shellWords(s string) []shellWord {
	var words []shellWord
	var cur strings.Builder
	inWord, quoted := false, false
	end := func() {
		if inWord {
			w := cur.String()
			op := !quoted && (w == "|" || w == "||" || w == "&&" || w == ";" || w == "&" ||
				strings.HasPrefix(w, ">") || strings.HasPrefix(w, "2>") || strings.HasPrefix(w, "<") && !strings.HasSuffix(w, ">") ||
				strings.HasPrefix(w, "#"))
			words = append(words, shellWord{w, op})
		}
		cur.Reset()
		inWord, quoted = false, false
	}
	var quote rune
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else if r == '\\' && quote == '"' && i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord, quoted = r, true, true
		case r == '\\' && i+1 < len(rs):
			i++
			if rs[i] != '\n' {
				cur.WriteRune(rs[i])
				inWord = true
			}
		case r == ' ' || r == '\t' || r == '\n':
			end()
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	end()
	return words
}

// shellComplete reports whether s is a whole command: no quote left open
// and no backslash ending it.
func shellComplete(s string) bool {
	if strings.HasSuffix(s, "\\") {
		return false
	}
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '\'' || r == '"'):
			quote = r
		}
	}
	return quote == 0
}

// commandWords are the words of the snippet's command, up to its first
// operator, and the word that ran it ("trithuc", "./cmd/trithuc", ...).
func commandWords(words []shellWord) []string {
	var out []string
	for _, w := range words {
		if w.op {
			break
		}
		out = append(out, w.text)
	}
	return out
}

// trithucCommand is the part of a snippet after the word that runs
// trithuc (trithuc, ./cmd/trithuc, in `docker exec trithuc trithuc ...`
// the second), or a code span that starts with a command and goes on
// (`keys list`, `serve --demo`): nil when the snippet runs none.
func trithucCommand(s readmeSnippet) []string {
	text := s.text
	if i := strings.Index(text, "<(trithuc "); i >= 0 {
		// source <(trithuc completion bash)
		text = strings.TrimSuffix(text[i+2:], ")")
	}
	words := commandWords(shellWords(text))
	if _, admin := adminCommands[words0(words)]; s.span && len(words) > 1 && (admin || findCollection(words[0]) != nil) {
		return words
	}
	for i := 0; i+1 < len(words); i++ {
		if words[i] != "trithuc" && !strings.HasSuffix(words[i], "/trithuc") {
			continue
		}
		next := words[i+1]
		if next == "trithuc" || next == "" || !(next[0] >= 'a' && next[0] <= 'z' || next[0] >= 'A' && next[0] <= 'Z') {
			continue
		}
		return words[i+1:]
	}
	return nil
}

// placeholderValue is a flag value the README leaves to the reader:
// PERSON_ID, "...", <cursor>.
var placeholderValue = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$|^[DMY]+([/-][DMY]+)+$|\.\.\.|<`)

// checkCommand says what is wrong with a trithuc command line as the
// README shows it: an unknown command or verb, a flag its command does not
// have, a value the flag refuses, a flag left without its value. It parses
// only, with the flags of the code that runs the command (completion.go's
// flagsOf); NAME and FILE placeholders are not checked.
func checkCommand(words []string, span bool) []string {
	var problems []string
	cmd := words[0]
	rest := words[1:]
	coll := findCollection(cmd)
	admin, isAdmin := adminCommands[cmd]
	if coll == nil && !isAdmin {
		return []string{fmt.Sprintf("no command %q", cmd)}
	}
	// "reject|suspend" is the README's "either verb".
	verbs := []string{""}
	needVerb := coll != nil || isAdmin && len(admin.verbs) > 0 && cmd != "stats"
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") && (coll != nil || len(admin.verbs) > 0) {
		verbs = strings.Split(rest[0], "|")
		rest = rest[1:]
		for _, v := range verbs {
			if coll != nil && coll.verbs[v] == nil || coll == nil && !slices.Contains(admin.verbs, v) {
				problems = append(problems, fmt.Sprintf("%s has no verb %q", cmd, v))
			}
		}
	} else if needVerb && len(rest) > 0 && !isHelp(rest[0]) {
		// A bare `trithuc import` names the command in the prose.
		problems = append(problems, fmt.Sprintf("%s needs a verb", cmd))
	}
	if len(problems) > 0 {
		return problems
	}
	for _, verb := range verbs {
		fs := flagsOf([]string{cmd, verb})
		what := strings.TrimSpace(cmd + " " + verb)
		for i := 0; i < len(rest); i++ {
			a := strings.Trim(rest[i], "[]") // [--consent-withdrawn]: optional
			if a == "--" {
				break
			}
			if !strings.HasPrefix(a, "-") || a == "-" {
				continue
			}
			name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if name == "h" || name == "help" {
				continue
			}
			var f *flag.Flag
			if fs != nil {
				f = fs.Lookup(name)
			}
			if f == nil {
				problems = append(problems, fmt.Sprintf("%s has no flag --%s", what, name))
				continue
			}
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() && !hasValue {
				continue
			}
			if !hasValue {
				if i+1 >= len(rest) {
					if span { // `keys revoke --db` names the flag
						continue
					}
					problems = append(problems, fmt.Sprintf("%s: --%s has no value", what, name))
					continue
				}
				i++
				value = strings.Trim(rest[i], "[]")
			}
			if err := f.Value.Set(value); err != nil && !placeholderValue.MatchString(value) {
				problems = append(problems, fmt.Sprintf("%s: --%s %q: %v", what, name, value, err))
			}
		}
	}
	return problems
}

func words0(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}

func readREADME(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(readme)
}

// Every trithuc command the README shows, in a code block or a code span,
// names a command and verb that exist and flags they take, with values
// they accept.
func TestREADMECommandsParse(t *testing.T) {
	n := 0
	for _, s := range readmeSnippets(readREADME(t)) {
		words := trithucCommand(s)
		if words == nil {
			continue
		}
		n++
		for _, p := range checkCommand(words, s.span) {
			t.Errorf("README.md:%d: %s\n\t%s", s.line, p, s.text)
		}
	}
	if n < 100 {
		t.Errorf("found %d trithuc commands in the README; the extraction has missed some", n)
	}
}

// The checks above find a wrong command line of each kind, so that a
// README that drifts fails the test above.
func TestREADMECommandCheckFindsDrift(t *testing.T) {
	tests := []struct {
		name, snippet, want string
	}{
		{"OKCollection", `trithuc people list --filter 'gender = FEMALE' --output table`, ""},
		{"OKAdmin", `trithuc keys create --db trithuc.db --role admin --name "A"  # a comment --bogus`, ""},
		{"OKPipeVerbs", `trithuc memberships reject|suspend associations/a/memberships/M --reason "..."`, ""},
		{"OKOptional", `trithuc memberships withdraw M [--consent-withdrawn]`, ""},
		{"OKRedirect", `trithuc stats --by level,gender --csv > trinh-do.csv`, ""},
		{"OKDocker", `docker exec trithuc trithuc keys list --db /x.db`, ""},
		{"OKSubstitution", `source <(trithuc completion bash)`, ""},
		{"ErrSubstitution", `source <(trithuc completion fish)`, `completion has no verb "fish"`},
		{"ErrCommand", `trithuc peoples list`, `no command "peoples"`},
		{"ErrVerb", `trithuc people fetch PERSON_ID`, `people has no verb "fetch"`},
		{"ErrOneOfVerbs", `trithuc memberships reject|pause M`, `memberships has no verb "pause"`},
		{"ErrAdminVerb", `trithuc keys delete --db t.db`, `keys has no verb "delete"`},
		{"ErrNoVerb", `trithuc users --db t.db`, `users needs a verb`},
		{"ErrFlag", `trithuc people list --page-sise 5`, `has no flag --page-sise`},
		{"ErrAdminFlag", `trithuc backup --database t.db b.db`, `has no flag --database`},
		{"ErrVersionFlag", `trithuc version --json`, `has no flag --json`},
		{"ErrValue", `trithuc people list --page-size many`, `--page-size "many"`},
		{"ErrEnumValue", `trithuc people create --gender robot`, `--gender "robot"`},
		{"ErrNoValue", `trithuc people list --page-size`, `--page-size has no value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			words := trithucCommand(readmeSnippet{line: 1, text: tt.snippet})
			if words == nil {
				t.Fatalf("no trithuc command found in %s", tt.snippet)
			}
			got := strings.Join(checkCommand(words, false), "; ")
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("checkCommand(%q) = %q, want %q", tt.snippet, got, tt.want)
			}
		})
	}
}

// runnable are the commands TestREADMECommandsRun runs: those that call
// a server, and the admin commands that change only the --db they are
// given. serve serves, and gen --db makes its thousands of profiles.
var runnable = map[string]bool{"stats": true, "import": true, "health": true, "keys": true, "users": true,
	"reference": true, "backup": true, "restore": true, "version": true, "completion": true}

// Every command the README shows gets past the checks the command makes
// before it calls the server or opens the database (the parse and what
// follows it: --by with stats indicators, the JSON of --json against the
// request), run against an address where nothing listens and a database
// of its own. Only a usage error (exit status 2) is a drift: a placeholder
// such as PERSON_ID or FILE fails later, as a missing thing.
func TestREADMECommandsRun(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if out, err := cli(t, "keys", "create", "--db", db, "--create", "--role", "admin", "--name", "setup"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	n := 0
	var wg sync.WaitGroup
	for _, s := range readmeSnippets(readREADME(t)) {
		words := trithucCommand(s)
		// A command or a verb named in the prose (`trithuc stats`,
		// `trithuc people purge`, `keys revoke --db`) is no command
		// line: its parse is checked above.
		if words == nil || len(words) < 3 && words[0] != "version" || s.span && !strings.HasPrefix(s.text, "trithuc ") {
			continue
		}
		cmd := words[0]
		if findCollection(cmd) == nil && !runnable[cmd] {
			continue
		}
		args := append([]string(nil), words...)
		for i := range args {
			args[i] = strings.Trim(args[i], "[]")
			switch {
			case i > 0 && args[i-1] == "--db":
				args[i] = db
			case strings.HasPrefix(args[i], "/") || fileName.MatchString(args[i]):
				// A file the command would write (backup's, a report's)
				// is written here, not in /var/backups or the package.
				args[i] = filepath.Join(dir, filepath.Base(args[i]))
			case placeholderDate.MatchString(args[i]):
				args[i] = "01/06/2025"
			}
		}
		// memberships reject|suspend: each.
		verbs := []string{""}
		if len(args) > 1 {
			verbs = strings.Split(args[1], "|")
		}
		for _, v := range verbs {
			a := append([]string(nil), args...)
			if len(a) > 1 {
				a[1] = v
			}
			switch {
			case findCollection(cmd) != nil || cmd == "stats" || cmd == "import":
				a = append(a, "--server", "127.0.0.1:1", "--token", "x")
			case cmd == "health":
				a = append(a, "--server", "127.0.0.1:1")
			case cmd != "version" && cmd != "completion":
				a = append(a, "--db", db)
			}
			n++
			// At once: a listing retries the refused address a while.
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A usage error comes at once; a watch reconnects until stopped.
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				var out, errOut bytes.Buffer
				err := run(ctx, a, &out, &errOut)
				var ue usageError
				if errors.As(err, &ue) || errors.Is(err, flag.ErrHelp) {
					t.Errorf("README.md:%d: %v\n\t%s", s.line, err, s.text)
				}
			}()
		}
	}
	wg.Wait()
	if n < 80 {
		t.Errorf("ran %d of the README's commands; the extraction has missed some", n)
	}
}

// fileName is a word of a command that names a file.
var fileName = regexp.MustCompile(`^[\w.-]+\.(db|csv|xlsx|pem|crt|key|conf)$`)

// placeholderDate is a date the README leaves to the reader: DD/MM/YYYY.
var placeholderDate = regexp.MustCompile(`^[DMY]+([/-][DMY]+)+$`)

// Every --flag the README's prose names in a code span (`--field-scheme
// vn2025`, `--columns ...`) is a flag of some command, so that a flag
// renamed or removed is not left in the prose.
func TestREADMEFlagsExist(t *testing.T) {
	known := map[string]bool{"help": true, "h": true}
	add := func(fs *flag.FlagSet) {
		if fs != nil {
			fs.VisitAll(func(f *flag.Flag) { known[f.Name] = true })
		}
	}
	for name, c := range adminCommands {
		add(flagsOf([]string{name}))
		for _, v := range c.verbs {
			add(flagsOf([]string{name, v}))
		}
	}
	for name, c := range collections {
		for v := range c.verbs {
			add(flagsOf([]string{name, v}))
		}
	}
	// The prose names curl's too.
	other := map[string]bool{"data-binary": true}
	readme := readREADME(t)
	flagWord := regexp.MustCompile(`(?:^|\s|\[)--([a-z][a-z0-9-]*)`)
	for _, s := range readmeSnippets(readme) {
		if !s.span {
			continue
		}
		for _, m := range flagWord.FindAllStringSubmatch(s.text, -1) {
			if !known[m[1]] && !other[m[1]] {
				t.Errorf("README.md:%d: no command has the flag --%s\n\t%s", s.line, m[1], s.text)
			}
		}
	}
	// A configuration file's lines are serve's settings, named as its
	// flags are.
	var serve flag.FlagSet
	new(serveConfig).flags(&serve)
	lines := strings.Split(readme, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "# /etc/trithuc/trithuc.conf" {
			continue
		}
		for j := i + 1; j < len(lines) && strings.HasPrefix(lines[j], "    "); j++ {
			name, _, ok := strings.Cut(lines[j], "=")
			if name = strings.TrimSpace(name); ok && serve.Lookup(name) == nil {
				t.Errorf("README.md:%d: serve has no setting %s\n\t%s", j+1, name, lines[j])
			}
		}
	}
}
