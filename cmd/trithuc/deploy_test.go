package main

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
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

// A small lint of the Dockerfile for what matters here: the one build tag,
// an unprivileged user, a volume for the database, and a health check that
// needs no key.
func TestDockerfileLint(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	d := string(b)
	for _, want := range []string{
		"-tags sqlite_fts5", "CGO_ENABLED=1", "\nUSER trithuc\n", `VOLUME ["/var/lib/trithuc"]`,
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
