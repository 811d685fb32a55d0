// Command trithuc is the database service for a province's intellectual
// workforce: `trithuc serve` runs it, and the other subcommands are its
// command-line client and admin tools.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"

	"trithuc.gov.vn/trithuc/client"
	_ "trithuc.gov.vn/trithuc/internal/malloc" // the C allocator's settings, as the program loads
)

const usage = `trithuc: the database of the province's intellectual workforce.

Usage:
  trithuc serve [--db PATH] [--grpc-addr HOST:PORT] [--http-addr HOST:PORT] [--demo]
                [--tls-cert FILE --tls-key FILE [--client-ca FILE --cert-roles FILE]]
  trithuc keys create|list|revoke [--db PATH] ...
  trithuc users create|list|disable|reset [--db PATH] ...   web console accounts
  trithuc reference load [--db PATH] --list LIST [--scheme SCHEME] FILE.csv
  trithuc backup [--db PATH] BACKUP_FILE           online, while serving
  trithuc restore [--db PATH] [--force] BACKUP_FILE with the server stopped
  trithuc stats --by level,unit [--filter ...] [--as-of DATE] [--csv]    figures from a running server
  trithuc import people FILE.xlsx [--dry-run] [--skip-invalid]   with a progress bar
  trithuc import template > mau.xlsx               the import template
  trithuc import status OPERATION                  how an import ended, or its progress
  trithuc gen --db PATH | --api  --people N [--seed S]   add synthetic profiles
  trithuc <collection> <verb> [NAME] [flags]    call the API of a running server
  trithuc version                               the version, commit, Go and SQLite
  trithuc health [--server HOST:PORT]           exit 0 when a server serves (no key needed)
  trithuc completion bash|zsh                   shell completion (source <(trithuc completion bash))

The admin commands (keys, users, reference, backup, restore) and serve find
the database alike: --db, else $TRITHUC_DB, else trithuc.db here. gen
writes only to a --db it is given.

Collections and their verbs (run "trithuc <collection>" to see its verbs and
"trithuc <collection> <verb> -h" for its flags):
%s
Client flags (every collection command):
  --server HOST:PORT   the server's gRPC address (default $TRITHUC_SERVER or ` + client.DefaultAddr + `)
  --token KEY          an API key (default $TRITHUC_TOKEN)
  --tls, --ca-file PEM connect with TLS, trusting the CAs in the file
  --cert PEM --key PEM authenticate with a client certificate instead of a key
  --output json|table|csv  how to print results (default json)
`

func main() {
	ctx, stop := signalContext()
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(os.Stderr, "trithuc:", err)
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "trithuc:", err)
		os.Exit(1)
	}
}

// signalContext is cancelled by the first SIGINT or SIGTERM, which stops
// a command (serve gracefully); the second closes the channel forced
// gives, on which serve stops at once (serve.go).
func signalContext() (context.Context, func()) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(context.Background())
	force := make(chan struct{})
	go func() {
		<-sigs
		cancel()
		<-sigs
		close(force)
	}()
	return context.WithValue(ctx, forceKey{}, force), func() {
		signal.Stop(sigs)
		cancel()
	}
}

// usageError is a mistake in the command line, which exits with status 2.
type usageError string

func (e usageError) Error() string { return string(e) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintf(stderr, usage, collectionsHelp())
		return usageError("say what to do")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "__complete":
		for _, w := range complete(rest) {
			fmt.Fprintln(stdout, w)
		}
		return nil
	case "-h", "-help", "--help":
		cmd = "help"
	case "--version", "-version":
		cmd = "version"
	}
	// Every client command's failure to connect is explained alike.
	if c, ok := adminCommands[cmd]; ok {
		return explainConnection(c.run(ctx, rest, stdout, stderr))
	}
	if c := findCollection(cmd); c != nil {
		return explainConnection(runCollection(ctx, c, rest, stdout, stderr))
	}
	fmt.Fprintf(stderr, usage, collectionsHelp())
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

// adminCommand is a command that is not a collection of the API.
type adminCommand struct {
	run   func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	verbs []string // the words that may follow it (optional for stats)
	// flags adds to fs the flags of the command's verb ("" when none was
	// given), by the same code the command parses them with; false when
	// it takes none there. Completion offers them.
	flags func(fs *flag.FlagSet, verb string) bool
}

// adminCommands are the commands that are not collections. run dispatches
// through this table and completion reads it, so that a command cannot be
// run without being completed.
var adminCommands = map[string]adminCommand{
	"serve": {run: runServe, flags: func(fs *flag.FlagSet, _ string) bool {
		new(serveConfig).flags(fs)
		configFlag(fs)
		return true
	}},
	"keys": {run: runKeys, verbs: []string{"create", "list", "revoke"}, flags: func(fs *flag.FlagSet, verb string) bool {
		return new(keysOptions).register(fs, verb)
	}},
	"users": {run: runUsers, verbs: []string{"create", "list", "disable", "reset"}, flags: func(fs *flag.FlagSet, verb string) bool {
		return new(usersOptions).register(fs, verb)
	}},
	"reference": {run: runReference, verbs: []string{"load"}, flags: func(fs *flag.FlagSet, verb string) bool {
		new(referenceOptions).register(fs)
		return verb == "load"
	}},
	"backup":  {run: runBackup, flags: func(fs *flag.FlagSet, _ string) bool { backupFlags(fs); return true }},
	"restore": {run: runRestore, flags: func(fs *flag.FlagSet, _ string) bool { restoreFlags(fs); return true }},
	"stats": {run: runStats, verbs: []string{"indicators", "settings"}, flags: func(fs *flag.FlagSet, _ string) bool {
		new(statsOptions).register(fs)
		return true
	}},
	"import": {run: runImport, verbs: []string{"people", "template", "status"}, flags: func(fs *flag.FlagSet, verb string) bool {
		switch verb {
		case "people":
			new(importOptions).register(fs)
		case "template", "status":
			new(clientFlags).register(fs)
		default:
			return false
		}
		return true
	}},
	"gen": {run: runGen, flags: func(fs *flag.FlagSet, _ string) bool { new(genOptions).register(fs); return true }},
	"health": {run: runHealth, flags: func(fs *flag.FlagSet, _ string) bool {
		healthFlags(fs, new(clientFlags))
		return true
	}},
	"version": {run: func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		fmt.Fprintln(stdout, versionLine())
		return nil
	}},
	"help": {run: func(_ context.Context, _ []string, stdout, _ io.Writer) error {
		fmt.Fprintf(stdout, usage, collectionsHelp())
		return nil
	}},
	"completion": {run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		return runCompletion(args, stdout, stderr)
	}, verbs: []string{"bash", "zsh"}},
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

// parseFlags parses a command line; a mistake in it is a usageError. Flags
// may follow the positional arguments, in every command alike. A bad
// value is told as the settings are ("--expires \"5d\": want a duration
// such as ..."), without the usage, which would scroll it out of sight;
// other mistakes (a flag that does not exist) print the usage too.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	var said bytes.Buffer
	fs.SetOutput(&said)
	fs.Usage = func() {}
	err := fs.Parse(interleave(fs, args))
	fs.SetOutput(out)
	fs.Usage = usage
	if err == nil {
		return nil
	}
	if msg, ok := badFlagValue(fs, err); ok {
		return usageError(msg)
	}
	out.Write(said.Bytes())
	if usage != nil {
		usage()
	} else {
		fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
	}
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError(err.Error())
}

// flagValueError is how the flag package words a value its flag refused.
var flagValueError = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-(\S+): (.*)$`)

// badFlagValue rewrites the flag package's error for a bad value (which
// says only "parse error" of a number or a duration) to name the flag as
// it is written and say what it wants.
func badFlagValue(fs *flag.FlagSet, err error) (string, bool) {
	m := flagValueError.FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	f := fs.Lookup(m[2])
	if f == nil {
		return "", false
	}
	return fmt.Sprintf("--%s %s: %s", f.Name, m[1], badValue(f, errors.New(m[3]))), true
}

// interleave lets flags follow the positional arguments, as in `trithuc
// people get abc --view full` or `trithuc keys revoke ID --db t.db`, by
// moving the positional ones last, after a "--" so that one starting with
// a dash (given after "--") stays an argument.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	if len(pos) == 0 {
		return flags
	}
	return append(append(flags, "--"), pos...)
}
