package server

import (
	"context"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// A change of a person's memberships or consents alone moves their
// revision, but a caller that may not read them is told nothing of it: not
// by the person's etag or update_time, nor by its change feed, nor by its
// unit's reviews (store/holdings.go).

// shownOf is what of a person's memberships and consents p reads: what
// it may list.
func (s *Server) shownOf(p *Principal) store.Shown {
	if p == nil {
		return store.ShownAll
	}
	members := s.mayCall(p, "/trithuc.v1.MembershipService/ListMemberships")
	consents := s.mayCall(p, "/trithuc.v1.PrivacyService/ListConsents")
	switch {
	case members && consents:
		return store.ShownAll
	case members:
		return store.ShownMemberships
	}
	return store.ShownProfile
}

// shown is what the caller of ctx reads of memberships and consents.
func (s *Server) shown(ctx context.Context) store.Shown {
	return s.shownOf(callFrom(ctx).principal)
}

// showProfileMeta sets, in place, the etag and update_time of every
// profile resp holds to those the caller sees, when it may not read all
// that the person holds. A revision's profile is as it was then, and
// keeps them.
func (s *Server) showProfileMeta(ctx context.Context, resp proto.Message) error {
	shown := s.shown(ctx)
	if shown == store.ShownAll {
		return nil
	}
	var people []*pb.Person
	walkMessages(resp.ProtoReflect(), func(m protoreflect.Message) bool {
		switch x := m.Interface().(type) {
		case *pb.PersonRevision:
			return false
		case *pb.Person:
			if x.GetEtag() != "" {
				people = append(people, x)
			}
			return false
		}
		return true
	})
	if len(people) == 0 {
		return nil
	}
	read := make(map[string]string, len(people))
	for _, p := range people {
		read[p.GetName()] = p.GetEtag()
	}
	meta, err := s.db.PeopleShown(ctx, read, shown)
	if err != nil {
		return grpcError(ctx, err)
	}
	for _, p := range people {
		if m, ok := meta[p.GetName()]; ok {
			p.Etag, p.UpdateTime = m.Etag, timestamppb.New(m.UpdateTime)
		}
	}
	return nil
}
