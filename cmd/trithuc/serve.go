package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"trithuc/server"
	"trithuc/store"
	"trithuc/synth"
)

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
}

func (c *serveConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.db, "db", "trithuc.db", "the SQLite database `file`; made on first start")
	fs.StringVar(&c.grpcAddr, "grpc-addr", "127.0.0.1:9090", "gRPC listen `address`")
	fs.StringVar(&c.httpAddr, "http-addr", "127.0.0.1:8080", "REST and OpenAPI listen `address`")
	fs.BoolVar(&c.demo, "demo", false, "seed synthetic profiles into an empty database, make a key, and print commands to try")
	fs.IntVar(&c.demoPeople, "demo-people", 300, "how many synthetic `people` --demo seeds")
	fs.StringVar(&c.logFormat, "log-format", "text", "log as `text` or json")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long calls in flight may run on after SIGINT or SIGTERM")
	fs.IntVar(&c.maxRequestBytes, "max-request-bytes", server.DefaultMaxRequestBytes, "largest request `bytes` accepted")
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := flag.NewFlagSet("trithuc serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c.flags(fs)
	if err := parseFlags(fs, args); err != nil {
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

	db, err := store.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()

	srv, err := server.New(db, server.Config{
		GRPCAddr:        c.grpcAddr,
		HTTPAddr:        c.httpAddr,
		MaxRequestBytes: c.maxRequestBytes,
		Logger:          log,
	})
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	log.Info("serving", "db", db.Path(), "grpc", srv.GRPCAddr(), "http", srv.HTTPAddr(), "schema", store.SchemaVersion())

	if c.demo {
		if err := seedDemo(ctx, db, c.demoPeople, srv, stdout); err != nil {
			log.Error("seeding the demo", "err", err)
		}
	}

	<-ctx.Done()
	log.Info("shutting down", "timeout", c.shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), c.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("calls still running at the shutdown timeout were cancelled", "err", err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("closing the database: %w", err)
	}
	log.Info("stopped")
	return nil
}

// seedDemo fills an empty database with synthetic people, makes an admin key
// and prints commands that use it.
func seedDemo(ctx context.Context, db *store.DB, n int, srv *server.Server, out io.Writer) error {
	count, err := db.CountPeople(ctx, true)
	if err != nil {
		return err
	}
	if count == 0 {
		count = n
		if err := synth.Load(ctx, db, 1, n); err != nil {
			return err
		}
	}
	host, _ := os.Hostname()
	_, key, err := db.CreateKey(ctx, "demo on "+host+" "+time.Now().Format(time.DateTime), "admin", time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, `
trithuc demo: %d people in %s
  gRPC     %s
  REST     http://%s/v1/people
  OpenAPI  http://%s/openapi.json

A demo admin key (keep it secret; revoke it with "trithuc keys revoke"):
  export TRITHUC_TOKEN=%s

Try:
  grpcurl -plaintext -H "authorization: Bearer $TRITHUC_TOKEN" -d '{"page_size": 3}' %s trithuc.v1.PersonService/ListPeople
  curl -H "Authorization: Bearer $TRITHUC_TOKEN" 'http://%s/v1/people?pageSize=3'
  go run -tags sqlite_fts5 ./cmd/trithuc people list --server %s --output table
`, count, db.Path(), srv.GRPCAddr(), srv.HTTPAddr(), srv.HTTPAddr(), key,
		srv.GRPCAddr(), srv.HTTPAddr(), srv.GRPCAddr())
	return nil
}
