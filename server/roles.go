package server

// The roles a credential may hold (DESIGN §5). What each may call is in
// permissions.go; what each may see of personal data is below.
const (
	RoleAdmin       = "admin"        // everything, including keys, purge and audit
	RoleRegistrar   = "registrar"    // the science association: registers and keeps profiles
	RoleHomeAffairs = "home_affairs" // Department of Home Affairs: reads, verifies, reports
	RoleService     = "service"      // internal services: read basic profiles and reference data
)

// Roles are the roles a credential may hold (DESIGN §5).
var Roles = []string{RoleAdmin, RoleRegistrar, RoleHomeAffairs, RoleService}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool {
	for _, r := range Roles {
		if r == role {
			return true
		}
	}
	return false
}

// personalDataRoles see the fields the contract marks as personal data
// (trithuc.v1.sensitivity); for every other role the server clears them in
// every response (redact.go).
var personalDataRoles = map[string]bool{
	RoleAdmin:     true,
	RoleRegistrar: true,
}

// basicViewRoles read resources in their basic view only (AIP-157): asking
// for a FULL view is PERMISSION_DENIED.
var basicViewRoles = map[string]bool{
	RoleService: true,
}
