package server

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// expertService keeps the associations' expert pools, their members and
// engagements, and finds experts (issue 17).
type expertService struct {
	requests idempotency
	pb.UnimplementedExpertServiceServer
	db *store.DB
	// shown is what the caller reads of memberships and consents.
	shown func(ctx context.Context) store.Shown
}

func writeOpts(ctx context.Context, etag string, validateOnly bool) store.WriteOptions {
	return store.WriteOptions{Audit: auditEvent(ctx), Etag: etag, ValidateOnly: validateOnly}
}

func (s *expertService) CreateExpertPool(ctx context.Context, req *pb.CreateExpertPoolRequest) (*pb.ExpertPool, error) {
	return create(ctx, s.requests, "CreateExpertPool", req, req.GetExpertPool(), req.GetExpertPoolId(),
		func(p *pb.ExpertPool, o store.CreateOptions) (*pb.ExpertPool, error) {
			return s.db.CreateExpertPool(ctx, req.GetParent(), p, o)
		})
}

func (s *expertService) GetExpertPool(ctx context.Context, req *pb.GetExpertPoolRequest) (*pb.ExpertPool, error) {
	out, err := s.db.GetExpertPool(ctx, req.GetName(), !restrictionApplies(ctx))
	return out, grpcError(ctx, err)
}

func (s *expertService) ListExpertPools(ctx context.Context, req *pb.ListExpertPoolsRequest) (*pb.ListExpertPoolsResponse, error) {
	q := listQuery(req)
	q.Scope = scopeOf(ctx)
	items, page, err := s.db.ListExpertPools(ctx, req.GetParent(), q, !restrictionApplies(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListExpertPoolsResponse{ExpertPools: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *expertService) UpdateExpertPool(ctx context.Context, req *pb.UpdateExpertPoolRequest) (*pb.ExpertPool, error) {
	return update(ctx, req.GetUpdateMask(), req.GetExpertPool(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.ExpertPool) error) (*pb.ExpertPool, error) {
			o.ReadsRestricted = !restrictionApplies(ctx)
			return s.db.UpdateExpertPool(ctx, name, o, apply)
		})
}

func (s *expertService) DeleteExpertPool(ctx context.Context, req *pb.DeleteExpertPoolRequest) (*emptypb.Empty, error) {
	o := writeOpts(ctx, req.GetEtag(), req.GetValidateOnly())
	o.ReadsRestricted = !restrictionApplies(ctx)
	err := s.db.DeleteExpertPool(ctx, req.GetName(), req.GetForce(), o)
	return &emptypb.Empty{}, grpcError(ctx, err)
}

func (s *expertService) CreateExpertPoolMember(ctx context.Context, req *pb.CreateExpertPoolMemberRequest) (*pb.ExpertPoolMember, error) {
	return create(ctx, s.requests, "CreateExpertPoolMember", req, req.GetExpertPoolMember(), req.GetExpertPoolMemberId(),
		func(m *pb.ExpertPoolMember, o store.CreateOptions) (*pb.ExpertPoolMember, error) {
			o.Shown = s.shown(ctx) // the consents it may count
			return s.db.CreateExpertPoolMember(ctx, req.GetParent(), m, o)
		})
}

func (s *expertService) GetExpertPoolMember(ctx context.Context, req *pb.GetExpertPoolMemberRequest) (*pb.ExpertPoolMember, error) {
	out, err := s.db.GetExpertPoolMember(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *expertService) ListExpertPoolMembers(ctx context.Context, req *pb.ListExpertPoolMembersRequest) (*pb.ListExpertPoolMembersResponse, error) {
	q := listQuery(req)
	q.Scope = scopeOf(ctx)
	items, page, err := s.db.ListExpertPoolMembers(ctx, req.GetParent(), q, !restrictionApplies(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListExpertPoolMembersResponse{ExpertPoolMembers: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *expertService) UpdateExpertPoolMember(ctx context.Context, req *pb.UpdateExpertPoolMemberRequest) (*pb.ExpertPoolMember, error) {
	return update(ctx, req.GetUpdateMask(), req.GetExpertPoolMember(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.ExpertPoolMember) error) (*pb.ExpertPoolMember, error) {
			return s.db.UpdateExpertPoolMember(ctx, name, o, apply)
		})
}

func (s *expertService) DeleteExpertPoolMember(ctx context.Context, req *pb.DeleteExpertPoolMemberRequest) (*emptypb.Empty, error) {
	err := s.db.DeleteExpertPoolMember(ctx, req.GetName(), writeOpts(ctx, req.GetEtag(), req.GetValidateOnly()))
	return &emptypb.Empty{}, grpcError(ctx, err)
}

func (s *expertService) CreateEngagement(ctx context.Context, req *pb.CreateEngagementRequest) (*pb.Engagement, error) {
	return create(ctx, s.requests, "CreateEngagement", req, req.GetEngagement(), req.GetEngagementId(),
		func(e *pb.Engagement, o store.CreateOptions) (*pb.Engagement, error) {
			return s.db.CreateEngagement(ctx, req.GetParent(), e, o)
		})
}

func (s *expertService) GetEngagement(ctx context.Context, req *pb.GetEngagementRequest) (*pb.Engagement, error) {
	out, err := s.db.GetEngagement(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *expertService) ListEngagements(ctx context.Context, req *pb.ListEngagementsRequest) (*pb.ListEngagementsResponse, error) {
	q := listQuery(req)
	q.Scope = scopeOf(ctx)
	items, page, err := s.db.ListEngagements(ctx, req.GetParent(), q, !restrictionApplies(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListEngagementsResponse{Engagements: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *expertService) UpdateEngagement(ctx context.Context, req *pb.UpdateEngagementRequest) (*pb.Engagement, error) {
	return update(ctx, req.GetUpdateMask(), req.GetEngagement(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Engagement) error) (*pb.Engagement, error) {
			return s.db.UpdateEngagement(ctx, name, o, apply)
		})
}

func (s *expertService) DeleteEngagement(ctx context.Context, req *pb.DeleteEngagementRequest) (*emptypb.Empty, error) {
	err := s.db.DeleteEngagement(ctx, req.GetName(), writeOpts(ctx, req.GetEtag(), req.GetValidateOnly()))
	return &emptypb.Empty{}, grpcError(ctx, err)
}

func (s *expertService) SearchExperts(ctx context.Context, req *pb.SearchExpertsRequest) (*pb.SearchExpertsResponse, error) {
	out, err := s.db.SearchExperts(ctx, req.GetName(), store.ExpertQuery{
		Field: req.GetField(), QualificationLevel: req.GetQualificationLevel(), AcademicTitle: req.GetAcademicTitle(),
		AdministrativeUnit: req.GetAdministrativeUnit(), Availability: req.GetAvailability(), Role: req.GetRole(),
		Max: int(req.GetMaxResults()), Scope: scopeOf(ctx),
	})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.SearchExpertsResponse{Experts: out}, nil
}

func (s *expertService) ComputeEngagementStatistics(ctx context.Context, req *pb.ComputeEngagementStatisticsRequest) (*pb.ComputeEngagementStatisticsResponse, error) {
	out, err := s.db.ComputeEngagementStatistics(ctx, req.GetName(), scopeOf(ctx), req.GetStartYear(), req.GetEndYear())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return out, nil
}
