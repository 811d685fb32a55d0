package main

import (
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
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
