package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
)

func TestApplySettings(t *testing.T) {
	dir := t.TempDir()
	conf := func(text string) string {
		p := filepath.Join(dir, "trithuc.conf")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		file    string
		want    map[string]string
		wantErr string
	}{
		{name: "OKDefaults", want: map[string]string{"grpc-addr": "127.0.0.1:50051", "db": "trithuc.db"}},
		{name: "OKFile", file: "# comment\ngrpc-addr = 0.0.0.0:9443\ndb = \"/var/lib/trithuc/trithuc.db\"\n\nrate-limit = 50\n",
			want: map[string]string{"grpc-addr": "0.0.0.0:9443", "db": "/var/lib/trithuc/trithuc.db", "rate-limit": "50"}},
		{name: "OKTrailingComments", file: "db = /tmp/x.db   # the main database\nrate-limit = 100 # per second\n" +
			"tls-cert = /etc/a#b.crt\ngrpc-addr = \"0.0.0.0:9443\" # quoted\nmetrics-addr = # off\nlog-format = json\t# for the collector\n",
			want: map[string]string{"db": "/tmp/x.db", "rate-limit": "100", "tls-cert": "/etc/a#b.crt", "grpc-addr": "0.0.0.0:9443",
				"metrics-addr": "", "log-format": "json"}},
		{name: "OKHashInQuotes", file: "db = \"/srv/x #1.db\"\n", want: map[string]string{"db": "/srv/x #1.db"}},
		{name: "OKEnvBeatsFile", env: map[string]string{"TRITHUC_GRPC_ADDR": "127.0.0.1:7000"}, file: "grpc-addr = 0.0.0.0:9443\n",
			want: map[string]string{"grpc-addr": "127.0.0.1:7000"}},
		{name: "OKFlagBeatsEnv", args: []string{"--grpc-addr", "127.0.0.1:6000"}, env: map[string]string{"TRITHUC_GRPC_ADDR": "127.0.0.1:7000"},
			file: "grpc-addr = 0.0.0.0:9443\n", want: map[string]string{"grpc-addr": "127.0.0.1:6000"}},
		{name: "OKEnvBool", env: map[string]string{"TRITHUC_DEMO": "true"}, want: map[string]string{"demo": "true"}},
		{name: "ErrUnknownSetting", file: "grpc_addr = x\n", wantErr: `trithuc.conf:1: "grpc_addr" is not a setting`},
		{name: "ErrNoEquals", file: "db /x\n", wantErr: "trithuc.conf:1: want `name = value`"},
		{name: "ErrBadValueInFile", file: "\nrate-limit = fast # per second\n", wantErr: `trithuc.conf:2: rate-limit = "fast": want a number`},
		{name: "ErrBadDurationInFile", file: "shutdown-timeout = 15\n", wantErr: `trithuc.conf:1: shutdown-timeout = "15": want a duration`},
		{name: "ErrBadBoolInFile", file: "demo = yes\n", wantErr: `trithuc.conf:1: demo = "yes": want true or false`},
		{name: "ErrBadValueInEnv", env: map[string]string{"TRITHUC_RATE_BURST": "many"}, wantErr: `$TRITHUC_RATE_BURST="many": want a whole number`},
		{name: "ErrAfterQuote", file: "db = \"a\" b\n", wantErr: `trithuc.conf:1: the quoted value of db is followed by "b"`},
		{name: "ErrTwice", file: "db = a\ndb = b\n", wantErr: "trithuc.conf:2: db is set twice"},
		{name: "ErrUnclosedQuote", file: "db = \"a\n", wantErr: "trithuc.conf:1: the quoted value of db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c serveConfig
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			c.flags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			file := ""
			if tt.file != "" {
				file = conf(tt.file)
			}
			_, err := applySettings(fs, file, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				if got := fs.Lookup(name).Value.String(); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

// README's table of settings names every flag of serve with its variable
// and its default.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.flags(fs)
	fs.VisitAll(func(f *flag.Flag) {
		def := f.DefValue
		if def == "" {
			def = "(none)"
		}
		row := "| `--" + f.Name + "` | `" + envName(f.Name) + "` | `" + def + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README's settings table has no row starting %s", row)
		}
	})
}

// The import settings reach the server's configuration, and a value that
// would stop imports or make dry runs hold nothing is refused naming its
// flag.
func TestServeImportSettings(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		uploads int
		slice   time.Duration
		wantErr string
	}{
		{name: "OKDefaults", uploads: server.DefaultMaxImportUploads, slice: store.DefaultDryRunSlice},
		{name: "OKFlags", args: []string{"--max-import-uploads", "5", "--dry-run-slice", "50ms"}, uploads: 5, slice: 50 * time.Millisecond},
		{name: "OKEnv", env: map[string]string{"TRITHUC_MAX_IMPORT_UPLOADS": "3", "TRITHUC_DRY_RUN_SLICE": "1s"}, uploads: 3, slice: time.Second},
		{name: "ErrNoUploads", args: []string{"--max-import-uploads", "0"}, wantErr: "--max-import-uploads must be at least 1"},
		{name: "ErrNegativeUploads", args: []string{"--max-import-uploads", "-2"}, wantErr: "--max-import-uploads must be at least 1"},
		{name: "ErrNoSlice", args: []string{"--dry-run-slice", "0s"}, wantErr: "--dry-run-slice must be positive"},
		{name: "ErrNegativeSlice", env: map[string]string{"TRITHUC_DRY_RUN_SLICE": "-1s"}, wantErr: "--dry-run-slice must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ok := serveSettings(t, tt.args, tt.env, tt.wantErr)
			if !ok {
				return
			}
			if cfg.MaxImportUploads != tt.uploads || cfg.DryRunSlice != tt.slice {
				t.Errorf("MaxImportUploads %d, DryRunSlice %s; want %d, %s", cfg.MaxImportUploads, cfg.DryRunSlice, tt.uploads, tt.slice)
			}
		})
	}
}

// --suppression-allowance reaches the server's configuration, its
// default the store's; a value that would refuse every statistics answer
// (none, or less) or is not a number is refused naming the flag.
func TestServeSuppressionAllowance(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    int64
		wantErr string
	}{
		{name: "OKDefault", want: store.DefaultSuppressionAllowance},
		{name: "OKFlag", args: []string{"--suppression-allowance", "50000000"}, want: 50_000_000},
		{name: "OKEnv", env: map[string]string{"TRITHUC_SUPPRESSION_ALLOWANCE": "2000000"}, want: 2_000_000},
		{name: "ErrZero", args: []string{"--suppression-allowance", "0"}, wantErr: "--suppression-allowance must be a positive number of steps (the default is 10000000), got 0"},
		{name: "ErrNegative", env: map[string]string{"TRITHUC_SUPPRESSION_ALLOWANCE": "-1"}, wantErr: "--suppression-allowance must be a positive number of steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ok := serveSettings(t, tt.args, tt.env, tt.wantErr)
			if ok && cfg.SuppressionAllowance != tt.want {
				t.Errorf("SuppressionAllowance %d, want %d", cfg.SuppressionAllowance, tt.want)
			}
		})
	}
	for _, tt := range []struct{ name, value string }{{"ErrWord", "ten million"}, {"ErrNotInteger", "1e7"}, {"ErrTooLarge", "99999999999999999999"}} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, "serve", "--db", filepath.Join(t.TempDir(), "t.db"), "--suppression-allowance", tt.value)
			if err == nil || !strings.Contains(err.Error(), "suppression-allowance") {
				t.Errorf("--suppression-allowance %q: %v, want a refusal naming the flag", tt.value, err)
			}
		})
	}
}

// --trusted-proxies and --trusted-proxy-header reach the server's
// configuration; a list that is not addresses and CIDR prefixes, or
// another header, is refused at start naming its setting.
func TestServeTrustedProxies(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		proxies string
		header  string
		wantErr string
	}{
		{name: "OKDefaults", header: server.HeaderXForwardedFor},
		{name: "OKFlags", args: []string{"--trusted-proxies", "10.0.0.5, 10.1.0.0/24", "--trusted-proxy-header", "forwarded"},
			proxies: "10.0.0.5/32 10.1.0.0/24", header: "forwarded"},
		{name: "OKEnv", env: map[string]string{"TRITHUC_TRUSTED_PROXIES": "fd00::/8"}, proxies: "fd00::/8", header: server.HeaderXForwardedFor},
		{name: "ErrHostName", args: []string{"--trusted-proxies", "nginx.local"}, wantErr: `--trusted-proxies: "nginx.local" is not an IP address or CIDR prefix`},
		{name: "ErrBadCIDR", env: map[string]string{"TRITHUC_TRUSTED_PROXIES": "10.0.0.0/40"}, wantErr: `--trusted-proxies: "10.0.0.0/40" is not a CIDR prefix`},
		{name: "ErrHostBits", args: []string{"--trusted-proxies", "10.0.0.5/8"}, wantErr: "--trusted-proxies: \"10.0.0.5/8\" has bits set past its prefix length; write 10.0.0.0/8"},
		{name: "ErrHeader", args: []string{"--trusted-proxy-header", "X-Real-IP"}, wantErr: "--trusted-proxy-header must be X-Forwarded-For or Forwarded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, ok := serveSettings(t, tt.args, tt.env, tt.wantErr)
			if !ok {
				return
			}
			var got []string
			for _, p := range cfg.TrustedProxies {
				got = append(got, p.String())
			}
			if strings.Join(got, " ") != tt.proxies || cfg.ProxyHeader != tt.header {
				t.Errorf("TrustedProxies %v, ProxyHeader %q; want %s, %q", got, cfg.ProxyHeader, tt.proxies, tt.header)
			}
		})
	}
}

// serveSettings parses serve's flags args and environment env into the
// server's configuration. When wantErr is set it checks that the settings
// are refused with a usage error containing it, and reports false.
func serveSettings(t *testing.T, args []string, env map[string]string, wantErr string) (server.Config, bool) {
	t.Helper()
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.flags(fs)
	if err := parseFlags(fs, args); err != nil {
		t.Fatal(err)
	}
	if _, err := applySettings(fs, "", func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.security()
	if wantErr != "" {
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("err = %v, want a usage error containing %q", err, wantErr)
		}
		return server.Config{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c.serverConfig(nil, nil, nil), true
}

// --output is refused, naming the forms the command prints, when it
// prints no such form.
func TestCheckOutput(t *testing.T) {
	for _, tt := range []struct {
		name, output string
		more         []string
		wantErr      string
	}{
		{"OKJSON", "json", nil, ""},
		{"OKTable", "table", nil, ""},
		{"OKCSV", "csv", []string{"csv"}, ""},
		{"ErrCSV", "csv", nil, "--output must be json or table"},
		{"ErrXML", "xml", []string{"csv"}, "--output must be json, table or csv"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := (&clientFlags{output: tt.output}).checkOutput(tt.more...)
			var ue usageError
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr != "" && (!errors.As(err, &ue) || err.Error() != tt.wantErr):
				t.Errorf("err = %v, want the usage error %q", err, tt.wantErr)
			}
		})
	}
}

// A value no operator means (a negative size, count or time, a rate that
// is not a number) is refused naming its setting, before the database is
// opened, instead of being taken silently as the default or as "at once".
func TestServeRefusesNonsenseSettings(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		{args: []string{"--max-request-bytes", "-5"}, wantErr: "--max-request-bytes must not be negative (0 is the default, 4194304), got -5"},
		{args: []string{"--max-conns-per-address", "-1"}, wantErr: "--max-conns-per-address must not be negative (0 is the default, 64)"},
		{env: map[string]string{"TRITHUC_SHUTDOWN_TIMEOUT": "-1s"}, wantErr: "--shutdown-timeout must not be negative"},
		{args: []string{"--integrity-check-time", "-20s"}, wantErr: "--integrity-check-time must not be negative (0 skips the check)"},
		{args: []string{"--demo", "--demo-people", "-3"}, wantErr: "--demo-people must not be negative"},
		{args: []string{"--rate-limit", "NaN"}, wantErr: "--rate-limit must be a number of calls a second, or 0 for no limit, got NaN"},
		{env: map[string]string{"TRITHUC_RATE_LIMIT": "Inf"}, wantErr: "--rate-limit must be a number of calls a second"},
	} {
		serveSettings(t, tt.args, tt.env, tt.wantErr)
	}
	// Zero stays the default where the help says so.
	cfg, _ := serveSettings(t, []string{"--max-request-bytes", "0", "--max-conns-per-address", "0", "--shutdown-timeout", "0s"}, nil, "")
	if cfg.MaxRequestBytes != 0 || cfg.TransportLimits.MaxConnsPerAddress != 0 {
		t.Errorf("zeros: %+v", cfg)
	}
	db := filepath.Join(t.TempDir(), "t.db")
	if _, err := cli(t, "serve", "--db", db, "--max-request-bytes", "-5"); err == nil {
		t.Fatal("serve --max-request-bytes -5 started")
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused setting made the database: %v", err)
	}
}

// The help names what a setting's value counts: --rate-limit takes calls
// (a second), not "second".
func TestServeHelpNamesValues(t *testing.T) {
	out, _ := cli(t, "serve", "--help")
	for _, want := range []string{"-rate-limit calls\n", "-max-request-bytes bytes\n", "-shutdown-timeout duration\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --help has no %q:\n%s", want, out)
		}
	}
}

// A setting of the configuration file that a flag or the environment
// overrides with another value is logged at start (a unit's
// Environment=TRITHUC_DB wins over the db edited in the file), and one
// overridden with the same value (15m and 900s) is not.
func TestServeLogsOverriddenFileSettings(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "trithuc.conf")
	text := "db = " + filepath.Join(dir, "edited.db") + "\nshutdown-timeout = 15m\nrate-burst = 50\nlog-format = text\n"
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TRITHUC_DB", filepath.Join(dir, "unit.db"))
	t.Setenv("TRITHUC_SHUTDOWN_TIMEOUT", "900s")
	// --max-import-uploads 0 is refused after the log is set up, so that
	// serve stops before it opens a database.
	_, stderr, err := cliApart(t, "serve", "--config", conf, "--rate-burst", "70", "--max-import-uploads", "0")
	if err == nil {
		t.Fatal("serve started")
	}
	for _, want := range []string{
		`trithuc.conf:1: db = \"` + filepath.Join(dir, "edited.db") + `\" is overridden by $TRITHUC_DB=\"` + filepath.Join(dir, "unit.db") + `\"`,
		`trithuc.conf:3: rate-burst = \"50\" is overridden by --rate-burst \"70\"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("the log has no %s:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "shutdown-timeout") || strings.Contains(stderr, "log-format") {
		t.Errorf("a setting overridden with its own value was logged:\n%s", stderr)
	}
	if strings.Count(stderr, "level=WARN") != 2 {
		t.Errorf("want two warnings:\n%s", stderr)
	}
}

// A refused --cors-origins leaves no database behind: it is checked with
// the other settings, before serve makes the database.
func TestServeChecksOriginsBeforeTheDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	_, err := cli(t, "serve", "--db", db, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--cors-origins", "portal.angiang.gov.vn")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `--cors-origins: "portal.angiang.gov.vn" is not an origin`) {
		t.Fatalf("err = %v, want a usage error naming --cors-origins", err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused --cors-origins made the database: %v", err)
	}
}

// A server started with a small --suppression-allowance refuses a
// statistics answer whose suppression needs more, saying what to ask
// instead; one started without it answers the same.
func TestServeSuppressionAllowanceTakesEffect(t *testing.T) {
	for _, tt := range []struct {
		name  string
		extra []string
	}{{"ErrSmallAllowance", []string{"--suppression-allowance", "1000"}}, {"OKDefault", nil}} {
		t.Run(tt.name, func(t *testing.T) {
			addr, token, stop := serveDemo(t, t.TempDir(), tt.extra...)
			defer stop()
			out, err := cli(t, "stats", "--by", "unit,ethnicity,workplace", "--server", addr, "--token", token)
			if tt.extra == nil {
				if err != nil {
					t.Errorf("stats within the default allowance: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "fewer dimensions") {
				t.Errorf("stats past --suppression-allowance 1000: %v\n%s; want it refused asking for fewer dimensions", err, out)
			}
		})
	}
}
