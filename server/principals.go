package server

import (
	"context"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Who did something is recorded by principal: key:ID, user:EMAIL (a
// console account, by its email), cert:SUBJECT. A caller limited to an
// association or a unit reads the principals of its own scope alone:
// itself, and the keys and accounts limited to the same association or
// unit, or to one under it (whose people it reads too). Any other (another association's key, a staff member's email, a
// caller without a limit) it reads as names.OtherPrincipal, and the
// display name that goes with it as empty: whom another organization
// employs, and by what address, is that organization's to tell. The
// service's own principals (server, restore) name no one and stay.

// principalRef is a field of an answer that names a principal, and the
// display name that goes with it, if the message has one. A profile
// review names its confirmer by display name alone: review is set, and
// id points at the principal the store kept (reviewConfirmers).
type principalRef struct {
	id, name *string
	review   *pb.ProfileReview
}

// principalRefs appends the fields of m, at any depth, that name a
// principal (a revision's within its values too).
func principalRefs(m protoreflect.Message, out []principalRef) []principalRef {
	walkMessages(m, func(m protoreflect.Message) bool {
		switch x := m.Interface().(type) {
		case *pb.PersonRevision:
			out = append(out, principalRef{id: &x.Principal})
		case *pb.Consent:
			out = append(out, principalRef{id: &x.Recorder})
		case *pb.Verification:
			out = append(out, principalRef{id: &x.Verifier})
		case *pb.NominationDecision:
			out = append(out, principalRef{id: &x.Decider})
		case *pb.Report:
			out = append(out, principalRef{id: &x.Creator, name: &x.CreatorDisplayName})
		case *pb.AuditEvent:
			out = append(out, principalRef{id: &x.Principal, name: &x.PrincipalName})
		case *pb.ProfileReview:
			if x.Confirmer != "" {
				out = append(out, principalRef{id: new(string), name: &x.Confirmer, review: x})
			}
		}
		return true
	})
	return out
}

// hidePrincipals replaces, in place, each principal in resp outside the
// scope of a limited caller by names.OtherPrincipal.
func (s *Server) hidePrincipals(ctx context.Context, resp proto.Message) error {
	p := callFrom(ctx).principal
	if p == nil || p.scope() == "" {
		return nil
	}
	refs := principalRefs(resp.ProtoReflect(), nil)
	if err := s.reviewConfirmers(ctx, refs); err != nil {
		return err
	}
	var ids []string
	for _, r := range refs {
		if credential(*r.id) && *r.id != p.ID {
			ids = append(ids, *r.id)
		}
	}
	scopes := map[string]string{}
	if len(ids) > 0 {
		var err error
		if scopes, err = s.db.PrincipalScopes(ctx, ids); err != nil {
			return grpcError(ctx, err)
		}
	}
	// The scopes under the caller's are its too: it reads their people.
	var within map[string]bool
	for _, scope := range scopes {
		if scope != "" && scope != p.scope() && within == nil {
			var err error
			if within, err = s.db.ScopeSubtree(ctx, p.scope()); err != nil {
				return grpcError(ctx, err)
			}
		}
	}
	for _, r := range refs {
		id := *r.id
		if !credential(id) || id == p.ID {
			continue
		}
		if scope, ok := scopes[id]; ok && (scope == p.scope() || scope != "" && within[scope]) {
			continue
		}
		*r.id = names.OtherPrincipal
		switch {
		case r.review != nil:
			r.review.Confirmer = names.OtherPrincipal
		case r.name != nil:
			*r.name = ""
		}
	}
	return nil
}

// reviewConfirmers points each ref of a confirmed profile review at the
// principal that confirmed it. A review confirmed before the principal
// was kept (migration 0047) has none: its scope cannot be told, and its
// confirmer reads as names.OtherPrincipal.
func (s *Server) reviewConfirmers(ctx context.Context, refs []principalRef) error {
	var reviews []string
	for _, r := range refs {
		if r.review != nil {
			reviews = append(reviews, r.review.GetName())
		}
	}
	if len(reviews) == 0 {
		return nil
	}
	by, err := s.db.ProfileReviewConfirmers(ctx, reviews)
	if err != nil {
		return grpcError(ctx, err)
	}
	for _, r := range refs {
		if r.review == nil {
			continue
		}
		if *r.id = by[r.review.GetName()]; !credential(*r.id) {
			*r.id = "unknown:" // not the caller's, nor of any scope
		}
	}
	return nil
}

// credential reports whether principal names a key, an account or a
// certificate, not the service itself.
func credential(principal string) bool {
	return strings.Contains(principal, ":")
}
