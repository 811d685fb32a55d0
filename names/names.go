// Package names holds the resource names of the API (AIP-122): one table
// of their patterns, as the .proto files declare them, and the parsing of
// a name by its pattern, for the store and the server alike. It imports
// nothing of the project, so that every package may use it.
package names

import (
	"strings"

	"go.einride.tech/aip/resourcename"
)

// The patterns of the resources' names (the google.api.resource options
// in proto/trithuc/v1).
const (
	Person        = "people/{person}"
	Qualification = "people/{person}/qualifications/{qualification}"
	Position      = "people/{person}/positions/{position}"
	Honor         = "people/{person}/honors/{honor}"
	Organization  = "organizations/{organization}"
	Association   = "associations/{association}"
	Membership    = "associations/{association}/memberships/{membership}"
	Work          = "people/{person}/works/{work}"
	ExpertPool    = "associations/{association}/expertPools/{expert_pool}"
	PoolMember    = "associations/{association}/expertPools/{expert_pool}/members/{member}"
	Engagement    = "associations/{association}/expertPools/{expert_pool}/engagements/{engagement}"
	HonorCampaign = "honorCampaigns/{honor_campaign}"
	Nomination    = "honorCampaigns/{honor_campaign}/nominations/{nomination}"
	// A profile review's id is its person's.
	ReviewCampaign = "reviewCampaigns/{review_campaign}"
	ProfileReview  = "reviewCampaigns/{review_campaign}/profileReviews/{profile_review}"
	Field          = "fields/{field}"
	AuditEvent     = "auditEvents/{event}"
)

// Scan sets ids to the variables of name, in the pattern's order, and
// reports whether name matches pattern with every variable a valid id
// (ValidID). Full resource names (//service/...) name another service's
// resources and match nothing, as does a name with a leading slash, which
// the library's scanner would take for the same name without it. On a
// mismatch the ids are left as they are.
func Scan(name, pattern string, ids ...*string) bool {
	if strings.HasPrefix(name, "/") {
		return false
	}
	vals := make([]string, len(ids))
	ptrs := make([]*string, len(ids))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if resourcename.Sscan(name, pattern, ptrs...) != nil {
		return false
	}
	for _, v := range vals {
		if !ValidID(v) {
			return false
		}
	}
	for i, v := range vals {
		*ids[i] = v
	}
	return true
}

// Ancestor is the leading part of name that pattern describes: the person
// of people/{person}/honors/{honor} by Person, the association of a
// membership by Association. It is "" when name does not begin so.
func Ancestor(name, pattern string) string {
	a, ok := resourcename.Ancestor(name, pattern)
	if !ok || strings.HasPrefix(name, "/") {
		return ""
	}
	return a
}

// ValidID reports whether id is an AIP-122 resource id, or one the server
// made: lower-case letters, digits and inner hyphens, at most 63.
func ValidID(id string) bool {
	if len(id) == 0 || len(id) > 63 {
		return false
	}
	for i, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(id)-1:
		default:
			return false
		}
	}
	return true
}
