package main

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// installCommands are the `install` commands in text: the lines that start
// with one (after a comment's # and indentation), split at &&.
func installCommands(text string) [][]string {
	var cmds [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimLeft(line, "# \t")
		if !strings.HasPrefix(line, "install ") {
			continue
		}
		for _, cmd := range strings.Split(line, "&&") {
			if f := strings.Fields(cmd); len(f) > 0 && f[0] == "install" {
				cmds = append(cmds, f)
			}
		}
	}
	return cmds
}

// The release archive, the systemd unit and the README agree: every file
// the unit's and the README's install lines copy from the unpacked archive
// is in it at that path, both give the same lines, and they install the
// binary and the configuration where the unit's ExecStart looks. make
// release runs as it is, with a stand-in for go that writes a dummy binary
// (the layout is the Makefile's, not the compiler's).
func TestReleaseArchiveHoldsWhatTheInstallLinesCopy(t *testing.T) {
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("no make")
	}
	dir := t.TempDir()
	fakeGo := filepath.Join(dir, "go")
	script := "#!/bin/sh\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && { printf 'binary' > \"$2\"; exit 0; }; shift; done; exit 1\n"
	if err := os.WriteFile(fakeGo, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	dist := filepath.Join(dir, "dist")
	release := exec.Command(mk, "-s", "-C", "../..", "release", "GO="+fakeGo, "DIST="+dist, "RELEASE_ARCHES=amd64", "VERSION=v0-test")
	if out, err := release.CombinedOutput(); err != nil {
		t.Fatalf("make release: %v\n%s", err, out)
	}
	archive := archiveFiles(t, filepath.Join(dist, "trithuc-v0-test-linux-amd64.tar.gz"), "trithuc-v0-test-linux-amd64/")

	read := func(path string) string {
		b, err := os.ReadFile("../../" + path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	unit := read("deploy/trithuc.service")
	// copies maps each install line that copies a file of the release to
	// where it puts it; an operator's own files (tls.crt) are not checked.
	copies := func(where, text string) map[string]string {
		m := map[string]string{}
		for _, f := range installCommands(text) {
			if slices.Contains(f, "-d") || len(f) < 3 {
				continue
			}
			src, dst := f[len(f)-2], f[len(f)-1]
			if _, err := os.Stat("../../" + src); err != nil && src != "bin/trithuc" {
				continue
			}
			if !archive[src] {
				t.Errorf("%s installs %s, which the release archive does not hold (it holds %v)", where, src, archive)
			}
			m[src] = dst
		}
		return m
	}
	fromUnit := copies("deploy/trithuc.service", unit)
	fromREADME := copies("README.md", read("README.md"))
	for src, dst := range fromUnit {
		if fromREADME[src] != dst {
			t.Errorf("the unit installs %s as %s, the README as %q", src, dst, fromREADME[src])
		}
	}
	for src := range fromREADME {
		if _, ok := fromUnit[src]; !ok {
			t.Errorf("the README installs %s, the unit's header does not", src)
		}
	}
	want := "ExecStart=" + fromUnit["bin/trithuc"] + " serve --config " + fromUnit["deploy/trithuc.conf"] + "\n"
	if !strings.Contains(unit, want) {
		t.Errorf("the unit lacks %q: its ExecStart is not where its install lines put the binary and configuration", want)
	}
	if got := fromUnit["deploy/trithuc.service"]; got != "/etc/systemd/system/trithuc.service" {
		t.Errorf("the unit installs itself as %q", got)
	}
	// The README's grpcurl command reads the health schema from deploy/proto.
	if !archive["deploy/proto/grpc/health/v1/health.proto"] {
		t.Error("the release archive lacks deploy/proto/grpc/health/v1/health.proto, which the README's grpcurl command imports")
	}
}

// archiveFiles lists the regular files of a .tar.gz, their paths without
// prefix, the directory every entry must be in.
func archiveFiles(t *testing.T, path, prefix string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(h.Name, prefix)
		if !ok && h.Name != strings.TrimSuffix(prefix, "/") {
			t.Errorf("%s: %s is outside %s", path, h.Name, prefix)
		}
		if h.Typeflag == tar.TypeReg {
			files[name] = true
		}
	}
}
