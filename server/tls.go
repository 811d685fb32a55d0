package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/console"
	"trithuc.gov.vn/trithuc/vntext"
)

// Transport security: TLS on both ports, client certificates (mTLS) as a
// credential for internal services, and the refusal to serve in plaintext
// on anything but loopback.

// LoadTLS reads the server's certificate and key (PEM files), and, when
// clientCAFile is given, the CA certificates that client certificates must
// chain to. Clients without a certificate may still connect and use an API
// key; a client that presents one must present a valid one. The server
// takes a renewed certificate and key from the same files while it runs
// (tlsreload.go); a certificate that has expired or soon will is logged.
func LoadTLS(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	if certFile == "" || keyFile == "" {
		return nil, errors.New("TLS needs both a certificate and its key")
	}
	certs, err := newCertReloader(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	warnExpiry(certFile, certs.cert)
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: certs.getCertificate}
	if clientCAFile != "" {
		pem, err := os.ReadFile(clientCAFile)
		if err != nil {
			return nil, fmt.Errorf("client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client CA: %s holds no PEM certificate", clientCAFile)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return cfg, nil
}

// serverTLS is cfg as the server uses it: client certificates are verified
// when cfg has client CAs.
func serverTLS(cfg *tls.Config) *tls.Config {
	c := cfg.Clone()
	if c.MinVersion == 0 {
		c.MinVersion = tls.VersionTLS12
	}
	if c.ClientCAs != nil && c.ClientAuth == tls.NoClientCert {
		c.ClientAuth = tls.VerifyClientCertIfGiven
	}
	return c
}

// networkOnlyTLS is TLS on the network listeners and none on the in-memory
// one that the REST gateway dials: that connection never leaves the
// process.
type networkOnlyTLS struct {
	credentials.TransportCredentials
}

func (c networkOnlyTLS) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	if conn.LocalAddr().Network() == internalNetwork {
		return insecure.NewCredentials().ServerHandshake(conn)
	}
	return c.TransportCredentials.ServerHandshake(conn)
}

func (c networkOnlyTLS) Clone() credentials.TransportCredentials {
	return networkOnlyTLS{c.TransportCredentials.Clone()}
}

// checkListenAddr refuses an address other than loopback, where keys and
// personal data would cross the network in clear text.
func checkListenAddr(ctx context.Context, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	refuse := fmt.Errorf("refusing to serve without TLS on %s, which is not a loopback address: give a certificate (--tls-cert and --tls-key), or --insecure to serve in plaintext anyway", addr)
	switch {
	case host == "":
		return refuse
	case strings.EqualFold(host, "localhost"):
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
		return refuse
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return fmt.Errorf("resolving %s: %w", host, err)
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return refuse
		}
	}
	if len(ips) == 0 {
		return refuse
	}
	return nil
}

// certMetadata carries the subject (DER) of the client certificate that the
// HTTPS server verified from the gateway to the gRPC server. The server
// trusts it only on calls from the gateway's in-memory connection, and
// refuses a call from the network that sends it.
const certMetadata = "x-trithuc-client-cert-bin"

// gatewayMetadata passes the REST client's address (clientaddr.go) and
// verified certificate on to the gRPC server. No HTTP header can set
// either: the gateway forwards none (incomingHeader).
func (s *Server) gatewayMetadata(_ context.Context, r *http.Request) metadata.MD {
	md := metadata.MD{console.ClientMetadata: {s.httpClient(r)}}
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return md
	}
	md.Append(certMetadata, string(r.TLS.VerifiedChains[0][0].RawSubject))
	return md
}

// gatewayAnnotations is all the metadata the gateway adds to a REST call
// (gatewayMetadata, ifMatchAnnotator, invalidTextMetadata), in one
// annotator: the gateway joins each annotator's metadata into a new map.
func (s *Server) gatewayAnnotations(ctx context.Context, r *http.Request) metadata.MD {
	md := s.gatewayMetadata(ctx, r)
	for _, more := range []metadata.MD{ifMatchAnnotator(ctx, r), invalidTextMetadata(ctx, r)} {
		for k, v := range more {
			md[k] = append(md[k], v...)
		}
	}
	return md
}

// clientCertificate returns the subject of the call's verified client
// certificate, or nil when it has none.
func (s *Server) clientCertificate(ctx context.Context, c *call, md metadata.MD) (*pkix.Name, error) {
	forwarded := md.Get(certMetadata)
	if c.rest {
		switch len(forwarded) {
		case 0:
			return nil, nil
		case 1:
			var rdn pkix.RDNSequence
			if rest, err := asn1.Unmarshal([]byte(forwarded[0]), &rdn); err != nil || len(rest) > 0 {
				return nil, status.Error(codes.Unauthenticated, "the client certificate's subject cannot be read")
			}
			var name pkix.Name
			name.FillFromRDNSequence(&rdn)
			return &name, nil
		}
		return nil, status.Error(codes.Unauthenticated, "more than one client certificate")
	}
	if len(forwarded) > 0 {
		return nil, status.Errorf(codes.Unauthenticated, "metadata %s is the server's own; a client may not send it", strings.TrimSuffix(certMetadata, "-bin"))
	}
	p, ok := peer.FromContext(ctx)
	if !ok {
		return nil, nil
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok || len(info.State.VerifiedChains) == 0 || len(info.State.VerifiedChains[0]) == 0 {
		return nil, nil
	}
	return &info.State.VerifiedChains[0][0].Subject, nil
}

// certPrincipal is the principal of a verified client certificate.
func (s *Server) certPrincipal(name *pkix.Name) (*Principal, error) {
	subject := name.String()
	role, ok := s.cfg.CertRoles.role(name)
	if !ok {
		return nil, status.Errorf(codes.Unauthenticated, "the client certificate %q has no role here; an administrator maps certificate subjects to roles (--cert-roles)", subject)
	}
	return &Principal{ID: "cert:" + subject, Name: subject, Role: role}, nil
}

// CertRoles maps client certificate subjects to roles.
type CertRoles struct {
	roles map[string]string // by canonical subject
}

// ParseCertRoles reads a mapping of certificate subjects to roles: one
// mapping a line, the role first, then the subject as a distinguished name
// (RFC 4514), for example
//
//	# role    certificate subject
//	service   CN=hr-sync,O=Sở Nội vụ tỉnh An Giang,C=VN
//
// A certificate matches a line when its subject has exactly the attributes
// the line gives, in any order. Blank lines and lines starting with # are
// ignored.
func ParseCertRoles(r io.Reader) (*CertRoles, error) {
	cr := &CertRoles{roles: map[string]string{}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		role, subject, ok := strings.Cut(line, " ")
		if !ok {
			role, subject, ok = strings.Cut(line, "\t")
		}
		subject = strings.TrimSpace(subject)
		if !ok || subject == "" {
			return nil, fmt.Errorf("line %d: want a role and a certificate subject, for example \"service CN=hr-sync,O=Sở Nội vụ\"", n)
		}
		if !ValidRole(role) {
			return nil, fmt.Errorf("line %d: unknown role %q; roles: %s", n, role, strings.Join(Roles, ", "))
		}
		attrs, err := parseDN(subject)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		key := canonicalDN(attrs)
		if prev, dup := cr.roles[key]; dup {
			return nil, fmt.Errorf("line %d: the subject %q is mapped twice (to %s and %s)", n, subject, prev, role)
		}
		cr.roles[key] = role
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return cr, nil
}

// LoadCertRoles reads the file ParseCertRoles describes.
func LoadCertRoles(path string) (*CertRoles, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr, err := ParseCertRoles(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cr, nil
}

// Len is how many subjects are mapped.
func (cr *CertRoles) Len() int {
	if cr == nil {
		return 0
	}
	return len(cr.roles)
}

func (cr *CertRoles) role(name *pkix.Name) (string, bool) {
	if cr == nil {
		return "", false
	}
	var attrs []string
	for _, atv := range name.Names {
		typ, ok := attributeNames[atv.Type.String()]
		if !ok {
			typ = atv.Type.String()
		}
		v, ok := atv.Value.(string)
		if !ok {
			v = fmt.Sprint(atv.Value)
		}
		attrs = append(attrs, typ+"="+vntext.NFC(v))
	}
	role, ok := cr.roles[canonicalDN(attrs)]
	return role, ok
}

// attributeNames are the short names of distinguished name attributes, by
// OID; others are written as their dotted OID.
var attributeNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.5":                    "SERIALNUMBER",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "STREET",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.17":                   "POSTALCODE",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.2.840.113549.1.9.1":       "EMAILADDRESS",
}

func canonicalDN(attrs []string) string {
	s := slices.Clone(attrs)
	slices.Sort(s)
	return strings.Join(s, "\x00")
}

// parseDN reads a distinguished name as RFC 4514 writes it, into
// "TYPE=value" attributes: TYPE in capitals, value unescaped and in NFC.
func parseDN(dn string) ([]string, error) {
	var attrs []string
	var typ, val strings.Builder
	inValue := false
	end := func() error {
		t := strings.ToUpper(strings.TrimSpace(typ.String()))
		v := strings.TrimSpace(val.String())
		if t == "" || !inValue {
			return fmt.Errorf("%q is not a distinguished name: want TYPE=value pairs separated by commas, for example CN=hr-sync,O=Sở Nội vụ", dn)
		}
		t, ok := attributeType(t)
		if !ok {
			return fmt.Errorf("unknown attribute type %q in %q; use CN, O, OU, L, ST, C, SERIALNUMBER, UID, DC or a dotted OID", t, dn)
		}
		attrs = append(attrs, t+"="+vntext.NFC(v))
		typ.Reset()
		val.Reset()
		inValue = false
		return nil
	}
	for i := 0; i < len(dn); i++ {
		ch := dn[i]
		switch {
		case ch == '\\' && i+1 < len(dn):
			if i+2 < len(dn) && isHex(dn[i+1]) && isHex(dn[i+2]) {
				b, _ := hex.DecodeString(dn[i+1 : i+3])
				val.Write(b)
				i += 2
			} else {
				val.WriteByte(dn[i+1])
				i++
			}
		case ch == '=' && !inValue:
			inValue = true
		case (ch == ',' || ch == '+') && inValue:
			if err := end(); err != nil {
				return nil, err
			}
		case inValue:
			val.WriteByte(ch)
		default:
			typ.WriteByte(ch)
		}
	}
	if err := end(); err != nil {
		return nil, err
	}
	return attrs, nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// attributeType is the canonical name of an attribute type as a
// distinguished name may write it: its short name, or the dotted OID of a
// type without one.
func attributeType(t string) (string, bool) {
	switch t {
	case "E", "EMAIL":
		return "EMAILADDRESS", true
	}
	if short, ok := attributeNames[t]; ok {
		return short, true
	}
	for _, short := range attributeNames {
		if t == short {
			return t, true
		}
	}
	if _, err := parseOID(t); err == nil {
		return t, true
	}
	return t, false
}

func parseOID(s string) (asn1.ObjectIdentifier, error) {
	var oid asn1.ObjectIdentifier
	for _, part := range strings.Split(s, ".") {
		n := 0
		if part == "" || len(part) > 9 {
			return nil, errors.New("not an OID")
		}
		for _, c := range part {
			if c < '0' || c > '9' {
				return nil, errors.New("not an OID")
			}
			n = n*10 + int(c-'0')
		}
		oid = append(oid, n)
	}
	if len(oid) < 2 {
		return nil, errors.New("not an OID")
	}
	return oid, nil
}
