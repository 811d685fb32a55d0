package server

import (
	"context"
	"runtime/debug"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	middleware "github.com/grpc-ecosystem/go-grpc-middleware/v2"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
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
	reads := selector.MatchFunc(func(ctx context.Context, c interceptors.CallMeta) bool {
		return isRead(c.FullMethod()) && c.FullMethod() != watchChanges
	})
	bounded := selector.MatchFunc(func(ctx context.Context, c interceptors.CallMeta) bool { return c.FullMethod() != watchChanges })
	deadline := around(s.capDeadline)
	fair := around(s.fairShare)
	return []interceptor{
		errorInfoLink(),
		slotHeld(),
		{s.logUnary, s.logStream},
		s.servedOnly(interceptor{s.metrics.calls.UnaryServerInterceptor(grpcprom.WithLabelsFromContext(transportLabel)),
			s.metrics.calls.StreamServerInterceptor(grpcprom.WithLabelsFromContext(transportLabel))}),
		{recovery.UnaryServerInterceptor(rec), recovery.StreamServerInterceptor(rec)},
		{selector.UnaryServerInterceptor(deadline.unary, bounded), selector.StreamServerInterceptor(deadline.stream, bounded)},
		{s.requestSizeUnary, s.requestSizeStream},
		check(s.authenticate),
		check(s.rateLimit),
		{selector.UnaryServerInterceptor(fair.unary, reads), selector.StreamServerInterceptor(fair.stream, reads)},
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
