package server

import (
	"context"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// membershipService keeps the science associations and their members.
// That a registrar key limited to an association acts only within its
// scope is checked before a method runs, by the scope its line in the
// permission table declares (scope.go).
type membershipService struct {
	requests idempotency
	pb.UnimplementedMembershipServiceServer
	db *store.DB
	// shown is what of memberships and consents the caller reads, whose
	// etag of the person a registration answers with is (holdings.go).
	shown func(ctx context.Context) store.Shown
}

func (s *membershipService) CreateAssociation(ctx context.Context, req *pb.CreateAssociationRequest) (*pb.Association, error) {
	return create(ctx, s.requests, "CreateAssociation", req, req.GetAssociation(), req.GetAssociationId(),
		func(a *pb.Association, o store.CreateOptions) (*pb.Association, error) {
			return s.db.CreateAssociation(ctx, a, o)
		})
}

func (s *membershipService) GetAssociation(ctx context.Context, req *pb.GetAssociationRequest) (*pb.Association, error) {
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
	out, err := s.db.DeleteAssociation(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) UndeleteAssociation(ctx context.Context, req *pb.UndeleteAssociationRequest) (*pb.Association, error) {
	out, err := s.db.UndeleteAssociation(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

// RegisterMember registers a member: what the request carries for the
// server to set (names, output-only fields of the person, qualifications
// and positions) is dropped, as a create drops it.
func (s *membershipService) RegisterMember(ctx context.Context, req *pb.RegisterMemberRequest) (*pb.RegisterMemberResponse, error) {
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
	reg := store.Registration{Person: r.GetPerson(), NewPerson: r.GetNewPerson(), Qualifications: r.GetQualifications(),
		Positions: r.GetPositions(), Consent: r.GetConsent(), Notes: r.GetNotes()}
	out, err := s.db.RegisterMember(ctx, r.GetParent(), reg, store.CreateOptions{
		ID:           req.GetMembershipId(),
		Request:      s.requests.key(ctx, "RegisterMember", req.GetRequestId(), req),
		ValidateOnly: req.GetValidateOnly(),
		Scope:        scopeOf(ctx),
		Admin:        !restrictionApplies(ctx),
		Audit:        auditEvent(ctx),
		Shown:        s.shown(ctx),
	})
	return out, grpcError(ctx, err)
}

func (s *membershipService) GetMembership(ctx context.Context, req *pb.GetMembershipRequest) (*pb.Membership, error) {
	out, err := s.db.GetMembership(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *membershipService) ListMemberships(ctx context.Context, req *pb.ListMembershipsRequest) (*pb.ListMembershipsResponse, error) {
	q := listQuery(req)
	q.Scope = scopeOf(ctx)
	items, page, err := s.db.ListMemberships(ctx, req.GetParent(), q)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListMembershipsResponse{Memberships: items, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *membershipService) UpdateMembership(ctx context.Context, req *pb.UpdateMembershipRequest) (*pb.Membership, error) {
	return update(ctx, req.GetUpdateMask(), req.GetMembership(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.Membership) error) (*pb.Membership, error) {
			return s.db.UpdateMembership(ctx, name, o, apply)
		})
}

func (s *membershipService) ApproveMembership(ctx context.Context, req *pb.ApproveMembershipRequest) (*pb.Membership, error) {
	out, err := s.db.ApproveMembership(ctx, req.GetName(), store.Transition{Audit: auditEvent(ctx), Etag: req.GetEtag(),
		ConfirmDistinctPerson: req.GetConfirmDistinctPerson(), ValidateOnly: req.GetValidateOnly(), Scope: scopeOf(ctx),
		ReadsRestricted: !restrictionApplies(ctx)})
	return out, grpcError(ctx, err)
}

func (s *membershipService) RejectMembership(ctx context.Context, req *pb.RejectMembershipRequest) (*pb.Membership, error) {
	out, err := s.db.RejectMembership(ctx, req.GetName(), store.Transition{Audit: auditEvent(ctx), Etag: req.GetEtag(),
		Reason: req.GetReason(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) SuspendMembership(ctx context.Context, req *pb.SuspendMembershipRequest) (*pb.Membership, error) {
	out, err := s.db.SuspendMembership(ctx, req.GetName(), store.Transition{Audit: auditEvent(ctx), Etag: req.GetEtag(),
		Reason: req.GetReason(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) ReinstateMembership(ctx context.Context, req *pb.ReinstateMembershipRequest) (*pb.Membership, error) {
	out, err := s.db.ReinstateMembership(ctx, req.GetName(), store.Transition{Audit: auditEvent(ctx), Etag: req.GetEtag(),
		Reason: req.GetReason(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *membershipService) WithdrawMembership(ctx context.Context, req *pb.WithdrawMembershipRequest) (*pb.Membership, error) {
	out, err := s.db.WithdrawMembership(ctx, req.GetName(), store.Transition{Audit: auditEvent(ctx), Etag: req.GetEtag(),
		Reason: req.GetReason(), ConsentWithdrawn: req.GetConsentWithdrawn(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}
