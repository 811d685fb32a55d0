package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"trithuc.gov.vn/trithuc/client"
	"trithuc.gov.vn/trithuc/internal/malloc"
	"trithuc.gov.vn/trithuc/server"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/synth"
)

const serveUsage = `Usage: trithuc serve [flags]

Serves the registry in the SQLite file --db (made on first start): gRPC on
--grpc-addr; REST, its OpenAPI document (/openapi.json), /healthz and the
web console on --http-addr. --demo seeds synthetic people and prints a key
and commands to try.

Every flag may instead be set in the environment, as TRITHUC_ and its name
in capitals with _ for - (--grpc-addr is TRITHUC_GRPC_ADDR), or in the file
--config names, one "name = value" a line; a flag wins over the
environment, which wins over the file.

SIGINT or SIGTERM stops gracefully: calls in flight may run on for
--shutdown-timeout. A second one stops at once, cutting them (exit status 3).

Flags:
`

// serveConfig is the serve command line.
type serveConfig struct {
	db              string
	grpcAddr        string
	httpAddr        string
	demo            bool
	demoPeople      int
	logFormat       string
	shutdownTimeout time.Duration
	maxRequestBytes int

	tlsCert, tlsKey string
	clientCA        string
	certRoles       string
	insecure        bool
	rateLimit       float64
	rateBurst       int
	maxCallDuration time.Duration
	metricsAddr     string
	maxConns        int
	integrityCheck  time.Duration
	corsOrigins     string
	retention       store.Retention
	changesKept     time.Duration
	importUploads   int
	dryRunSlice     time.Duration
	suppression     int64
	trustedProxies  string
	proxyHeader     string
	// proxies is trustedProxies read (security).
	proxies []netip.Prefix
	// origins is corsOrigins read (security).
	origins []string
}

func (c *serveConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.db, "db", "trithuc.db", "the SQLite database `file`; made on first start")
	fs.StringVar(&c.grpcAddr, "grpc-addr", client.DefaultAddr, "gRPC listen `address`")
	fs.StringVar(&c.httpAddr, "http-addr", "127.0.0.1:8080", "REST and OpenAPI listen `address`")
	fs.BoolVar(&c.demo, "demo", false, "seed synthetic profiles into an empty database, make a key and console accounts, and print commands and sign-ins to try")
	fs.IntVar(&c.demoPeople, "demo-people", 300, "how many synthetic `people` --demo seeds")
	fs.StringVar(&c.logFormat, "log-format", "text", "log as `text` or json")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long calls in flight may run on after SIGINT or SIGTERM (a second one stops at once)")
	fs.IntVar(&c.maxRequestBytes, "max-request-bytes", server.DefaultMaxRequestBytes, "largest request `bytes` accepted (0 means the default)")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "serve both ports over TLS with this PEM certificate `file` (with --tls-key)")
	fs.StringVar(&c.tlsKey, "tls-key", "", "the PEM private key `file` of --tls-cert")
	fs.StringVar(&c.clientCA, "client-ca", "", "accept client certificates signed by the CAs in this PEM `file` (mTLS; needs --tls-cert and --cert-roles)")
	fs.StringVar(&c.certRoles, "cert-roles", "", "the `file` that maps client certificate subjects to roles, a line each: ROLE SUBJECT")
	fs.BoolVar(&c.insecure, "insecure", false, "serve without TLS on addresses other than loopback: keys and personal data cross the network in clear text")
	fs.Float64Var(&c.rateLimit, "rate-limit", 100, "`calls` a second each principal may make; 0 for no limit")
	fs.IntVar(&c.rateBurst, "rate-burst", 200, "calls a principal may make at once beyond --rate-limit")
	fs.DurationVar(&c.maxCallDuration, "max-call-duration", server.DefaultMaxCallDuration, "the longest a call may run: the deadline of calls without one or with a later one")
	fs.IntVar(&c.maxConns, "max-conns-per-address", server.DefaultMaxConnsPerAddress, "connections one client address may hold open on each port, more being closed as they arrive; raise it behind a proxy, whose connections are all its own (0 means the default)")
	fs.DurationVar(&c.integrityCheck, "integrity-check-time", store.DefaultIntegrityCheckTime,
		"how long SQLite's quick_check of the database may take at start before serving unchecked; 0 skips it, to read what is left of a damaged database")
	fs.StringVar(&c.corsOrigins, "cors-origins", "", "let web pages of these `origins` (comma-separated, e.g. https://portal.angiang.gov.vn) call the REST API from a browser; none when empty")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", "",
		"reverse proxies (comma-separated `addresses` and CIDR prefixes, e.g. 10.0.0.5,10.1.0.0/24) whose --trusted-proxy-header names the client of a request they forward; none when empty")
	fs.StringVar(&c.proxyHeader, "trusted-proxy-header", server.HeaderXForwardedFor,
		"the `header` the trusted proxies write the client's address in: X-Forwarded-For or Forwarded (RFC 7239); the other is ignored")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this `address` (e.g. 127.0.0.1:9464); off when empty")
	fs.DurationVar(&c.retention.AuditReads, "audit-read-retention", 365*24*time.Hour,
		"how long the audit trail keeps the events of reads (writes' events stay for good); at least 720h, or 0 to keep them for good")
	fs.DurationVar(&c.retention.Idempotency, "idempotency-retention", 7*24*time.Hour,
		"how long a create's request_id is remembered, so that a retry answers the first result; at least 24h, or 0 to keep them for good")
	fs.DurationVar(&c.retention.ImportResults, "import-result-retention", 90*24*time.Hour,
		"how long after an import ended its problems and report, which quote the uploaded file, are kept (the operation and its counts stay); at least 168h, or 0 to keep them for good")
	fs.DurationVar(&c.changesKept, "changes-retention", server.DefaultChangesRetention,
		"how long the change feed keeps changes (a consumer with an older cursor reads the registry in full again); at least 168h, or 0 to keep them for good")
	fs.IntVar(&c.importUploads, "max-import-uploads", server.DefaultMaxImportUploads,
		"how many imports' files the server receives at once, one a caller; more are refused RESOURCE_EXHAUSTED to retry later")
	fs.DurationVar(&c.dryRunSlice, "dry-run-slice", store.DefaultDryRunSlice,
		"how long an import's dry run holds the writer before it lets the writes waiting in")
	fs.Int64Var(&c.suppression, "suppression-allowance", store.DefaultSuppressionAllowance,
		"the `steps` of small-cell suppression one statistics, indicators or engagement statistics answer may use (about 0.25 µs of CPU each); one needing more is refused RESOURCE_EXHAUSTED")
}

// configFlag adds --config to fs, the one flag of serve that is not a
// setting itself.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", os.Getenv("TRITHUC_CONFIG"), "read settings not given as flags or in the environment from this `file` ($TRITHUC_CONFIG)")
}

// security checks the settings, before the database is opened (a refused
// setting must not leave a new file behind), and makes the TLS
// configuration and the certificate roles the flags ask for.
func (c *serveConfig) security() (*tls.Config, *server.CertRoles, error) {
	switch {
	case (c.tlsCert == "") != (c.tlsKey == ""):
		return nil, nil, usageError("--tls-cert and --tls-key go together")
	case c.clientCA != "" && c.tlsCert == "":
		return nil, nil, usageError("--client-ca needs --tls-cert and --tls-key: client certificates travel over TLS")
	case (c.clientCA == "") != (c.certRoles == ""):
		return nil, nil, usageError("--client-ca and --cert-roles go together: the CA verifies client certificates, and --cert-roles gives their roles")
	case c.rateLimit < 0 || c.rateBurst < 0:
		return nil, nil, usageError("--rate-limit and --rate-burst must not be negative")
	case math.IsNaN(c.rateLimit) || math.IsInf(c.rateLimit, 0):
		return nil, nil, usageError(fmt.Sprintf("--rate-limit must be a number of calls a second, or 0 for no limit, got %g", c.rateLimit))
	case c.maxRequestBytes < 0:
		return nil, nil, usageError(fmt.Sprintf("--max-request-bytes must not be negative (0 is the default, %d), got %d", server.DefaultMaxRequestBytes, c.maxRequestBytes))
	case c.maxConns < 0:
		return nil, nil, usageError(fmt.Sprintf("--max-conns-per-address must not be negative (0 is the default, %d), got %d", server.DefaultMaxConnsPerAddress, c.maxConns))
	case c.shutdownTimeout < 0:
		return nil, nil, usageError(fmt.Sprintf("--shutdown-timeout must not be negative (0 cancels the calls in flight at once), got %s", c.shutdownTimeout))
	case c.integrityCheck < 0:
		return nil, nil, usageError(fmt.Sprintf("--integrity-check-time must not be negative (0 skips the check), got %s", c.integrityCheck))
	case c.demoPeople < 0:
		return nil, nil, usageError(fmt.Sprintf("--demo-people must not be negative, got %d", c.demoPeople))
	case c.maxCallDuration <= 0:
		return nil, nil, usageError("--max-call-duration must be positive")
	case c.retention.AuditReads < 0 || (c.retention.AuditReads > 0 && c.retention.AuditReads < store.MinAuditReadRetention):
		return nil, nil, usageError(fmt.Sprintf("--audit-read-retention must be 0 (keep for good) or at least %s", store.MinAuditReadRetention))
	case c.retention.Idempotency < 0 || (c.retention.Idempotency > 0 && c.retention.Idempotency < store.MinIdempotencyRetention):
		return nil, nil, usageError(fmt.Sprintf("--idempotency-retention must be 0 (keep for good) or at least %s", store.MinIdempotencyRetention))
	case c.retention.ImportResults < 0 || (c.retention.ImportResults > 0 && c.retention.ImportResults < store.MinImportResultRetention):
		return nil, nil, usageError(fmt.Sprintf("--import-result-retention must be 0 (keep for good) or at least %s", store.MinImportResultRetention))
	case c.changesKept < 0 || (c.changesKept > 0 && c.changesKept < server.MinChangesRetention):
		return nil, nil, usageError(fmt.Sprintf("--changes-retention must be 0 (keep for good) or at least %s", server.MinChangesRetention))
	case c.importUploads < 1:
		return nil, nil, usageError(fmt.Sprintf("--max-import-uploads must be at least 1, got %d: with none no import could be sent", c.importUploads))
	case c.dryRunSlice <= 0:
		return nil, nil, usageError(fmt.Sprintf("--dry-run-slice must be positive (e.g. %s), got %s", store.DefaultDryRunSlice, c.dryRunSlice))
	case c.suppression <= 0:
		return nil, nil, usageError(fmt.Sprintf("--suppression-allowance must be a positive number of steps (the default is %d), got %d", store.DefaultSuppressionAllowance, c.suppression))
	case !strings.EqualFold(c.proxyHeader, server.HeaderXForwardedFor) && !strings.EqualFold(c.proxyHeader, server.HeaderForwarded):
		return nil, nil, usageError(fmt.Sprintf("--trusted-proxy-header must be %s or %s (the header the proxy writes), got %q", server.HeaderXForwardedFor, server.HeaderForwarded, c.proxyHeader))
	}
	var err error
	if c.proxies, err = server.ParseTrustedProxies(c.trustedProxies); err != nil {
		return nil, nil, usageError("--trusted-proxies: " + err.Error())
	}
	if c.origins, err = corsOrigins(c.corsOrigins); err != nil {
		return nil, nil, err
	}
	if c.tlsCert == "" {
		return nil, nil, nil
	}
	cfg, err := server.LoadTLS(c.tlsCert, c.tlsKey, c.clientCA)
	if err != nil {
		return nil, nil, err
	}
	var roles *server.CertRoles
	if c.certRoles != "" {
		if roles, err = server.LoadCertRoles(c.certRoles); err != nil {
			return nil, nil, err
		}
	}
	return cfg, roles, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := flag.NewFlagSet("trithuc serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs)
	configFile := configFlag(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, serveUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	overridden, err := applySettings(fs, *configFile, os.LookupEnv)
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("serve takes no arguments, got %q", fs.Args()))
	}

	var handler slog.Handler
	switch c.logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		return usageError("--log-format must be text or json")
	}
	log := slog.New(handler)
	slog.SetDefault(log)
	for _, o := range overridden {
		log.Warn("a setting of the configuration file is overridden", "setting", o,
			"hint", "flags and TRITHUC_ variables win over the file; change or remove the one not meant")
	}
	gogc, gcLimit := malloc.ConfigureServerGC()
	tlsConfig, certRoles, err := c.security()
	if err != nil {
		return err
	}

	check := c.integrityCheck
	if check <= 0 {
		check = -1 // store.Options: skip
	}
	// A wrong --db after a restart makes a new database without a word:
	// an operator must hear of it.
	_, statErr := os.Stat(c.db)
	created := errors.Is(statErr, os.ErrNotExist)
	if !created {
		// Before the database is opened: a newer binary started beside
		// a running server must not migrate its schema under it.
		held, err := holdServing(c.db)
		if err != nil {
			return err
		}
		defer held.Close()
	}
	db, err := store.OpenWith(ctx, c.db, store.Options{IntegrityCheckTime: check, Log: log})
	if err != nil {
		return err
	}
	defer db.Close()
	if created {
		held, err := holdServing(db.Path())
		if err != nil {
			return err
		}
		defer held.Close()
	}
	switch {
	case created && c.demo:
		// Expected: --demo's first start makes the database it seeds.
		log.Info(fmt.Sprintf("no database at %s: created a new one for the demo", db.Path()))
	case created:
		log.Warn(fmt.Sprintf("no database at %s: created a new, empty one", db.Path()),
			"hint", "if a database was expected there, stop the server and check --db")
	}
	if !c.demo && certRoles.Len() == 0 {
		warnNoCredentials(ctx, db, log)
	}
	if c.demo && !created {
		if err := demoDatabase(ctx, db); err != nil {
			return err
		}
	}
	if open := openToOthers(db.Path()); len(open) > 0 {
		log.Warn(fmt.Sprintf("the database file %s is readable by other users of this machine; it holds personal data", open[0]),
			"files", strings.Join(open, " "), "hint", "chmod 600 "+strings.Join(open, " "))
	}
	if db.Integrity() != "ok" && db.Integrity() != "new database" {
		log.Warn("the database's integrity was not checked at start", "check", db.Integrity())
	}

	srv, err := server.New(db, c.serverConfig(log, tlsConfig, certRoles))
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return listenError(err)
	}
	log.Info("serving", "db", db.Path(), "grpc", srv.GRPCAddr(), "http", srv.HTTPAddr(), "schema", store.SchemaVersion(),
		"tls", tlsConfig != nil, "client_certificates", certRoles.Len(), "gogc", gogc, "go_memory_limit_mib", gcLimit>>20)

	if c.demo {
		if err := seedDemo(ctx, db, c.demoPeople, srv, tlsConfig != nil, stdout); err != nil {
			log.Error("seeding the demo", "err", err)
		}
	}

	<-ctx.Done()
	log.Info("shutting down", "timeout", c.shutdownTimeout, "hint", "SIGINT or SIGTERM again stops at once, cutting the calls in flight")
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- srv.Shutdown(sctx) }()
	select {
	case err := <-stopped:
		if err != nil {
			log.Warn("calls still running at the shutdown timeout were cancelled", "err", err)
		}
	case <-forced(ctx):
		stopAtOnce(log, srv)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("closing the database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// exitForced is the exit status of a server stopped at once by a second
// signal, told apart from a clean stop (0) and a failure (1).
const exitForced = 3

// forceKey holds, in the context main gives run, the channel a second
// SIGINT or SIGTERM closes (signalContext).
type forceKey struct{}

// forced is the channel closed when the operator asks a second time to
// stop; nil, which never fires, in a context without one.
func forced(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(forceKey{}).(chan struct{})
	return ch
}

// stopAtOnce ends the process without waiting for the graceful stop,
// after logging what it cuts. Nothing unacknowledged was written: SQLite
// rolls back what was not committed from its write-ahead log at the next
// open, as after kill -9, and that start ends the imports cut ABORTED.
func stopAtOnce(log *slog.Logger, srv *server.Server) {
	calls, imports := srv.Running()
	log.Warn("stopping at once on a second signal: the calls in flight are cut; the next start recovers the database and ends the imports cut ABORTED",
		"calls", len(calls), "imports", len(imports))
	for _, c := range calls {
		log.Warn("cut", "call", c)
	}
	for _, op := range imports {
		log.Warn("cut", "import", op, "hint", "run it again after the restart")
	}
	os.Exit(exitForced)
}

// listenError names the setting to change when a port cannot be listened
// on: a port another service took (node_exporter's 9100 was once our
// example's metrics port) must not read as trithuc's own fault.
func listenError(err error) error {
	var le *server.ListenError
	if !errors.As(err, &le) {
		return err
	}
	setting := map[string]string{"gRPC": "grpc-addr", "HTTP": "http-addr", "metrics": "metrics-addr"}[le.Listener]
	if errors.Is(le.Err, syscall.EADDRINUSE) {
		return fmt.Errorf("--%s %s: address already in use; set %s to a free port", setting, le.Addr, setting)
	}
	return fmt.Errorf("--%s %s: %w; set %s to an address this host can listen on", setting, le.Addr, le.Err, setting)
}

// serverConfig is the server's configuration as the settings give it.
func (c *serveConfig) serverConfig(log *slog.Logger, tlsConfig *tls.Config, certRoles *server.CertRoles) server.Config {
	return server.Config{
		GRPCAddr:        c.grpcAddr,
		HTTPAddr:        c.httpAddr,
		MaxRequestBytes: c.maxRequestBytes,
		Logger:          log,
		TLS:             tlsConfig,
		CertRoles:       certRoles,
		Insecure:        c.insecure,
		RateLimit:       c.rateLimit,
		RateBurst:       c.rateBurst,
		MaxCallDuration: c.maxCallDuration,
		MetricsAddr:     c.metricsAddr,
		TransportLimits: server.TransportLimits{MaxConnsPerAddress: c.maxConns, MaxImportUploads: c.importUploads},
		CORSOrigins:     c.origins,
		TrustedProxies:  c.proxies,
		ProxyHeader:     c.proxyHeader,
		Retention:       c.retention,

		ChangesRetention: c.changesKept,
		DryRunSlice:      c.dryRunSlice,

		SuppressionAllowance: c.suppression,
	}
}

// seedDemo fills an empty database with synthetic people, makes an admin key
// and console accounts, and prints commands that use the key and the
// console's address with the accounts' sign-ins.
func seedDemo(ctx context.Context, db *store.DB, n int, srv *server.Server, tls bool, out io.Writer) error {
	// The key first: its file marks the database as the demo's, should
	// the seeding be interrupted (demoDatabase).
	key, err := demoKey(ctx, db)
	if err != nil {
		return err
	}
	count, err := db.CountPeople(ctx, true)
	if err != nil {
		return err
	}
	if count == 0 {
		count = n
		// Listed since earlier days, so that figures as on a past day and
		// last year's report count them.
		if err := synth.LoadListed(ctx, db, 1, n, time.Now().In(store.Vietnam)); err != nil {
			return err
		}
		if _, err := synth.LoadMemberships(ctx, db, 1, ""); err != nil {
			return err
		}
		if err := synth.LoadExperts(ctx, db, 1, time.Now()); err != nil {
			return err
		}
	}
	// After the seeding: the registrar's association is the seed's.
	accounts, err := ensureDemoAccounts(ctx, db)
	if err != nil {
		return err
	}
	scheme, plaintext, cliTLS := "http", "-plaintext ", ""
	if tls {
		scheme, plaintext, cliTLS = "https", "", " --tls"
	}
	fmt.Fprintf(out, `
trithuc demo: %d people in %s
  gRPC     %s
  REST     %s://%s/v1/people
  OpenAPI  %s://%s/openapi.json

A demo admin key, kept in %s for the next --demo start and valid for 30
days (keep it secret; revoke it with "trithuc keys revoke"):
  export TRITHUC_TOKEN=%s

Try:
  grpcurl %s-H "authorization: Bearer $TRITHUC_TOKEN" -d '{"page_size": 3}' %s trithuc.v1.PersonService/ListPeople
  curl -H "Authorization: Bearer $TRITHUC_TOKEN" '%s://%s/v1/people?pageSize=3'
  go run -tags sqlite_fts5 ./cmd/trithuc people list --server %s%s --output table

The web console (in Vietnamese):
  %s://%s/
Sign in there as one of these demo accounts (passwords kept in %s
for the next --demo start; keep them secret):
`, count, db.Path(), srv.GRPCAddr(), scheme, srv.HTTPAddr(), scheme, srv.HTTPAddr(), demoKeyFile(db), key,
		plaintext, srv.GRPCAddr(), scheme, srv.HTTPAddr(), srv.GRPCAddr(), cliTLS, scheme, srv.HTTPAddr(), demoAccountsFile(db))
	for _, a := range accounts {
		fmt.Fprintf(out, "  %-26s %-28s (%s)\n", a.email, a.password, a.who)
	}
	return nil
}

// demoDatabase refuses --demo on a database that holds people and is not
// the demo's (it has no demo key file): --demo makes an admin key and
// prints it, which on the registry's own database (TRITHUC_DEMO left set,
// a command pasted from the README) would put a key to everyone's data
// in the service's log.
func demoDatabase(ctx context.Context, db *store.DB) error {
	if _, err := os.Stat(demoKeyFile(db)); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	n, err := db.CountPeople(ctx, true)
	if err != nil || n == 0 {
		return err
	}
	return usageError(fmt.Sprintf("--demo seeds an empty database and prints an admin key, but %s holds %d people and is not a demo's "+
		"(it has no %s): serve it without --demo, or give --demo a new --db", db.Path(), n, filepath.Base(demoKeyFile(db))))
}

// demoKeyFile keeps the demo's admin key beside the database, readable by
// its owner only, so that every --demo start uses the same key instead of
// making another.
func demoKeyFile(db *store.DB) string { return db.Path() + ".demo-key" }

// demoKey returns the key of an earlier --demo start while it still works,
// or makes a new admin key that expires in 30 days and keeps it.
func demoKey(ctx context.Context, db *store.DB) (string, error) {
	file := demoKeyFile(db)
	if b, err := os.ReadFile(file); err == nil {
		key := strings.TrimSpace(string(b))
		if _, err := db.Authenticate(ctx, key); err == nil {
			return key, nil
		}
	}
	host, _ := os.Hostname()
	_, key, err := db.CreateKey(ctx, "demo on "+host+" "+time.Now().Format(time.DateTime), "admin", time.Now().Add(30*24*time.Hour))
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("keeping the demo key: %w", err)
	}
	return key, nil
}

// corsOrigins reads --cors-origins: each an origin as browsers send it,
// scheme://host[:port], without a path.
func corsOrigins(list string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(list, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return nil, usageError(fmt.Sprintf("--cors-origins: %q is not an origin; write scheme://host[:port], e.g. https://portal.angiang.gov.vn", o))
		}
		out = append(out, u.Scheme+"://"+u.Host)
	}
	return out, nil
}

// warnNoCredentials says how to make the first key when no key or console
// account can sign in: every call but the health checks would be refused,
// and a fresh server says nothing else of it.
func warnNoCredentials(ctx context.Context, db *store.DB, log *slog.Logger) {
	keys, err := db.ListKeys(ctx)
	if err != nil {
		return
	}
	now := time.Now()
	for _, k := range keys {
		if k.RevokeTime.IsZero() && (k.ExpireTime.IsZero() || k.ExpireTime.After(now)) {
			return
		}
	}
	accounts, err := db.ListAccounts(ctx)
	if err != nil {
		return
	}
	for _, a := range accounts {
		if a.DisableTime.IsZero() {
			return
		}
	}
	log.Warn("no live API key or console account: every call but the health checks is refused",
		"hint", fmt.Sprintf("make the first beside the running server: trithuc keys create --db %s --role admin --name NAME", db.Path()))
}
