package client

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"math/rand/v2"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// maxRetryDelay bounds one wait, whatever the server asks: a caller with a
// deadline gives up at the deadline anyway.
const maxRetryDelay = 30 * time.Second

// retryExhausted retries a call that the server refused for now and said
// when to try again: RESOURCE_EXHAUSTED with a google.rpc.RetryInfo (its
// rate limit, or its fair share of readers). Such a call did nothing, so
// any call may be retried, after the delay the server gave with a little
// jitter, up to attempts times and never past the call's deadline.
//
// A create sent without a request_id gets one before its first attempt
// (AIP-155), so that a retry after an answer lost on the way can never make
// the resource twice. The id goes into a copy of the request, never the
// caller's: a request value used again for another create must not carry
// the first one's id, which the server would answer with the first
// resource.
func retryExhausted(attempts int) grpc.UnaryClientInterceptor {
	if attempts == 0 {
		attempts = 4
	}
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if m, ok := req.(proto.Message); ok && lacksRequestID(m.ProtoReflect()) {
			c := proto.Clone(m)
			setRequestID(c.ProtoReflect(), newUUID())
			req = c
		}
		for attempt := 1; ; attempt++ {
			err := invoker(ctx, method, req, reply, cc, opts...)
			delay, ok := retryDelay(err)
			if !ok || attempt >= attempts {
				return err
			}
			// Up to a fifth more, so that callers refused together do
			// not all come back at the same instant.
			delay += time.Duration(rand.Int64N(int64(delay)/5 + 1))
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
				return err
			}
			t := time.NewTimer(delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return err
			case <-t.C:
			}
		}
	}
}

// retryDelay is how long the server asked to wait before a retry, when it
// asked.
func retryDelay(err error) (time.Duration, bool) {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.ResourceExhausted {
		return 0, false
	}
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return min(max(ri.GetRetryDelay().AsDuration(), time.Millisecond), maxRetryDelay), true
		}
	}
	return 0, false
}

// lacksRequestID reports whether m has a request_id field, empty.
func lacksRequestID(m protoreflect.Message) bool {
	fd := m.Descriptor().Fields().ByName("request_id")
	return fd != nil && fd.Kind() == protoreflect.StringKind && m.Get(fd).String() == ""
}

// setRequestID sets m's request_id to id.
func setRequestID(m protoreflect.Message, id string) {
	m.Set(m.Descriptor().Fields().ByName("request_id"), protoreflect.ValueOfString(id))
}

// newUUID is a random UUID (version 4), the form AIP-155 suggests.
func newUUID() string {
	var b [16]byte
	crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
