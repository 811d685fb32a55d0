package server

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The server's certificate is renewed while it runs (certbot, an ACME
// client, a new one copied over the old): the server takes the files'
// new contents at a handshake after they change, without a restart, and
// says when the certificate in use expires, in the log at start and in a
// metric, so that a renewal that did not happen is seen before clients
// are refused.

// certCheckInterval is how often, at most, a handshake looks whether the
// certificate files changed (a variable for the tests).
var certCheckInterval = 5 * time.Second

// certExpiryWarning is how long before its expiry a certificate is warned
// of at start and when it is loaded again.
const certExpiryWarning = 30 * 24 * time.Hour

// certReloader serves the certificate and key files' current pair.
type certReloader struct {
	certFile, keyFile string

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string    // the files' digest when cert was read
	failed  string    // the stamp of the last pair that did not load
	checked time.Time // when the files were last looked at
}

func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile}
	r.stamp = r.fileStamp()
	cert, err := loadPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	r.cert, r.checked = cert, time.Now()
	return r, nil
}

func loadPair(certFile, keyFile string) (*tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s with key %s: %w", certFile, keyFile, err)
	}
	return &cert, nil
}

// fileStamp is a digest of the files' contents: a copy over them may keep
// their size and, within the file system's clock tick, their time.
func (r *certReloader) fileStamp() string {
	h := sha256.New()
	for _, f := range []string{r.certFile, r.keyFile} {
		b, err := os.ReadFile(f)
		if err != nil {
			b = []byte("missing")
		}
		fmt.Fprintf(h, "%d:", len(b))
		h.Write(b)
	}
	return string(h.Sum(nil))
}

// getCertificate is tls.Config.GetCertificate.
func (r *certReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if time.Since(r.checked) < certCheckInterval {
		return r.cert, nil
	}
	r.checked = time.Now()
	stamp := r.fileStamp()
	if stamp == r.stamp || stamp == r.failed {
		return r.cert, nil
	}
	cert, err := loadPair(r.certFile, r.keyFile)
	if err != nil {
		// Half renewed (the certificate copied before its key) or broken:
		// the pair in use still works until it expires.
		r.failed = stamp
		slog.Warn("the TLS certificate files changed but do not load; serving the certificate loaded before",
			"err", err, "expires", expiry(r.cert).Format(time.RFC3339),
			"hint", "put a certificate and its own key in place; under systemd the key is the unit's credential, a copy made at start: systemctl restart trithuc")
		return r.cert, nil
	}
	r.cert, r.stamp, r.failed = cert, stamp, ""
	slog.Info("loaded the renewed TLS certificate", "file", r.certFile, "expires", expiry(cert).Format(time.RFC3339))
	warnExpiry(r.certFile, cert)
	return r.cert, nil
}

// expiry is when cert's leaf certificate expires.
func expiry(cert *tls.Certificate) time.Time {
	leaf := cert.Leaf
	if leaf == nil && len(cert.Certificate) > 0 {
		leaf, _ = x509.ParseCertificate(cert.Certificate[0])
	}
	if leaf == nil {
		return time.Time{}
	}
	return leaf.NotAfter
}

// warnExpiry logs a certificate that has expired or expires within
// certExpiryWarning.
func warnExpiry(file string, cert *tls.Certificate) {
	at := expiry(cert)
	switch left := time.Until(at); {
	case left <= 0:
		slog.Error("the TLS certificate has expired: clients refuse the server", "file", file, "expired", at.Format(time.RFC3339),
			"hint", "renew it and put it in place; the server takes it without a restart")
	case left < certExpiryWarning:
		slog.Warn(fmt.Sprintf("the TLS certificate expires in %d days", int(left.Hours()/24)), "file", file, "expires", at.Format(time.RFC3339),
			"hint", "renew it and put it in place; the server takes it without a restart")
	}
}

// certExpiryMetric is the expiry of the certificate cfg serves, for an
// alert before it comes; nil without TLS.
func certExpiryMetric(cfg *tls.Config) prometheus.Collector {
	if cfg == nil {
		return nil
	}
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "trithuc_tls_certificate_expiry_timestamp_seconds",
		Help: "When the TLS certificate the server presents expires (Unix time); a renewed certificate is taken without a restart.",
	}, func() float64 {
		var cert *tls.Certificate
		switch {
		case cfg.GetCertificate != nil:
			cert, _ = cfg.GetCertificate(&tls.ClientHelloInfo{})
		case len(cfg.Certificates) > 0:
			cert = &cfg.Certificates[0]
		}
		if cert == nil {
			return 0
		}
		return float64(expiry(cert).Unix())
	})
}
