package server

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// privacyService answers for the personal data the registry holds: the
// consents it is processed on, the revisions of profiles, the requests of
// data subjects, and erasure.
type privacyService struct {
	pb.UnimplementedPrivacyServiceServer
	db *store.DB
	// audit reads the trail for ExportPersonData.
	audit *auditService
	// may says whether a principal may call a method (Server.mayCall).
	may func(p *Principal, method string) bool
	// shown is what the caller reads of memberships and consents.
	shown func(ctx context.Context) store.Shown
}

func (s *privacyService) CreateConsent(ctx context.Context, req *pb.CreateConsentRequest) (*pb.Consent, error) {
	c := proto.Clone(req.GetConsent()).(*pb.Consent)
	clearServerSet(c)
	out, err := s.db.CreateConsent(ctx, req.GetParent(), c, auditEvent(ctx))
	return out, grpcError(ctx, err)
}

func (s *privacyService) GetConsent(ctx context.Context, req *pb.GetConsentRequest) (*pb.Consent, error) {
	out, err := s.db.GetConsent(ctx, req.GetName(), s.shown(ctx))
	return out, grpcError(ctx, err)
}

// ListConsents lists the consents the caller is shown: a key limited to an
// association, those that came with a registration with its associations
// or with none (store.ShownAssociation). The others, and their
// withdrawal, are to it as if they did not exist.
func (s *privacyService) ListConsents(ctx context.Context, req *pb.ListConsentsRequest) (*pb.ListConsentsResponse, error) {
	out, err := s.db.ListConsents(ctx, req.GetParent(), s.shown(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListConsentsResponse{Consents: out}, nil
}

func (s *privacyService) WithdrawConsent(ctx context.Context, req *pb.WithdrawConsentRequest) (*pb.Consent, error) {
	out, err := s.db.WithdrawConsent(ctx, req.GetName(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), Shown: s.shown(ctx)})
	return out, grpcError(ctx, err)
}

func (s *privacyService) ListPersonRevisions(ctx context.Context, req *pb.ListPersonRevisionsRequest) (*pb.ListPersonRevisionsResponse, error) {
	consents := s.may(principal(ctx), "/trithuc.v1.PrivacyService/ListConsents")
	out, next, err := s.db.ListPersonRevisions(ctx, req.GetParent(), int(req.GetPageSize()), req.GetPageToken(), scopeOf(ctx), consents)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListPersonRevisionsResponse{PersonRevisions: out, NextPageToken: next}, nil
}

func (s *privacyService) RestorePersonRevision(ctx context.Context, req *pb.RestorePersonRevisionRequest) (*pb.Person, error) {
	out, err := s.db.RestorePersonRevision(ctx, req.GetName(), req.GetFieldMask().GetPaths(), store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag()})
	return out, grpcError(ctx, err)
}

// checkRestrictions is checkScope's check of restrictions: a restricted
// profile, and what is about it, is the administrators' alone, whatever
// the caller's scope.
func (s *Server) checkRestrictions(ctx context.Context, method string, msg proto.Message) error {
	switch s.perms[method].scope {
	case onPerson:
		if err := s.checkRestricted(ctx, method, names.Ancestor(requestName(msg), names.Person)); err != nil {
			return err
		}
	case onReviewedPerson:
		if err := s.checkRestricted(ctx, method, reviewedPerson(requestName(msg))); err != nil {
			return err
		}
	case onAssociation:
		if r, ok := msg.(*pb.RegisterMemberRequest); ok {
			if err := s.checkRestricted(ctx, method, r.GetPerson()); err != nil {
				return err
			}
		}
	}
	// Whatever the method's scope: what a person holds by another name
	// (holders) is about them, and a resource a request carries is about
	// the people it refers to (a nomination's, a pool member's, an
	// engagement's).
	for _, h := range holders {
		name := names.Ancestor(requestName(msg), h.pattern)
		// An expert outside a limited caller's scope is read unnamed,
		// restricted or not: refusing only the restricted would say so.
		if _, hidden, err := s.expertHidden(ctx, callFrom(ctx).principal, name); err != nil || hidden {
			return err
		}
		if err := s.checkHolderRestricted(ctx, name, h); err != nil {
			return err
		}
	}
	for _, p := range carriedPeople(msg) {
		if err := s.checkRestricted(ctx, method, p); err != nil {
			return err
		}
	}
	return nil
}

// checkRestricted keeps a restricted profile (store/consents.go) to admins:
// any other caller of a method about one person gets PERMISSION_DENIED,
// whatever the method, so that reading and writing stop together. Lists
// leave restricted people out in the store. Recording a new consent stays
// open: it is how the processing may resume.
func (s *Server) checkRestricted(ctx context.Context, method, person string) error {
	if person == "" || method == "/trithuc.v1.PrivacyService/CreateConsent" || !restrictionApplies(ctx) {
		return nil
	}
	restricted, err := s.db.PersonRestricted(ctx, person)
	if err != nil {
		return grpcError(ctx, err)
	}
	if restricted {
		return errRestricted(person)
	}
	return nil
}

// holder is a resource a person holds that is not under their name: its
// name's pattern, the store's lookup of whether its person is restricted,
// and the words that name that person in a refusal.
type holder struct {
	pattern    string
	restricted func(*store.DB, context.Context, string) (bool, error)
	who        string
}

// holders are what checkHolderRestricted checks, for every method whose
// request names one (server/scope.go).
var holders = []holder{
	{names.Membership, (*store.DB).MemberRestricted, "the member of "},
	{names.Nomination, (*store.DB).NominationRestricted, "the person of "},
	{names.PoolMember, (*store.DB).PoolMemberRestricted, "the expert of "},
	{names.Engagement, (*store.DB).EngagementRestricted, "the expert of "},
}

// checkHolderRestricted is checkRestricted for a method about what a
// person holds that is not under their name: name, of h's kind.
func (s *Server) checkHolderRestricted(ctx context.Context, name string, h holder) error {
	if name == "" || !restrictionApplies(ctx) {
		return nil
	}
	is, err := h.restricted(s.db, ctx, name)
	if err != nil {
		return grpcError(ctx, err)
	}
	if is {
		return errRestricted(h.who + name)
	}
	return nil
}

// hideRestricted clears, for callers other than admins, the restricted
// people an answer's memberships name: the look-alikes of a registration,
// and the person a registration linked by national ID.
func (s *Server) hideRestricted(ctx context.Context, resp proto.Message) error {
	if !restrictionApplies(ctx) {
		return nil
	}
	var ms []*pb.Membership
	collect(resp.ProtoReflect(), &ms)
	if len(ms) == 0 {
		return nil
	}
	var people []string
	for _, m := range ms {
		people = append(people, m.Person)
		for _, d := range m.PossibleDuplicates {
			people = append(people, d.Person)
		}
	}
	restricted, err := s.restrictedOf(ctx, people)
	if err != nil || len(restricted) == 0 {
		return err
	}
	for _, m := range ms {
		if restricted[m.Person] {
			m.Person = ""
			if m.Consent != nil {
				m.Consent.Name, m.Consent.Etag = "", ""
			}
		}
		for _, d := range m.PossibleDuplicates {
			if restricted[d.Person] {
				d.Person = ""
			}
		}
	}
	if r, ok := resp.(*pb.RegisterMemberResponse); ok && r.Membership.GetPerson() == "" {
		r.Person = nil
	}
	return nil
}

// restrictedOf reports which of the people names are restricted, for
// callers other than admins: the people an answer may not name.
func (s *Server) restrictedOf(ctx context.Context, people []string) (map[string]bool, error) {
	if !restrictionApplies(ctx) || len(people) == 0 {
		return nil, nil
	}
	return s.db.RestrictedPeople(ctx, people)
}

func restrictionApplies(ctx context.Context) bool {
	p := callFrom(ctx).principal
	return p != nil && p.Role != RoleAdmin
}

func errRestricted(what string) error {
	return status.Errorf(codes.PermissionDenied,
		"%s is restricted: the consent its processing rested on was withdrawn, or the person asked for restriction; only an admin may read it", what)
}
