package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
	"google.golang.org/protobuf/types/known/durationpb"
)

// The gates before a request is read. A gRPC message is received whole
// before any interceptor runs, and the gRPC server takes messages up to
// the import limit for every method; a REST body is read by the gateway
// before its call reaches the chain. Without these gates 16 unauthenticated
// 60 MB CreatePerson messages took the server from 105 MB to 1.28 GB, and 8
// REST imports with a made-up key from 57 MB to 919 MB.
//
// Over gRPC the tap runs when a stream opens, with its method and headers
// but before its message arrives; over REST the guard runs before the
// gateway reads a body. Both refuse a call without a valid credential,
// checked by credential, the check authenticate makes (a live key is
// cached, so the call's second check costs a map lookup). And both hold
// the files of imports, the one request allowed past MaxRequestBytes, to
// MaxImportUploads at once, one a principal, and only for callers whose
// role may import.

// tap refuses a gRPC call from the network that needs a credential and has
// no valid one, before its message is read. It runs in the connection's
// reading goroutine: the check is one indexed row for an unknown key,
// nothing for a live one.
func (s *Server) tap(ctx context.Context, info *tap.Info) (context.Context, error) {
	c := &call{method: info.FullMethodName, start: time.Now()}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if p.Addr.Network() == internalNetwork {
			// The gateway's streaming calls: the guard let them in.
			return ctx, nil
		}
		c.client = s.grpcClient(p.Addr, info.Header)
	}
	if s.isPublic(c.method) {
		return ctx, nil
	}
	p, err := s.credential(ctx, c, info.Header)
	if err != nil {
		return nil, s.refuseEarly(ctx, c, err)
	}
	if receivesFile(c.method) {
		c.principal = p // for the log and the audit trail
		release, err := s.takeImportSlot(ctx, c)
		if err != nil {
			return nil, s.refuseEarly(ctx, c, err)
		}
		// The stream's context ends when the call does, or when its file
		// is late: a caller that opens the stream and sends nothing must
		// not hold the slot for as long as it likes (the call's deadline
		// starts only once its message arrives).
		ctx, cancel := context.WithCancelCause(ctx)
		d := &delivery{release: release, timer: time.AfterFunc(s.cfg.ImportUploadTimeout, func() {
			cancel(status.Errorf(codes.DeadlineExceeded, "the import's file did not arrive within %s of the call's start: send it faster, or split it", s.cfg.ImportUploadTimeout))
		})}
		// The chain gives the slot back as the call ends (slotHeld);
		// this, for a call that ends before the chain runs.
		context.AfterFunc(ctx, release)
		return context.WithValue(ctx, deliveryKey{}, d), nil
	}
	return ctx, nil
}

// receivesFile reports whether method receives the file of an import, the
// one request allowed past MaxRequestBytes (over REST in one body, over
// gRPC in chunks).
func receivesFile(method string) bool {
	return method == importMethod || method == uploadMethod
}

// takeImportSlot lets c's principal send the file of an import: only when
// its role may call c's method (the permission table, as authorize checks
// it), so that a caller who may not import holds no slot; and one at a
// time per principal, so that no one caller holds every slot. A denied
// call is treated as the chain treats it: held to the rate limit, then
// recorded in the audit trail. A call refused for want of a slot is
// recorded and logged as the rate limit's refusals are, the first of each
// second and of each minute of its principal, so that a flood of them
// fills neither the trail nor the log.
func (s *Server) takeImportSlot(ctx context.Context, c *call) (release func(), err error) {
	if err := s.permit(c.principal, c.method); err != nil {
		c.id = newRequestID()
		if lerr := s.rateLimit(context.WithValue(ctx, callKey{}, c)); lerr != nil {
			return nil, lerr
		}
		s.auditRefusal(c, err)
		return nil, err
	}
	release, err = s.imports.take(c.principal.ID)
	if err != nil {
		c.id = newRequestID()
		lim, now := s.limiterOf(c.principal.ID), time.Now()
		// Logged as the rate limit's refusals are, on the same clock of
		// the principal: the first of each minute.
		s.limits.mu.Lock()
		c.limited = true
		c.quiet, c.suppressed = lim.log.skip(now)
		s.limits.mu.Unlock()
		s.auditRefusalEachSecond(lim, c, err, now)
	}
	return release, err
}

// delivery is the timer of a call holding an import slot until its file
// has arrived, and the slot's release.
type delivery struct {
	timer   *time.Timer
	release func()
}

// slotHeld gives a call's import slot back when its handler, or the chain
// refusing it, returns: before its answer is sent, so that the caller's
// next import, sent on that answer, finds the slot free. (The stream's
// context ends only after the answer has gone.)
func slotHeld() interceptor {
	done := func(ctx context.Context) {
		if d, ok := ctx.Value(deliveryKey{}).(*delivery); ok {
			d.release()
		}
	}
	return interceptor{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			defer done(ctx)
			return handler(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			defer done(ss.Context())
			return handler(srv, ss)
		},
	}
}

type deliveryKey struct{}

// fileDelivered stops the clock of the call's file: it has arrived.
func fileDelivered(ctx context.Context) {
	if d, ok := ctx.Value(deliveryKey{}).(*delivery); ok {
		d.timer.Stop()
	}
}

// credentialBeforeBody lets the gateway read a request's body only when
// the request carries a valid credential; any other is answered 401 (or
// 429, after too many from its address) with its body unread. Requests
// without a body go on: the chain refuses them as it refuses every call.
// "Without a body" is ContentLength 0, which the server enforces: HTTP/1.1
// gives such a request http.NoBody, but HTTP/2 gives it a Body that is not
// NoBody (and -1, like chunked HTTP/1.1, for a body of unknown length).
// An import's request holds an import slot while its file is read and the
// import starts.
func (s *Server) credentialBeforeBody(gw *runtime.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		c := &call{rest: true, client: s.httpClient(r), start: time.Now()}
		// What the gateway would send the server as metadata.
		md := metadata.Join(metadata.MD{"authorization": r.Header.Values("Authorization")}, s.gatewayMetadata(r.Context(), r))
		p, err := s.credential(r.Context(), c, md)
		if err != nil {
			c.method = restMethod(r)
			writeRefusal(gw, w, r, s.refuseEarly(r.Context(), c, err), c.id)
			return
		}
		if r.Pattern == importRoute {
			c.method, c.principal = importMethod, p // for the log and the audit trail
			release, err := s.takeImportSlot(r.Context(), c)
			if err != nil {
				writeRefusal(gw, w, r, s.refuseEarly(r.Context(), c, err), c.id)
				return
			}
			defer release()
		}
		next.ServeHTTP(w, r)
	})
}

// importRoute is the pattern of the REST route of ImportPeople.
const importRoute = "POST /v1/people:import"

// restMethod is the gRPC method a REST request calls, as the log names it.
func restMethod(r *http.Request) string {
	if routes := matchingRoutes(r.Method, r.URL.EscapedPath()); len(routes) > 0 {
		return routes[0].rpc
	}
	return r.Method + " " + r.URL.EscapedPath()
}

// refuseEarly counts and logs a call refused at a gate, as the chain would
// have (failed authentications quietly, authfailures.go), and returns the
// error to answer.
func (s *Server) refuseEarly(ctx context.Context, c *call, err error) error {
	err = s.failures.refuse(c, err)
	if c.id == "" {
		c.id = newRequestID()
	}
	s.earlyRefusals.WithLabelValues(c.transport(), status.Code(err).String()).Inc()
	s.logCall(ctx, c, c.start, err)
	// Refused before the chain, whose outermost link would give it one.
	return withErrorInfoErr(err)
}

// writeRefusal answers a REST request refused at a gate as the gateway
// answers a refused call.
func writeRefusal(gw *runtime.ServeMux, w http.ResponseWriter, r *http.Request, err error, requestID string) {
	w.Header().Set("X-Request-Id", requestID)
	ctx := runtime.NewServerMetadataContext(r.Context(), runtime.ServerMetadata{})
	_, out := runtime.MarshalerForRequest(gw, r)
	gatewayError(ctx, gw, out, w, r, err)
}

// importSlots are the imports whose files the server may receive at once,
// each of a different principal.
type importSlots struct {
	mu   sync.Mutex
	max  int
	held map[string]bool // by principal
}

func newImportSlots(n int) *importSlots {
	return &importSlots{max: n, held: map[string]bool{}}
}

// importRetry is when a refused import is told to try again.
const importRetry = 5 * time.Second

func (sl *importSlots) take(principal string) (release func(), err error) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	switch {
	case sl.held[principal]:
		return nil, withDetails(codes.ResourceExhausted,
			fmt.Sprintf("this credential is already sending the file of an import; send one at a time (retry in %s)", importRetry),
			&errdetails.RetryInfo{RetryDelay: durationpb.New(importRetry)})
	case len(sl.held) >= sl.max:
		return nil, withDetails(codes.ResourceExhausted,
			fmt.Sprintf("the server is receiving as many imports as it may at once (%d); retry in %s", sl.max, importRetry),
			&errdetails.RetryInfo{RetryDelay: durationpb.New(importRetry)})
	}
	sl.held[principal] = true
	var once sync.Once
	return func() {
		once.Do(func() {
			sl.mu.Lock()
			delete(sl.held, principal)
			sl.mu.Unlock()
		})
	}, nil
}

func newEarlyRefusals(reg *prometheus.Registry) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "trithuc_calls_refused_unread_total",
		Help: "Calls refused before their request was read: without a valid credential (Unauthenticated), an import by a role that may not import (PermissionDenied), after too many calls without a credential from one address or with every import slot taken, or one already held by the caller (ResourceExhausted).",
	}, []string{"transport", "code"})
	reg.MustRegister(c)
	return c
}
