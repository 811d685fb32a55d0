package server

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The tests' client connects from 127.0.0.1: trusting it makes the test
// the proxy.
func trustLoopback(c *Config) {
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
}

// restFrom sends a REST request with key whose header (a proxy header)
// has value, and returns the answer's status and request id.
func (e *env) restFrom(header, value, key, method, path, body string) (int, string) {
	e.t.Helper()
	var r *strings.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	var req *http.Request
	var err error
	if r != nil {
		req, err = http.NewRequest(method, e.base+path, r)
	} else {
		req, err = http.NewRequest(method, e.base+path, nil)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	if value != "" {
		req.Header.Set(header, value)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("X-Request-Id")
}

// grpcFrom calls ListPeople over a connection of its own with key and
// header (a proxy header, as metadata) set to value.
func (e *env) grpcFrom(header, value, key string) error {
	e.t.Helper()
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		e.t.Fatal(err)
	}
	defer conn.Close()
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+key, header, value)
	_, err = pb.NewPersonServiceClient(conn).ListPeople(ctx, &pb.ListPeopleRequest{})
	return err
}

// exhaustREST makes calls with a made-up key from value until they are
// RESOURCE_EXHAUSTED.
func (e *env) exhaustREST(header, value string) {
	e.t.Helper()
	for i := 0; i < authFailureBurst+20; i++ {
		code, _ := e.restFrom(header, value, "tt_wrong", "GET", "/v1/people", "")
		if code == http.StatusTooManyRequests {
			return
		}
	}
	e.t.Fatalf("calls with a made-up key from %q never got 429", value)
}

// TestProxiedAddressThrottle: behind a trusted proxy, calls without a
// valid credential are counted per address the proxy names, over REST
// (before and after the body gate) and gRPC: one client behind the proxy
// that exhausts its allowance does not throttle another.
func TestProxiedAddressThrottle(t *testing.T) {
	e := newEnvWith(t, trustLoopback)
	e.exhaustREST("X-Forwarded-For", "203.0.113.1")
	if code, _ := e.restFrom("X-Forwarded-For", "203.0.113.1", "tt_wrong", "POST", "/v1/people", "{}"); code != http.StatusTooManyRequests {
		t.Errorf("the throttled client's POST: HTTP %d, want 429", code)
	}
	// Another client behind the same proxy, and one whose own header
	// claimed the first client's address (the proxy appends the real one).
	for _, from := range []string{"203.0.113.2", "203.0.113.1, 203.0.113.3"} {
		if code, _ := e.restFrom("X-Forwarded-For", from, "tt_wrong", "GET", "/v1/people", ""); code != http.StatusUnauthorized {
			t.Errorf("GET from %s: HTTP %d, want 401", from, code)
		}
		if code, _ := e.restFrom("X-Forwarded-For", from, "tt_wrong", "POST", "/v1/people", "{}"); code != http.StatusUnauthorized {
			t.Errorf("POST from %s: HTTP %d, want 401", from, code)
		}
	}
	if !strings.Contains(e.logs.String(), "client=203.0.113.1 ") {
		t.Errorf("the log does not name the throttled client 203.0.113.1:\n%s", e.logs)
	}

	// gRPC through a proxy (nginx's grpc_pass with grpc_set_header
	// X-Forwarded-For): the metadata names the client.
	var err error
	for i := 0; i < authFailureBurst+20 && status.Code(err) != codes.ResourceExhausted; i++ {
		err = e.grpcFrom("x-forwarded-for", "2001:db8:1::1", "tt_wrong")
	}
	wantCode(t, err, codes.ResourceExhausted)
	wantCode(t, e.grpcFrom("x-forwarded-for", "2001:db8:2::1", "tt_wrong"), codes.Unauthenticated)
}

// TestSpoofedForwardedFor: a header from a client that is not a trusted
// proxy changes nothing, nor does the header a trusted proxy does not
// write: the throttle counts the connection's address, and the audit
// trail records it.
func TestSpoofedForwardedFor(t *testing.T) {
	for _, tt := range []struct {
		name      string
		configure func(*Config)
		header    string
		value     func(i int) string
	}{
		{"NoTrustedProxies", nil, "X-Forwarded-For", func(i int) string { return "203.0.113." + string(rune('1'+i)) }},
		{"OtherTrustedProxies", func(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} },
			"X-Forwarded-For", func(i int) string { return "203.0.113." + string(rune('1'+i)) }},
		{"HeaderTheProxyDoesNotWrite", trustLoopback, "Forwarded", func(i int) string { return "for=203.0.113." + string(rune('1'+i)) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvWith(t, tt.configure)
			// The admin key is known live before the address is throttled.
			if code, _ := e.restFrom(tt.header, "", e.token, "GET", "/v1/people", ""); code != http.StatusOK {
				t.Fatalf("GET with the admin key: HTTP %d", code)
			}
			e.exhaustREST(tt.header, tt.value(0))
			if code, _ := e.restFrom(tt.header, tt.value(1), "tt_wrong", "GET", "/v1/people", ""); code != http.StatusTooManyRequests {
				t.Errorf("GET naming another address: HTTP %d, want 429", code)
			}
			if code, _ := e.restFrom(tt.header, tt.value(2), "tt_wrong", "POST", "/v1/people", "{}"); code != http.StatusTooManyRequests {
				t.Errorf("POST naming another address: HTTP %d, want 429", code)
			}
			wantCode(t, e.grpcFrom(strings.ToLower(tt.header), tt.value(3), "tt_wrong"), codes.ResourceExhausted)
			_, rid := e.restFrom(tt.header, tt.value(4), e.token, "GET", "/v1/people", "")
			e.srv.audit.flush()
			if ev := byRequestID(t, e.db, rid); ev == nil || ev.ClientAddress != "127.0.0.1" {
				t.Errorf("audit event %+v, want client_address 127.0.0.1", ev)
			}
		})
	}
}

// TestAuditForwardedAddress: the audit trail records the address a
// trusted proxy names, over REST and gRPC, from either header; a
// malformed header records the proxy's address and is logged, once a
// minute.
func TestAuditForwardedAddress(t *testing.T) {
	forwarded := func(c *Config) { trustLoopback(c); c.ProxyHeader = HeaderForwarded }
	for _, tt := range []struct {
		name      string
		configure func(*Config)
		header    string
		value     string
		want      string
	}{
		{"OKForwardedFor", trustLoopback, "X-Forwarded-For", "198.51.100.20", "198.51.100.20"},
		{"OKChainOfProxies", trustLoopback, "X-Forwarded-For", "192.0.2.1, 198.51.100.20, 127.0.0.1", "198.51.100.20"},
		{"OKIPv6", trustLoopback, "X-Forwarded-For", "[2001:db8::5]:4711", "2001:db8::5"},
		{"OKForwarded", forwarded, "Forwarded", `for="[2001:db8::7]:4711";proto=https, for=127.0.0.1`, "2001:db8::7"},
		{"ErrMalformed", trustLoopback, "X-Forwarded-For", "198.51.100.20, bogus", "127.0.0.1"},
		{"ErrForwardedUnknown", forwarded, "Forwarded", "for=unknown", "127.0.0.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnvWith(t, tt.configure)
			_, rid := e.restFrom(tt.header, tt.value, e.token, "GET", "/v1/people", "")
			var md metadata.MD
			ctx := metadata.AppendToOutgoingContext(context.Background(), strings.ToLower(tt.header), tt.value)
			if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{}, grpc.Header(&md)); err != nil {
				t.Fatal(err)
			}
			e.srv.audit.flush()
			for transport, id := range map[string]string{"rest": rid, "grpc": requestID(t, md)} {
				if ev := byRequestID(t, e.db, id); ev == nil || ev.ClientAddress != tt.want {
					t.Errorf("%s: audit event %+v, want client_address %s", transport, ev, tt.want)
				}
			}
			warnings := strings.Count(e.logs.String(), "names no client address")
			if wantWarnings := map[bool]int{true: 0, false: 1}[tt.want != "127.0.0.1"]; warnings != wantWarnings {
				t.Errorf("%d warnings of a malformed header, want %d:\n%s", warnings, wantWarnings, e.logs)
			}
		})
	}
}

var testProxies = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.1/32"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("fd00::/8"),
}

func TestForwardedClient(t *testing.T) {
	const proxy = "127.0.0.1:40000"
	for _, tt := range []struct {
		name      string
		trusted   []netip.Prefix
		forwarded bool
		peer      string
		values    []string
		want      string
		wantErr   bool
	}{
		{name: "OKNoTrustedProxies", peer: proxy, values: []string{"203.0.113.7"}, want: "127.0.0.1"},
		{name: "OKUntrustedPeer", peer: "198.51.100.1:5000", values: []string{"203.0.113.7"}, want: "198.51.100.1"},
		{name: "OKUntrustedPeerMalformed", peer: "198.51.100.1:5000", values: []string{"bogus"}, want: "198.51.100.1"},
		{name: "OKNoHeader", peer: proxy, want: "127.0.0.1"},
		{name: "OKEmptyHeader", peer: proxy, values: []string{" , "}, want: "127.0.0.1"},
		{name: "OKOneHop", peer: proxy, values: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKClientClaimIgnored", peer: proxy, values: []string{"6.6.6.6, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKClientGarbageIgnored", peer: proxy, values: []string{"<script>, \"x, 203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKChainOfProxies", peer: proxy, values: []string{"6.6.6.6, 203.0.113.7, 10.1.2.3,fd00::9"}, want: "203.0.113.7"},
		{name: "OKLinesAreOneList", peer: proxy, values: []string{"6.6.6.6", "203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKAllTrusted", peer: proxy, values: []string{"10.0.0.1, 10.0.0.2"}, want: "10.0.0.1"},
		{name: "OKPort", peer: proxy, values: []string{"203.0.113.7:4711"}, want: "203.0.113.7"},
		{name: "OKIPv6", peer: proxy, values: []string{"2001:DB8::1"}, want: "2001:db8::1"},
		{name: "OKIPv6Port", peer: proxy, values: []string{"[2001:db8::1]:4711"}, want: "2001:db8::1"},
		{name: "OKIPv6Bracketed", peer: proxy, values: []string{"[2001:db8::1]"}, want: "2001:db8::1"},
		{name: "OKIPv6Zone", peer: proxy, values: []string{"fe80::1%eth0"}, want: "fe80::1"},
		{name: "OKMappedIPv4", peer: proxy, values: []string{"::ffff:203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKMappedTrustedPeer", peer: "[::ffff:10.0.0.3]:80", values: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKIPv6Peer", peer: "[fd00::1]:80", values: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKPeerWithoutPort", peer: "10.0.0.3", values: []string{"203.0.113.7"}, want: "203.0.113.7"},
		{name: "ErrRightMostGarbage", peer: proxy, values: []string{"203.0.113.7, bogus"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrHostName", peer: proxy, values: []string{"client.example.vn"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrGarbageBehindTrusted", peer: proxy, values: []string{"bogus, 10.0.0.1"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrForwardedSyntaxInXFF", peer: proxy, values: []string{"for=203.0.113.7"}, want: "127.0.0.1", wantErr: true},

		{name: "OKForwarded", forwarded: true, peer: proxy, values: []string{"for=203.0.113.7;proto=https;by=10.0.0.1"}, want: "203.0.113.7"},
		{name: "OKForwardedCase", forwarded: true, peer: proxy, values: []string{"For=203.0.113.7"}, want: "203.0.113.7"},
		{name: "OKForwardedQuoted", forwarded: true, peer: proxy, values: []string{`for="[2001:db8:cafe::17]:4711"`}, want: "2001:db8:cafe::17"},
		{name: "OKForwardedChain", forwarded: true, peer: proxy, values: []string{"for=6.6.6.6, for=203.0.113.7, for=10.0.0.2;proto=http"}, want: "203.0.113.7"},
		{name: "OKForwardedClientGarbageIgnored", forwarded: true, peer: proxy, values: []string{`for="oops`, "for=203.0.113.7"}, want: "203.0.113.7"},
		{name: "ErrForwardedUnknown", forwarded: true, peer: proxy, values: []string{"for=unknown"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrForwardedObfuscated", forwarded: true, peer: proxy, values: []string{"for=_hidden"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrForwardedNoFor", forwarded: true, peer: proxy, values: []string{"proto=https;by=10.0.0.1"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrForwardedForTwice", forwarded: true, peer: proxy, values: []string{"for=203.0.113.7;for=203.0.113.8"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrForwardedUnclosedQuote", forwarded: true, peer: proxy, values: []string{`for="203.0.113.7`}, want: "127.0.0.1", wantErr: true},
		{name: "ErrForwardedNoValue", forwarded: true, peer: proxy, values: []string{"for"}, want: "127.0.0.1", wantErr: true},
		{name: "ErrXFFSyntaxInForwarded", forwarded: true, peer: proxy, values: []string{"203.0.113.7"}, want: "127.0.0.1", wantErr: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			trusted := tt.trusted
			if trusted == nil && tt.name != "OKNoTrustedProxies" {
				trusted = testProxies
			}
			got, err := forwardedClient(trusted, tt.forwarded, tt.peer, tt.values)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("forwardedClient(%q) = %q, %v; want %q, error %v", tt.values, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		name, list string
		want       []string
		wantErr    string
	}{
		{name: "OKEmpty", list: ""},
		{name: "OKList", list: " 10.0.0.5, 10.1.0.0/24,,fd00::/8 ", want: []string{"10.0.0.5/32", "10.1.0.0/24", "fd00::/8"}},
		{name: "OKIPv6Address", list: "2001:db8::1", want: []string{"2001:db8::1/128"}},
		{name: "OKMapped", list: "::ffff:10.0.0.5", want: []string{"10.0.0.5/32"}},
		{name: "OKMappedPrefix", list: "::ffff:10.0.0.0/104", want: []string{"10.0.0.0/8"}},
		{name: "ErrHostName", list: "proxy.example.vn", wantErr: `"proxy.example.vn" is not an IP address or CIDR prefix`},
		{name: "ErrBadPrefix", list: "10.0.0.0/33", wantErr: `"10.0.0.0/33" is not a CIDR prefix`},
		{name: "ErrHostBits", list: "10.0.0.5/24", wantErr: "write 10.0.0.0/24"},
		{name: "ErrSpaceSeparated", list: "10.0.0.5 10.0.0.6", wantErr: "is not an IP address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTrustedProxies(tt.list)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, p := range got {
				s = append(s, p.String())
			}
			if strings.Join(s, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", s, tt.want)
			}
		})
	}
}

// FuzzForwardedClient: whatever the header, the answer is the peer's
// host or an address the header names; it is the peer's host when the
// peer is not trusted or the header is malformed; and what a client puts
// before the hops the proxies added never changes it.
func FuzzForwardedClient(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "6.6.6.6, 203.0.113.7, 10.0.0.1", "[2001:db8::1]:4711", "for=203.0.113.7;proto=https",
		`for="[2001:db8::1]:4711", for=10.0.0.2`, "for=unknown", `for="x`, ",,", "fe80::1%eth0"} {
		f.Add(s, "6.6.6.6, ", false, "127.0.0.1:5000")
		f.Add(s, `for="`, true, "10.9.9.9:80")
		f.Add(s, "", true, "198.51.100.1:5000")
	}
	f.Fuzz(func(t *testing.T, header, prefix string, forwarded bool, peer string) {
		host := hostOf(peer)
		got, err := forwardedClient(testProxies, forwarded, peer, []string{header})
		if err != nil && got != host {
			t.Fatalf("malformed %q answered %q, want the peer's host %q", header, got, host)
		}
		if a, perr := netip.ParseAddr(host); perr != nil || !trusts(testProxies, a.Unmap().WithZone("")) {
			if got != host || err != nil {
				t.Fatalf("untrusted peer %q: got %q, %v", peer, got, err)
			}
			return
		}
		if got != host {
			a, perr := netip.ParseAddr(got)
			if perr != nil || a.String() != got {
				t.Fatalf("answer %q is not an address in canonical form", got)
			}
			if err == nil && !trusts(testProxies, a) {
				// A client's own claims, before the hop the proxy added,
				// change nothing.
				again, err2 := forwardedClient(testProxies, forwarded, peer, []string{prefix + "," + header})
				if again != got || err2 != nil {
					t.Fatalf("prefix %q changed the answer for %q: %q, %v; was %q", prefix, header, again, err2, got)
				}
			}
		}
	})
}

// FuzzParseTrustedProxies: a list is refused or read into prefixes
// without host bits, never a panic.
func FuzzParseTrustedProxies(f *testing.F) {
	for _, s := range []string{"10.0.0.5,10.1.0.0/24", "fd00::/8", "10.0.0.5/24", "::ffff:10.0.0.0/104", "fe80::1%eth0", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		got, err := ParseTrustedProxies(list)
		if err != nil {
			return
		}
		for _, p := range got {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("%q gave %v", list, p)
			}
		}
	})
}

// A refusal that says when to try again (a RetryInfo) says it over REST
// in Retry-After too, which HTTP clients and proxies read.
func TestRetryAfterHeader(t *testing.T) {
	e := newEnv(t)
	var resp *http.Response
	for i := 0; i < authFailureBurst+20; i++ {
		req, err := http.NewRequest("GET", e.base+"/v1/people", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer tt_wrong")
		if resp, err = e.http.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("calls with a made-up key never got 429 (last HTTP %d)", resp.StatusCode)
	}
	if s := resp.Header.Get("Retry-After"); s == "" || s == "0" {
		t.Errorf("a throttled call's Retry-After is %q, want the RetryInfo's seconds", s)
	}
}
