package server

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A person's works, handled as their honours are.

func (s *personService) CreateWork(ctx context.Context, req *pb.CreateWorkRequest) (*pb.Work, error) {
	return create(ctx, s.requests, "CreateWork", req, req.GetWork(), req.GetWorkId(),
		func(w *pb.Work, o store.CreateOptions) (*pb.Work, error) {
			return s.db.CreateWork(ctx, req.GetParent(), w, o)
		})
}

func (s *personService) GetWork(ctx context.Context, req *pb.GetWorkRequest) (*pb.Work, error) {
	out, err := s.db.GetWork(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *personService) ListWorks(ctx context.Context, req *pb.ListWorksRequest) (*pb.ListWorksResponse, error) {
	items, page, err := s.db.ListWorks(ctx, req.GetParent(), listQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListWorksResponse{Works: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *personService) UpdateWork(ctx context.Context, req *pb.UpdateWorkRequest) (*pb.Work, error) {
	return update(ctx, req.GetUpdateMask(), req.GetWork(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Work) error) (*pb.Work, error) {
			return s.db.UpdateWork(ctx, name, o, apply)
		})
}

func (s *personService) DeleteWork(ctx context.Context, req *pb.DeleteWorkRequest) (*emptypb.Empty, error) {
	err := s.db.DeleteWork(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return &emptypb.Empty{}, grpcError(ctx, err)
}
