package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"

	"trithuc.gov.vn/trithuc/client"
)

// clientFlags are the flags every collection command takes. Those that
// say where and how to connect default to the environment, as a container
// or a service manager sets it: $TRITHUC_SERVER, $TRITHUC_TLS,
// $TRITHUC_CA_FILE, the client certificate's $TRITHUC_CERT and
// $TRITHUC_KEY (files, not secrets: their names may be printed), and the
// API key, $TRITHUC_TOKEN.
type clientFlags struct {
	server  string
	token   string
	tls     bool
	caFile  string
	cert    string
	key     string
	output  string
	timeout time.Duration
	// anonymous calls send no key, even one in $TRITHUC_TOKEN.
	anonymous bool
	// attempts is client.Options.MaxAttempts: 0 for the client's default.
	attempts int
	// serverCert, when set, is the one certificate the server may present
	// (health's check of the server it runs beside).
	serverCert string
	// envErr is a variable of the environment that could not be read.
	envErr error
	// dialOptions are added to the connection's (a watch's keepalive).
	dialOptions []grpc.DialOption
}

func (f *clientFlags) register(fs *flag.FlagSet) {
	def := os.Getenv("TRITHUC_SERVER")
	if def == "" {
		def = client.DefaultAddr
	}
	fs.StringVar(&f.server, "server", def, "the server's gRPC `address` ($TRITHUC_SERVER)")
	// The key's default is read from the environment only when dialling:
	// a flag's default is printed in every help and usage text, and a
	// secret must never be.
	fs.StringVar(&f.token, "token", "", "an API `key` (default $TRITHUC_TOKEN)")
	useTLS := false
	if v, ok := os.LookupEnv("TRITHUC_TLS"); ok && v != "" {
		var err error
		if useTLS, err = strconv.ParseBool(v); err != nil {
			f.envErr = usageError(fmt.Sprintf("$TRITHUC_TLS=%q: want true or false", v))
		}
	}
	fs.BoolVar(&f.tls, "tls", useTLS, "connect with TLS ($TRITHUC_TLS)")
	fs.StringVar(&f.caFile, "ca-file", os.Getenv("TRITHUC_CA_FILE"), "trust the server certificates this PEM `file` signs (implies --tls; $TRITHUC_CA_FILE)")
	fs.StringVar(&f.cert, "cert", os.Getenv("TRITHUC_CERT"), "authenticate with the client certificate in this PEM `file`, instead of a key (with --key; implies --tls; $TRITHUC_CERT)")
	fs.StringVar(&f.key, "key", os.Getenv("TRITHUC_KEY"), "the PEM private key `file` of --cert ($TRITHUC_KEY)")
	fs.StringVar(&f.output, "output", "json", "print results as `json`, table or csv (a list's items, one a line)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on a call after this `duration`")
}

// tlsChosen reports whether the flags or the environment ask for TLS.
// checkOutput refuses an --output the command does not print: it prints
// json, table, and the forms listed in more.
func (f *clientFlags) checkOutput(more ...string) error {
	forms := append([]string{"json", "table"}, more...)
	if slices.Contains(forms, f.output) {
		return nil
	}
	if len(more) == 0 {
		return usageError("--output must be json or table")
	}
	return usageError("--output must be " + strings.Join(forms[:len(forms)-1], ", ") + " or " + forms[len(forms)-1])
}

func (f *clientFlags) tlsChosen() bool {
	return f.tls || f.caFile != "" || f.cert != ""
}

func (f *clientFlags) dial() (*client.Client, error) {
	if f.envErr != nil {
		return nil, f.envErr
	}
	if err := f.checkServer(); err != nil {
		return nil, err
	}
	if f.timeout <= 0 {
		// Every call would fail at once, as DEADLINE_EXCEEDED.
		return nil, usageError(fmt.Sprintf("--timeout must be positive (e.g. 30s, the default), got %s", f.timeout))
	}
	switch {
	case f.anonymous:
		f.token = ""
	case f.token == "":
		f.token = os.Getenv("TRITHUC_TOKEN")
	}
	o := client.Options{Token: f.token, MaxAttempts: f.attempts, DialOptions: f.dialOptions}
	if (f.cert == "") != (f.key == "") {
		return nil, usageError("--cert and --key go together")
	}
	if f.cert != "" && f.token != "" {
		// A call with two credentials is refused: the certificate wins.
		o.Token = ""
	}
	switch {
	case f.tlsChosen():
		o.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
		if f.cert != "" {
			cert, err := tls.LoadX509KeyPair(f.cert, f.key)
			if err != nil {
				return nil, err
			}
			o.TLS.Certificates = []tls.Certificate{cert}
		}
		if f.caFile != "" {
			pem, err := os.ReadFile(f.caFile)
			if err != nil {
				return nil, err
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%s holds no PEM certificate", f.caFile)
			}
			o.TLS.RootCAs = pool
		}
	case f.serverCert != "":
		var err error
		if o.TLS, err = trustOnly(f.serverCert); err != nil {
			return nil, err
		}
	}
	return client.Dial(f.server, o)
}

// trustOnly is a TLS configuration that accepts the one certificate, the
// first in the PEM file certFile, whatever names it holds: a server's own
// certificate is issued for the names its clients use, which the address
// of a check beside it (127.0.0.1) need not be among.
func trustOnly(certFile string) (*tls.Config, error) {
	b, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s holds no PEM certificate", certFile)
	}
	want := block.Bytes
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The name and chain checks are replaced by the comparison below.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, want) {
				return errors.New("the server's certificate is not the one in " + certFile)
			}
			if now := time.Now(); now.After(cs.PeerCertificates[0].NotAfter) {
				return fmt.Errorf("the server's certificate %s expired at %s", certFile, cs.PeerCertificates[0].NotAfter.Format(time.RFC3339))
			}
			return nil
		},
	}, nil
}

// checkServer refuses a --server that is not HOST:PORT: gRPC would dial
// port 443 of a bare host, and tell of it as a failure to connect. A
// target with a scheme (dns:///, unix:, unix-abstract:) is gRPC's to read.
func (f *clientFlags) checkServer() error {
	if strings.Contains(f.server, ":///") || strings.HasPrefix(f.server, "unix") {
		return nil
	}
	if _, port, err := net.SplitHostPort(f.server); err != nil || port == "" {
		return usageError(fmt.Sprintf("--server %q: want HOST:PORT, the server's gRPC address (e.g. %s)", f.server, client.DefaultAddr))
	}
	return nil
}

// explainConnection adds to a failure to connect what an operator most
// likely got wrong: gRPC's own words for a plaintext client meeting a TLS
// server ("error reading server preface: EOF") or the reverse do not say
// so.
func explainConnection(err error) error {
	if err == nil {
		return nil
	}
	switch msg := err.Error(); {
	// The TLS server closes the connection on the client's first bytes:
	// the client reads EOF, or a reset when the close races its preface.
	case strings.Contains(msg, "error reading server preface: EOF"),
		strings.Contains(msg, "error reading server preface:") && strings.Contains(msg, "connection reset by peer"):
		return fmt.Errorf("%w\n(the server closed the connection before it spoke: if it serves TLS, connect with --tls, or --ca-file CA.pem for a private CA, or $TRITHUC_TLS=true)", err)
	case strings.Contains(msg, "looked like an HTTP/1.1 header"):
		return fmt.Errorf("%w\n(the address answers HTTP/1.1, not gRPC: it is likely the REST port, serve's --http-addr; --server takes the gRPC port, serve's --grpc-addr, "+client.DefaultAddr+" by default)", err)
	case strings.Contains(msg, "first record does not look like a TLS handshake"):
		return fmt.Errorf("%w\n(the server does not serve TLS: connect without --tls, --ca-file and --cert, and without $TRITHUC_TLS, $TRITHUC_CA_FILE and $TRITHUC_CERT)", err)
	}
	return err
}
