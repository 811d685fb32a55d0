// Package client is the Go client of trithuc that the province's internal
// services import: it dials a server with a credential, retries idempotent
// calls when the server is briefly unavailable and any call the server's
// rate limit refused (after the delay it asks for), gives creates request
// ids so that retries are safe, iterates over list pages (All), and exposes
// one typed client per service.
//
//	c, err := client.Dial("trithuc.internal:50051", client.Options{Token: key, TLS: &tls.Config{}})
//	...
//	p, err := c.People.GetPerson(ctx, &trithucv1.GetPersonRequest{Name: "people/abc"})
package client

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// DefaultAddr is where `trithuc serve` listens for gRPC unless told
// otherwise (--grpc-addr), and so what its command-line client dials. Port
// 50051 is gRPC's customary one; 9090, our first, is Prometheus's, which
// often runs on the same host to scrape our metrics.
const DefaultAddr = "127.0.0.1:50051"

// Options say how to reach and authenticate to a server.
type Options struct {
	// Token is an API key, sent as `authorization: Bearer <token>`.
	Token string
	// TLS, when set, is used to connect; nil means plaintext, which only a
	// server on a loopback address accepts by default. A service that
	// authenticates with a client certificate puts it in TLS.Certificates
	// and leaves Token empty: a call with both is refused.
	TLS *tls.Config
	// MaxAttempts bounds how often a call is tried: an idempotent one
	// when the server answers UNAVAILABLE, and any call the server refused
	// with RESOURCE_EXHAUSTED and a RetryInfo (its rate limit), after the
	// delay it asked for. 0 means 4; 1 turns retries off.
	MaxAttempts int
	// DialOptions are added to the client's own.
	DialOptions []grpc.DialOption
}

// Client holds one connection and a typed client per service.
type Client struct {
	conn          *grpc.ClientConn
	People        pb.PersonServiceClient
	Organizations pb.OrganizationServiceClient
	Reference     pb.ReferenceServiceClient
	Memberships   pb.MembershipServiceClient
	Experts       pb.ExpertServiceClient
	Honors        pb.HonorsServiceClient
	Reviews       pb.ReviewServiceClient
	Accounts      pb.AccountServiceClient
	Audit         pb.AuditServiceClient
	Statistics    pb.StatisticsServiceClient
	Privacy       pb.PrivacyServiceClient
	Transfer      pb.TransferServiceClient
	Changes       pb.ChangeServiceClient
	// attempts is Options.MaxAttempts, for the calls the client retries
	// itself (UploadImport).
	attempts int
}

// Dial connects to the server at addr (host:port). The connection is made
// lazily, on the first call.
func Dial(addr string, o Options) (*Client, error) {
	if addr == "" {
		return nil, errors.New("client: no server address")
	}
	opts := []grpc.DialOption{
		grpc.WithDefaultServiceConfig(serviceConfig(o.MaxAttempts)),
		grpc.WithChainUnaryInterceptor(retryExhausted(o.MaxAttempts)),
		// Answers may be larger than gRPC's default 4 MB: a page of full
		// profiles, a person's ACCESS answer.
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64 << 20)),
	}
	if o.TLS != nil {
		opts = append(opts, grpc.WithTransportCredentials(credentials.NewTLS(o.TLS)))
	} else {
		opts = append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	if o.Token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: o.Token, secure: o.TLS != nil}))
	}
	opts = append(opts, o.DialOptions...)
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	c := New(conn)
	c.attempts = o.MaxAttempts
	return c, nil
}

// New wraps an existing connection.
func New(conn *grpc.ClientConn) *Client {
	return &Client{
		conn:          conn,
		People:        pb.NewPersonServiceClient(conn),
		Organizations: pb.NewOrganizationServiceClient(conn),
		Reference:     pb.NewReferenceServiceClient(conn),
		Memberships:   pb.NewMembershipServiceClient(conn),
		Experts:       pb.NewExpertServiceClient(conn),
		Honors:        pb.NewHonorsServiceClient(conn),
		Reviews:       pb.NewReviewServiceClient(conn),
		Accounts:      pb.NewAccountServiceClient(conn),
		Audit:         pb.NewAuditServiceClient(conn),
		Statistics:    pb.NewStatisticsServiceClient(conn),
		Privacy:       pb.NewPrivacyServiceClient(conn),
		Transfer:      pb.NewTransferServiceClient(conn),
		Changes:       pb.NewChangeServiceClient(conn),
	}
}

// Conn is the underlying connection.
func (c *Client) Conn() *grpc.ClientConn { return c.conn }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// bearer sends an API key with every call.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

// RequireTransportSecurity lets a key travel in plaintext only when the
// caller chose plaintext (for a loopback server).
func (b bearer) RequireTransportSecurity() bool { return b.secure }

// services are the services whose methods the retry policy covers.
var services = []protoreflect.ServiceDescriptor{
	pb.File_trithuc_v1_person_service_proto.Services().ByName("PersonService"),
	pb.File_trithuc_v1_organization_service_proto.Services().ByName("OrganizationService"),
	pb.File_trithuc_v1_change_service_proto.Services().ByName("ChangeService"),
	pb.File_trithuc_v1_reference_proto.Services().ByName("ReferenceService"),
	pb.File_trithuc_v1_membership_service_proto.Services().ByName("MembershipService"),
	pb.File_trithuc_v1_expert_service_proto.Services().ByName("ExpertService"),
	pb.File_trithuc_v1_honors_service_proto.Services().ByName("HonorsService"),
	pb.File_trithuc_v1_reviews_proto.Services().ByName("ReviewService"),
	pb.File_trithuc_v1_accounts_proto.Services().ByName("AccountService"),
	pb.File_trithuc_v1_audit_service_proto.Services().ByName("AuditService"),
	pb.File_trithuc_v1_statistics_proto.Services().ByName("StatisticsService"),
	pb.File_trithuc_v1_privacy_service_proto.Services().ByName("PrivacyService"),
	pb.File_trithuc_v1_transfer_service_proto.Services().ByName("TransferService"),
}

// serviceConfig retries the idempotent methods, the ones bound to HTTP GET
// in the contract, when the server answers UNAVAILABLE. Writes are not
// retried here: a create is safe to repeat only with a request_id, which the
// caller chooses.
func serviceConfig(attempts int) string {
	if attempts == 0 {
		attempts = 4
	}
	type name struct {
		Service string `json:"service"`
		Method  string `json:"method"`
	}
	var names []name
	for _, sd := range services {
		methods := sd.Methods()
		for i := 0; i < methods.Len(); i++ {
			md := methods.Get(i)
			rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
			if rule.GetGet() != "" {
				names = append(names, name{Service: string(sd.FullName()), Method: string(md.Name())})
			}
		}
	}
	cfg := map[string]any{}
	if attempts > 1 && len(names) > 0 {
		cfg["methodConfig"] = []any{map[string]any{
			"name": names,
			"retryPolicy": map[string]any{
				"maxAttempts":          min(attempts, 5),
				"initialBackoff":       "0.1s",
				"maxBackoff":           "2s",
				"backoffMultiplier":    2,
				"retryableStatusCodes": []string{"UNAVAILABLE"},
			},
		}}
	}
	b, _ := json.Marshal(cfg)
	return strings.TrimSpace(string(b))
}
