package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Server settings come from three places, the first that has one winning:
// the command line, the environment (TRITHUC_ and the flag's name in upper
// case with underscores: --grpc-addr is TRITHUC_GRPC_ADDR), and a
// configuration file named by --config or $TRITHUC_CONFIG. The file holds
// one `name = value` a line, named as the flags are, with # comments (on a
// line of their own or after a value); a value may be quoted as in Go.
// Every flag of serve is a setting, so the three can never drift apart.

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "TRITHUC_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applySettings fills the flags of fs not given on the command line from
// the environment, then from the configuration file. lookupEnv is
// os.LookupEnv outside tests. It returns what the configuration file sets
// that a flag or the environment overrides with another value (a unit's
// Environment=TRITHUC_DB wins over the db an operator edits in the file),
// for serve to log: the order is right, but silent it would look like
// the file being ignored.
func applySettings(fs *flag.FlagSet, configFile string, lookupEnv func(string) (string, bool)) (overridden []string, err error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	file := map[string]fileSetting{}
	if configFile != "" {
		if file, err = readConfigFile(fs, configFile); err != nil {
			return nil, err
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || f.Name == "config" {
			return
		}
		s, inFile := file[f.Name]
		// differs reports whether the file's value is another than the
		// one in force (15m and 900s are the same), leaving that in force.
		differs := func() bool {
			now := f.Value.String()
			defer fs.Set(f.Name, now)
			return fs.Set(f.Name, s.value) != nil || f.Value.String() != now
		}
		if given[f.Name] {
			if inFile && differs() {
				overridden = append(overridden, fmt.Sprintf("%s:%d: %s = %q is overridden by --%s %q", configFile, s.line, f.Name, s.value, f.Name, f.Value.String()))
			}
			return
		}
		if v, ok := lookupEnv(envName(f.Name)); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = usageError(fmt.Sprintf("$%s=%q: %s", envName(f.Name), v, badValue(f, e)))
				return
			}
			if inFile && differs() {
				overridden = append(overridden, fmt.Sprintf("%s:%d: %s = %q is overridden by $%s=%q", configFile, s.line, f.Name, s.value, envName(f.Name), v))
			}
			return
		}
		if inFile {
			if e := fs.Set(f.Name, s.value); e != nil {
				err = usageError(fmt.Sprintf("%s:%d: %s = %q: %s", configFile, s.line, f.Name, s.value, badValue(f, e)))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return overridden, nil
}

// badValue says what the value of setting f should have been: the flag
// package says only "parse error" of a number or a duration.
func badValue(f *flag.Flag, err error) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return err.Error()
	}
	switch g.Get().(type) {
	case bool:
		return "want true or false"
	case int, int64, uint, uint64:
		return "want a whole number"
	case float64:
		return "want a number"
	case time.Duration:
		return "want a duration such as 90s, 15m or 720h"
	}
	return err.Error()
}

type fileSetting struct {
	value string
	line  int
}

// readConfigFile reads a configuration file, refusing names that are not
// settings (a typo must not be silently ignored).
func readConfigFile(fs *flag.FlagSet, path string) (map[string]fileSetting, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the configuration file: %w", err)
	}
	defer f.Close()
	out := map[string]fileSetting{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, usageError(fmt.Sprintf("%s:%d: want `name = value`, got %q", path, n, line))
		}
		if fs.Lookup(name) == nil || name == "config" {
			return nil, usageError(fmt.Sprintf("%s:%d: %q is not a setting of trithuc serve (see trithuc serve --help)", path, n, name))
		}
		if strings.HasPrefix(value, `"`) {
			quoted, err := strconv.QuotedPrefix(value)
			if rest := strings.TrimSpace(value[len(quoted):]); err == nil && rest != "" && !strings.HasPrefix(rest, "#") {
				return nil, usageError(fmt.Sprintf("%s:%d: the quoted value of %s is followed by %q; put a # before a comment", path, n, name, rest))
			}
			uq, err := strconv.Unquote(quoted)
			if err != nil {
				return nil, usageError(fmt.Sprintf("%s:%d: the quoted value of %s is not closed or has a bad escape", path, n, name))
			}
			value = uq
		} else {
			value = uncomment(value)
		}
		if _, dup := out[name]; dup {
			return nil, usageError(fmt.Sprintf("%s:%d: %s is set twice", path, n, name))
		}
		out[name] = fileSetting{value: value, line: n}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("the configuration file %s: %w", path, err)
	}
	return out, nil
}

// uncomment cuts a trailing comment off an unquoted value: a # that
// begins it or follows a space or a tab. A # inside a word stays, as in a
// path like /srv/a#b.
func uncomment(value string) string {
	for i, r := range value {
		if r == '#' && (i == 0 || value[i-1] == ' ' || value[i-1] == '\t') {
			return strings.TrimSpace(value[:i])
		}
	}
	return value
}
