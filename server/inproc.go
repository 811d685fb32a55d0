package server

import (
	"context"
	"fmt"
	"reflect"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// inprocConn is how the gateway and the console reach the services: a
// unary call runs the method's handler through the server's own interceptor
// chain (the same list, chain.go) in the caller's goroutine, with the
// request copied and the answer moved (moveMessage) instead of encoded,
// framed and decoded again. That hop
// over the in-memory gRPC connection was a third of what REST cost on top
// of gRPC (BENCHMARKS.md). Streaming calls still take the in-memory
// connection, through the server's stream chain.
//
// To the interceptors a call arriving here is a REST call as before: its
// peer is on internalNetwork and the gateway's metadata is its incoming
// metadata.
type inprocConn struct {
	unary   grpc.UnaryServerInterceptor
	methods map[string]inprocMethod // by full method name
	streams grpc.ClientConnInterface
}

type inprocMethod struct {
	srv     any
	handler grpc.MethodHandler
}

func newInprocConn(unary []grpc.UnaryServerInterceptor) *inprocConn {
	return &inprocConn{unary: chainUnary(unary), methods: map[string]inprocMethod{}}
}

// registrar registers services with the gRPC server and with inproc.
type registrar struct {
	*grpc.Server
	inproc *inprocConn
}

func (r registrar) RegisterService(desc *grpc.ServiceDesc, impl any) {
	r.Server.RegisterService(desc, impl)
	for _, m := range desc.Methods {
		r.inproc.methods["/"+desc.ServiceName+"/"+m.MethodName] = inprocMethod{srv: impl, handler: m.Handler}
	}
}

// inprocAddr is the peer address of a call made through inprocConn.
type inprocAddr struct{}

func (inprocAddr) Network() string { return internalNetwork }
func (inprocAddr) String() string  { return "gateway" }

// Invoke runs a unary method.
func (c *inprocConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	m, ok := c.methods[method]
	if !ok {
		return c.streams.Invoke(ctx, method, args, reply, opts...)
	}
	in, ok := args.(proto.Message)
	out, ok2 := reply.(proto.Message)
	if !ok || !ok2 {
		return fmt.Errorf("inproc: %s: messages must be protobuf messages", method)
	}
	md, _ := metadata.FromOutgoingContext(ctx)
	ctx = metadata.NewIncomingContext(ctx, md)
	ctx = peer.NewContext(ctx, &peer.Peer{Addr: inprocAddr{}, LocalAddr: inprocAddr{}})
	st := &inprocStream{method: method}
	ctx = grpc.NewContextWithServerTransportStream(ctx, st)
	resp, err := m.handler(m.srv, ctx, func(v any) error {
		proto.Merge(v.(proto.Message), in)
		return nil
	}, c.unary)
	for _, o := range opts {
		switch o := o.(type) {
		case grpc.HeaderCallOption:
			*o.HeaderAddr = st.header
		case grpc.TrailerCallOption:
			*o.TrailerAddr = st.trailer
		}
	}
	if err != nil {
		// As the gRPC server does: an error that is not a status is
		// UNKNOWN, or the code of the context's end.
		if _, ok := status.FromError(err); !ok {
			err = status.FromContextError(err).Err()
		}
		return err
	}
	r, ok := resp.(proto.Message)
	if !ok {
		return fmt.Errorf("inproc: %s answered %T", method, resp)
	}
	moveMessage(out, r)
	return nil
}

// moveMessage makes out what r is. A message of out's type is moved,
// sharing what it holds: the handler made it for this call and holds it
// no more, and copying a FULL profile cost 28 allocations a REST call. Any
// other is copied.
func moveMessage(out, r proto.Message) {
	ov, rv := reflect.ValueOf(out), reflect.ValueOf(r)
	if ov.Type() == rv.Type() && ov.Kind() == reflect.Pointer && !ov.IsNil() && !rv.IsNil() {
		ov.Elem().Set(rv.Elem())
		return
	}
	proto.Reset(out)
	proto.Merge(out, r)
}

// NewStream opens a streaming call on the in-memory connection.
func (c *inprocConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return c.streams.NewStream(ctx, desc, method, opts...)
}

// inprocStream keeps the headers and trailers a handler or an interceptor
// sets (grpc.SetHeader), which the gateway turns into HTTP headers.
type inprocStream struct {
	method          string
	header, trailer metadata.MD
}

func (s *inprocStream) Method() string { return s.method }

func (s *inprocStream) SetHeader(md metadata.MD) error {
	s.header = metadata.Join(s.header, md)
	return nil
}

func (s *inprocStream) SendHeader(md metadata.MD) error { return s.SetHeader(md) }

func (s *inprocStream) SetTrailer(md metadata.MD) error {
	s.trailer = metadata.Join(s.trailer, md)
	return nil
}

// chainUnary makes one interceptor of a list, the first outermost, as
// grpc.ChainUnaryInterceptor does for the server.
func chainUnary(is []grpc.UnaryServerInterceptor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		return is[0](ctx, req, info, nextUnary(is, 0, info, handler))
	}
}

func nextUnary(is []grpc.UnaryServerInterceptor, i int, info *grpc.UnaryServerInfo, final grpc.UnaryHandler) grpc.UnaryHandler {
	if i == len(is)-1 {
		return final
	}
	return func(ctx context.Context, req any) (any, error) {
		return is[i+1](ctx, req, info, nextUnary(is, i+1, info, final))
	}
}

// gatewayOf registers a service's REST routes with a client of it on conn.
func gatewayOf[C any](register func(context.Context, *runtime.ServeMux, C) error, client func(grpc.ClientConnInterface) C) func(context.Context, *runtime.ServeMux, grpc.ClientConnInterface) error {
	return func(ctx context.Context, mux *runtime.ServeMux, conn grpc.ClientConnInterface) error {
		return register(ctx, mux, client(conn))
	}
}
