package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// A client built from an older or newer contract may call a method this
// server lacks. grpc-go answers such a call itself, before any
// interceptor, with a bare UNIMPLEMENTED; given an unknown-service
// handler it sends the call through the chain instead, so that it is
// authenticated, rate limited, logged and audited like any other, and
// ends with an ErrorInfo (METHOD_NOT_FOUND) a client can branch on.

// servedMethods notes the methods the gRPC server has; Start calls it
// once every service is registered.
func (s *Server) servedMethods() {
	s.served = map[string]bool{}
	for svc, info := range s.grpc.GetServiceInfo() {
		for _, m := range info.Methods {
			s.served["/"+svc+"/"+m.Name] = true
		}
	}
}

// methodNotFound is the answer to a call of method, which this server
// does not have.
func methodNotFound(method string) error {
	name := strings.TrimPrefix(method, "/")
	return withDetails(codes.Unimplemented,
		fmt.Sprintf("%s: this server has no such method; a client built from another version of the API may call methods it lacks (gRPC reflection lists the methods it has)", name),
		&errdetails.ErrorInfo{Reason: reasonMethodNotFound, Domain: errorDomain, Metadata: map[string]string{"method": name}})
}

// unknownMethod is the handler of every call of a method the server does
// not have; authorize refuses such a call first (permit), so that it is
// reached only by a method the permission table opens and no service
// serves.
func unknownMethod(_ any, ss grpc.ServerStream) error {
	method, _ := grpc.MethodFromServerStream(ss)
	return methodNotFound(method)
}

// servedOnly keeps a link of the chain (the metrics) to the methods the
// server has: each made-up name would otherwise be a series of its own.
func (s *Server) servedOnly(i interceptor) interceptor {
	served := selector.MatchFunc(func(_ context.Context, c interceptors.CallMeta) bool { return s.served[c.FullMethod()] })
	return interceptor{selector.UnaryServerInterceptor(i.unary, served), selector.StreamServerInterceptor(i.stream, served)}
}
