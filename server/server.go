// Package server serves trithuc over gRPC and REST: the services' handlers
// (thin; the store does the work), the interceptors every call passes
// (chain.go lists them; who may call each method, and on what scope, is the
// table in permissions.go), and the HTTP side (the grpc-gateway, the OpenAPI
// document, /healthz and the metrics listener).
//
// REST requests are not served by calling the handlers directly: the gateway
// is a gRPC client of the same grpc.Server, over an in-memory listener, so
// that every REST call passes the same interceptor chain as a gRPC call and no
// path can bypass authentication, validation or logging.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"buf.build/go/protovalidate"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"

	"trithuc.gov.vn/trithuc/console"
	apispec "trithuc.gov.vn/trithuc/proto"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Config says how to serve.
type Config struct {
	// GRPCAddr and HTTPAddr are host:port to listen on; port 0 picks a free
	// port (see Server.GRPCAddr and Server.HTTPAddr).
	GRPCAddr string
	HTTPAddr string
	// MaxRequestBytes bounds a gRPC message or a REST request body.
	MaxRequestBytes int
	// MaxImportBytes bounds the file of an import (ImportPeople over REST,
	// UploadImport over gRPC), the one request allowed to be larger;
	// DefaultMaxImportBytes when 0.
	MaxImportBytes int
	// Logger receives one line per call; slog.Default() when nil.
	Logger *slog.Logger

	// TLS, when set, serves both ports over TLS (see LoadTLS). When it has
	// ClientCAs, clients may authenticate with a certificate they sign,
	// whose subject CertRoles maps to a role.
	TLS       *tls.Config
	CertRoles *CertRoles
	// Insecure lets the server listen without TLS on addresses other than
	// loopback, which it otherwise refuses.
	Insecure bool

	// RateLimit is how many calls a second each principal may make, in
	// bursts of up to RateBurst; 0 is no limit.
	RateLimit float64
	RateBurst int
	// MaxCallDuration is the longest a call may run: calls without a
	// deadline or with a later one get this one. DefaultMaxCallDuration
	// when 0.
	MaxCallDuration time.Duration
	// ReadSlots is how many read calls may run at once, shared fairly
	// between principals (fairshare.go); one fewer than the store's read
	// connections when 0. MaxReadWait is how long a read call may wait for
	// a slot; DefaultMaxReadWait when 0.
	ReadSlots   int
	MaxReadWait time.Duration

	// CORSOrigins are the origins (scheme://host[:port]) whose web pages
	// may call the REST API from a browser; none when empty.
	CORSOrigins []string

	// TrustedProxies are the reverse proxies (see ParseTrustedProxies)
	// whose ProxyHeader names the client of a request they forward
	// (clientaddr.go); none when empty, and every client is then its
	// connection's address. ProxyHeader is HeaderXForwardedFor (when
	// empty) or HeaderForwarded.
	TrustedProxies []netip.Prefix
	ProxyHeader    string

	// MetricsAddr, when set, is host:port of a listener of its own that
	// serves Prometheus metrics at /metrics.
	MetricsAddr string

	// ConsoleIdleTimeout ends a web console session unused this long;
	// console.DefaultIdleTimeout when 0.
	ConsoleIdleTimeout time.Duration

	// TransportLimits bound connections, streams and slow requests
	// (conns.go).
	TransportLimits

	// Retention is how long read events of the audit trail, idempotency
	// records and imports' problems and reports are kept (retention.go);
	// zero keeps them.
	Retention store.Retention

	// ChangesRetention is how long the change feed keeps changes
	// (changes_retention.go); zero keeps them.
	ChangesRetention time.Duration
	// DryRunSlice is how long an import's dry run holds the writer before
	// it lets the writes waiting in; store.DefaultDryRunSlice when 0.
	DryRunSlice time.Duration
	// SuppressionAllowance is the steps of small-cell suppression one
	// statistics answer may use (store.SetSuppressionAllowance); the
	// database's setting, store.DefaultSuppressionAllowance unless set, when 0.
	SuppressionAllowance int64
}

// DefaultMaxRequestBytes is the request size limit unless configured.
const DefaultMaxRequestBytes = 4 << 20

// DefaultMaxImportBytes is the import size limit unless configured: a
// workbook of 100,000 people is about 8 MiB.
const DefaultMaxImportBytes = 64 << 20

// maxHeaderBytes bounds the headers (gRPC metadata) of a request.
const maxHeaderBytes = 64 << 10

// internalNetwork is the network of the in-memory listener that the gateway
// dials; calls arriving on it came through REST.
const internalNetwork = "bufconn"

// Server serves one database.
type Server struct {
	cfg       Config
	db        *store.DB
	log       *slog.Logger
	validator protovalidate.Validator

	grpc     *grpc.Server
	health   *health.Server
	internal *bufconn.Listener
	gwConn   *grpc.ClientConn // streaming calls of the gateway
	inproc   *inprocConn      // every other call of the gateway and the console
	proxies  *proxyTrust      // who says who the client is (clientaddr.go)
	http     *http.Server

	grpcLis, httpLis net.Listener
	serving          sync.WaitGroup
	started          bool

	// perms is the permission table (permissions.go) this server uses.
	perms map[string]access
	// served are the methods the gRPC server has, noted at Start
	// (unknownmethod.go).
	served  map[string]bool
	limits  limiters
	reads   *fairShare
	audit   *auditLog
	metrics *metrics

	metricsLis  net.Listener
	metricsHTTP *http.Server
	healthStop  chan struct{} // ends watchHealth (dbhealth.go) and runRetention
	// draining is closed when Shutdown begins, to end the calls that
	// would otherwise wait for ever (WatchChanges).
	draining chan struct{}
	// watches bounds the watches of the change feed (changes.go).
	watches *callLimit
	// waits bounds the WaitOperation calls in flight (operations.go).
	waits *callLimit
	// inflight holds the *call of each call running, for Running.
	inflight sync.Map
	// transfers runs imports, which Shutdown cancels.
	transfers *transferService

	touchState
	transportState
}

// New makes a server for db. It listens only when started.
func New(db *store.DB, cfg Config) (*Server, error) {
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.MaxImportBytes <= 0 {
		cfg.MaxImportBytes = DefaultMaxImportBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxCallDuration <= 0 {
		cfg.MaxCallDuration = DefaultMaxCallDuration
	}
	cfg.TransportLimits = cfg.TransportLimits.withDefaults(cfg.MaxCallDuration)
	if cfg.CertRoles.Len() > 0 && (cfg.TLS == nil || cfg.TLS.ClientCAs == nil) {
		return nil, errors.New("server: certificate roles need TLS with a client CA to verify the certificates")
	}
	if err := cfg.Retention.Check(); err != nil {
		return nil, fmt.Errorf("server: retention: %w", err)
	}
	if err := checkChangesRetention(cfg.ChangesRetention); err != nil {
		return nil, fmt.Errorf("server: retention: %w", err)
	}
	header, err := canonicalProxyHeader(cfg.ProxyHeader)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	v, err := protovalidate.New()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	if cfg.SuppressionAllowance > 0 {
		db.SetSuppressionAllowance(cfg.SuppressionAllowance)
	}
	s := &Server{cfg: cfg, db: db, log: cfg.Logger, validator: v}
	s.proxies = &proxyTrust{trusted: cfg.TrustedProxies, header: header}
	s.touched = map[string]time.Time{}
	s.perms = map[string]access{}
	for m, a := range permissions {
		s.perms[m] = access{scope: a.scope, roles: append([]string(nil), a.roles...)}
	}
	s.limits.m = map[string]*limiter{}
	if cfg.ReadSlots <= 0 {
		cfg.ReadSlots = db.ReadPoolSize() - 1
	}
	if cfg.MaxReadWait <= 0 {
		cfg.MaxReadWait = DefaultMaxReadWait
	}
	s.reads = newFairShare(cfg.ReadSlots, cfg.MaxReadWait)
	s.audit = newAuditLog(db, cfg.Logger)
	s.metrics = newMetrics(db)
	if c := certExpiryMetric(cfg.TLS); c != nil {
		s.metrics.registry.MustRegister(c)
	}
	s.connsRefused = newConnsRefused(s.metrics.registry)
	s.earlyRefusals = newEarlyRefusals(s.metrics.registry)
	s.failures = newAuthFailures(maxFailingAddresses)
	s.imports = newImportSlots(cfg.MaxImportUploads)
	s.registerHealthMetrics()
	s.healthStop = make(chan struct{})
	s.draining = make(chan struct{})

	unary, stream := s.interceptors()
	s.inproc = newInprocConn(unary)
	opts := append([]grpc.ServerOption{grpc.ChainUnaryInterceptor(append([]grpc.UnaryServerInterceptor{presizeStack}, unary...)...),
		grpc.ChainStreamInterceptor(stream...)},
		// No message over MaxRequestBytes, for every method: one up to
		// twice that is refused by requestSizeUnary with an ErrorInfo
		// naming the limit, a larger one by grpc-go from its length
		// prefix, before allocating it (grpcRecvLimit), in its own words:
		// grpc-go writes that status itself, from inside RecvMsg, before
		// any code of ours sees the error. An import's
		// larger file comes to UploadImport in chunks (REST's imports
		// take the in-process path, inproc.go, and their route has its
		// own limit). The tap (gate.go) lets no call without a valid
		// credential send a message, and no more than MaxImportUploads
		// imports at once.
		grpc.MaxRecvMsgSize(grpcRecvLimit(cfg.MaxRequestBytes)),
		grpc.InTapHandle(s.tap),
		grpc.MaxHeaderListSize(maxHeaderBytes),
		serverCodec(),
		// Calls run on goroutines kept from call to call, whose stacks
		// stay grown (stack.go); a call finding every worker busy gets a
		// goroutine of its own, as without workers.
		grpc.NumStreamWorkers(uint32(streamWorkers())),
		// A method the server lacks goes through the chain
		// (unknownmethod.go).
		grpc.UnknownServiceHandler(unknownMethod),
	)
	opts = append(opts, s.grpcTransportOptions()...)
	if cfg.TLS != nil {
		opts = append(opts, grpc.Creds(networkOnlyTLS{credentials.NewTLS(serverTLS(cfg.TLS))}))
	}
	s.grpc = grpc.NewServer(opts...)
	// Every service is reachable by the gateway in process as well (inproc.go).
	reg := registrar{Server: s.grpc, inproc: s.inproc}
	requests := idempotency{keptFor: cfg.Retention.Idempotency}
	pb.RegisterPersonServiceServer(reg, &personService{db: db, requests: requests, shown: s.shown})
	pb.RegisterOrganizationServiceServer(reg, &organizationService{db: db, requests: requests})
	s.watches = newWatchLimit()
	pb.RegisterChangeServiceServer(reg, &changeService{db: db, draining: s.draining, watches: s.watches, shown: s.shown})
	pb.RegisterReferenceServiceServer(reg, &referenceService{db: db})
	pb.RegisterMembershipServiceServer(reg, &membershipService{db: db, requests: requests, shown: s.shown})
	pb.RegisterExpertServiceServer(reg, &expertService{db: db, requests: requests, shown: s.shown})
	pb.RegisterHonorsServiceServer(reg, &honorsService{db: db, requests: requests})
	pb.RegisterReviewServiceServer(reg, &reviewService{db: db, requests: requests})
	pb.RegisterAuditServiceServer(reg, &auditService{db: db, audit: s.audit})
	pb.RegisterAccountServiceServer(reg, &accountService{db: db})
	pb.RegisterStatisticsServiceServer(reg, &statisticsService{db: db, requests: requests})
	transfers := &transferService{s: s, db: db, requests: requests, runs: map[string]*importRun{}, slots: make(chan struct{}, maxImportsAtOnce)}
	s.transfers = transfers
	pb.RegisterTransferServiceServer(reg, transfers)
	s.waits = newWaitLimit()
	longrunningpb.RegisterOperationsServer(reg, &operationsService{t: transfers, waits: s.waits})
	if err := failInterrupted(context.Background(), db, s.log); err != nil {
		return nil, fmt.Errorf("server: operations: %w", err)
	}
	pb.RegisterPrivacyServiceServer(reg, &privacyService{db: db, audit: &auditService{db: db, audit: s.audit}, may: s.mayCall, shown: s.shown})
	s.health = health.NewServer()
	healthpb.RegisterHealthServer(reg, newWatchLimitedHealth(s.health, cfg.MaxWatchStreams, s.draining))
	reflection.Register(s.grpc)

	// The gateway's connection to the gRPC server, in memory.
	s.internal = bufconn.Listen(1 << 20)
	s.gwConn, err = grpc.NewClient("passthrough:///trithuc",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return s.internal.DialContext(ctx)
		}),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
	)
	if err != nil {
		return nil, fmt.Errorf("server: gateway connection: %w", err)
	}
	s.inproc.streams = s.gwConn
	handler, err := s.httpHandler()
	if err != nil {
		return nil, err
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	s.limitHTTP(s.http)
	if cfg.TLS != nil {
		s.http.TLSConfig = serverTLS(cfg.TLS)
	}
	return s, nil
}

// httpHandler routes REST through the gateway and serves the documents
// beside it.
func (s *Server) httpHandler() (http.Handler, error) {
	opts := append(s.gatewayRouting(),
		// A google.api.HttpBody answer (a CSV export) is sent as it is.
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &streamedBodyMarshaler{runtime.HTTPBodyMarshaler{Marshaler: newFastJSONPb(&runtime.JSONPb{
			MarshalOptions: protojson.MarshalOptions{},
			// Unknown fields are an error, not silently dropped: a typo in
			// a field name must not look like success.
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		})}}),
		uploadMarshalers(),
		// A length instead of chunks: the answer is marshalled whole
		// before it is written anyway.
		runtime.WithWriteContentLength(),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(outgoingHeader),
		runtime.WithOutgoingTrailerMatcher(outgoingTrailer),
		runtime.WithMetadata(s.gatewayAnnotations),
		runtime.WithForwardResponseOption(etagHeaders),
		runtime.SetQueryParameterParser(&strictQuery{}),
		runtime.WithMiddlewares(refuseMisrouted, refuseQuery, refuseRename, plainStreamError),
		runtime.WithErrorHandler(gatewayError),
		runtime.WithRoutingErrorHandler(routingError),
	)
	gw := runtime.NewServeMux(append(opts[:len(opts):len(opts)], runtime.WithHealthzEndpoint(healthpb.NewHealthClient(s.inproc)))...)
	// The operations' routes first: the gateway tries the routes registered
	// last first, and GET /v1/operations/{operation} would take an import's
	// report, /v1/operations/{operation}:report, for an operation's id.
	if err := s.operationsGateway(gw); err != nil {
		return nil, err
	}
	services := gatewayServices()
	ctx := context.Background()
	for _, svc := range services {
		if err := svc.register(ctx, gw, s.inproc); err != nil {
			return nil, fmt.Errorf("server: gateway: %w", err)
		}
	}
	// The routes of each method and path shape on a router of their own
	// as well, which a request of that shape goes to when they are one
	// service's (gatewaymux.go).
	api, err := newServiceMuxes(gw, opts, services, s.inproc)
	if err != nil {
		return nil, fmt.Errorf("server: gateway: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(apispec.OpenAPI)
	})
	rest := headAsGet(s.credentialBeforeBody(gw, limitBody(api, int64(s.cfg.MaxRequestBytes), bodyTooLarge)))
	mux.Handle("/", rest)
	mux.Handle(importRoute, s.credentialBeforeBody(gw, importContentType(limitBody(api, int64(s.cfg.MaxImportBytes), bodyTooLarge))))
	// The web console (console.go) has its own paths, whose refusals are
	// its pages; any other path is the API's, which answers in JSON.
	con, err := s.consoleHandler()
	if err != nil {
		return nil, err
	}
	for _, path := range console.Paths {
		mux.Handle(path, limitBody(con, int64(s.cfg.MaxRequestBytes), con.TooLarge))
	}
	mux.Handle(console.ImportPattern, limitBody(s.consoleImportGate(con, con), int64(s.cfg.MaxImportBytes)+console.ImportFormBytes, con.TooLarge))
	// A clean API path goes to rest without the router's matching, as
	// the router would send it (TestRestFirstAsMux).
	return cors(s.cfg.CORSOrigins, restFirst(mux, rest)), nil
}

// Start listens on the configured addresses and serves in the background
// until Shutdown.
func (s *Server) Start() error {
	s.servedMethods()
	if s.cfg.TLS == nil {
		for _, addr := range []string{s.cfg.GRPCAddr, s.cfg.HTTPAddr} {
			switch err := checkListenAddr(context.Background(), addr); {
			case err != nil && !s.cfg.Insecure:
				return fmt.Errorf("server: %w", err)
			case err != nil:
				// Allowed, and said at every start, so that an --insecure
				// left set where no proxy terminates TLS is seen.
				s.log.Warn(fmt.Sprintf("serving without TLS on %s, which is not a loopback address (--insecure): keys and personal data cross the network in clear text", addr),
					"hint", "right only behind a proxy on this host that terminates TLS; otherwise give --tls-cert and --tls-key")
			}
		}
	}
	var err error
	if s.grpcLis, err = net.Listen("tcp", s.cfg.GRPCAddr); err != nil {
		return &ListenError{Listener: "gRPC", Addr: s.cfg.GRPCAddr, Err: err}
	}
	if s.httpLis, err = net.Listen("tcp", s.cfg.HTTPAddr); err != nil {
		s.grpcLis.Close()
		return &ListenError{Listener: "HTTP", Addr: s.cfg.HTTPAddr, Err: err}
	}
	s.grpcLis, s.httpLis = s.limitConns("grpc", s.grpcLis), s.limitConns("http", s.httpLis)
	// No InitializeMetrics: it makes a series for every method and code
	// with an empty transport label, which no call ever has (thousands of
	// phantom series). Series appear with the first call of their kind.
	if s.cfg.MetricsAddr != "" {
		if s.metricsLis, err = net.Listen("tcp", s.cfg.MetricsAddr); err != nil {
			s.grpcLis.Close()
			s.httpLis.Close()
			return &ListenError{Listener: "metrics", Addr: s.cfg.MetricsAddr, Err: err}
		}
		s.metricsHTTP = &http.Server{Handler: s.metrics.handler(), ReadHeaderTimeout: 10 * time.Second}
		s.serving.Add(1)
		go func() {
			defer s.serving.Done()
			if err := s.metricsHTTP.Serve(s.metricsLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("serving stopped", "listener", "metrics", "err", err)
			}
		}()
	}
	for name, serve := range map[string]func() error{
		"gRPC":     func() error { return s.grpc.Serve(s.grpcLis) },
		"internal": func() error { return s.grpc.Serve(s.internal) },
		"HTTP": func() error {
			if s.cfg.TLS != nil {
				return s.http.ServeTLS(s.httpLis, "", "")
			}
			return s.http.Serve(s.httpLis)
		},
		"audit":     func() error { s.audit.run(); return nil },
		"health":    func() error { s.watchHealth(); return nil },
		"retention": func() error { s.runRetention(); return nil },
		"changes":   func() error { s.runChangesRetention(); return nil },
		"positions": func() error { s.runLapsedPositions(); return nil },
	} {
		if name == "retention" && !s.retentionOn() || name == "changes" && s.cfg.ChangesRetention == 0 {
			continue
		}
		s.serving.Add(1)
		go func() {
			defer s.serving.Done()
			if err := serve(); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, grpc.ErrServerStopped) {
				s.log.Error("serving stopped", "listener", name, "err", err)
			}
		}()
	}
	s.started = true
	s.health.SetServingStatus("", s.servingStatus())
	return nil
}

// ListenError is a listener Start could not open (a port in use): Listener
// ("gRPC", "HTTP" or "metrics") lets the command name its setting.
type ListenError struct {
	Listener, Addr string
	Err            error
}

func (e *ListenError) Error() string { return "server: " + e.Listener + ": " + e.Err.Error() }
func (e *ListenError) Unwrap() error { return e.Err }

// GRPCAddr is the address the gRPC port listens on.
func (s *Server) GRPCAddr() string { return s.grpcLis.Addr().String() }

// HTTPAddr is the address the HTTP port listens on.
func (s *Server) HTTPAddr() string { return s.httpLis.Addr().String() }

// MetricsAddr is the address the metrics listener listens on, or "".
func (s *Server) MetricsAddr() string {
	if s.metricsLis == nil {
		return ""
	}
	return s.metricsLis.Addr().String()
}

// Shutdown stops accepting calls and waits for the calls in flight to finish
// until ctx is done; calls still running then are cancelled. Imports are
// cancelled at once (nothing of them is imported). The database is left
// open: its owner closes it after.
func (s *Server) Shutdown(ctx context.Context) error {
	s.health.Shutdown()
	close(s.draining)
	// An import may run for minutes, holding the writer that closing the
	// database waits for: it is cancelled now, and rolls back.
	s.transfers.stop()
	// HTTP first: REST calls in flight still need the gRPC server behind
	// the gateway.
	httpErr := s.http.Shutdown(ctx)
	stopped := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-ctx.Done():
		s.grpc.Stop()
		<-stopped
	}
	s.gwConn.Close()
	if s.metricsHTTP != nil {
		s.metricsHTTP.Shutdown(ctx)
	}
	close(s.healthStop)
	// The imports end their operations and record their audit events.
	s.transfers.wait(ctx)
	if err := s.audit.close(s.started); err != nil {
		s.log.Error("audit: events queued at shutdown could not be stored", "err", err)
	}
	s.serving.Wait()
	if httpErr != nil && !errors.Is(httpErr, context.DeadlineExceeded) {
		return httpErr
	}
	return ctx.Err()
}
