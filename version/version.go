// Package version says which build of trithuc is running: the release it
// was built as, the commit, and the Go toolchain. The binary prints it
// (`trithuc version`) and the server exports it as a metric, so that an
// operator can tell what runs where.
package version

import (
	"runtime"
	"runtime/debug"
)

// Version is the release, set when building a release archive:
//
//	go build -ldflags "-X trithuc.gov.vn/trithuc/version.Version=v1.2.0"
//
// Builds from a working tree report "devel".
var Version = "devel"

// Info describes this build.
type Info struct {
	Version string
	// Commit is the VCS revision the binary was built from, with
	// "-dirty" when the tree had changes; "" when unknown (go run, tests).
	Commit string
	Go     string
}

// Get returns this build's description.
func Get() Info {
	info := Info{Version: Version, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	if info.Version == "devel" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		// Installed with `go install module@version`.
		info.Version = bi.Main.Version
	}
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && info.Commit != "" {
		info.Commit += "-dirty"
	}
	return info
}
