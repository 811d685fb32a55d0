package server

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writePair writes cert's certificate and key as the PEM files an
// operator installs.
func writePair(t *testing.T, cert tls.Certificate, certFile, keyFile string) {
	t.Helper()
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if certFile != "" {
		if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if keyFile != "" {
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A certificate renewed in place (certbot, an ACME client, a copy over the
// files) is served without a restart; one put in place without its key
// yet is not, and the certificate before it is served until the key
// comes. The metric says when the certificate served expires.
func TestTLSCertificateRenewedWithoutRestart(t *testing.T) {
	saved := certCheckInterval
	certCheckInterval = 0
	t.Cleanup(func() { certCheckInterval = saved })

	ca, caKey := newCA(t, "renewal CA")
	first := issue(t, ca, caKey, pkix.Name{CommonName: "trithuc.test"}, true)
	renewed := issue(t, ca, caKey, pkix.Name{CommonName: "trithuc.test"}, true)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	writePair(t, first, certFile, keyFile)
	cfg, err := LoadTLS(certFile, keyFile, "")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) { c.TLS = cfg })

	pool := x509.NewCertPool()
	pool.AddCert(ca)
	served := func() *big.Int {
		t.Helper()
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", e.srv.HTTPAddr(),
			&tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12})
		if err != nil {
			t.Fatalf("a TLS handshake: %v", err)
		}
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber
	}
	if got := served(); got.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Fatalf("serves serial %v, want the first certificate's %v", got, first.Leaf.SerialNumber)
	}

	// The new certificate is copied before its key: the pair does not
	// load, and the first certificate is still served.
	writePair(t, renewed, certFile, "")
	if got := served(); got.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Errorf("half renewed: serves serial %v, want the first certificate's %v", got, first.Leaf.SerialNumber)
	}
	writePair(t, renewed, "", keyFile)
	if got := served(); got.Cmp(renewed.Leaf.SerialNumber) != 0 {
		t.Errorf("renewed: serves serial %v, want the renewed certificate's %v", got, renewed.Leaf.SerialNumber)
	}

	families, err := e.srv.metrics.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var expiry float64
	for _, f := range families {
		if f.GetName() == "trithuc_tls_certificate_expiry_timestamp_seconds" {
			expiry = f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	if want := float64(renewed.Leaf.NotAfter.Unix()); expiry != want {
		t.Errorf("trithuc_tls_certificate_expiry_timestamp_seconds = %v, want %v", expiry, want)
	}
}

// A certificate that has expired, or expires within 30 days, is logged at
// start; one valid for longer is not.
func TestTLSCertificateExpiryLoggedAtStart(t *testing.T) {
	ca, caKey := newCA(t, "expiry CA")
	var log bytes.Buffer
	saved := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
	t.Cleanup(func() { slog.SetDefault(saved) })
	for _, tt := range []struct {
		name     string
		notAfter time.Time
		want     string
	}{
		{"Expired", time.Now().Add(-time.Hour), "level=ERROR msg=\"the TLS certificate has expired: clients refuse the server\""},
		{"Soon", time.Now().Add(10*24*time.Hour + time.Hour), "level=WARN msg=\"the TLS certificate expires in 10 days\""},
		{"Later", time.Now().Add(90 * 24 * time.Hour), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			log.Reset()
			cert := issue(t, ca, caKey, pkix.Name{CommonName: "trithuc.test"}, true)
			tmpl := *cert.Leaf
			tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-48*time.Hour), tt.notAfter
			der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca, cert.Leaf.PublicKey, caKey)
			if err != nil {
				t.Fatal(err)
			}
			cert.Certificate = [][]byte{der}
			dir := t.TempDir()
			certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
			writePair(t, cert, certFile, keyFile)
			if _, err := LoadTLS(certFile, keyFile, ""); err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.want == "" && strings.Contains(log.String(), "certificate"):
				t.Errorf("logged:\n%s", log.String())
			case tt.want != "" && (!strings.Contains(log.String(), tt.want) || !strings.Contains(log.String(), "file="+certFile)):
				t.Errorf("the log has no %s naming %s:\n%s", tt.want, certFile, log.String())
			}
		})
	}
}
