package client

import (
	"context"
	"math/rand/v2"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// uploadChunk is how much of a file each message of UploadImport carries:
// small enough for a server whose --max-request-bytes is far below its
// 4 MiB default (the contract allows up to 1 MiB); a 64 MiB file is 2,048
// messages, a few milliseconds of framing.
const uploadChunk = 32 << 10

// UploadImport starts the import req describes, its file sent in chunks
// (TransferService.UploadImport): over gRPC a message may be at most
// 4 MiB, a file up to the import limit, 64 MiB. Like the unary calls, it
// is tried again when the server refuses it for now with a RetryInfo
// (every import slot taken), after the delay it asks for. As a unary
// create does, a request without a request_id gets one before the first
// attempt, kept for every attempt (a retry is answered the first import's
// operation, never a second import) but not written into req: req sent
// again is another import. A caller that retries by itself sets the
// request_id.
func (c *Client) UploadImport(ctx context.Context, req *pb.ImportPeopleRequest, opts ...grpc.CallOption) (*longrunningpb.Operation, error) {
	requestID := req.GetRequestId()
	if requestID == "" {
		requestID = newUUID()
	}
	attempts := c.attempts
	if attempts == 0 {
		attempts = 4
	}
	for attempt := 1; ; attempt++ {
		op, err := c.uploadImport(ctx, req, requestID, opts...)
		delay, ok := retryDelay(err)
		if !ok || attempt >= attempts {
			return op, err
		}
		delay += time.Duration(rand.Int64N(int64(delay)/5 + 1))
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return nil, err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

func (c *Client) uploadImport(ctx context.Context, req *pb.ImportPeopleRequest, requestID string, opts ...grpc.CallOption) (*longrunningpb.Operation, error) {
	stream, err := c.Transfer.UploadImport(ctx, opts...)
	if err != nil {
		return nil, err
	}
	// The request's fields but the file, and the file's first chunk: not a
	// clone, which would copy the whole file.
	first := &pb.ImportPeopleRequest{}
	req.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Name() != "file" {
			first.ProtoReflect().Set(fd, v)
		}
		return true
	})
	first.RequestId = requestID
	data := req.GetFile().GetData()
	if f := req.GetFile(); f != nil {
		first.File = &httpbody.HttpBody{ContentType: f.GetContentType(), Extensions: f.GetExtensions(), Data: data[:min(len(data), uploadChunk)]}
		data = data[len(first.File.Data):]
	}
	// A refused stream answers its error from CloseAndRecv; Send says only
	// that the stream ended.
	if err := stream.Send(&pb.UploadImportRequest{Part: &pb.UploadImportRequest_Request{Request: first}}); err != nil {
		return stream.CloseAndRecv()
	}
	for len(data) > 0 {
		n := min(len(data), uploadChunk)
		if err := stream.Send(&pb.UploadImportRequest{Part: &pb.UploadImportRequest_Chunk{Chunk: data[:n]}}); err != nil {
			return stream.CloseAndRecv()
		}
		data = data[n:]
	}
	return stream.CloseAndRecv()
}
