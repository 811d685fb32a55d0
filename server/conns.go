package server

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/status"
)

// Transport limits: what one client can hold open before any credential is
// checked. Without them 100,000 health Watch streams over 4 connections,
// which need no key, took the server from 58 MB to 1.58 GB.

// TransportLimits bound connections, streams and slow requests; a zero
// field takes its default.
type TransportLimits struct {
	// MaxConnsPerAddress is how many connections one client address may
	// hold open on each port (gRPC and HTTP count apart), loopback
	// included; connections beyond it are closed as they are accepted.
	// Behind a proxy every client has the proxy's address: raise it.
	MaxConnsPerAddress int
	// MaxStreamsPerConn is how many calls one HTTP/2 connection (gRPC, or
	// REST over TLS) may have in flight; the client queues the rest.
	MaxStreamsPerConn int
	// MaxWatchStreams is how many health Watch streams the server holds open
	// at once, for all clients together.
	MaxWatchStreams int
	// MaxImportUploads is how many imports' files (ImportPeople and
	// UploadImport, over gRPC and REST together) the server receives at
	// once, each up to MaxImportBytes and one a principal; more are
	// refused RESOURCE_EXHAUSTED with a RetryInfo.
	MaxImportUploads int
	// ImportUploadTimeout is how long a gRPC import has, from its start,
	// to send its whole file before it is cut and its slot freed (over
	// REST, HTTPReadTimeout bounds the request); HTTPReadTimeout when 0.
	ImportUploadTimeout time.Duration
	// HTTPReadTimeout is how long a REST client has to send a whole
	// request, body included.
	HTTPReadTimeout time.Duration
	// HTTPWriteTimeout is how long a REST answer may take, from the end of
	// the request to the last byte of the answer (an export included).
	// MaxCallDuration and two minutes more when 0.
	HTTPWriteTimeout time.Duration
}

// Defaults of TransportLimits.
const (
	DefaultMaxConnsPerAddress = 64
	DefaultMaxStreamsPerConn  = 100
	DefaultMaxWatchStreams    = 1000
	DefaultMaxImportUploads   = 2
	DefaultHTTPReadTimeout    = 30 * time.Second
)

func (l TransportLimits) withDefaults(maxCall time.Duration) TransportLimits {
	if l.MaxConnsPerAddress <= 0 {
		l.MaxConnsPerAddress = DefaultMaxConnsPerAddress
	}
	if l.MaxStreamsPerConn <= 0 {
		l.MaxStreamsPerConn = DefaultMaxStreamsPerConn
	}
	if l.MaxWatchStreams <= 0 {
		l.MaxWatchStreams = DefaultMaxWatchStreams
	}
	if l.MaxImportUploads <= 0 {
		l.MaxImportUploads = DefaultMaxImportUploads
	}
	if l.HTTPReadTimeout <= 0 {
		l.HTTPReadTimeout = DefaultHTTPReadTimeout
	}
	if l.ImportUploadTimeout <= 0 {
		l.ImportUploadTimeout = l.HTTPReadTimeout
	}
	if l.HTTPWriteTimeout <= 0 {
		l.HTTPWriteTimeout = maxCall + 2*time.Minute
	}
	return l
}

// grpcTransportOptions caps streams per connection and sets keepalive: the
// server pings a silent connection and drops it if the peer is gone, and
// drops clients that ping more often than once a minute (a ping flood costs
// the server work without any call).
func (s *Server) grpcTransportOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxConcurrentStreams(uint32(s.cfg.MaxStreamsPerConn)),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: time.Minute, PermitWithoutStream: false}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle: 15 * time.Minute,
			Time:              2 * time.Minute,
			Timeout:           20 * time.Second,
		}),
	}
}

// limitConns wraps a network listener so that one client address holds at
// most MaxConnsPerAddress connections on it.
func (s *Server) limitConns(name string, l net.Listener) net.Listener {
	return &connLimitListener{Listener: l, name: name, max: s.cfg.MaxConnsPerAddress,
		open: map[string]int{}, refused: s.connsRefused.WithLabelValues(name), log: s.log.Warn}
}

type connLimitListener struct {
	net.Listener
	name    string
	max     int
	refused prometheus.Counter
	log     func(msg string, args ...any)
	warn    quietLog // under mu

	mu   sync.Mutex
	open map[string]int
}

func (l *connLimitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host := c.RemoteAddr().String()
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		l.mu.Lock()
		n := l.open[host]
		if n >= l.max {
			// One line a minute at most: a flood of connections must not
			// become a flood of log lines.
			quiet, skipped := l.warn.skip(time.Now())
			l.mu.Unlock()
			c.Close()
			l.refused.Inc()
			if !quiet {
				l.log("refusing connections: too many open from one address", "listener", l.name, "client", host, "limit", l.max, "not_logged", skipped)
			}
			continue
		}
		l.open[host] = n + 1
		l.mu.Unlock()
		return &countedConn{Conn: c, release: func() {
			l.mu.Lock()
			if l.open[host]--; l.open[host] <= 0 {
				delete(l.open, host)
			}
			l.mu.Unlock()
		}}, nil
	}
}

// countedConn gives its place back when closed, once however often Close
// is called.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

type transportState struct {
	connsRefused *prometheus.CounterVec
	// earlyRefusals, failures and imports are the gates' (gate.go).
	earlyRefusals *prometheus.CounterVec
	failures      *authFailures
	imports       *importSlots
}

func newConnsRefused(reg *prometheus.Registry) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trithuc_connections_refused_total",
		Help: "Connections closed at once because their client address had as many open as it may.",
	}, []string{"listener"})
	reg.MustRegister(c)
	return c
}

// watchLimitedHealth is the health service with a cap on Watch streams:
// they need no credential and each holds memory for as long as the client
// likes. Check and List are unaffected. A watch ends when the server
// shuts down (draining), after telling the watcher NOT_SERVING: grpc-go's
// health server leaves it open, and a graceful stop would wait the whole
// shutdown timeout for it.
type watchLimitedHealth struct {
	*health.Server
	slots    chan struct{}
	draining <-chan struct{}
}

func newWatchLimitedHealth(h *health.Server, max int, draining <-chan struct{}) *watchLimitedHealth {
	return &watchLimitedHealth{Server: h, slots: make(chan struct{}, max), draining: draining}
}

func (h *watchLimitedHealth) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	select {
	case h.slots <- struct{}{}:
	default:
		return status.Error(codes.ResourceExhausted, fmt.Sprintf(
			"too many health watches are open (the server holds %d); retry later, or poll Check instead", cap(h.slots)))
	}
	defer func() { <-h.slots }()
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	go func() {
		select {
		case <-h.draining:
			cancel()
		case <-ctx.Done():
		}
	}()
	w := &drainableWatch{Health_WatchServer: stream, ctx: ctx, last: -1}
	err := h.Server.Watch(req, w)
	select {
	case <-h.draining:
	default:
		return err
	}
	if stream.Context().Err() != nil {
		return err
	}
	// Shutdown made every service NOT_SERVING before draining: the watcher
	// hears it, if the watch did not send it already, then the stream ends.
	if resp, cerr := h.Server.Check(stream.Context(), req); cerr == nil && resp.GetStatus() != w.last {
		if err := stream.Send(resp); err != nil {
			return err
		}
	}
	return status.Error(codes.Unavailable, "the server is shutting down: watch again once it is back")
}

// drainableWatch is a Watch stream whose context ends at shutdown too, and
// which remembers the status it sent last.
type drainableWatch struct {
	healthpb.Health_WatchServer
	ctx  context.Context
	last healthpb.HealthCheckResponse_ServingStatus
}

func (w *drainableWatch) Context() context.Context { return w.ctx }

func (w *drainableWatch) Send(resp *healthpb.HealthCheckResponse) error {
	if err := w.Health_WatchServer.Send(resp); err != nil {
		return err
	}
	w.last = resp.GetStatus()
	return nil
}
