package server

import (
	"context"
	"runtime"

	"google.golang.org/grpc"
)

// grpc-go serves a call on a new goroutine, whose stack starts small,
// unless one of its stream workers is free (streamWorkers).
// A call then grows it deep in the chain, where the validator's CEL
// evaluation is the deepest, and each growth doubles the stack and copies
// every frame above: 6 % of the server's CPU serving GetPerson at 100,000
// people (runtime.newstack under protovalidate, BENCHMARKS.md, issue 19,
// third pass). Growing it once, first, where a few frames are to copy,
// spares that. A stream worker's stack stays grown from call to call, and
// so does the goroutine of net/http that serves the REST gateway's calls
// of a connection: the growth then costs nothing. Without workers it was
// still 3.8 % of the CPU (eleventh pass).

// stackHeadroom is what a call's goroutine is grown to hold first: with
// it, a GetPerson's profile shows no more growth under the validator
// (runtime.newstack 6.4 % → 2.3 % of BenchmarkGetPersonTransport/grpc's
// CPU, most of what is left this first growth).
const stackHeadroom = 24 << 10

// presizeStack is the gRPC server's first unary interceptor.
func presizeStack(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	growStack(0)
	return handler(ctx, req)
}

// growStack needs a frame of stackHeadroom bytes, so that its call grows
// the goroutine's stack to hold them.
//
//go:noinline
func growStack(i int) byte {
	var b [stackHeadroom]byte
	return b[i%len(b)]
}

// streamWorkers is how many goroutines serve gRPC calls from call to call:
// enough for the calls a loaded server holds at once, running or waiting
// for a read slot (fairshare.go), so that a call seldom starts on a new
// goroutine whose stack presizeStack must grow. Idle, a worker costs its
// stack, which the collector shrinks.
func streamWorkers() int { return 8 * runtime.GOMAXPROCS(0) }
