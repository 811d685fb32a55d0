package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// pki is a certificate authority made for the tests, with a server
// certificate for 127.0.0.1 and client certificates, and a second CA the
// server does not trust.
type pki struct {
	ca, otherCA     *x509.Certificate
	server          tls.Certificate
	hrSync          tls.Certificate // CN=hr-sync,O=Sở Nội vụ: mapped to service
	unmapped        tls.Certificate // CN=stranger,O=Sở Nội vụ: no role
	untrusted       tls.Certificate // CN=hr-sync,O=Sở Nội vụ, by the other CA
	roles           *CertRoles
	hrSyncPrincipal string
}

var (
	testPKIOnce sync.Once
	testPKIVal  *pki
)

func testPKI(t *testing.T) *pki {
	t.Helper()
	testPKIOnce.Do(func() {
		p := &pki{}
		ca, caKey := newCA(t, "trithuc test CA")
		other, otherKey := newCA(t, "someone else's CA")
		p.ca, p.otherCA = ca, other
		p.server = issue(t, ca, caKey, pkix.Name{CommonName: "trithuc.test"}, true)
		hr := pkix.Name{CommonName: "hr-sync", Organization: []string{"Sở Nội vụ"}}
		p.hrSync = issue(t, ca, caKey, hr, false)
		p.unmapped = issue(t, ca, caKey, pkix.Name{CommonName: "stranger", Organization: []string{"Sở Nội vụ"}}, false)
		p.untrusted = issue(t, other, otherKey, hr, false)
		roles, err := ParseCertRoles(strings.NewReader("# role  subject\nservice  O=Sở Nội vụ, CN=hr-sync\n"))
		if err != nil {
			t.Fatal(err)
		}
		p.roles = roles
		p.hrSyncPrincipal = "cert:CN=hr-sync,O=Sở Nội vụ"
		testPKIVal = p
	})
	if testPKIVal == nil {
		t.Fatal("no test PKI")
	}
	return testPKIVal
}

func newCA(t *testing.T, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
}

func issue(t *testing.T, ca *x509.Certificate, caKey *ecdsa.PrivateKey, subject pkix.Name, server bool) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      subject,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}
}

// serverTLSConfig is the server's TLS: its certificate, and the test CA
// for client certificates.
func (p *pki) serverTLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(p.ca)
	return &tls.Config{Certificates: []tls.Certificate{p.server}, ClientCAs: pool}
}

// clientTLS trusts the test CA, and presents certs when given.
func (e *env) clientTLS(certs ...tls.Certificate) *tls.Config {
	p := testPKI(e.t)
	pool := x509.NewCertPool()
	pool.AddCert(p.ca)
	return &tls.Config{RootCAs: pool, Certificates: certs, MinVersion: tls.VersionTLS12}
}

func newTLSEnv(t *testing.T) *env {
	p := testPKI(t)
	return newEnvWith(t, func(c *Config) {
		c.TLS = p.serverTLSConfig()
		c.CertRoles = p.roles
	})
}

// dialTLS is a gRPC client over TLS with certs and, when token is set, a key.
func (e *env) dialTLS(token string, certs ...tls.Certificate) *client.Client {
	e.t.Helper()
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: token, TLS: e.clientTLS(certs...), MaxAttempts: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// httpsClient is an HTTPS client trusting the test CA, presenting certs.
func (e *env) httpsClient(certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: e.clientTLS(certs...)}}
}

func (e *env) restWith(hc *http.Client, token, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	saved := e.http
	e.http = hc
	defer func() { e.http = saved }()
	return e.restAs(token, method, path, body)
}

func TestTLS(t *testing.T) {
	e := newTLSEnv(t)
	ctx := context.Background()
	p := testPKI(t)
	person, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatalf("a key over TLS: %v", err)
	}

	t.Run("PlaintextRefused", func(t *testing.T) {
		c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: e.token, MaxAttempts: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err = c.People.ListPeople(cctx, &pb.ListPeopleRequest{})
		if err == nil {
			t.Fatal("a plaintext gRPC call to the TLS port succeeded")
		}
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + e.srv.HTTPAddr() + "/v1/people")
		if err == nil {
			defer resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Fatal("a plaintext REST call to the TLS port succeeded")
			}
		}
	})

	t.Run("RESTWithKey", func(t *testing.T) {
		code, body := e.rest("GET", "/v1/"+person.Name, nil)
		if code != http.StatusOK || body["nationalId"] != person.NationalId {
			t.Fatalf("HTTPS with an admin key: HTTP %d %v", code, body)
		}
	})

	t.Run("ClientCertificate", func(t *testing.T) {
		c := e.dialTLS("", p.hrSync)
		got, err := c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person.Name})
		if err != nil {
			t.Fatalf("a mapped client certificate: %v", err)
		}
		if got.GivenName != person.GivenName || got.NationalId != "" {
			t.Errorf("the service role got %v; want the profile with personal data cleared", got)
		}
		_, err = c.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
		wantCode(t, err, codes.PermissionDenied)
	})

	t.Run("CertificateAndKey", func(t *testing.T) {
		c := e.dialTLS(e.token, p.hrSync)
		_, err := c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		wantCode(t, err, codes.Unauthenticated)
	})

	t.Run("UnmappedCertificate", func(t *testing.T) {
		c := e.dialTLS("", p.unmapped)
		_, err := c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		wantCode(t, err, codes.Unauthenticated)
		// The key still works beside a certificate the server does not map?
		// No: a verified certificate is a credential, so it is two.
		c = e.dialTLS(e.token, p.unmapped)
		_, err = c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		wantCode(t, err, codes.Unauthenticated)
	})

	t.Run("UntrustedCertificate", func(t *testing.T) {
		c := e.dialTLS("", p.untrusted)
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := c.People.ListPeople(cctx, &pb.ListPeopleRequest{})
		if err == nil {
			t.Fatal("a certificate from an untrusted CA was accepted")
		}
		code, _ := e.restWithErr(e.httpsClient(p.untrusted), "GET", "/v1/people")
		if code == http.StatusOK {
			t.Fatal("REST accepted a certificate from an untrusted CA")
		}
	})

	t.Run("RESTWithClientCertificate", func(t *testing.T) {
		hc := e.httpsClient(p.hrSync)
		code, body := e.restWith(hc, "", "GET", "/v1/"+person.Name, nil)
		if code != http.StatusOK || body["givenName"] != person.GivenName {
			t.Fatalf("REST with a client certificate: HTTP %d %v", code, body)
		}
		if _, ok := body["nationalId"]; ok {
			t.Errorf("the service role got the national ID over REST: %v", body)
		}
		code, body = e.restWith(hc, "", "POST", "/v1/people", map[string]any{"givenName": "X"})
		wantREST(t, code, body, http.StatusForbidden)
		code, body = e.restWith(hc, e.token, "GET", "/v1/people", nil)
		wantREST(t, code, body, http.StatusUnauthorized)
		code, body = e.restWith(e.httpsClient(p.unmapped), "", "GET", "/v1/people", nil)
		wantREST(t, code, body, http.StatusUnauthorized)
	})

	t.Run("Audited", func(t *testing.T) {
		e.srv.audit.flush()
		resp, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{Principal: p.hrSyncPrincipal})
		if err != nil {
			t.Fatal(err)
		}
		transports := map[string]bool{}
		for _, ev := range resp.AuditEvents {
			transports[ev.Transport] = true
			if ev.Role != RoleService || ev.PrincipalName != "CN=hr-sync,O=Sở Nội vụ" {
				t.Errorf("event %v", ev)
			}
		}
		if !transports["grpc"] || !transports["rest"] {
			t.Errorf("the certificate's calls over gRPC and REST are not all audited: %v", resp.AuditEvents)
		}
	})
}

// restWithErr makes a GET that may fail at the TLS handshake; it returns
// the HTTP status, or 0 when there was none.
func (e *env) restWithErr(hc *http.Client, method, path string) (int, error) {
	req, _ := http.NewRequest(method, e.base+path, nil)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func TestForgedIdentity(t *testing.T) {
	e := newTLSEnv(t)
	ctx := context.Background()
	p := testPKI(t)
	_, service := e.key(RoleService)
	forged := string(p.server.Leaf.RawSubject)

	// Over gRPC, the metadata that carries a REST client's certificate is
	// refused from anyone but the gateway.
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(credentials.NewTLS(e.clientTLS())))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	people := pb.NewPersonServiceClient(conn)
	for _, md := range [][]string{
		{certMetadata, forged},
		{certMetadata, forged, "authorization", "Bearer " + service},
	} {
		_, err := people.ListPeople(metadata.AppendToOutgoingContext(ctx, md...), &pb.ListPeopleRequest{})
		wantCode(t, err, codes.Unauthenticated)
	}

	// Over REST no header reaches the server as metadata: the caller is
	// who its key says.
	hc := e.httpsClient()
	for _, h := range []string{"X-Trithuc-Client-Cert-Bin", "Grpc-Metadata-X-Trithuc-Client-Cert-Bin", "X-Trithuc-Client-Cert"} {
		req, _ := http.NewRequest("POST", e.base+"/v1/people", strings.NewReader(`{"givenName": "X"}`))
		req.Header.Set(h, "MCAxHjAcBgNVBAMTFXRyaXRodWMudGVzdA")
		req.Header.Set("Authorization", "Bearer "+service)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: HTTP %d, want 403 for the service key", h, resp.StatusCode)
		}
		req, _ = http.NewRequest("GET", e.base+"/v1/people", nil)
		req.Header.Set(h, "MCAxHjAcBgNVBAMTFXRyaXRodWMudGVzdA")
		resp, err = hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a key: HTTP %d, want 401", h, resp.StatusCode)
		}
	}

	// A plaintext gRPC server does not trust the metadata either.
	e2 := newEnv(t)
	conn2, err := grpc.NewClient(e2.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	_, err = pb.NewPersonServiceClient(conn2).ListPeople(metadata.AppendToOutgoingContext(ctx, certMetadata, forged), &pb.ListPeopleRequest{})
	wantCode(t, err, codes.Unauthenticated)
}

func TestRefusesPlaintextBeyondLoopback(t *testing.T) {
	e := newEnv(t)
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "[::]:0"} {
		srv, err := New(e.db, Config{GRPCAddr: addr, HTTPAddr: "127.0.0.1:0"})
		if err != nil {
			t.Fatal(err)
		}
		err = srv.Start()
		if err == nil || !strings.Contains(err.Error(), "--insecure") {
			t.Errorf("%s without TLS: %v, want a refusal", addr, err)
			if err == nil {
				srv.Shutdown(context.Background())
			}
		}
		srv, _ = New(e.db, Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: addr})
		if err := srv.Start(); err == nil {
			t.Errorf("HTTP on %s without TLS was not refused", addr)
			srv.Shutdown(context.Background())
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		if err := checkListenAddr(context.Background(), addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	// Told to, or with TLS, it serves beyond loopback.
	for _, cfg := range []Config{
		{GRPCAddr: "0.0.0.0:0", HTTPAddr: "0.0.0.0:0", Insecure: true},
		{GRPCAddr: "0.0.0.0:0", HTTPAddr: "0.0.0.0:0", TLS: testPKI(t).serverTLSConfig()},
	} {
		srv, err := New(e.db, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Start(); err != nil {
			t.Errorf("%+v: %v", cfg, err)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		srv.Shutdown(ctx)
		cancel()
	}
}

func TestParseCertRoles(t *testing.T) {
	name := &pkix.Name{CommonName: "hr-sync", Organization: []string{"Sở Nội vụ"}, Country: []string{"VN"}}
	name.Names = []pkix.AttributeTypeAndValue{
		{Type: []int{2, 5, 4, 6}, Value: "VN"},
		{Type: []int{2, 5, 4, 10}, Value: "Sở Nội vụ"},
		{Type: []int{2, 5, 4, 3}, Value: "hr-sync"},
	}
	for _, tt := range []struct {
		file string
		role string // "" when the name must not match
	}{
		{"service CN=hr-sync,O=Sở Nội vụ,C=VN", RoleService},
		{"service   C=VN, O=Sở Nội vụ, CN=hr-sync", RoleService},
		{"admin cn=hr-sync,o=So\\cc\\9b\\cc\\89 Nội vụ,c=VN", RoleAdmin},          // hex escapes, NFD: the same name
		{"home_affairs 2.5.4.3=hr-sync+2.5.4.10=Sở Nội vụ+C=VN", RoleHomeAffairs}, // OIDs, '+'
		{"service CN=hr-sync,O=Sở Nội vụ", ""},                                    // fewer attributes: no match
		{"service CN=hr-sync,O=Sở Nội vụ,C=VN,OU=IT", ""},                         // more attributes: no match
		{"\n# comment\n\nservice CN=hr-sync,O=Sở Nội Vụ,C=VN", ""},                // values are exact
	} {
		cr, err := ParseCertRoles(strings.NewReader(tt.file))
		if err != nil {
			t.Errorf("%q: %v", tt.file, err)
			continue
		}
		role, ok := cr.role(name)
		if role != tt.role || ok != (tt.role != "") {
			t.Errorf("%q: role %q, %v; want %q", tt.file, role, ok, tt.role)
		}
	}
	for _, bad := range []string{
		"service",
		"king CN=x",
		"service CN",
		"service =x",
		"service XYZ=x",
		"service CN=a\nadmin CN=a",
	} {
		if _, err := ParseCertRoles(strings.NewReader(bad)); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

// --insecure lets the server listen beyond loopback without TLS, and it
// says so at every start, naming the address; loopback is not warned of.
func TestInsecureBeyondLoopbackIsLogged(t *testing.T) {
	e := newEnv(t)
	var log bytes.Buffer
	srv, err := New(e.db, Config{GRPCAddr: "0.0.0.0:0", HTTPAddr: "127.0.0.1:0", Insecure: true,
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	if !strings.Contains(log.String(), `level=WARN msg="serving without TLS on 0.0.0.0:0, which is not a loopback address (--insecure)`) {
		t.Errorf("no warning of plaintext beyond loopback:\n%s", log.String())
	}
	if strings.Contains(log.String(), "without TLS on 127.0.0.1") {
		t.Errorf("loopback was warned of:\n%s", log.String())
	}
}
