package server

import (
	"context"
	"testing"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"google.golang.org/grpc"
)

// onlyFor's matchers see the name go-grpc-middleware's selector gave them
// (its CallMeta's FullMethod), for every shape of name a stream can carry.
func TestSelectorMethodIsCallMetas(t *testing.T) {
	for _, full := range []string{
		"/trithuc.v1.PersonService/GetPerson", watchChanges, "trithuc.v1.ChangeService/WatchChanges",
		"/a/b/c", "a/b/c", "//x", "/x", "x", "", "/", "//", "/trithuc.v1.PersonService/",
	} {
		want := interceptors.NewServerCallMeta(full, nil, nil).FullMethod()
		if got := selectorMethod(full); got != want {
			t.Errorf("selectorMethod(%q) = %q, the selector's CallMeta said %q", full, got, want)
		}
	}
}

// onlyFor runs its link for the methods its matcher accepts and passes
// the others straight to the handler, unary and stream alike.
func TestOnlyForRunsItsLinkForMatches(t *testing.T) {
	var ran []string
	link := interceptor{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			ran = append(ran, "unary "+info.FullMethod)
			return handler(ctx, req)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			ran = append(ran, "stream "+info.FullMethod)
			return handler(srv, ss)
		},
	}
	i := onlyFor(func(method string) bool { return method == watchChanges }, link)
	handled := 0
	for _, m := range []string{watchChanges, "trithuc.v1.ChangeService/WatchChanges", "/trithuc.v1.PersonService/GetPerson"} {
		i.unary(context.Background(), nil, &grpc.UnaryServerInfo{FullMethod: m}, func(context.Context, any) (any, error) { handled++; return nil, nil })
		i.stream(nil, nil, &grpc.StreamServerInfo{FullMethod: m}, func(any, grpc.ServerStream) error { handled++; return nil })
	}
	want := []string{"unary " + watchChanges, "stream " + watchChanges,
		"unary trithuc.v1.ChangeService/WatchChanges", "stream trithuc.v1.ChangeService/WatchChanges"}
	if len(ran) != len(want) || handled != 6 {
		t.Fatalf("ran %q and %d handlers, want %q and 6", ran, handled, want)
	}
	for k := range want {
		if ran[k] != want[k] {
			t.Errorf("ran %q, want %q", ran, want)
			break
		}
	}
}
