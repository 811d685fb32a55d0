package server

import (
	"context"

	"trithuc.gov.vn/trithuc/store"
)

// A change of a person's memberships or consents alone moves their
// revision, but a caller that may not read them is told nothing of it: not
// by the person's etag or update_time, which the store's reads of people
// give as it sees them (GetPersonShown, ListQuery.Shown, ...), nor by its
// change feed, nor by its unit's reviews (store/holdings.go).

// shownOf is what of a person's memberships and consents p reads: what
// it may list.
func (s *Server) shownOf(p *Principal) store.Shown {
	if p == nil {
		return store.ShownAll
	}
	members := s.mayCall(p, "/trithuc.v1.MembershipService/ListMemberships")
	consents := s.mayCall(p, "/trithuc.v1.PrivacyService/ListConsents")
	switch {
	case members && consents && p.Association != "":
		// A key limited to an association reads the memberships of its
		// own alone.
		return store.ShownAssociation(p.Association)
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
