package main

import (
	"flag"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/client"
)

// The deployment files name settings that exist: the example configuration
// parses, and every TRITHUC_ variable the Dockerfile and the systemd unit
// set is one of serve's.
func TestDeploymentFilesNameRealSettings(t *testing.T) {
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.flags(fs)
	if _, err := readConfigFile(fs, "../../deploy/trithuc.conf"); err != nil {
		t.Errorf("deploy/trithuc.conf: %v", err)
	}
	vars := map[string]bool{"TRITHUC_CONFIG": true}
	fs.VisitAll(func(f *flag.Flag) { vars[envName(f.Name)] = true })
	for _, file := range []string{"../../Dockerfile", "../../deploy/trithuc.service"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range regexp.MustCompile(`TRITHUC_[A-Z_]+`).FindAllString(string(b), -1) {
			if !vars[v] {
				t.Errorf("%s sets %s, which is not a setting of serve", file, v)
			}
		}
	}
}

// A small lint of the Dockerfile for what matters here: the Makefile's
// build (the one build tag, the version linked in), an unprivileged user, a volume for the database, and a health check that
// needs no key.
func TestDockerfileLint(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	d := string(b)
	for _, want := range []string{
		"make build", "CGO_ENABLED=1", "\nUSER trithuc\n", `VOLUME ["/var/lib/trithuc"]`,
		`CMD ["trithuc", "health"`, "--no-install-recommends", "rm -rf /var/lib/apt/lists/*",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	for _, line := range strings.Split(d, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "FROM" && (strings.HasSuffix(f[1], ":latest") || !strings.Contains(f[1], ":")) {
			t.Errorf("unpinned base image: %s", line)
		}
	}
}

// The systemd unit's install header works as written: the unit runs as a
// dynamic user, neither owner nor group of what is in /etc/trithuc, so every
// directory there must let others in and every file it reads must be
// readable by others; the one secret, the TLS key, stays root's alone and
// reaches the service as a credential.
func TestSystemdUnitInstallsWhatItsUserCanRead(t *testing.T) {
	b, err := os.ReadFile("../../deploy/trithuc.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	if !strings.Contains(unit, "\nDynamicUser=yes\n") {
		t.Fatal("the unit no longer runs as a dynamic user: revisit this test")
	}
	installed := map[string]os.FileMode{}
	for _, line := range strings.Split(unit, "\n") {
		cmds, ok := strings.CutPrefix(line, "#   install ")
		if !ok {
			continue
		}
		for _, cmd := range strings.Split("install "+cmds, "&&") {
			f := strings.Fields(cmd)
			if len(f) == 0 || f[0] != "install" {
				continue
			}
			var mode uint64 = 0o755 // install's default
			for i := 1; i < len(f)-1; i++ {
				if f[i] == "-m" {
					if mode, err = strconv.ParseUint(f[i+1], 8, 32); err != nil {
						t.Fatalf("%s: %v", cmd, err)
					}
				}
			}
			installed[f[len(f)-1]] = os.FileMode(mode)
		}
	}
	reads := []string{"/etc/trithuc/trithuc.conf", "/etc/trithuc/tls.crt"}
	for _, path := range reads {
		mode, ok := installed[path]
		if !ok {
			t.Errorf("the install header does not install %s", path)
			continue
		}
		if mode&0o004 == 0 {
			t.Errorf("%s is installed %04o: the service's dynamic user cannot read it", path, mode)
		}
		dir := filepath.Dir(path)
		if dmode, ok := installed[dir]; !ok || dmode&0o005 != 0o005 {
			t.Errorf("%s is installed %04o (or not at all): the service's dynamic user cannot enter it", dir, dmode)
		}
	}
	if mode := installed["/etc/trithuc/tls.key"]; mode != 0o600 {
		t.Errorf("/etc/trithuc/tls.key is installed %04o, want 0600: the key is root's alone", mode)
	}
	for _, want := range []string{"LoadCredential=tls.key:/etc/trithuc/tls.key\n", "Environment=TRITHUC_TLS_KEY=%d/tls.key\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q: the key reaches the service as a credential", want)
		}
	}
	if !strings.Contains(unit, "ExecStart=/usr/local/bin/trithuc serve --config /etc/trithuc/trithuc.conf\n") {
		t.Error("the unit does not read /etc/trithuc/trithuc.conf: update this test's list of files it reads")
	}
}

// The files that repeat the default gRPC port (client.DefaultAddr, which
// serve listens on and the client dials) repeat the one it is: the shipped
// configuration, the container's address, published port, EXPOSE and
// health check, and the README's sentences and commands.
func TestDeploymentFilesUseTheDefaultGRPCPort(t *testing.T) {
	_, port, err := net.SplitHostPort(client.DefaultAddr)
	if err != nil {
		t.Fatal(err)
	}
	read := func(path string) string {
		b, err := os.ReadFile("../../" + path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct{ file, pattern string }{
		{"deploy/trithuc.conf", `(?m)^grpc-addr = 127\.0\.0\.1:(\d+)$`},
		{"deploy/trithuc.conf", `(?m)^# grpc-addr = 0\.0\.0\.0:(\d+)$`},
		{"Dockerfile", `TRITHUC_GRPC_ADDR=0\.0\.0\.0:(\d+)`},
		{"Dockerfile", `(?m)^EXPOSE (\d+) 8080$`},
		{"Dockerfile", `"--server", "127\.0\.0\.1:(\d+)"`},
		{"Dockerfile", `docker run .* -p (\d+):\d+ -p 8080:8080`},
		{"Dockerfile", `docker run .* -p \d+:(\d+) -p 8080:8080`},
		{"README.md", `docker run .* -p (\d+):\d+ -p 8080:8080`},
		{"README.md", `docker run .* -p \d+:(\d+) -p 8080:8080`},
		{"README.md", "`trithuc serve` listens on 127\\.0\\.0\\.1:(\\d+) \\(gRPC\\)"},
		{"README.md", `health\.proto 127\.0\.0\.1:(\d+) grpc\.health`},
		{"deploy/proto/grpc/health/v1/health.proto", `127\.0\.0\.1:(\d+) grpc\.health`},
	} {
		m := regexp.MustCompile(c.pattern).FindStringSubmatch(read(c.file))
		switch {
		case m == nil:
			t.Errorf("%s has nothing matching %s: update this test", c.file, c.pattern)
		case m[1] != port:
			t.Errorf("%s: %q names port %s, want the default gRPC port %s", c.file, m[0], m[1], port)
		}
	}
}

// A container build reports its version and commit though its context
// leaves .git out: make image passes them as build arguments, and the
// Dockerfile's build line, run as the build stage runs it (the arguments
// in the environment, no VCS for the Go toolchain to read), makes a binary
// whose `trithuc version` says them.
func TestContainerBuildReportsVersionAndCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary as the Dockerfile does: minutes with a cold build cache")
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("no make")
	}
	const version, commit = "v9.8.7-test", "0123456789abcdef0123456789abcdef01234567"
	image, err := exec.Command(mk, "-s", "-n", "-C", "../..", "image", "VERSION="+version, "COMMIT="+commit).CombinedOutput()
	if want := "--build-arg VERSION=" + version + " --build-arg COMMIT=" + commit; err != nil || !strings.Contains(string(image), want) {
		t.Errorf("make image runs %q (%v), which does not pass %q", image, err, want)
	}

	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var build string
	for _, ins := range strings.Split(strings.ReplaceAll(string(dockerfile), "\\\n", " "), "\n") {
		if line, ok := strings.CutPrefix(ins, "RUN "); ok && strings.Contains(line, "/out/trithuc") {
			build = line
		}
	}
	if build == "" {
		t.Fatal("the Dockerfile has no RUN line that builds /out/trithuc: update this test")
	}
	bin := filepath.Join(t.TempDir(), "trithuc")
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(build, "/out/trithuc", bin))
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "VERSION="+version, "COMMIT="+commit, "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build %q: %v\n%s", build, err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("trithuc version: %v\n%s", err, out)
	}
	if want := "trithuc " + version + " (commit " + commit + ", "; !strings.HasPrefix(string(out), want) {
		t.Errorf("the container's build reports %q, want it to start %q", out, want)
	}
}

// systemd kills the server TimeoutStopSec after SIGTERM: the unit gives it
// longer than serve's default --shutdown-timeout, and the README names the
// unit's bound beside the setting, so that a longer timeout is not set in
// vain.
func TestUnitStopTimeoutOutlastsShutdownTimeout(t *testing.T) {
	unit, err := os.ReadFile("../../deploy/trithuc.service")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^TimeoutStopSec=(\d+s)$`).FindSubmatch(unit)
	if m == nil {
		t.Fatal("the unit has no TimeoutStopSec=Ns: update this test")
	}
	stop, err := time.ParseDuration(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.flags(fs)
	if stop <= c.shutdownTimeout {
		t.Errorf("the unit's TimeoutStopSec=%s does not outlast --shutdown-timeout's default %s", m[1], c.shutdownTimeout)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := "`TimeoutStopSec=" + string(m[1]) + "`"; !strings.Contains(string(readme), want) {
		t.Errorf("README does not name the unit's %s beside --shutdown-timeout", want)
	}
}
