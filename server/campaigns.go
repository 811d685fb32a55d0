package server

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// honorsService runs the yearly honours campaigns (issue 17).
type honorsService struct {
	requests idempotency
	pb.UnimplementedHonorsServiceServer
	db *store.DB
}

func (s *honorsService) CreateHonorCampaign(ctx context.Context, req *pb.CreateHonorCampaignRequest) (*pb.HonorCampaign, error) {
	return create(ctx, s.requests, "CreateHonorCampaign", req, req.GetHonorCampaign(), req.GetHonorCampaignId(),
		func(c *pb.HonorCampaign, o store.CreateOptions) (*pb.HonorCampaign, error) {
			return s.db.CreateHonorCampaign(ctx, c, o)
		})
}

func (s *honorsService) GetHonorCampaign(ctx context.Context, req *pb.GetHonorCampaignRequest) (*pb.HonorCampaign, error) {
	out, err := s.db.GetHonorCampaign(ctx, req.GetName(), !restrictionApplies(ctx))
	return out, grpcError(ctx, err)
}

func (s *honorsService) ListHonorCampaigns(ctx context.Context, req *pb.ListHonorCampaignsRequest) (*pb.ListHonorCampaignsResponse, error) {
	items, page, err := s.db.ListHonorCampaigns(ctx, store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken(), Filter: req.GetFilter(),
		ShowDeleted: req.GetShowDeleted()}, !restrictionApplies(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListHonorCampaignsResponse{HonorCampaigns: items, NextPageToken: page.NextPageToken}, nil
}

func (s *honorsService) UpdateHonorCampaign(ctx context.Context, req *pb.UpdateHonorCampaignRequest) (*pb.HonorCampaign, error) {
	return update(ctx, req.GetUpdateMask(), req.GetHonorCampaign(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.HonorCampaign) error) (*pb.HonorCampaign, error) {
			o.ReadsRestricted = !restrictionApplies(ctx)
			return s.db.UpdateHonorCampaign(ctx, name, o, apply)
		})
}

func (s *honorsService) DeleteHonorCampaign(ctx context.Context, req *pb.DeleteHonorCampaignRequest) (*emptypb.Empty, error) {
	o := writeOpts(ctx, req.GetEtag(), req.GetValidateOnly())
	o.ReadsRestricted = !restrictionApplies(ctx)
	err := s.db.DeleteHonorCampaign(ctx, req.GetName(), req.GetForce(), o)
	return &emptypb.Empty{}, grpcError(ctx, err)
}

func (s *honorsService) CreateNomination(ctx context.Context, req *pb.CreateNominationRequest) (*pb.Nomination, error) {
	return create(ctx, s.requests, "CreateNomination", req, req.GetNomination(), req.GetNominationId(),
		func(n *pb.Nomination, o store.CreateOptions) (*pb.Nomination, error) {
			return s.db.CreateNomination(ctx, req.GetParent(), n, o)
		})
}

func (s *honorsService) GetNomination(ctx context.Context, req *pb.GetNominationRequest) (*pb.Nomination, error) {
	out, err := s.db.GetNomination(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *honorsService) ListNominations(ctx context.Context, req *pb.ListNominationsRequest) (*pb.ListNominationsResponse, error) {
	items, page, err := s.db.ListNominations(ctx, req.GetParent(), store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken(), Filter: req.GetFilter()},
		!restrictionApplies(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListNominationsResponse{Nominations: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *honorsService) ReviewNomination(ctx context.Context, req *pb.ReviewNominationRequest) (*pb.Nomination, error) {
	out, err := s.db.ReviewNomination(ctx, req.GetName(), req.GetDecision(), req.GetNote(), req.GetEtag(), auditEvent(ctx))
	return out, grpcError(ctx, err)
}

func (s *honorsService) SelectNomination(ctx context.Context, req *pb.SelectNominationRequest) (*pb.Nomination, error) {
	out, err := s.db.SelectNomination(ctx, req.GetName(), req.GetDecisionNumber(), req.GetEtag(), !restrictionApplies(ctx), auditEvent(ctx))
	return out, grpcError(ctx, err)
}
