package server

import (
	"context"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Besides the roles, the permission table knows three kinds of caller.
const (
	// anyone may call without a credential: health checks only.
	anyone = "(anyone)"
	// anyRole is every authenticated caller, whatever its role or scope.
	anyRole = "(any role)"
	// scopedRegistrar is a registrar key limited to one association. Such
	// a key may call only the methods listed with it, and only on what
	// their line's scope admits (scope.go); a plain registrar entry does
	// not admit it.
	scopedRegistrar = "(registrar limited to an association)"
	// unitLimited is a caller limited to an organization (a unit), of any
	// role a unit may be given (registrar, home_affairs): it may call only
	// the methods listed with it and with its role, on the people of its
	// unit (scope.go).
	unitLimited = "(caller limited to an organization)"
)

// permissions says who may call each method, by its full gRPC name, and
// which of its request's resources the scope of a limited caller is
// checked against (scope.go). An admin may call every method listed
// (may(scope) with no roles is admins only); a method not listed may be
// called by nobody (default deny). TestPermissionTableComplete fails for
// every served method without a line here, TestScopeDeclared for every
// line without a scope. Adding an RPC: add its line. What a role may see
// of what it may call is decided apart from this table, by the contract's
// sensitivity marks (redact.go).
var permissions = map[string]access{
	"/grpc.health.v1.Health/Check": may(unscoped, anyone),
	"/grpc.health.v1.Health/Watch": may(unscoped, anyone),
	"/grpc.health.v1.Health/List":  may(unscoped, anyone),

	"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo":      may(unscoped, anyRole),
	"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": may(unscoped, anyRole),

	"/trithuc.v1.PersonService/CreatePerson":   may(unscoped, RoleRegistrar),
	"/trithuc.v1.PersonService/GetPerson":      may(onPerson, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/ListPeople":     may(filtered, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/UpdatePerson":   may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/DeletePerson":   may(onPerson),
	"/trithuc.v1.PersonService/UndeletePerson": may(onPerson),
	// A limited caller searches as it lists: within its scope, by the
	// store's one condition (ListQuery.Scope), its counts and page tokens
	// too.
	"/trithuc.v1.PersonService/SearchPeople": may(filtered, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar, unitLimited),
	// Many names in one request: a unit's caller may name only its people.
	"/trithuc.v1.PersonService/BatchGetPeople": may(onPeople, RoleRegistrar, RoleHomeAffairs, RoleService, unitLimited),

	// What is kept under a person: the registrar writes it, the Department
	// of Home Affairs reads it (across people too) and verifies
	// qualifications; internal services see a person's current positions
	// on the basic profile only.
	"/trithuc.v1.PersonService/CreateQualification": may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/GetQualification":    may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/ListQualifications":  may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/UpdateQualification": may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/DeleteQualification": may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/VerifyQualification": may(onPerson, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.PersonService/CreatePosition":      may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/GetPosition":         may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/ListPositions":       may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/UpdatePosition":      may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/DeletePosition":      may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/CreateHonor":         may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/GetHonor":            may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/ListHonors":          may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/UpdateHonor":         may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/DeleteHonor":         may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/CreateWork":          may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/GetWork":             may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/ListWorks":           may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/UpdateWork":          may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),
	"/trithuc.v1.PersonService/DeleteWork":          may(onPerson, RoleRegistrar, scopedRegistrar, unitLimited),

	// Workplaces are not personal data: everyone reads them, the
	// registrar adds and corrects them, only an admin deletes.
	"/trithuc.v1.OrganizationService/CreateOrganization":    may(unscoped, RoleRegistrar),
	"/trithuc.v1.OrganizationService/GetOrganization":       may(unscoped, RoleRegistrar, RoleHomeAffairs, RoleService, unitLimited),
	"/trithuc.v1.OrganizationService/ListOrganizations":     may(unscoped, RoleRegistrar, RoleHomeAffairs, RoleService, unitLimited),
	"/trithuc.v1.OrganizationService/BatchGetOrganizations": may(unscoped, RoleRegistrar, RoleHomeAffairs, RoleService, unitLimited),

	// The change feed: names and field paths, never values. Its scope is
	// per change, not per request, so the store's query applies it
	// (server/changes.go): internal services see people and organizations,
	// a limited registrar the people in its scope and its association's
	// memberships, a unit's caller the changes of its people.
	"/trithuc.v1.ChangeService/ListChanges":                may(filtered, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar, unitLimited),
	"/trithuc.v1.ChangeService/WatchChanges":               may(filtered, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar, unitLimited),
	"/trithuc.v1.OrganizationService/UpdateOrganization":   may(unscoped, RoleRegistrar),
	"/trithuc.v1.OrganizationService/DeleteOrganization":   may(unscoped),
	"/trithuc.v1.OrganizationService/UndeleteOrganization": may(unscoped),

	"/trithuc.v1.ReferenceService/ListQualificationLevels": may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetQualificationLevel":   may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/ListAcademicTitles":      may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetAcademicTitle":        may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/ListFields":              may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetField":                may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/ListEthnicGroups":        may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetEthnicGroup":          may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/ListCountries":           may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetCountry":              may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/ListSectors":             may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetSector":               may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/ListAdministrativeUnits": may(unscoped, anyRole),
	"/trithuc.v1.ReferenceService/GetAdministrativeUnit":   may(unscoped, anyRole),

	// The science associations are not personal data: everyone reads
	// them, only an admin keeps them. A registrar limited to an
	// association reads them too.
	"/trithuc.v1.MembershipService/CreateAssociation":   may(unscoped),
	"/trithuc.v1.MembershipService/GetAssociation":      may(readByAll, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar),
	"/trithuc.v1.MembershipService/ListAssociations":    may(unscoped, RoleRegistrar, RoleHomeAffairs, RoleService, scopedRegistrar),
	"/trithuc.v1.MembershipService/UpdateAssociation":   may(onAssociation),
	"/trithuc.v1.MembershipService/DeleteAssociation":   may(onAssociation),
	"/trithuc.v1.MembershipService/UndeleteAssociation": may(onAssociation),

	// Memberships: the registrar registers and manages members (one
	// limited to an association, of that association and those under
	// it); the Department of Home Affairs reads them.
	"/trithuc.v1.MembershipService/RegisterMember":      may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.MembershipService/GetMembership":       may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.MembershipService/ListMemberships":     may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.MembershipService/UpdateMembership":    may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.MembershipService/ApproveMembership":   may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.MembershipService/RejectMembership":    may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.MembershipService/SuspendMembership":   may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.MembershipService/ReinstateMembership": may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.MembershipService/WithdrawMembership":  may(onAssociation, RoleRegistrar, scopedRegistrar),

	// Expert pools, their members and engagements are the association's
	// (issue 17): its registrars keep them, home affairs reads them.
	"/trithuc.v1.ExpertService/CreateExpertPool":            may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/GetExpertPool":               may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/ListExpertPools":             may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/UpdateExpertPool":            may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/DeleteExpertPool":            may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/CreateExpertPoolMember":      may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/GetExpertPoolMember":         may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/ListExpertPoolMembers":       may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/UpdateExpertPoolMember":      may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/DeleteExpertPoolMember":      may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/CreateEngagement":            may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/GetEngagement":               may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/ListEngagements":             may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/UpdateEngagement":            may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/DeleteEngagement":            may(onAssociation, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.ExpertService/SearchExperts":               may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/trithuc.v1.ExpertService/ComputeEngagementStatistics": may(onAssociation, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),

	// Honours campaigns are the province's: the registrar without a scope
	// runs them (a nomination names anyone), home affairs reads them.
	"/trithuc.v1.HonorsService/CreateHonorCampaign": may(unscoped, RoleRegistrar),
	"/trithuc.v1.HonorsService/GetHonorCampaign":    may(unscoped, RoleRegistrar, RoleHomeAffairs),
	"/trithuc.v1.HonorsService/ListHonorCampaigns":  may(unscoped, RoleRegistrar, RoleHomeAffairs),
	"/trithuc.v1.HonorsService/UpdateHonorCampaign": may(unscoped, RoleRegistrar),
	"/trithuc.v1.HonorsService/DeleteHonorCampaign": may(unscoped, RoleRegistrar),
	"/trithuc.v1.HonorsService/CreateNomination":    may(unscoped, RoleRegistrar),
	"/trithuc.v1.HonorsService/GetNomination":       may(unscoped, RoleRegistrar, RoleHomeAffairs),
	"/trithuc.v1.HonorsService/ListNominations":     may(unscoped, RoleRegistrar, RoleHomeAffairs),
	"/trithuc.v1.HonorsService/ReviewNomination":    may(unscoped, RoleRegistrar),
	"/trithuc.v1.HonorsService/SelectNomination":    may(unscoped, RoleRegistrar),

	// Unit reviews (rà soát): a registrar without a limit runs the
	// campaigns; a unit's caller reads them, with the progress of its own
	// units, and reviews its own people's profiles.
	"/trithuc.v1.ReviewService/CreateReviewCampaign": may(unscoped, RoleRegistrar),
	"/trithuc.v1.ReviewService/GetReviewCampaign":    may(unscoped, RoleRegistrar, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.ReviewService/ListReviewCampaigns":  may(unscoped, RoleRegistrar, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.ReviewService/UpdateReviewCampaign": may(unscoped, RoleRegistrar),
	"/trithuc.v1.ReviewService/CloseReviewCampaign":  may(unscoped, RoleRegistrar),
	"/trithuc.v1.ReviewService/GetProfileReview":     may(onReviewedPerson, RoleRegistrar, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.ReviewService/ListProfileReviews":   may(filtered, RoleRegistrar, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.ReviewService/ConfirmProfileReview": may(onReviewedPerson, RoleRegistrar, unitLimited),

	"/trithuc.v1.AuditService/ListAuditEvents": may(unscoped),

	// Console accounts and API keys: administrators only.
	"/trithuc.v1.AccountService/GetAccount":     may(unscoped),
	"/trithuc.v1.AccountService/ListAccounts":   may(unscoped),
	"/trithuc.v1.AccountService/CreateAccount":  may(unscoped),
	"/trithuc.v1.AccountService/DisableAccount": may(unscoped),
	"/trithuc.v1.AccountService/ResetAccount":   may(unscoped),
	"/trithuc.v1.AccountService/GetApiKey":      may(unscoped),
	"/trithuc.v1.AccountService/ListApiKeys":    may(unscoped),
	"/trithuc.v1.AccountService/CreateApiKey":   may(unscoped),
	"/trithuc.v1.AccountService/RevokeApiKey":   may(unscoped),

	// Figures for the Department of Home Affairs: aggregates only, with
	// small cells suppressed; the threshold is the administrators'.
	"/trithuc.v1.StatisticsService/ComputeStatistics":        may(filtered, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.StatisticsService/ExportStatistics":         may(filtered, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.StatisticsService/GetIndicators":            may(filtered, RoleHomeAffairs, unitLimited),
	"/trithuc.v1.StatisticsService/CreateReport":             may(unscoped, RoleHomeAffairs),
	"/trithuc.v1.StatisticsService/GetReport":                may(unscoped, RoleHomeAffairs),
	"/trithuc.v1.StatisticsService/ListReports":              may(unscoped, RoleHomeAffairs),
	"/trithuc.v1.StatisticsService/ExportReport":             may(unscoped, RoleHomeAffairs),
	"/trithuc.v1.StatisticsService/GetStatisticsSettings":    may(unscoped, RoleHomeAffairs),
	"/trithuc.v1.StatisticsService/UpdateStatisticsSettings": may(unscoped),

	// Personal data protection: the registrar records and withdraws a
	// person's consents (a limited key, for the people in its scope) and
	// reads the history of a profile with home_affairs; data-subject
	// requests, restoring from a revision, the export of everything held
	// and erasure are the administrators'.
	"/trithuc.v1.PrivacyService/CreateConsent":                may(onPerson, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.PrivacyService/GetConsent":                   may(onPerson, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.PrivacyService/ListConsents":                 may(onPerson, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.PrivacyService/WithdrawConsent":              may(onPerson, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.PrivacyService/ListPersonRevisions":          may(onPerson, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.PrivacyService/RestorePersonRevision":        may(onPerson),
	"/trithuc.v1.PrivacyService/PurgePerson":                  may(onPerson),
	"/trithuc.v1.PrivacyService/ExportPersonData":             may(onPerson),
	"/trithuc.v1.PrivacyService/CreateDataSubjectRequest":     may(unscoped),
	"/trithuc.v1.PrivacyService/GetDataSubjectRequest":        may(unscoped),
	"/trithuc.v1.PrivacyService/ListDataSubjectRequests":      may(unscoped),
	"/trithuc.v1.PrivacyService/TransitionDataSubjectRequest": may(unscoped),

	// Spreadsheets: the registrar imports people; a key limited to an
	// association imports only memberships of its scope, which the import
	// checks row by row (transfer_scope.go: the request is a file); an
	// export is a read of every exported person, redacted as every read,
	// a limited caller's of the people of its scope (as ListPeople).
	// Operations: each caller sees only its own (operations.go).
	"/trithuc.v1.TransferService/ImportPeople":       may(unscoped, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.TransferService/UploadImport":       may(unscoped, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.TransferService/ExportPeople":       may(filtered, RoleRegistrar, RoleHomeAffairs, scopedRegistrar, unitLimited),
	"/trithuc.v1.TransferService/GetImportTemplate":  may(unscoped, RoleRegistrar, scopedRegistrar),
	"/trithuc.v1.TransferService/GetImportReport":    may(unscoped, RoleRegistrar, scopedRegistrar),
	"/google.longrunning.Operations/GetOperation":    may(unscoped, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/google.longrunning.Operations/ListOperations":  may(unscoped, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/google.longrunning.Operations/CancelOperation": may(unscoped, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/google.longrunning.Operations/WaitOperation":   may(unscoped, RoleRegistrar, RoleHomeAffairs, scopedRegistrar),
	"/google.longrunning.Operations/DeleteOperation": may(unscoped),
}

// access is a method's line in the permission table.
type access struct {
	// scope is what of a request the scope of a limited caller is
	// checked against.
	scope scopeKind
	// roles may call the method, besides admins.
	roles []string
}

// may is the line of a method that roles may call, scoped by scope.
func may(scope scopeKind, roles ...string) access {
	return access{scope: scope, roles: roles}
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
	for _, r := range s.perms[method].roles {
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
	if p.Organization != "" {
		// A unit's caller: a method open to units, and to its role; a
		// method open to every caller (anyRole) is open to units too.
		unit, role := false, false
		for _, r := range allowed.roles {
			unit = unit || r == unitLimited || r == anyone || r == anyRole
			role = role || r == p.Role || r == anyone || r == anyRole
		}
		return unit && role && p.Role != RoleAdmin
	}
	scoped := p.Role == RoleRegistrar && p.Association != ""
	if p.Role == RoleAdmin {
		return true
	}
	for _, r := range allowed.roles {
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
// that register services of their own. A method the table leaves out
// becomes unscoped.
func (s *Server) allow(method string, roles ...string) {
	a := s.perms[method]
	if a.scope == undeclared {
		a.scope = unscoped
	}
	a.roles = append(a.roles, roles...)
	s.perms[method] = a
}

// authorize lets a call through when the permission table allows its
// caller's role the method.
func (s *Server) authorize(ctx context.Context) error {
	method := callFrom(ctx).method
	if s.isPublic(method) {
		return nil
	}
	p := callFrom(ctx).principal
	if p == nil {
		// authenticate lets no call without a principal get here.
		return status.Error(codes.Unauthenticated, "no credential")
	}
	return s.permit(p, method)
}

// permit is the answer of the permission table to p calling method: nil,
// or PERMISSION_DENIED saying why. authorize asks it of every call, the
// import gates (gate.go) before a file is received.
func (s *Server) permit(p *Principal, method string) error {
	if s.mayCall(p, method) {
		return nil
	}
	name := strings.TrimPrefix(method, "/")
	if _, known := s.perms[method]; !known {
		if !s.served[method] {
			return methodNotFound(method)
		}
		return denied(reasonDeniedRole, "%s is not open to any caller", name)
	}
	if p.Role == RoleRegistrar && p.Association != "" || p.Organization != "" {
		return denied(reasonDeniedScope, "this key is limited to %s and may not call %s", p.scope(), name)
	}
	return denied(reasonDeniedRole, "the %s role may not call %s", p.Role, name)
}
