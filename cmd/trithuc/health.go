package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

const healthUsage = `Usage: trithuc health [--server HOST:PORT] [--tls [--ca-file PEM]] [--service NAME]

Asks a running server whether it serves (grpc.health.v1.Health/Check, which
needs no credential) and exits 0 when it does, 1 when it does not or does not
answer: for container health checks and service managers.

Beside a server that serves TLS, health needs no setting of its own: given
none of --tls, --ca-file and --cert (nor $TRITHUC_TLS, $TRITHUC_CA_FILE,
$TRITHUC_CERT),
and with $TRITHUC_TLS_CERT set, as serve reads it, health connects with TLS
and accepts exactly that certificate, whatever names it holds.
`

// healthFlags adds the flags of health to fs (completion too).
func healthFlags(fs *flag.FlagSet, f *clientFlags) (service *string) {
	f.register(fs)
	return fs.String("service", "", "the `service` to ask about; \"\" is the server as a whole")
}

// runHealth checks a server's health the way probes do, without a key.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f clientFlags
	fs := flag.NewFlagSet("trithuc health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, healthUsage); fs.PrintDefaults() }
	service := healthFlags(fs, &f)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Health needs no key, and a probe must not depend on one.
	f.anonymous = true
	if cert := os.Getenv("TRITHUC_TLS_CERT"); cert != "" && !f.tlsChosen() {
		// Run where the server runs (its container, its unit): it serves
		// TLS with this certificate.
		f.serverCert = cert
	}
	c, err := f.dial()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, min(f.timeout, 10*time.Second))
	defer cancel()
	resp, err := healthpb.NewHealthClient(c.Conn()).Check(ctx, &healthpb.HealthCheckRequest{Service: *service})
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	fmt.Fprintln(stdout, resp.GetStatus())
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		// The health protocol carries no reason: say where it is.
		return fmt.Errorf("health: the server is %s: it is stopping, or its database is in trouble (a full disk, a read-only, "+
			"damaged or missing file); its log says which and what to do, as does the metric trithuc_database_state", resp.GetStatus())
	}
	return nil
}
