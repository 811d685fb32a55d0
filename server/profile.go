package server

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The resources kept under a person: qualifications, positions, honours.

func (s *personService) CreateQualification(ctx context.Context, req *pb.CreateQualificationRequest) (*pb.Qualification, error) {
	return create(ctx, s.requests, "CreateQualification", req, req.GetQualification(), req.GetQualificationId(),
		func(q *pb.Qualification, o store.CreateOptions) (*pb.Qualification, error) {
			return s.db.CreateQualification(ctx, req.GetParent(), q, o)
		})
}

func (s *personService) GetQualification(ctx context.Context, req *pb.GetQualificationRequest) (*pb.Qualification, error) {
	out, err := s.db.GetQualification(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *personService) ListQualifications(ctx context.Context, req *pb.ListQualificationsRequest) (*pb.ListQualificationsResponse, error) {
	items, page, err := s.db.ListQualifications(ctx, req.GetParent(), listQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListQualificationsResponse{Qualifications: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *personService) UpdateQualification(ctx context.Context, req *pb.UpdateQualificationRequest) (*pb.Qualification, error) {
	return update(ctx, req.GetUpdateMask(), req.GetQualification(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Qualification) error) (*pb.Qualification, error) {
			return s.db.UpdateQualification(ctx, name, o, apply)
		})
}

func (s *personService) DeleteQualification(ctx context.Context, req *pb.DeleteQualificationRequest) (*emptypb.Empty, error) {
	err := s.db.DeleteQualification(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return &emptypb.Empty{}, grpcError(ctx, err)
}

func (s *personService) VerifyQualification(ctx context.Context, req *pb.VerifyQualificationRequest) (*pb.Qualification, error) {
	out, err := s.db.VerifyQualification(ctx, req.GetName(), req.GetState(), principal(ctx).ID, req.GetNote(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag()})
	return out, grpcError(ctx, err)
}

func (s *personService) CreatePosition(ctx context.Context, req *pb.CreatePositionRequest) (*pb.Position, error) {
	return create(ctx, s.requests, "CreatePosition", req, req.GetPosition(), req.GetPositionId(),
		func(p *pb.Position, o store.CreateOptions) (*pb.Position, error) {
			return s.db.CreatePosition(ctx, req.GetParent(), p, o)
		})
}

func (s *personService) GetPosition(ctx context.Context, req *pb.GetPositionRequest) (*pb.Position, error) {
	out, err := s.db.GetPosition(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *personService) ListPositions(ctx context.Context, req *pb.ListPositionsRequest) (*pb.ListPositionsResponse, error) {
	items, page, err := s.db.ListPositions(ctx, req.GetParent(), listQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListPositionsResponse{Positions: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *personService) UpdatePosition(ctx context.Context, req *pb.UpdatePositionRequest) (*pb.Position, error) {
	return update(ctx, req.GetUpdateMask(), req.GetPosition(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Position) error) (*pb.Position, error) {
			return s.db.UpdatePosition(ctx, name, o, apply)
		})
}

func (s *personService) DeletePosition(ctx context.Context, req *pb.DeletePositionRequest) (*emptypb.Empty, error) {
	err := s.db.DeletePosition(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return &emptypb.Empty{}, grpcError(ctx, err)
}

func (s *personService) CreateHonor(ctx context.Context, req *pb.CreateHonorRequest) (*pb.Honor, error) {
	return create(ctx, s.requests, "CreateHonor", req, req.GetHonor(), req.GetHonorId(),
		func(h *pb.Honor, o store.CreateOptions) (*pb.Honor, error) {
			return s.db.CreateHonor(ctx, req.GetParent(), h, o)
		})
}

func (s *personService) GetHonor(ctx context.Context, req *pb.GetHonorRequest) (*pb.Honor, error) {
	out, err := s.db.GetHonor(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *personService) ListHonors(ctx context.Context, req *pb.ListHonorsRequest) (*pb.ListHonorsResponse, error) {
	items, page, err := s.db.ListHonors(ctx, req.GetParent(), listQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListHonorsResponse{Honors: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *personService) UpdateHonor(ctx context.Context, req *pb.UpdateHonorRequest) (*pb.Honor, error) {
	return update(ctx, req.GetUpdateMask(), req.GetHonor(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Honor) error) (*pb.Honor, error) {
			return s.db.UpdateHonor(ctx, name, o, apply)
		})
}

func (s *personService) DeleteHonor(ctx context.Context, req *pb.DeleteHonorRequest) (*emptypb.Empty, error) {
	err := s.db.DeleteHonor(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return &emptypb.Empty{}, grpcError(ctx, err)
}
