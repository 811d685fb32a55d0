package server

import (
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A gRPC message is at most MaxRequestBytes for every method: grpc-go
// refuses a longer one from its length prefix, before allocating it,
// whereas a limit as large as an import's file let any caller make the
// server allocate that much per stream. A file larger than a message
// comes to UploadImport in chunks, which it gathers up to MaxImportBytes
// and imports as ImportPeople does.

// UploadImport gathers the file of an import from the stream's chunks and
// starts it.
func (t *transferService) UploadImport(stream pb.TransferService_UploadImportServer) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if errors.Is(err, io.EOF) {
		return fieldError("request", "the stream is empty: send the request first, then the file's chunks")
	}
	if err != nil {
		return uploadError(ctx, err)
	}
	req := first.GetRequest()
	if req == nil {
		return fieldError("request", "the first message must be the request, with the file's content type; the chunks follow it")
	}
	limit := t.s.cfg.MaxImportBytes
	data := req.GetFile().GetData()
	if len(data) > maxChunkBytes {
		return fieldError("request.file.data", fmt.Sprintf("the first message may hold at most %d bytes of the file; send the rest as chunks", maxChunkBytes))
	}
	if len(data) > limit {
		return errTooLarge(limit)
	}
	for {
		m, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return uploadError(ctx, err)
		}
		if m.GetRequest() != nil {
			return fieldError("request", "only the first message is the request; the others are chunks of the file")
		}
		chunk := m.GetChunk()
		if len(data)+len(chunk) > limit {
			return errTooLarge(limit)
		}
		data = append(data, chunk...)
	}
	fileDelivered(ctx)
	if req.File == nil {
		req.File = &httpbody.HttpBody{}
	}
	req.File.Data = data
	op, err := t.startImport(ctx, req)
	if err != nil {
		return err
	}
	return stream.SendAndClose(op)
}

func errTooLarge(limit int) error {
	return status.Errorf(codes.ResourceExhausted, "the file is larger than the import limit, %d bytes: split it into several files", limit)
}

// maxChunkBytes bounds a chunk of UploadImport (the contract says so too).
const maxChunkBytes = 1 << 20

// uploadError is the error of a stream whose file stopped arriving: why
// the server cut it (too slow, importDeadline), or what receiving said.
func uploadError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && status.Code(cause) != codes.Unknown {
		return cause
	}
	return err
}
