// Package version says which build of trithuc is running: the release it
// was built as, the commit, and the Go toolchain. The binary prints it
// (`trithuc version`) and the server exports it as a metric, so that an
// operator can tell what runs where.
package version

import (
	"runtime"
	"runtime/debug"
)

// Version and Commit are the release and the commit, set at link time by
// every build the Makefile makes (build, install, release, and the
// container's, which runs make build):
//
//	go build -ldflags "-X trithuc.gov.vn/trithuc/version.Version=v1.2.0 -X trithuc.gov.vn/trithuc/version.Commit=$(git rev-parse HEAD)"
//
// Without them a build reports "devel" and the commit the Go toolchain
// stamps from .git, which a container build has not got.
var (
	Version = "devel"
	Commit  = ""
)

// Info describes this build.
type Info struct {
	Version string
	// Commit is the VCS revision the binary was built from, with
	// "-dirty" when the tree had changes; "" when unknown (go run, tests,
	// a build without .git that was not given it).
	Commit string
	Go     string
}

// Get returns this build's description.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	if info.Version == "devel" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		// Installed with `go install module@version`.
		info.Version = bi.Main.Version
	}
	if info.Commit != "" {
		return info
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
