package main

import (
	"errors"
	"strings"
	"testing"
)

// A plaintext client meeting a TLS server reads EOF, or a reset when the
// server's close races the client's preface (seen once in a full run of
// TestServeTLSAndClientCertificates): both are told to connect with TLS.
func TestExplainConnection(t *testing.T) {
	for _, tc := range []struct {
		err, want string
	}{
		{`rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: EOF"`, "connect with --tls"},
		{`rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: connection reset by peer"`, "connect with --tls"},
		{`rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: read tcp 127.0.0.1:5->127.0.0.1:6: read: connection reset by peer"`, "connect with --tls"},
		{`rpc error: code = Unavailable desc = connection error: desc = "error reading server preface: http2: frame too large (looked like an HTTP/1.1 header)"`, "the REST port"},
		{`transport: authentication handshake failed: tls: first record does not look like a TLS handshake`, "does not serve TLS"},
		{`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"`, ""},
	} {
		got := explainConnection(errors.New(tc.err)).Error()
		if tc.want == "" {
			if got != tc.err {
				t.Errorf("%s: explained as %q, want it as it is", tc.err, got)
			}
			continue
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: explained as %q, want %q", tc.err, got, tc.want)
		}
	}
}
