package server

import (
	"context"
	"crypto/sha256"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// requestKey is the idempotency key of an import with a request_id
// (AIP-155), whether its file came whole or in chunks; nil for a dry run,
// which changes nothing: remembered, it would answer a later import sent
// with its id (the key leaves validate_only out, as for every create),
// which would then import nothing. The file is digested apart, so that
// the key does not copy it (up to the import limit) to digest it.
func (t *transferService) requestKey(ctx context.Context, req *pb.ImportPeopleRequest) *store.RequestKey {
	if req.GetRequestId() == "" || req.GetValidateOnly() {
		return nil
	}
	file := req.File
	req.File = nil
	keyed := proto.Clone(req).(*pb.ImportPeopleRequest)
	req.File = file
	sum := sha256.Sum256(file.GetData())
	keyed.File = &httpbody.HttpBody{ContentType: file.GetContentType(), Data: sum[:], Extensions: file.GetExtensions()}
	return t.requests.key(ctx, "ImportPeople", req.GetRequestId(), keyed)
}
