package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func TestScopedKeys(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	// An association that does not exist is refused, as an organization
	// is: a key limited to it would see nobody.
	for _, args := range [][]string{
		{"keys", "create", "--create", "--db", db, "--role", "registrar", "--name", "Hội Tin học", "--association", "associations/hoi-tin-hoc"},
		{"users", "create", "--create", "--db", db, "--role", "registrar", "--email", "th@example.vn", "--name", "x", "--association", "associations/hoi-tin-hoc"},
	} {
		if out, err := cli(t, args...); err == nil || !strings.Contains(err.Error(), "no association is named associations/hoi-tin-hoc") {
			t.Errorf("%s %s limited to no association: %v\n%s", args[0], args[1], err, out)
		}
	}
	s, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAssociation(context.Background(), &pb.Association{DisplayName: "Hội Tin học", Code: "HTH"}, store.CreateOptions{ID: "hoi-tin-hoc"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err := cli(t, "keys", "create", "--db", db, "--role", "registrar", "--name", "Hội Tin học", "--association", "associations/hoi-tin-hoc", "--expires", "720h")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "limited to associations/hoi-tin-hoc") || !strings.Contains(out, "expiring") {
		t.Errorf("create said:\n%s", out)
	}
	out, err = cli(t, "keys", "list", "--db", db)
	if err != nil || !strings.Contains(out, "SCOPE") || !strings.Contains(out, "associations/hoi-tin-hoc") {
		t.Errorf("list: %v\n%s", err, out)
	}
	_, err = cli(t, "keys", "create", "--db", db, "--role", "service", "--name", "x", "--association", "associations/a")
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("a scope on a service key: %v, want a usage error", err)
	}
	if _, err := cli(t, "keys", "create", "--db", db, "--role", "registrar", "--name", "x", "--association", "Hội Tin học"); err == nil {
		t.Error("a malformed association was accepted")
	}
}

func TestServeRefusesPlaintextBeyondLoopback(t *testing.T) {
	dir := t.TempDir()
	out, err := cli(t, "serve", "--db", filepath.Join(dir, "t.db"), "--grpc-addr", "0.0.0.0:0", "--http-addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "--insecure") {
		t.Errorf("serve on 0.0.0.0 without TLS: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"--tls-cert", "c.pem"},
		{"--client-ca", "ca.pem", "--cert-roles", "roles.txt"},
		{"--tls-cert", "c.pem", "--tls-key", "k.pem", "--client-ca", "ca.pem"},
		{"--rate-limit", "-1"},
		{"--max-call-duration", "0s"},
	} {
		_, err := cli(t, append([]string{"serve", "--db", filepath.Join(dir, "t.db")}, args...)...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	_, err = cli(t, "serve", "--db", filepath.Join(dir, "t.db"), "--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", filepath.Join(dir, "none.pem"))
	if err == nil || !strings.Contains(err.Error(), "TLS certificate") {
		t.Errorf("a missing certificate: %v", err)
	}
}

// writePKI writes a CA, a server certificate for 127.0.0.1 and a client
// certificate for CN=hr-sync,O=Sở Nội vụ as PEM files in dir.
func writePKI(t *testing.T, dir string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ca.pem", "CERTIFICATE", caDER)
	for i, c := range []struct {
		name    string
		subject pkix.Name
		usage   x509.ExtKeyUsage
	}{
		{"server", pkix.Name{CommonName: "trithuc"}, x509.ExtKeyUsageServerAuth},
		{"client", pkix.Name{CommonName: "hr-sync", Organization: []string{"Sở Nội vụ"}}, x509.ExtKeyUsageClientAuth},
	} {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(i + 2)), Subject: c.subject,
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{c.usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, _ := x509.MarshalPKCS8PrivateKey(key)
		write(c.name+".pem", "CERTIFICATE", der)
		write(c.name+".key", "PRIVATE KEY", keyDER)
	}
	if err := os.WriteFile(filepath.Join(dir, "roles.txt"), []byte("# role subject\nservice CN=hr-sync,O=Sở Nội vụ\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestServeTLSAndClientCertificates(t *testing.T) {
	dir := t.TempDir()
	writePKI(t, dir)
	f := func(name string) string { return filepath.Join(dir, name) }
	addr, token, stop := serveDemo(t, dir, "--tls-cert", f("server.pem"), "--tls-key", f("server.key"),
		"--client-ca", f("ca.pem"), "--cert-roles", f("roles.txt"))
	defer stop()

	out, err := cli(t, "people", "list", "--server", addr, "--ca-file", f("ca.pem"), "--token", token, "--page-size", "2")
	if err != nil || !strings.Contains(out, `"national_id"`) {
		t.Fatalf("admin key over TLS: %v\n%s", err, out)
	}
	withCert := []string{"--server", addr, "--ca-file", f("ca.pem"), "--cert", f("client.pem"), "--key", f("client.key")}
	out, err = cli(t, append([]string{"people", "list", "--page-size", "2"}, withCert...)...)
	if err != nil || !strings.Contains(out, `"people/`) || strings.Contains(out, `"national_id"`) {
		t.Fatalf("a client certificate of the service role: %v\n%s", err, out)
	}
	// The certificate from the environment, as a service's unit sets it,
	// like the server, the CA and the key.
	t.Run("FromEnvironment", func(t *testing.T) {
		for k, v := range map[string]string{"TRITHUC_SERVER": addr, "TRITHUC_CA_FILE": f("ca.pem"),
			"TRITHUC_CERT": f("client.pem"), "TRITHUC_KEY": f("client.key"), "TRITHUC_TOKEN": ""} {
			t.Setenv(k, v)
		}
		out, err := cli(t, "people", "list", "--page-size", "2")
		if err != nil || !strings.Contains(out, `"people/`) || strings.Contains(out, `"national_id"`) {
			t.Errorf("$TRITHUC_CERT and $TRITHUC_KEY of the service role: %v\n%s", err, out)
		}
		t.Setenv("TRITHUC_KEY", "")
		if _, err := cli(t, "people", "list"); err == nil || !strings.Contains(err.Error(), "go together") {
			t.Errorf("$TRITHUC_CERT without a key: %v, want the two asked for together", err)
		}
	})
	_, err = cli(t, append([]string{"people", "create", "--given-name", "X"}, withCert...)...)
	if err == nil || !strings.Contains(err.Error(), "PERMISSION_DENIED") {
		t.Errorf("a create with the service certificate: %v", err)
	}
	// A plaintext call to the TLS server fails, saying how to connect.
	for _, args := range [][]string{{"people", "list", "--token", token}, {"health"}} {
		_, err = cli(t, append(args, "--server", addr, "--timeout", "5s")...)
		if err == nil || !strings.Contains(err.Error(), "if it serves TLS, connect with --tls, or --ca-file CA.pem") {
			t.Errorf("trithuc %s over plaintext to the TLS server: %v", args[0], err)
		}
	}
	out, err = cli(t, "auditEvents", "list", "--server", addr, "--ca-file", f("ca.pem"), "--token", token,
		"--principal", "cert:CN=hr-sync,O=Sở Nội vụ", "--output", "table")
	if err != nil || !strings.Contains(out, "PERMISSION_DENIED") || !strings.Contains(out, "ListPeople") {
		t.Errorf("the audit trail of the certificate: %v\n%s", err, out)
	}
}
