package main

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// trithuc health reaches a TLS server with nothing but the environment,
// as a container's HEALTHCHECK runs it.
func TestHealthOverTLSFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	writePKI(t, dir)
	f := func(name string) string { return filepath.Join(dir, name) }
	addr, token, stop := serveDemo(t, dir, "--tls-cert", f("server.pem"), "--tls-key", f("server.key"))
	defer stop()
	_, port, _ := net.SplitHostPort(addr)
	for _, v := range []string{"TRITHUC_SERVER", "TRITHUC_TLS", "TRITHUC_CA_FILE", "TRITHUC_TLS_CERT", "TRITHUC_TOKEN"} {
		t.Setenv(v, "")
	}

	for _, tc := range []struct {
		name   string
		env    map[string]string
		server string
		ok     bool
	}{
		{"ErrPlaintext", nil, addr, false},
		{"OKCAFile", map[string]string{"TRITHUC_CA_FILE": f("ca.pem")}, addr, true},
		{"OKTLSAndCAFile", map[string]string{"TRITHUC_TLS": "true", "TRITHUC_CA_FILE": f("ca.pem")}, addr, true},
		{"ErrTLSUnknownCA", map[string]string{"TRITHUC_TLS": "true"}, addr, false},
		// The server's own certificate, as serve reads it: accepted
		// whatever names it holds (it names 127.0.0.1, not localhost).
		{"OKServerCertificate", map[string]string{"TRITHUC_TLS_CERT": f("server.pem")}, "localhost:" + port, true},
		{"OKServerCertificateFromServerVar", map[string]string{"TRITHUC_TLS_CERT": f("server.pem"), "TRITHUC_SERVER": addr}, "", true},
		{"ErrOtherCertificate", map[string]string{"TRITHUC_TLS_CERT": f("client.pem")}, addr, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			args := []string{"health", "--timeout", "5s"}
			if tc.server != "" {
				args = append(args, "--server", tc.server)
			}
			out, err := cli(t, args...)
			if tc.ok && (err != nil || !strings.Contains(out, "SERVING")) {
				t.Errorf("health with %v: %v\n%s", tc.env, err, out)
			}
			if !tc.ok && err == nil {
				t.Errorf("health with %v succeeded: %s", tc.env, out)
			}
		})
	}

	t.Run("CollectionCommands", func(t *testing.T) {
		t.Setenv("TRITHUC_CA_FILE", f("ca.pem"))
		t.Setenv("TRITHUC_TOKEN", token)
		t.Setenv("TRITHUC_SERVER", addr)
		out, err := cli(t, "people", "list", "--page-size", "1")
		if err != nil || !strings.Contains(out, `"people/`) {
			t.Errorf("people list with $TRITHUC_CA_FILE: %v\n%s", err, out)
		}
	})

	t.Run("ErrTLSNotABool", func(t *testing.T) {
		t.Setenv("TRITHUC_TLS", "yes please")
		_, err := cli(t, "health", "--server", addr)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "TRITHUC_TLS") {
			t.Errorf("$TRITHUC_TLS=\"yes please\": %v, want a usage error naming it", err)
		}
	})
}

// A server that does not serve is told with where to look for why: the
// health protocol carries no reason.
func TestHealthNotServingSaysWhereToLook(t *testing.T) {
	dir := t.TempDir()
	addr, _, stop := serveDemo(t, dir)
	defer stop()
	db := filepath.Join(dir, "t.db")
	// Moved away under the server: it stops writing and says NOT_SERVING
	// within its next look (every 2 s).
	if err := os.Rename(db, db+".moved"); err != nil {
		t.Fatal(err)
	}
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, err = cli(t, "health", "--server", addr); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "NOT_SERVING: it is stopping, or its database is in trouble") ||
		!strings.Contains(err.Error(), "trithuc_database_state") {
		t.Errorf("health of a server whose database was moved away: %v", err)
	}
	if err := os.Rename(db+".moved", db); err != nil {
		t.Fatal(err)
	}
}
