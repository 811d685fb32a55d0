package server

import (
	"fmt"
	"math"
	"strconv"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Advice of a refusal of a request over the size limit: what to do.
const (
	adviceSendLess = "send fewer items, or shorter ones, in one request; or ask the operator to raise --max-request-bytes"
	adviceUpload   = "send a larger file over gRPC with UploadImport, in chunks (the Go client's UploadImport does)"
	adviceSplit    = "split the file into smaller ones and import each"
)

// requestTooLarge is the one refusal of a request over a size limit, over
// gRPC (checkSize) and REST (tooLargeStatus) alike:
// RESOURCE_EXHAUSTED with an ErrorInfo, REQUEST_TOO_LARGE, whose metadata
// give the limit and the size (when known, else size is -1), and a
// message naming both, the limit's setting and what to do, so that a
// client branches on one reason whichever way it called and whatever the
// size.
func requestTooLarge(what string, size, limit int64, setting, advice string) *status.Status {
	md := map[string]string{"limitBytes": strconv.FormatInt(limit, 10)}
	text := fmt.Sprintf("%s is over %d bytes, the limit (%s): %s", what, limit, setting, advice)
	if size >= 0 {
		md["sizeBytes"] = strconv.FormatInt(size, 10)
		text = fmt.Sprintf("%s is %d bytes; the limit is %d bytes (%s): %s", what, size, limit, setting, advice)
	}
	st := status.New(codes.ResourceExhausted, text)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reasonRequestTooLarge, Domain: errorDomain, Metadata: md}); err == nil {
		return d
	}
	return st
}

// grpcRecvLimit is the gRPC transport's limit on a message: twice the
// request limit, so that a message a little over it, as a client that
// misjudged its batch sends, is read and refused by checkSize; a larger
// one grpc-go refuses from its length prefix, unread, so that no caller
// makes the server hold more than this. That refusal is grpc-go's own,
// RESOURCE_EXHAUSTED "grpc: received message larger than max (N vs. M)"
// with no ErrorInfo: grpc-go writes it from inside RecvMsg, before
// returning the error to the method's handler, so that neither an
// interceptor nor a wrapped handler can replace it (grpc-go v1.85).
func grpcRecvLimit(maxRequest int) int {
	return int(min(2*int64(maxRequest), math.MaxInt32))
}

// tooLarge is the refusal of a gRPC request of method of size bytes.
func (s *Server) tooLarge(method string, size int64) error {
	advice := adviceSendLess
	if method == importMethod {
		advice = adviceUpload
	}
	return requestTooLarge("the request", size, int64(s.cfg.MaxRequestBytes), "--max-request-bytes", advice).Err()
}
