package server

import (
	"context"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// reviewService runs the unit reviews (rà soát, issue 21): campaigns that
// ask each unit to confirm or correct its people's profiles. A caller
// limited to a unit sees the reviews of its own people (scope.go:
// onReviewedPerson, and ListQuery.Scope for the lists) and the progress of
// its own units only.
type reviewService struct {
	requests idempotency
	pb.UnimplementedReviewServiceServer
	db *store.DB
}

func (s *reviewService) CreateReviewCampaign(ctx context.Context, req *pb.CreateReviewCampaignRequest) (*pb.ReviewCampaign, error) {
	return create(ctx, s.requests, "CreateReviewCampaign", req, req.GetReviewCampaign(), req.GetReviewCampaignId(),
		func(c *pb.ReviewCampaign, o store.CreateOptions) (*pb.ReviewCampaign, error) {
			return s.db.CreateReviewCampaign(ctx, c, o)
		})
}

func (s *reviewService) GetReviewCampaign(ctx context.Context, req *pb.GetReviewCampaignRequest) (*pb.ReviewCampaign, error) {
	out, err := s.db.GetReviewCampaign(ctx, req.GetName(), scopeOf(ctx))
	return out, grpcError(ctx, err)
}

func (s *reviewService) ListReviewCampaigns(ctx context.Context, req *pb.ListReviewCampaignsRequest) (*pb.ListReviewCampaignsResponse, error) {
	items, page, err := s.db.ListReviewCampaigns(ctx, store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken(), Scope: scopeOf(ctx)})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListReviewCampaignsResponse{ReviewCampaigns: items, NextPageToken: page.NextPageToken}, nil
}

func (s *reviewService) UpdateReviewCampaign(ctx context.Context, req *pb.UpdateReviewCampaignRequest) (*pb.ReviewCampaign, error) {
	return update(ctx, req.GetUpdateMask(), req.GetReviewCampaign(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.ReviewCampaign) error) (*pb.ReviewCampaign, error) {
			return s.db.UpdateReviewCampaign(ctx, name, o, apply)
		})
}

func (s *reviewService) CloseReviewCampaign(ctx context.Context, req *pb.CloseReviewCampaignRequest) (*pb.ReviewCampaign, error) {
	out, err := s.db.CloseReviewCampaign(ctx, req.GetName(), req.GetEtag(), auditEvent(ctx))
	return out, grpcError(ctx, err)
}

func (s *reviewService) GetProfileReview(ctx context.Context, req *pb.GetProfileReviewRequest) (*pb.ProfileReview, error) {
	out, err := s.db.GetProfileReview(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *reviewService) ListProfileReviews(ctx context.Context, req *pb.ListProfileReviewsRequest) (*pb.ListProfileReviewsResponse, error) {
	items, page, err := s.db.ListProfileReviews(ctx, req.GetParent(),
		store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken(), Filter: req.GetFilter(), Scope: scopeOf(ctx)})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListProfileReviewsResponse{ProfileReviews: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *reviewService) ConfirmProfileReview(ctx context.Context, req *pb.ConfirmProfileReviewRequest) (*pb.ProfileReview, error) {
	out, err := s.db.ConfirmProfileReview(ctx, req.GetName(), req.GetEtag(), principal(ctx).Name, principal(ctx).ID, auditEvent(ctx))
	return out, grpcError(ctx, err)
}

// reviewedPerson is the person a profile review's name is about: its id
// is the person's.
func reviewedPerson(name string) string {
	var campaign, person string
	if !names.Scan(name, names.ProfileReview, &campaign, &person) {
		return ""
	}
	return "people/" + person
}
