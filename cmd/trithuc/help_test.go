package main

import (
	"errors"
	"flag"
	"regexp"
	"strings"
	"testing"
)

// --help is a request, not a mistake: it exits 0 on every command and
// prints the usage.
func TestHelpExitsZeroEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"serve", "--help"}, {"keys", "--help"}, {"keys", "-h"}, {"keys", "create", "--help"},
		{"keys", "list", "--help"}, {"reference", "--help"}, {"backup", "--help"}, {"restore", "--help"},
		{"stats", "--help"}, {"gen", "--help"}, {"people", "--help"}, {"people", "list", "--help"},
		{"memberships", "approve", "--help"}, {"health", "--help"}, {"completion", "--help"},
		{"users", "--help"}, {"users", "reset", "--help"}, {"import", "template", "--help"},
	} {
		out, err := cli(t, args...)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Errorf("trithuc %s: %v", strings.Join(args, " "), err)
		}
		if !strings.Contains(strings.ToLower(out), "usage") {
			t.Errorf("trithuc %s printed no usage:\n%s", strings.Join(args, " "), out)
		}
	}
}

// A verb's --help says what it takes (keys create needs --role and
// --name), not only its flags.
func TestVerbHelpSaysWhatItTakes(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"keys", "create", "--help"}, "trithuc keys create --db PATH --role ROLE --name NAME"},
		{[]string{"keys", "revoke", "--help"}, "trithuc keys revoke --db PATH ID"},
		{[]string{"users", "create", "--help"}, "trithuc users create  --db PATH --email EMAIL --name NAME --role ROLE"},
		{[]string{"users", "reset", "--help"}, "trithuc users reset   --db PATH [--url BASE] EMAIL|ID"},
	} {
		out, _ := cli(t, tt.args...)
		if !strings.Contains(out, tt.want) || !strings.Contains(out, "Flags of "+tt.args[0]+" "+tt.args[1]+":\n") || !strings.Contains(out, "  -db file") {
			t.Errorf("trithuc %s printed %q, want it to say %q and list the verb's flags", strings.Join(tt.args, " "), out, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, arg := range []string{"version", "--version"} {
		out, err := cli(t, arg)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^trithuc \S+ \(commit \S+, go\S+, SQLite 3\.\d+\.\d+, schema \d+\)\n$`).MatchString(out) {
			t.Errorf("trithuc %s printed %q", arg, out)
		}
	}
}

// A flag's help is its field's comment in the .proto file, not the field's
// full name.
func TestFlagHelpFromTheContract(t *testing.T) {
	out, _ := cli(t, "people", "list", "--help")
	if strings.Contains(out, "trithuc.v1.ListPeopleRequest.filter") {
		t.Errorf("help names the field instead of saying what it is:\n%s", out)
	}
	for _, want := range []string{"A filter (https://google.aip.dev/160)", "Lists people"} {
		if !strings.Contains(out, want) {
			t.Errorf("people list --help lacks %q:\n%s", want, out)
		}
	}
}

// A verb that writes a file says what its --columns choose and that
// --output has no say, and refuses --output rather than ignore it.
func TestFileVerbsHelpAndOutput(t *testing.T) {
	out, _ := cli(t, "people", "export", "--help")
	if !strings.Contains(out, "the file's columns") || strings.Contains(out, "with --output table or csv") {
		t.Errorf("people export --help misdescribes --columns:\n%s", out)
	}
	if !strings.Contains(out, "does not apply: the file is written to stdout as it is") || strings.Contains(out, "print results as") {
		t.Errorf("people export --help misdescribes --output:\n%s", out)
	}
	for _, args := range [][]string{
		{"people", "export", "--output", "csv"},
		{"people", "export", "--output", "json"},
		{"import", "template", "--output", "table"},
	} {
		_, err := cli(t, args...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--output does not apply") {
			t.Errorf("trithuc %s: %v, want a usage error saying --output does not apply", strings.Join(args, " "), err)
		}
	}
	// A list keeps its table's columns.
	out, _ = cli(t, "people", "list", "--help")
	if !strings.Contains(out, "with --output table or csv: the fields to show") {
		t.Errorf("people list --help lost its --columns:\n%s", out)
	}
}

// stats --help names both marks of a withheld count as the table prints
// them (printStatistics): "<N" below the threshold, "ẩn" to protect another.
func TestStatsHelpNamesBothMarks(t *testing.T) {
	out, _ := cli(t, "stats", "--help")
	if !strings.Contains(out, `"<N"`) || !strings.Contains(out, `"ẩn"`) || strings.Contains(out, `and so are others`) {
		t.Errorf("stats --help misdescribes the withheld counts:\n%s", out)
	}
}

// A bad flag value is told as a bad setting is, naming the flag and what
// it wants, without the usage, which would scroll it out of sight; an
// unknown flag still prints the usage, to find the right one in.
func TestBadFlagValueSaysWhatItWants(t *testing.T) {
	db := t.TempDir() + "/t.db"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", db, "--rate-limit", "fast"}, `--rate-limit "fast": want a number`},
		{[]string{"serve", "--db", db, "--max-call-duration", "5m0"}, `--max-call-duration "5m0": want a duration such as 90s, 15m or 720h`},
		{[]string{"serve", "--db", db, "--demo=yes"}, `--demo "yes": want true or false`},
		{[]string{"serve", "--db", db, "--max-conns-per-address", "1k"}, `--max-conns-per-address "1k": want a whole number`},
		{[]string{"keys", "create", "--db", db, "--role", "admin", "--name", "x", "--expires", "5d"}, `--expires "5d": want a duration`},
		{[]string{"organizations", "create", "--kind", "DEPARTMENT"}, `--kind "DEPARTMENT": "DEPARTMENT" is not one of STATE_AGENCY`},
	} {
		out, err := cli(t, tt.args...)
		var ue usageError
		if !errors.As(err, &ue) || err.Error() != tt.want && !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("trithuc %s: %v, want a usage error %q", strings.Join(tt.args, " "), err, tt.want)
		}
		if strings.Contains(out, "Usage") {
			t.Errorf("trithuc %s printed the usage over its mistake:\n%s", strings.Join(tt.args, " "), out)
		}
	}
	out, err := cli(t, "serve", "--db", db, "--rate-limt", "5")
	if err == nil || !strings.Contains(out, "-rate-limit") {
		t.Errorf("an unknown flag: %v, and the usage was not printed:\n%s", err, out)
	}
}

// A batch method is a verb of its collection (`people batch-get`), as the
// other standard methods are, not of a collection of its own named after
// the service ("person batch-get-people"); the old spelling still runs.
func TestBatchGetIsAVerbOfItsCollection(t *testing.T) {
	out, _ := cli(t, "--help")
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && (f[0] == "person" || f[0] == "organization") {
			t.Errorf("help lists the collection %q: %s", f[0], line)
		}
	}
	for _, c := range []struct{ collection, method string }{
		{"people", "BatchGetPeople"}, {"organizations", "BatchGetOrganizations"},
	} {
		if !regexp.MustCompile(`(?m)^  ` + c.collection + ` +.*\bbatch-get\b`).MatchString(out) {
			t.Errorf("help lists no %s batch-get:\n%s", c.collection, out)
		}
		out, err := cli(t, c.collection, "batch-get", "--help")
		if err != nil && !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, c.method) {
			t.Errorf("%s batch-get --help: %v\n%s", c.collection, err, out)
		}
	}
	if out, err := cli(t, "person", "batch-get-people", "--help"); err != nil && !errors.Is(err, flag.ErrHelp) || !strings.Contains(out, "BatchGetPeople") {
		t.Errorf("the old spelling: %v\n%s", err, out)
	}
}

// serve --help says what serve does and where else its settings come
// from (the environment, --config), not the flags alone.
func TestServeHelpSaysWhatItServesAndTheEnvironment(t *testing.T) {
	out, _ := cli(t, "serve", "--help")
	for _, want := range []string{"Usage: trithuc serve [flags]", "/openapi.json", "TRITHUC_GRPC_ADDR", "--config", "second", "exit status 3", "-shutdown-timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help lacks %q:\n%s", want, out)
		}
	}
}

// A verb whose request requires a name or a parent, run without one, is
// a usage mistake said before any call: which argument is missing and
// its form, exit status 2.
func TestMissingNameIsAUsageError(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"people", "get"}, "people/{person}"},
		{[]string{"qualifications", "list"}, "people/{person}"},
		{[]string{"memberships", "approve"}, "associations/{association}/memberships/{membership}"},
	} {
		// No server listens there: a call would fail otherwise.
		_, err := cli(t, append(c.args, "--server", "127.0.0.1:1", "--timeout", "2s")...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("trithuc %s: %v, want a usage error naming %s", strings.Join(c.args, " "), err, c.want)
		}
	}
	// Given in --json, it is not missing.
	_, err := cli(t, "people", "get", "--json", `{"name": "people/x"}`, "--server", "127.0.0.1:1", "--timeout", "2s")
	var ue usageError
	if errors.As(err, &ue) {
		t.Errorf("people get --json with a name: %v", err)
	}
}
