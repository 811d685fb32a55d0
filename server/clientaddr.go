package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/metadata"
)

// Behind a reverse proxy that terminates TLS (nginx), every connection
// comes from the proxy, and so would every call counted per client address
// (the throttle of calls without a valid credential, the console's sign-in
// limits) and every address the audit trail and the log record. The
// proxies named in Config.TrustedProxies are believed about the client
// they forward: clientAddress reads the address from the header the proxy
// writes (Config.ProxyHeader), and from nowhere else. Every consumer of a
// client address takes it from there.
//
// One header only, the one the proxy writes: a proxy passes on the other
// header as the client sent it (nginx's proxy_add_x_forwarded_for leaves
// a client's Forwarded alone), so reading "Forwarded, else
// X-Forwarded-For" would let a client name its own address.

// The headers a trusted proxy may name the client in.
const (
	HeaderXForwardedFor = "X-Forwarded-For"
	HeaderForwarded     = "Forwarded" // RFC 7239
)

// ParseTrustedProxies reads a comma-separated list of IP addresses and
// CIDR prefixes (10.0.0.5, 10.0.0.0/24, fd00::/8).
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR prefix; write an address and its prefix length, e.g. 10.0.0.0/24 or fd00::/8", s)
			}
			if p != p.Masked() {
				return nil, fmt.Errorf("%q has bits set past its prefix length; write %s (or the single address %s)", s, p.Masked(), p.Addr())
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				// Clients' addresses are compared unmapped.
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR prefix; write e.g. 10.0.0.5 or 10.0.0.0/24", s)
		}
		a = a.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// canonicalProxyHeader is the header name ProxyHeader names, in canonical
// form; X-Forwarded-For when empty.
func canonicalProxyHeader(h string) (string, error) {
	switch {
	case h == "" || strings.EqualFold(h, HeaderXForwardedFor):
		return HeaderXForwardedFor, nil
	case strings.EqualFold(h, HeaderForwarded):
		return HeaderForwarded, nil
	}
	return "", fmt.Errorf("proxy header %q: want %s or %s, the header the trusted proxies write", h, HeaderXForwardedFor, HeaderForwarded)
}

// proxyTrust is the server's trusted proxies and the header they write.
type proxyTrust struct {
	trusted []netip.Prefix
	header  string // canonical, HeaderXForwardedFor or HeaderForwarded

	mu  sync.Mutex
	log quietLog // malformed headers from trusted proxies
}

// clientAddress is the client address of a request that came from peer
// (host:port, or a host) carrying values, the lines of the proxy header:
// peer's host, unless peer is a trusted proxy whose header names another.
// It is the one place that decides who a request's client is.
func (s *Server) clientAddress(peer string, values []string) string {
	pt := s.proxies
	client, err := forwardedClient(pt.trusted, pt.header == HeaderForwarded, peer, values)
	if err != nil {
		pt.mu.Lock()
		quiet, skipped := pt.log.skip(time.Now())
		pt.mu.Unlock()
		if !quiet {
			s.log.Warn("a trusted proxy's "+pt.header+" header names no client address: the proxy's own address counts instead; check the proxy's configuration",
				"proxy", client, "err", err, "not_logged", skipped)
		}
	}
	return client
}

// httpClient is the client address of an HTTP request.
func (s *Server) httpClient(r *http.Request) string {
	return s.clientAddress(r.RemoteAddr, r.Header.Values(s.proxies.header))
}

// grpcClient is the client address of a gRPC call from the network, from
// its peer and its metadata (nginx's grpc_pass sends the header set with
// grpc_set_header as metadata).
func (s *Server) grpcClient(addr net.Addr, md metadata.MD) string {
	return s.clientAddress(addr.String(), md.Get(s.proxies.header))
}

// forwardedClient is the client address of a request from peer whose
// proxy header has the lines values (Forwarded when forwarded, else
// X-Forwarded-For). When peer is a trusted proxy, the header's hops are
// walked from the right, past those that are trusted proxies themselves,
// to the first that is not: the hops to its left are whatever the client
// sent, never believed, never even parsed (so that a client cannot make
// its own request malformed and be counted as the proxy). When every hop
// is trusted, the left-most is the client. A hop that must be read and
// cannot be is an error, and the answer is then peer's host.
func forwardedClient(trusted []netip.Prefix, forwarded bool, peer string, values []string) (string, error) {
	host := hostOf(peer)
	if len(trusted) == 0 {
		return host, nil
	}
	if a, err := netip.ParseAddr(host); err != nil || !trusts(trusted, a.Unmap().WithZone("")) {
		return host, nil
	}
	// The lines are one list (RFC 9110 5.3): a proxy appends a line of its
	// own or a hop to the last one. Quoted commas do not occur in a node
	// (RFC 7239 6): a hop split inside a quoted parameter is malformed
	// only if it must be read.
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	var client netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue // empty list elements are allowed, and mean nothing
		}
		node := hop
		if forwarded {
			var err error
			if node, err = forwardedFor(hop); err != nil {
				return host, err
			}
		}
		a, err := parseNode(node)
		if err != nil {
			return host, err
		}
		client = a
		if !trusts(trusted, a) {
			break
		}
	}
	if !client.IsValid() {
		return host, nil // no header: the proxy's own call (a health check)
	}
	return client.String(), nil
}

func trusts(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor is the node of the for parameter of a Forwarded element
// (RFC 7239 4: for=192.0.2.60;proto=http, for="[2001:db8::1]:4711").
func forwardedFor(element string) (string, error) {
	node, found := "", false
	for _, pair := range strings.Split(element, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return "", fmt.Errorf("Forwarded element %.64q: parameter %.32q has no value", element, pair)
		}
		if !strings.EqualFold(k, "for") {
			continue
		}
		if found {
			return "", fmt.Errorf("Forwarded element %.64q names for twice", element)
		}
		found = true
		if strings.HasPrefix(v, `"`) {
			if len(v) < 2 || !strings.HasSuffix(v, `"`) {
				return "", fmt.Errorf("Forwarded element %.64q: unclosed quote", element)
			}
			v = v[1 : len(v)-1]
		}
		node = v
	}
	if !found {
		return "", fmt.Errorf("Forwarded element %.64q has no for parameter", element)
	}
	return node, nil
}

// errNoAddress: a hop that names no address (Forwarded's "unknown" or an
// obfuscated identifier, or text that is no address).
var errNoAddress = errors.New("not an IP address")

// parseNode reads a hop's address: 192.0.2.60, 2001:db8::1, with a port
// (192.0.2.60:4711, [2001:db8::1]:4711), or bracketed ([2001:db8::1]).
func parseNode(node string) (netip.Addr, error) {
	a, err := netip.ParseAddr(node)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(node); perr == nil {
			a, err = ap.Addr(), nil
		} else if len(node) > 2 && node[0] == '[' && node[len(node)-1] == ']' {
			a, err = netip.ParseAddr(node[1 : len(node)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, fmt.Errorf("hop %.64q: %w", node, errNoAddress)
	}
	return a.Unmap().WithZone(""), nil
}
