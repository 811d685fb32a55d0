package main

import (
	"fmt"

	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/version"
)

// versionLine says which build this is, for `trithuc version` and bug
// reports.
func versionLine() string {
	v := version.Get()
	commit := v.Commit
	if commit == "" {
		commit = "unknown"
	}
	return fmt.Sprintf("trithuc %s (commit %s, %s, SQLite %s, schema %d)",
		v.Version, commit, v.Go, store.SQLiteVersion(), store.SchemaVersion())
}
