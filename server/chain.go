package server

import (
	"context"
	"runtime/debug"
	"strings"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	middleware "github.com/grpc-ecosystem/go-grpc-middleware/v2"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
)

// interceptor is one link of the chain, for both kinds of call.
type interceptor struct {
	unary  grpc.UnaryServerInterceptor
	stream grpc.StreamServerInterceptor
}

// chain is what every call passes, over gRPC and REST, unary or stream
// alike: ErrorInfo (errors.go) → log (so that it sees the final code) → metrics →
// recover → deadline → request size → authenticate → rate limit → fair share of the read
// pool → audit → authorize → protect (redaction) → precondition → validate
// → scope → handler. The rate limit and the fair share follow
// authentication because they are per principal; audit wraps authorize so
// that denied calls are recorded too. Both chains are made from this one
// list, so that a check cannot hold for unary calls only.
func (s *Server) chain() []interceptor {
	rec := recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
		s.log.ErrorContext(ctx, "panic in handler", "method", callFrom(ctx).method, "panic", p, "stack", string(debug.Stack()))
		return errInternal
	})
	// A watch lives as long as its caller wants and is idle most of that
	// time: it holds no read slot and has no deadline of ours. Each batch
	// it sends is one short read of the store, bounded by the store's read
	// budget like any other, and the watches one principal, and everyone,
	// may hold open are bounded (server/changes.go).
	reads := func(method string) bool { return isRead(method) && method != watchChanges }
	bounded := func(method string) bool { return method != watchChanges }
	return []interceptor{
		errorInfoLink(),
		slotHeld(),
		{s.logUnary, s.logStream},
		s.servedOnly(interceptor{s.metrics.calls.UnaryServerInterceptor(grpcprom.WithLabelsFromContext(transportLabel)),
			s.metrics.calls.StreamServerInterceptor(grpcprom.WithLabelsFromContext(transportLabel))}),
		{recovery.UnaryServerInterceptor(rec), recovery.StreamServerInterceptor(rec)},
		onlyFor(bounded, around(s.capDeadline)),
		{s.requestSizeUnary, s.requestSizeStream},
		check(s.authenticate),
		check(s.rateLimit),
		onlyFor(reads, around(s.fairShare)),
		{s.auditUnary, s.auditStream},
		check(s.authorize),
		s.protectHook().both(),
		s.preconditionHook().both(),
		hook{request: s.validateRequest}.both(),
		s.scopeHook().both(),
	}
}

const watchChanges = "/trithuc.v1.ChangeService/WatchChanges"

// interceptors are the chain's unary and stream halves, in order.
func (s *Server) interceptors() (unary []grpc.UnaryServerInterceptor, stream []grpc.StreamServerInterceptor) {
	for _, i := range s.chain() {
		unary, stream = append(unary, i.unary), append(stream, i.stream)
	}
	return unary, stream
}

// onlyFor keeps link i of the chain to the calls whose method match
// accepts, as go-grpc-middleware's selector did, without its CallMeta, whose
// FullMethod formatted the name again at each match (12 allocations of a
// unary call, BENCHMARKS.md, issue 19, twenty-ninth session). match sees
// the name the selector's CallMeta gave (selectorMethod).
func onlyFor(match func(method string) bool, i interceptor) interceptor {
	return interceptor{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			if match(selectorMethod(info.FullMethod)) {
				return i.unary(ctx, req, info, handler)
			}
			return handler(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			if match(selectorMethod(info.FullMethod)) {
				return i.stream(srv, ss, info, handler)
			}
			return handler(srv, ss)
		},
	}
}

// selectorMethod is the name go-grpc-middleware's CallMeta.FullMethod
// made of full: "/" + service + "/" + method, split at the first slash
// after a leading one, or /unknown/unknown without one. A name of that
// form already, every name a client can call, is itself.
func selectorMethod(full string) string {
	name := strings.TrimPrefix(full, "/")
	if !strings.Contains(name, "/") {
		return "/unknown/unknown"
	}
	if len(name) < len(full) {
		return full
	}
	return "/" + name
}

// around makes an interceptor of what happens around a call: f gives the
// call's context, and done to run when the call ends; an error ends the
// call before its handler runs. (go-grpc-middleware's auth interceptors
// have the shape of check, but let a service replace the check with its
// own AuthFuncOverride, which authorize must not allow.)
func around(f func(ctx context.Context) (context.Context, func(), error)) interceptor {
	return interceptor{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			ctx, done, err := f(ctx)
			if err != nil {
				return nil, err
			}
			defer done()
			return handler(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			ctx, done, err := f(ss.Context())
			if err != nil {
				return err
			}
			defer done()
			w := middleware.WrapServerStream(ss)
			w.WrappedContext = ctx
			return handler(srv, w)
		},
	}
}

// check makes an interceptor of a check of the call before its handler
// runs.
func check(f func(ctx context.Context) error) interceptor {
	return around(func(ctx context.Context) (context.Context, func(), error) {
		return ctx, func() {}, f(ctx)
	})
}

func (h hook) both() interceptor { return interceptor{h.unary(), h.stream()} }
