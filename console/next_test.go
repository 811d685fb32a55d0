package console

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"OKPath", "/people/anh", "/people/anh"},
		{"OKQuery", "/people?q=Nguy%E1%BB%85n&sort=name", "/people?q=Nguy%E1%BB%85n&sort=name"},
		{"OKRoot", "/", "/"},
		{"OKEncodedSlash", "/%2F%2Fevil.example", "/%2F%2Fevil.example"},
		{"HomeEmpty", "", "/people"},
		{"HomeRelative", "people", "/people"},
		{"HomeScheme", "https://evil.example/", "/people"},
		{"HomeJavascript", "javascript:alert(1)", "/people"},
		{"HomeProtocolRelative", "//evil.example", "/people"},
		{"HomeBackslash", "/\\evil.example", "/people"},
		{"HomeBackslashLater", "/a/..\\\\evil.example", "/people"},
		{"HomeTab", "/\t/evil.example", "/people"},
		{"HomeCR", "/\r/evil.example", "/people"},
		{"HomeLF", "/\n/evil.example", "/people"},
		{"HomeLeadingSpace", " //evil.example", "/people"},
		{"HomeNUL", "/\x00/evil.example", "/people"},
		{"HomeBadEscape", "/people%zz", "/people"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := safeNext(tc.in); got != tc.want {
				t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// browserResolve resolves ref against base as a browser's URL parser
// does for http(s): leading and trailing C0 controls and spaces trimmed,
// tabs and newlines dropped, backslashes read as slashes.
func browserResolve(base *url.URL, ref string) (*url.URL, error) {
	ref = strings.TrimFunc(ref, func(r rune) bool { return r <= ' ' })
	ref = strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(ref)
	u, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	return base.ResolveReference(u), nil
}

// FuzzSafeNext: wherever next points, the redirect after signing in,
// resolved against the console's origin, stays on it.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/people", "/\t/evil.example", "//evil.example", "/\\evil.example", "https://evil.example",
		"/%09/evil.example", "/.//evil.example", "/a/../\\evil", " /\n/x"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://trithuc.example/login?next=x")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		u, err := browserResolve(base, got)
		if err != nil {
			t.Fatalf("safeNext(%q) = %q, which does not parse: %v", next, got, err)
		}
		if u.Scheme != base.Scheme || u.Host != base.Host || u.User != nil {
			t.Errorf("safeNext(%q) = %q leaves the site: %v", next, got, u)
		}
		if got != next && got != "/people" {
			t.Errorf("safeNext(%q) = %q, neither the target nor the list of people", next, got)
		}
	})
}
