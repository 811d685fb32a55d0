package server

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc/store"
)

// Besides the roles, the permission table knows three kinds of caller.
const (
	// anyone may call without a credential: health checks only.
	anyone = "(anyone)"
	// anyRole is every authenticated caller, whatever its role or scope.
	anyRole = "(any role)"
	// scopedRegistrar is a registrar key limited to one association. Such
	// a key may call only the methods listed with it, whose handlers check
	// the association with checkAssociationScope; a plain registrar entry
	// does not admit it.
	scopedRegistrar = "(registrar limited to an association)"
)

// permissions says who may call each method, by its full gRPC name. An
// admin may call every method listed ({} is admins only); a method not
// listed may be called by nobody (default deny), and
// TestPermissionTableComplete fails for every served method without a line
// here. Adding an RPC: add its line. What a role may see of what it may
// call is decided apart from this table, by the contract's sensitivity
// marks (redact.go).
var permissions = map[string][]string{
	"/grpc.health.v1.Health/Check": {anyone},
	"/grpc.health.v1.Health/Watch": {anyone},
	"/grpc.health.v1.Health/List":  {anyone},

	"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo":      {anyRole},
	"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": {anyRole},

	"/trithuc.v1.PersonService/CreatePerson":   {RoleRegistrar},
	"/trithuc.v1.PersonService/GetPerson":      {RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar},
	"/trithuc.v1.PersonService/ListPeople":     {RoleRegistrar, RoleHomeAffairs, RoleService},
	"/trithuc.v1.PersonService/UpdatePerson":   {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/DeletePerson":   {},
	"/trithuc.v1.PersonService/UndeletePerson": {},
	"/trithuc.v1.PersonService/SearchPeople":   {RoleRegistrar, RoleHomeAffairs, RoleService},

	// What is kept under a person: the registrar writes it, the Department
	// of Home Affairs reads it (across people too) and verifies
	// qualifications; internal services see a person's current positions
	// on the basic profile only.
	"/trithuc.v1.PersonService/CreateQualification": {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/GetQualification":    {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PersonService/ListQualifications":  {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PersonService/UpdateQualification": {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/DeleteQualification": {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/VerifyQualification": {RoleHomeAffairs},
	"/trithuc.v1.PersonService/CreatePosition":      {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/GetPosition":         {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PersonService/ListPositions":       {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PersonService/UpdatePosition":      {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/DeletePosition":      {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/CreateHonor":         {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/GetHonor":            {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PersonService/ListHonors":          {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PersonService/UpdateHonor":         {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PersonService/DeleteHonor":         {RoleRegistrar, scopedRegistrar},

	// Workplaces are not personal data: everyone reads them, the
	// registrar adds and corrects them, only an admin deletes.
	"/trithuc.v1.OrganizationService/CreateOrganization":   {RoleRegistrar},
	"/trithuc.v1.OrganizationService/GetOrganization":      {RoleRegistrar, RoleHomeAffairs, RoleService},
	"/trithuc.v1.OrganizationService/ListOrganizations":    {RoleRegistrar, RoleHomeAffairs, RoleService},
	"/trithuc.v1.OrganizationService/UpdateOrganization":   {RoleRegistrar},
	"/trithuc.v1.OrganizationService/DeleteOrganization":   {},
	"/trithuc.v1.OrganizationService/UndeleteOrganization": {},

	"/trithuc.v1.ReferenceService/ListQualificationLevels": {anyRole},
	"/trithuc.v1.ReferenceService/GetQualificationLevel":   {anyRole},
	"/trithuc.v1.ReferenceService/ListAcademicTitles":      {anyRole},
	"/trithuc.v1.ReferenceService/GetAcademicTitle":        {anyRole},
	"/trithuc.v1.ReferenceService/ListFields":              {anyRole},
	"/trithuc.v1.ReferenceService/GetField":                {anyRole},
	"/trithuc.v1.ReferenceService/ListEthnicGroups":        {anyRole},
	"/trithuc.v1.ReferenceService/GetEthnicGroup":          {anyRole},
	"/trithuc.v1.ReferenceService/ListCountries":           {anyRole},
	"/trithuc.v1.ReferenceService/GetCountry":              {anyRole},
	"/trithuc.v1.ReferenceService/ListAdministrativeUnits": {anyRole},
	"/trithuc.v1.ReferenceService/GetAdministrativeUnit":   {anyRole},

	// The science associations are not personal data: everyone reads
	// them, only an admin keeps them. A registrar limited to an
	// association reads them too.
	"/trithuc.v1.MembershipService/CreateAssociation":   {},
	"/trithuc.v1.MembershipService/GetAssociation":      {RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar},
	"/trithuc.v1.MembershipService/ListAssociations":    {RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar},
	"/trithuc.v1.MembershipService/UpdateAssociation":   {},
	"/trithuc.v1.MembershipService/DeleteAssociation":   {},
	"/trithuc.v1.MembershipService/UndeleteAssociation": {},

	// Memberships: the registrar registers and manages members (one
	// limited to an association, of that association and those under
	// it); the Department of Home Affairs reads them.
	"/trithuc.v1.MembershipService/RegisterMember":      {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.MembershipService/GetMembership":       {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.MembershipService/ListMemberships":     {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.MembershipService/UpdateMembership":    {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.MembershipService/ApproveMembership":   {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.MembershipService/RejectMembership":    {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.MembershipService/SuspendMembership":   {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.MembershipService/ReinstateMembership": {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.MembershipService/WithdrawMembership":  {RoleRegistrar, scopedRegistrar},

	"/trithuc.v1.AuditService/ListAuditEvents": {},

	// Personal data protection: the registrar records and withdraws the
	// consents of the people it keeps; revisions are read by those who
	// read profiles (personal data cleared as everywhere); restoring,
	// purging, exporting and the requests of data subjects are admins'.
	"/trithuc.v1.PrivacyService/CreateConsent":                {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PrivacyService/GetConsent":                   {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PrivacyService/ListConsents":                 {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PrivacyService/WithdrawConsent":              {RoleRegistrar, scopedRegistrar},
	"/trithuc.v1.PrivacyService/ListPersonRevisions":          {RoleRegistrar, RoleHomeAffairs, scopedRegistrar},
	"/trithuc.v1.PrivacyService/RestorePersonRevision":        {},
	"/trithuc.v1.PrivacyService/PurgePerson":                  {},
	"/trithuc.v1.PrivacyService/ExportPersonData":             {},
	"/trithuc.v1.PrivacyService/CreateDataSubjectRequest":     {},
	"/trithuc.v1.PrivacyService/GetDataSubjectRequest":        {},
	"/trithuc.v1.PrivacyService/ListDataSubjectRequests":      {},
	"/trithuc.v1.PrivacyService/TransitionDataSubjectRequest": {},

	// Figures for the Department of Home Affairs: aggregates only, with
	// small cells suppressed; the threshold is the administrators'.
	"/trithuc.v1.StatisticsService/ComputeStatistics":        {RoleHomeAffairs},
	"/trithuc.v1.StatisticsService/ExportStatistics":         {RoleHomeAffairs},
	"/trithuc.v1.StatisticsService/GetIndicators":            {RoleHomeAffairs},
	"/trithuc.v1.StatisticsService/GetStatisticsSettings":    {RoleHomeAffairs},
	"/trithuc.v1.StatisticsService/UpdateStatisticsSettings": {},

	// Spreadsheets: the registrar imports people (a key limited to an
	// association may not: the people sheet is not an association's); an
	// export is a read of every exported person, redacted as every read.
	// Operations: each caller sees only its own (operations.go).
	"/trithuc.v1.TransferService/ImportPeople":       {RoleRegistrar},
	"/trithuc.v1.TransferService/ExportPeople":       {RoleRegistrar, RoleHomeAffairs},
	"/google.longrunning.Operations/GetOperation":    {RoleRegistrar, RoleHomeAffairs},
	"/google.longrunning.Operations/ListOperations":  {RoleRegistrar, RoleHomeAffairs},
	"/google.longrunning.Operations/CancelOperation": {RoleRegistrar, RoleHomeAffairs},
	"/google.longrunning.Operations/WaitOperation":   {RoleRegistrar, RoleHomeAffairs},
	"/google.longrunning.Operations/DeleteOperation": {},
}

// unaudited are the services whose calls the audit trail leaves out: they
// touch no personal data. Every other service's calls are audited.
var unaudited = map[string]bool{
	"grpc.health.v1.Health":                    true,
	"grpc.reflection.v1.ServerReflection":      true,
	"grpc.reflection.v1alpha.ServerReflection": true,
	"trithuc.v1.ReferenceService":              true,
}

// isPublic reports whether method needs no credential.
func (s *Server) isPublic(method string) bool {
	for _, r := range s.perms[method] {
		if r == anyone {
			return true
		}
	}
	return false
}

// mayCall reports whether p may call method.
func (s *Server) mayCall(p *Principal, method string) bool {
	allowed, ok := s.perms[method]
	if !ok {
		return false
	}
	scoped := p.Role == RoleRegistrar && p.Association != ""
	if p.Role == RoleAdmin {
		return true
	}
	for _, r := range allowed {
		switch {
		case r == anyone, r == anyRole:
			return true
		case r == scopedRegistrar:
			if scoped {
				return true
			}
		case r == p.Role && !scoped:
			return true
		}
	}
	return false
}

// allow lets roles call method beside those the table names; for tests
// that register services of their own.
func (s *Server) allow(method string, roles ...string) {
	s.perms[method] = append(s.perms[method], roles...)
}

func (s *Server) authorizeUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := s.authorize(ctx, info.FullMethod); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

// scopeUnary runs the object-level check of keys limited to an
// association, once the request is known to be well formed, and keeps the
// people outside the scope out of the answer (scope.go).
func (s *Server) scopeUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := s.checkPersonScope(ctx, info.FullMethod, req); err != nil {
		return nil, err
	}
	if err := s.checkRestricted(ctx, info.FullMethod, req); err != nil {
		return nil, err
	}
	resp, err := handler(ctx, req)
	if scope := scopeOf(ctx); err == nil && scope != "" {
		if msg, ok := resp.(proto.Message); ok {
			if err := s.hideOutOfScope(ctx, scope, msg); err != nil {
				return nil, grpcError(ctx, err)
			}
		}
	}
	return resp, err
}

// checkPersonScope is the object-level check for registrar keys limited to
// an association on the methods about one person: such a key may read and
// keep the profiles of the people in its scope (store/scope.go: a PENDING,
// ACTIVE or SUSPENDED membership whose link is confirmed) and of nobody
// else. Outside the scope, and
// for a person who does not exist, the answer is the same
// PERMISSION_DENIED (https://google.aip.dev/211).
func (s *Server) checkPersonScope(ctx context.Context, method string, req any) error {
	p := callFrom(ctx).principal
	if p == nil || p.Association == "" || !strings.HasPrefix(method, "/trithuc.v1.PersonService/") &&
		!strings.HasPrefix(method, "/trithuc.v1.PrivacyService/") {
		return nil
	}
	msg, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	person := targetPerson(msg)
	in, err := s.db.PersonInScope(ctx, person, p.Association)
	if err != nil {
		return grpcError(ctx, err)
	}
	if !in {
		return status.Errorf(codes.PermissionDenied,
			"this key is limited to the members of %s and the associations under it; it may not act on %q", p.Association, person)
	}
	return nil
}

// targetPerson is the people/{person} a request is about, from its name,
// its parent, or the name of the resource it carries; "" when it names none.
func targetPerson(req proto.Message) string {
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	var name string
	for i := 0; i < fields.Len() && name == ""; i++ {
		fd := fields.Get(i)
		switch {
		case (fd.Name() == "name" || fd.Name() == "parent") && fd.Kind() == protoreflect.StringKind && !fd.IsList():
			name = m.Get(fd).String()
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap() && m.Has(fd):
			if nfd := fd.Message().Fields().ByName("name"); nfd != nil && nfd.Kind() == protoreflect.StringKind {
				name = m.Get(fd).Message().Get(nfd).String()
			}
		}
	}
	parts := strings.SplitN(name, "/", 3)
	if len(parts) < 2 || parts[0] != "people" {
		return ""
	}
	return parts[0] + "/" + parts[1]
}

func (s *Server) authorizeStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	if err := s.authorize(ss.Context(), info.FullMethod); err != nil {
		return err
	}
	return handler(srv, ss)
}

// authorize lets a call through when the permission table allows its
// caller's role the method.
func (s *Server) authorize(ctx context.Context, method string) error {
	if s.isPublic(method) {
		return nil
	}
	p := callFrom(ctx).principal
	if p == nil {
		// authenticate lets no call without a principal get here.
		return status.Error(codes.Unauthenticated, "no credential")
	}
	if s.mayCall(p, method) {
		return nil
	}
	name := strings.TrimPrefix(method, "/")
	if _, known := s.perms[method]; !known {
		return status.Errorf(codes.PermissionDenied, "%s is not open to any caller", name)
	}
	if p.Role == RoleRegistrar && p.Association != "" {
		return status.Errorf(codes.PermissionDenied, "this key is limited to %s and may not call %s", p.Association, name)
	}
	return status.Errorf(codes.PermissionDenied, "the %s role may not call %s", p.Role, name)
}

// errOutOfScope is what a registrar key limited to an association learns
// of any association outside its scope, whether it exists or not
// (https://google.aip.dev/211).
func errOutOfScope(p *Principal, association string) error {
	return status.Errorf(codes.PermissionDenied,
		"this key is limited to %s and the associations under it; it may not act on %s", p.Association, association)
}

// checkAssociationScope is the object-level check for registrar keys
// limited to one association. Handlers that act on an association, or on
// a resource under one (its memberships), call it with the association's
// name before they read anything, and return its error as it is:
//
//	if err := checkAssociationScope(ctx, parent, s.db.AssociationAncestors); err != nil {
//		return nil, err
//	}
//
// It allows every caller not limited to an association. A limited one may
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
