package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"os"
	"time"

	"trithuc.gov.vn/trithuc/client"
)

// clientFlags are the flags every collection command takes.
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
	fs.BoolVar(&f.tls, "tls", false, "connect with TLS")
	fs.StringVar(&f.caFile, "ca-file", "", "trust the server certificates this PEM `file` signs (implies --tls)")
	fs.StringVar(&f.cert, "cert", "", "authenticate with the client certificate in this PEM `file`, instead of a key (with --key; implies --tls)")
	fs.StringVar(&f.key, "key", "", "the PEM private key `file` of --cert")
	fs.StringVar(&f.output, "output", "json", "print results as `json`, table or csv (a list's items, one a line)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up on a call after this `duration`")
}

func (f *clientFlags) dial() (*client.Client, error) {
	switch {
	case f.anonymous:
		f.token = ""
	case f.token == "":
		f.token = os.Getenv("TRITHUC_TOKEN")
	}
	o := client.Options{Token: f.token, MaxAttempts: f.attempts}
	if (f.cert == "") != (f.key == "") {
		return nil, usageError("--cert and --key go together")
	}
	if f.cert != "" && f.token != "" {
		// A call with two credentials is refused: the certificate wins.
		o.Token = ""
	}
	if f.tls || f.caFile != "" || f.cert != "" {
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
	}
	return client.Dial(f.server, o)
}

