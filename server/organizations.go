package server

import (
	"context"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

type organizationService struct {
	requests idempotency
	pb.UnimplementedOrganizationServiceServer
	db *store.DB
}

func (s *organizationService) CreateOrganization(ctx context.Context, req *pb.CreateOrganizationRequest) (*pb.Organization, error) {
	return create(ctx, s.requests, "CreateOrganization", req, req.GetOrganization(), req.GetOrganizationId(), func(o *pb.Organization, opts store.CreateOptions) (*pb.Organization, error) {
		return s.db.CreateOrganization(ctx, o, opts)
	})
}

func (s *organizationService) GetOrganization(ctx context.Context, req *pb.GetOrganizationRequest) (*pb.Organization, error) {
	out, err := s.db.GetOrganization(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *organizationService) ListOrganizations(ctx context.Context, req *pb.ListOrganizationsRequest) (*pb.ListOrganizationsResponse, error) {
	orgs, page, err := s.db.ListOrganizations(ctx, listQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListOrganizationsResponse{Organizations: orgs, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *organizationService) UpdateOrganization(ctx context.Context, req *pb.UpdateOrganizationRequest) (*pb.Organization, error) {
	return update(ctx, req.GetUpdateMask(), req.GetOrganization(), req.GetValidateOnly(), func(name string, o store.WriteOptions, apply func(*pb.Organization) error) (*pb.Organization, error) {
		return s.db.UpdateOrganization(ctx, name, o, apply)
	})
}

func (s *organizationService) DeleteOrganization(ctx context.Context, req *pb.DeleteOrganizationRequest) (*pb.Organization, error) {
	out, err := s.db.DeleteOrganization(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *organizationService) UndeleteOrganization(ctx context.Context, req *pb.UndeleteOrganizationRequest) (*pb.Organization, error) {
	out, err := s.db.UndeleteOrganization(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *organizationService) BatchGetOrganizations(ctx context.Context, req *pb.BatchGetOrganizationsRequest) (*pb.BatchGetOrganizationsResponse, error) {
	orgs, err := s.db.BatchGetOrganizations(ctx, req.GetNames())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.BatchGetOrganizationsResponse{Organizations: orgs}, nil
}
