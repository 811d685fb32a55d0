package server

// Roles are the roles a credential may hold (DESIGN §5).
var Roles = []string{"admin", "registrar", "home_affairs", "service"}

// ValidRole reports whether role is one of Roles.
func ValidRole(role string) bool {
	for _, r := range Roles {
		if r == role {
			return true
		}
	}
	return false
}
