package server

import (
	"cmp"
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/names"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The scope of a principal (DESIGN.md §10): a registrar key limited to an
// association acts only on that association, those under it, and the
// people in their scope (store/scope.go). Which of a request's resources
// the scope is checked against is declared on the method's line in the
// permission table, and one interceptor, scopeHook, checks every request
// of every call by that declaration before its handler runs, so that no
// handler has to remember to.

// scopeKind is what of a request a scope is checked against.
type scopeKind int

const (
	// undeclared is a line that says nothing of scope: TestScopeDeclared
	// fails for it, and a limited caller is refused it.
	undeclared scopeKind = iota
	// unscoped methods name nothing a scope limits (reference data, the
	// list of associations), or are not open to a limited caller.
	unscoped
	// onPerson is the person (people/{person}) the request names in its
	// name or parent, or in the name of the resource it carries.
	onPerson
	// onAssociation is the association (associations/{association}) the
	// request names there.
	onAssociation
	// onPeople are the people (people/{person}) a batch request names, in
	// its repeated names: each must be in scope.
	onPeople
	// filtered methods name no one: their answer is drawn from the people
	// in the caller's scope only, by the store, to which the handler passes
	// scopeOf(ctx) (ListQuery.Scope, StatsQuery.Scope; TestUnitScopeLists
	// fails for a handler that forgets).
	filtered
	// onReviewedPerson is the person whose profile review
	// (reviewCampaigns/{c}/profileReviews/{person}) the request names.
	onReviewedPerson
	// readByAll methods read a resource they name that every caller of
	// their roles reads whatever its scope: an association itself (its
	// name, code, parent), as ListAssociations lists every one to a key
	// limited to one (README: such a key "may read associations"). Only a
	// read, and never of a person (TestScopeDeclared).
	readByAll
)

// scopeHook checks each request against the scope of a limited caller,
// once the request is known to be well formed, and keeps the people
// outside the scope out of each answer.
func (s *Server) scopeHook() hook {
	return hook{request: s.checkScope, answer: func(ctx context.Context, _ string, resp any) (any, error) {
		msg, ok := resp.(proto.Message)
		if !ok {
			return resp, nil
		}
		if err := s.hideRestricted(ctx, msg); err != nil {
			return nil, grpcError(ctx, err)
		}
		scope := scopeOf(ctx)
		if scope == "" {
			return resp, nil
		}
		if err := s.hideOutOfScope(ctx, scope, msg); err != nil {
			return nil, grpcError(ctx, err)
		}
		if err := hideOtherAssociations(ctx, msg, s.db.AssociationAncestors); err != nil {
			return nil, err
		}
		if err := s.hidePrincipals(ctx, msg); err != nil {
			return nil, err
		}
		hideOthersCreation(msg)
		return resp, nil
	}}
}

// hideOthersCreation clears, in the revisions resp holds for a limited
// caller, the method of a revision that created a person when a principal
// it is not shown made it (hidePrincipals ran): RegisterMember would tell
// of a registration with an association outside its scope, which it is
// not shown (hideOtherAssociations), and any method read so tells of none.
func hideOthersCreation(resp proto.Message) {
	var revisions []*pb.PersonRevision
	collect(resp.ProtoReflect(), &revisions)
	for _, r := range revisions {
		if r.GetPrincipal() == names.OtherPrincipal && r.GetBefore() == nil && names.Ancestor(r.GetResource(), names.Person) == r.GetResource() {
			r.Method = ""
		}
	}
}

// hideOtherAssociations drops, in place, from every profile resp holds
// the memberships of associations outside the scope of a limited caller:
// a person in an association's scope is its member, and what they hold in
// another association (a registration there, its state) is that
// association's business, as the export's memberships sheet and
// ListMemberships (whose associations/- it may not read) have it. A
// caller limited to an organization has no association in its scope: it
// may read no membership (README, "Keys and accounts limited to a unit").
func hideOtherAssociations(ctx context.Context, resp proto.Message, ancestors func(ctx context.Context, association string) ([]string, error)) error {
	p := callFrom(ctx).principal
	if p == nil || p.scope() == "" {
		return nil
	}
	var people []*pb.Person
	var consents []*pb.Consent
	collect(resp.ProtoReflect(), &people)
	collect(resp.ProtoReflect(), &consents)
	in := map[string]bool{}
	inScope := func(membership string) (bool, error) {
		a := names.Ancestor(membership, names.Association)
		if p.Association == "" {
			return false, nil // limited to an organization
		}
		ok, seen := in[a]
		if !seen {
			err := checkAssociationScope(ctx, a, ancestors)
			if err != nil && status.Code(err) != codes.PermissionDenied {
				return false, err
			}
			ok = err == nil
			in[a] = ok
		}
		return ok, nil
	}
	for _, person := range people {
		kept := person.Memberships[:0]
		for _, m := range person.Memberships {
			ok, err := inScope(m.GetName())
			if err != nil {
				return err
			}
			if ok {
				kept = append(kept, m)
			}
		}
		person.Memberships = kept
	}
	// The store shows a key no consent that came with another
	// association's registration (consentShownSQL); should one reach an
	// answer, it names neither that registration nor who recorded it
	// there (an account's email, a key of its own).
	for _, c := range consents {
		if c.GetMembership() == "" {
			continue
		}
		ok, err := inScope(c.GetMembership())
		if err != nil {
			return err
		}
		if !ok {
			c.Membership, c.Recorder = "", ""
		}
	}
	return nil
}

// checkScope is the object-level check of a caller: the request of method
// may name only what a limited caller's scope holds, by the scope the
// method's line declares, and nothing restricted unless the caller is an
// admin (privacy.go). The scope comes first: outside it, a limited caller
// gets the same refusal whether the person exists, is restricted or not
// (https://google.aip.dev/211).
func (s *Server) checkScope(ctx context.Context, method string, req any) error {
	msg, _ := req.(proto.Message)
	if err := s.checkLimit(ctx, method, msg); err != nil {
		return err
	}
	return s.checkRestrictions(ctx, method, msg)
}

// checkLimit is checkScope's check of a limited caller's scope. Callers
// without a scope pass.
func (s *Server) checkLimit(ctx context.Context, method string, msg proto.Message) error {
	p := callFrom(ctx).principal
	if p == nil || p.Association == "" && p.Organization == "" {
		return nil
	}
	switch s.perms[method].scope {
	case unscoped, filtered, readByAll:
		return nil
	case onPerson:
		return s.checkPersonScope(ctx, p, names.Ancestor(requestName(msg), names.Person))
	case onPeople:
		return s.checkPeopleScope(ctx, p, batchNames(msg))
	case onReviewedPerson:
		return s.checkPersonScope(ctx, p, reviewedPerson(requestName(msg)))
	case onAssociation:
		if p.Organization != "" {
			// authorize lets no unit's caller get here.
			return denied(reasonDeniedScope, "this key is limited to %s and may not act on associations", p.Organization)
		}
		if acrossAssociations(msg) {
			// A read of every association's: the store narrows it to the
			// caller's scope (ExpertQuery.Scope, ListQuery.Scope).
			return nil
		}
		if err := checkAssociationScope(ctx, names.Ancestor(requestName(msg), names.Association), s.db.AssociationAncestors); err != nil {
			return err
		}
		// What the request puts under the association may name people
		// (a pool's member, an engagement's expert): only people in the
		// caller's scope, or the association would gain access to anyone.
		for _, person := range carriedPeople(msg) {
			if err := s.checkPersonScope(ctx, p, person); err != nil {
				return err
			}
		}
		// A pool's member or an engagement is about its expert, who may
		// have left the scope since: the caller reads them unnamed
		// (hideOutOfScope), but may not change them, nor learn from a
		// refused change (the conflict rule's) where the expert works. It
		// may take such a member out of its pool: that tells nothing, and
		// the pool is the association's.
		if !isRead(method) && method != deletePoolMember {
			return s.checkExpertScope(ctx, p, requestName(msg))
		}
		return nil
	}
	return denied(reasonDeniedScope, "this key is limited to %s and may not call %s, which declares no scope", p.scope(), method[1:])
}

// acrossAssociations says whether msg reads under every association
// (associations/-, AIP-159) by a method whose store narrows such a read to
// a limited caller's scope. ListMemberships does not: a limited key is
// refused associations/- there.
func acrossAssociations(msg proto.Message) bool {
	switch r := msg.(type) {
	case *pb.SearchExpertsRequest:
		return strings.HasPrefix(r.GetName(), "associations/-/")
	case *pb.ListExpertPoolsRequest:
		return r.GetParent() == "associations/-"
	}
	return false
}

// scope is what p is limited to: an association, an organization, or ""
// for no limit.
func (p *Principal) scope() string {
	if p.Association != "" {
		return p.Association
	}
	return p.Organization
}

// checkPersonScope lets a limited key read and keep the profiles of the
// people in its scope (store/scope.go: a PENDING, ACTIVE or SUSPENDED
// membership whose link is confirmed; store/unitscope.go: a current
// position in the unit) and of nobody else. Outside the scope, and for a
// person who does not exist, the answer is the same PERMISSION_DENIED
// (https://google.aip.dev/211).
func (s *Server) checkPersonScope(ctx context.Context, p *Principal, person string) error {
	return s.checkPeopleScope(ctx, p, []string{person})
}

// checkPeopleScope is checkPersonScope for each of people, all or none.
func (s *Server) checkPeopleScope(ctx context.Context, p *Principal, people []string) error {
	in, err := s.db.PeopleInScope(ctx, p.scope(), people)
	if err != nil {
		return grpcError(ctx, err)
	}
	for _, person := range people {
		if in[person] {
			continue
		}
		if p.Organization != "" {
			return denied(reasonDeniedScope,
				"this key is limited to the people who hold a current position at %s or an organization under it; it may not act on %q", p.Organization, person)
		}
		return denied(reasonDeniedScope,
			"this key is limited to the members of %s and the associations under it; it may not act on %q", p.Association, person)
	}
	return nil
}

// checkExpertScope lets a caller limited to an association change the
// pool's member or the engagement that name is, or is under, only while
// its expert is in the scope. A name of none passes, for the method to
// say NOT_FOUND: the association is the caller's.
func (s *Server) checkExpertScope(ctx context.Context, p *Principal, name string) error {
	held, hidden, err := s.expertHidden(ctx, p, name)
	if err != nil {
		return err
	}
	if hidden {
		return denied(reasonDeniedScope,
			"this key is limited to the members of %s and the associations under it; it may not change %s, whose expert is not one of them", p.Association, held)
	}
	return nil
}

const deletePoolMember = "/trithuc.v1.ExpertService/DeleteExpertPoolMember"

// expertHidden reports whether name is, or is under, a pool member or an
// engagement whose expert is outside a limited caller p's scope: the
// caller reads it unnamed (hideOutOfScope). held is that member or
// engagement.
func (s *Server) expertHidden(ctx context.Context, p *Principal, name string) (held string, hidden bool, err error) {
	held = cmp.Or(names.Ancestor(name, names.PoolMember), names.Ancestor(name, names.Engagement))
	if held == "" || p == nil || p.Association == "" && p.Organization == "" {
		return held, false, nil
	}
	person, err := s.db.ExpertOf(ctx, held)
	if err != nil || person == "" {
		return held, false, grpcError(ctx, err)
	}
	in, err := s.db.PeopleInScope(ctx, p.scope(), []string{person})
	if err != nil {
		return held, false, grpcError(ctx, err)
	}
	return held, !in[person], nil
}

// batchNames are the names a batch request lists in its repeated
// field names.
func batchNames(req proto.Message) []string {
	if req == nil {
		return nil
	}
	m := req.ProtoReflect()
	fd := m.Descriptor().Fields().ByName("names")
	if fd == nil || !fd.IsList() || fd.Kind() != protoreflect.StringKind {
		return nil
	}
	l := m.Get(fd).List()
	out := make([]string, l.Len())
	for i := range out {
		out[i] = l.Get(i).String()
	}
	return out
}

// requestName is the resource name a request is about: its name or its
// parent, or else the name of the resource it carries; "" when it names
// none. The request's own fields come first, so that the name inside a
// resource being created cannot stand in for the parent it is created in.
func requestName(req proto.Message) string {
	if req == nil {
		return ""
	}
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	for _, n := range []protoreflect.Name{"name", "parent"} {
		if fd := fields.ByName(n); fd != nil && fd.Kind() == protoreflect.StringKind && !fd.IsList() && m.Get(fd).String() != "" {
			return m.Get(fd).String()
		}
	}
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsList() || fd.IsMap() || !m.Has(fd) {
			continue
		}
		if nfd := fd.Message().Fields().ByName("name"); nfd != nil && nfd.Kind() == protoreflect.StringKind {
			if name := m.Get(fd).Message().Get(nfd).String(); name != "" {
				return name
			}
		}
	}
	return ""
}

// errOutOfScope is what a registrar key limited to an association learns
// of any association outside its scope, whether it exists or not
// (https://google.aip.dev/211).
func errOutOfScope(p *Principal, association string) error {
	return denied(reasonDeniedScope,
		"this key is limited to %s and the associations under it; it may not act on %s", p.Association, association)
}

// checkAssociationScope is the object-level check for registrar keys
// limited to one association, on the association a request names. It
// allows every caller not limited to an association. A limited one may
// act on its association and the associations under it: ancestors lists
// an association's ancestors, nearest first (nil when associations have no
// hierarchy). The answer outside the scope is PERMISSION_DENIED, the same
// whether the association exists or not, so that it reveals nothing
// (https://google.aip.dev/211).
func checkAssociationScope(ctx context.Context, association string, ancestors func(ctx context.Context, association string) ([]string, error)) error {
	p := callFrom(ctx).principal
	if p == nil {
		return status.Error(codes.Unauthenticated, "no credential")
	}
	if p.Association == "" {
		return nil
	}
	if association == p.Association {
		return nil
	}
	if ancestors == nil || association == "" {
		return errOutOfScope(p, association)
	}
	up, err := ancestors(ctx, association)
	var se *store.Error
	switch {
	case errors.As(err, &se) && (se.Code == store.NotFound || se.Code == store.Invalid):
		return errOutOfScope(p, association)
	case err != nil:
		return grpcError(ctx, err)
	}
	for _, a := range up {
		if a == p.Association {
			return nil
		}
	}
	return errOutOfScope(p, association)
}

// What a registrar key limited to an association learns of people outside
// its scope (DESIGN.md §10, store/scope.go): nothing by name. Memberships
// in its answers name only the people in its scope; the member of a
// membership whose link is unconfirmed, or that has ended, is left out, and
// so are the names of look-alikes outside the scope (their count and
// reasons stay, so that the key knows to ask a registrar without a limit).

// scopeOf is the association or the organization the caller is limited
// to; "" for any other caller.
func scopeOf(ctx context.Context) string {
	if p := callFrom(ctx).principal; p != nil {
		return p.scope()
	}
	return ""
}

// hideOutOfScope clears, in place, every name of a person outside scope
// from the memberships, expert pools' members and engagements that resp
// holds, however deep, and the profile a registration returns with a
// member outside it. A pool keeps the people put in it while they were
// members, and people outside the association may be put there by a
// caller without a scope.
func (s *Server) hideOutOfScope(ctx context.Context, scope string, resp proto.Message) error {
	var ms []*pb.Membership
	var pms []*pb.ExpertPoolMember
	var es []*pb.Engagement
	collect(resp.ProtoReflect(), &ms)
	collect(resp.ProtoReflect(), &pms)
	collect(resp.ProtoReflect(), &es)
	if len(ms)+len(pms)+len(es) == 0 {
		return nil
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Person)
		for _, d := range m.PossibleDuplicates {
			names = append(names, d.Person)
		}
	}
	for _, m := range pms {
		names = append(names, m.Person)
	}
	for _, e := range es {
		names = append(names, e.Person)
	}
	in, err := s.db.PeopleInScope(ctx, scope, names)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if !in[m.Person] {
			m.Person = ""
			// The consent's name is under the person's.
			if m.Consent != nil {
				m.Consent.Name, m.Consent.Etag = "", ""
			}
		}
		for _, d := range m.PossibleDuplicates {
			if !in[d.Person] {
				d.Person = ""
			}
		}
	}
	for _, m := range pms {
		if !in[m.Person] {
			m.Person, m.DisplayName = "", ""
		}
	}
	for _, e := range es {
		if !in[e.Person] {
			e.Person = ""
		}
	}
	if r, ok := resp.(*pb.RegisterMemberResponse); ok && r.Membership.GetPerson() == "" {
		r.Person = nil
	}
	return nil
}

// collect appends the messages of type T in m, at any depth.
func collect[T proto.Message](m protoreflect.Message, out *[]T) {
	walkMessages(m, func(m protoreflect.Message) bool {
		if mm, ok := m.Interface().(T); ok {
			*out = append(*out, mm)
			return false
		}
		return true
	})
}

// walkMessages calls visit with m and, where visit says to go on into a
// message, every message it holds, in fields and lists (not maps), depth
// first.
func walkMessages(m protoreflect.Message, visit func(protoreflect.Message) bool) {
	if !visit(m) {
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Message() == nil || fd.IsMap():
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walkMessages(l.Get(i).Message(), visit)
			}
		default:
			walkMessages(v.Message(), visit)
		}
		return true
	})
}

// carriedPeople are the people (people/{person}) that the resource a
// request carries refers to, by the contract's resource references: its
// singular message fields' string fields referencing people, which
// planOf finds once per message type rather than reading each field's
// options on every call (issue 19).
func carriedPeople(req proto.Message) []string {
	if req == nil {
		return nil
	}
	var out []string
	m := req.ProtoReflect()
	for _, c := range planOf(m.Descriptor()).contents {
		if c.fd.IsList() || !m.Has(c.fd) {
			continue
		}
		res := m.Get(c.fd).Message()
		for _, rf := range planOf(c.fd.Message()).people {
			if rf.IsList() {
				continue
			}
			if s := res.Get(rf).String(); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
