package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serveDemoConsole runs serve --demo on dir/t.db until it has printed the
// console's sign-ins, and returns what it printed.
func serveDemoConsole(t *testing.T, dir string) (out string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--demo-people", "20", "--db", filepath.Join(dir, "t.db"),
			"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	for deadline := time.Now().Add(90 * time.Second); !strings.Contains(stdout.String(), "(registrar, associations/lien-hiep-hoi)\n"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no console sign-ins printed:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	return stdout.String(), func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve exited with %v", err)
		}
	}
}

// consoleSignIn signs in to the console at base as a browser does (the
// form's token, then the post) and returns the page it lands on.
func consoleSignIn(t *testing.T, base, email, password string) (status int, landed string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.Get(base + "login")
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if err != nil || m == nil {
		t.Fatalf("the sign-in page has no form token: %v\n%s", err, page)
	}
	res, err = c.PostForm(base+"login", url.Values{"csrf": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Request.URL.Path
}

// serve --demo prints the console's address and a sign-in for each role
// (an admin, Home Affairs, a registrar of the Union), which sign in over
// HTTP; their passwords are kept beside the database for the owner only
// and printed again by the next --demo start.
func TestServeDemoPrintsConsoleSignIns(t *testing.T) {
	dir := t.TempDir()
	out, stop := serveDemoConsole(t, dir)
	base := regexp.MustCompile(`The web console \(in Vietnamese\):\n  (http://127\.0\.0\.1:\d+/)\n`).FindStringSubmatch(out)
	if base == nil {
		stop()
		t.Fatalf("serve --demo printed no console address:\n%s", out)
	}
	signIns := regexp.MustCompile(`(?m)^  (\S+@demo\.example) +(\S+) +\((.+)\)$`).FindAllStringSubmatch(out, -1)
	roles := map[string]bool{}
	for _, s := range signIns {
		roles[s[3]] = true
		if status, landed := consoleSignIn(t, base[1], s[1], s[2]); status != http.StatusOK || landed != "/people" {
			t.Errorf("signing in as %s: %d at %s, want 200 at /people", s[1], status, landed)
		}
	}
	for _, want := range []string{"admin", "home_affairs", "registrar, associations/lien-hiep-hoi"} {
		if !roles[want] {
			t.Errorf("serve --demo printed no %s sign-in:\n%s", want, out)
		}
	}
	if len(signIns) > 0 {
		if status, _ := consoleSignIn(t, base[1], signIns[0][1], signIns[0][2]+"x"); status != http.StatusUnauthorized {
			t.Errorf("a wrong password signs in: %d", status)
		}
	}
	if list, err := cli(t, "users", "list", "--db", filepath.Join(dir, "t.db")); err != nil ||
		!regexp.MustCompile(`lienhiephoi@demo\.example +\S.* registrar +associations/lien-hiep-hoi `).MatchString(list) {
		t.Errorf("the registrar's scope: %v\n%s", err, list)
	}
	stop()

	fi, err := os.Stat(filepath.Join(dir, "t.db.demo-accounts"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the demo accounts' file: %v %v, want mode 0600", err, fi)
	}
	again, stop := serveDemoConsole(t, dir)
	stop()
	if a, b := regexp.MustCompile(`(?m)^  \S+@demo\.example.*$`).FindAllString(out, -1),
		regexp.MustCompile(`(?m)^  \S+@demo\.example.*$`).FindAllString(again, -1); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("the second --demo start printed other sign-ins:\n%s\nwant\n%s", b, a)
	}
}
