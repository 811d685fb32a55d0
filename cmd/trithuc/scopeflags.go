package main

import (
	"fmt"
	"strings"

	"trithuc.gov.vn/trithuc/names"
)

// scopeFlags reads the --association and --organization flags of keys
// create and users create: each takes the unit's name (associations/ID)
// or its bare id (ID), as their help says, read by the names the API
// parses (names.Scan). It returns the scope's name, or "" for none.
func scopeFlags(cmd, association, organization string) (string, error) {
	if association != "" && organization != "" {
		return "", usageError(cmd + ": give --association or --organization, not both")
	}
	for _, f := range []struct{ flag, value, pattern, what string }{
		{"association", association, names.Association, "an association"},
		{"organization", organization, names.Organization, "an organization"},
	} {
		if f.value == "" {
			continue
		}
		collection, _, _ := strings.Cut(f.pattern, "/")
		var id string
		if names.Scan(f.value, f.pattern, &id) || names.Scan(collection+"/"+f.value, f.pattern, &id) {
			return collection + "/" + id, nil
		}
		return "", usageError(fmt.Sprintf("%s: --%s wants %s's id or name, ID or %s/ID, not %q", cmd, f.flag, f.what, collection, f.value))
	}
	return "", nil
}
