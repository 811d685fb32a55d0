package server

import (
	"context"
	"strings"

	"google.golang.org/protobuf/proto"

	pb "trithuc/proto/trithuc/v1"
	"trithuc/store"
)

// membershipService keeps the science associations and their members.
// Every method that acts on one association, or on a membership of one,
// checks first that a registrar key limited to an association may act on
// it (checkAssociationScope).
type membershipService struct {
	pb.UnimplementedMembershipServiceServer
	db *store.DB
}

// scope checks the caller's association scope for the association a
// resource name begins with: associations/{association}/...
func (s *membershipService) scope(ctx context.Context, name string) error {
	parts := strings.SplitN(name, "/", 3)
	association := ""
	if len(parts) >= 2 {
		association = parts[0] + "/" + parts[1]
	}
	return checkAssociationScope(ctx, association, s.db.AssociationAncestors)
}

func (s *membershipService) CreateAssociation(ctx context.Context, req *pb.CreateAssociationRequest) (*pb.Association, error) {
	return create(ctx, "CreateAssociation", req, req.GetAssociation(), req.GetAssociationId(),
		func(a *pb.Association, o store.CreateOptions) (*pb.Association, error) {
			return s.db.CreateAssociation(ctx, a, o)
		})
}

func (s *membershipService) GetAssociation(ctx context.Context, req *pb.GetAssociationRequest) (*pb.Association, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.GetAssociation(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *membershipService) ListAssociations(ctx context.Context, req *pb.ListAssociationsRequest) (*pb.ListAssociationsResponse, error) {
	items, page, err := s.db.ListAssociations(ctx, listQuery(req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListAssociationsResponse{Associations: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *membershipService) UpdateAssociation(ctx context.Context, req *pb.UpdateAssociationRequest) (*pb.Association, error) {
	return update(ctx, req.GetUpdateMask(), req.GetAssociation(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Association) error) (*pb.Association, error) {
			return s.db.UpdateAssociation(ctx, name, o, apply)
		})
}

func (s *membershipService) DeleteAssociation(ctx context.Context, req *pb.DeleteAssociationRequest) (*pb.Association, error) {
	out, err := s.db.DeleteAssociation(ctx, req.GetName(), store.WriteOptions{Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) UndeleteAssociation(ctx context.Context, req *pb.UndeleteAssociationRequest) (*pb.Association, error) {
	out, err := s.db.UndeleteAssociation(ctx, req.GetName(), store.WriteOptions{Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

// RegisterMember registers a member: what the request carries for the
// server to set (names, output-only fields of the person, qualifications
// and positions) is dropped, as a create drops it.
func (s *membershipService) RegisterMember(ctx context.Context, req *pb.RegisterMemberRequest) (*pb.RegisterMemberResponse, error) {
	if err := s.scope(ctx, req.GetParent()); err != nil {
		return nil, err
	}
	r := proto.Clone(req).(*pb.RegisterMemberRequest)
	if p := r.GetNewPerson(); p != nil {
		clearServerSet(p)
	}
	for _, q := range r.GetQualifications() {
		clearServerSet(q)
	}
	for _, p := range r.GetPositions() {
		clearServerSet(p)
	}
	if c := r.GetConsent(); c != nil {
		c.WithdrawTime = nil
	}
	out, err := s.db.RegisterMember(ctx, r, store.CreateOptions{
		ID:           req.GetMembershipId(),
		Request:      requestKey(ctx, "RegisterMember", req.GetRequestId(), req),
		ValidateOnly: req.GetValidateOnly(),
		Scope:        scopeOf(ctx),
	})
	return out, grpcError(ctx, err)
}

func (s *membershipService) GetMembership(ctx context.Context, req *pb.GetMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.GetMembership(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *membershipService) ListMemberships(ctx context.Context, req *pb.ListMembershipsRequest) (*pb.ListMembershipsResponse, error) {
	if err := s.scope(ctx, req.GetParent()); err != nil {
		return nil, err
	}
	q := listQuery(req)
	q.Scope = scopeOf(ctx)
	items, page, err := s.db.ListMemberships(ctx, req.GetParent(), q)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListMembershipsResponse{Memberships: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *membershipService) UpdateMembership(ctx context.Context, req *pb.UpdateMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetMembership().GetName()); err != nil {
		return nil, err
	}
	return update(ctx, req.GetUpdateMask(), req.GetMembership(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Membership) error) (*pb.Membership, error) {
			return s.db.UpdateMembership(ctx, name, o, apply)
		})
}

func (s *membershipService) ApproveMembership(ctx context.Context, req *pb.ApproveMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.ApproveMembership(ctx, req.GetName(), store.Transition{Etag: req.GetEtag(),
		ConfirmDistinctPerson: req.GetConfirmDistinctPerson(), ValidateOnly: req.GetValidateOnly(), Scope: scopeOf(ctx)})
	return out, grpcError(ctx, err)
}

func (s *membershipService) RejectMembership(ctx context.Context, req *pb.RejectMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.RejectMembership(ctx, req.GetName(), store.Transition{Etag: req.GetEtag(),
		Reason: req.GetReason(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) SuspendMembership(ctx context.Context, req *pb.SuspendMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.SuspendMembership(ctx, req.GetName(), store.Transition{Etag: req.GetEtag(),
		Reason: req.GetReason(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) ReinstateMembership(ctx context.Context, req *pb.ReinstateMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.ReinstateMembership(ctx, req.GetName(), store.Transition{Etag: req.GetEtag(),
		Reason: req.GetReason(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) WithdrawMembership(ctx context.Context, req *pb.WithdrawMembershipRequest) (*pb.Membership, error) {
	if err := s.scope(ctx, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.db.WithdrawMembership(ctx, req.GetName(), store.Transition{Etag: req.GetEtag(),
		Reason: req.GetReason(), ConsentWithdrawn: req.GetConsentWithdrawn(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}
