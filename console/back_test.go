package console_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// A profile opened from the search's results links back to them, with
// their search, filters and page.
func TestProfileLinksBackToResults(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	list := "/people?" + url.Values{"q": {"nguyen van anh"}, "gender": {"MALE"}}.Encode()
	code, body := b.get(list)
	if code != http.StatusOK {
		t.Fatalf("search: HTTP %d", code)
	}
	m := regexp.MustCompile(`<a href="(/people/anh\?[^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the results link to Anh without the way back:\n%s", body)
	}
	code, profile := b.get(html.UnescapeString(m[1]))
	if code != http.StatusOK {
		t.Fatalf("profile: HTTP %d", code)
	}
	back := regexp.MustCompile(`<a href="([^"]*)" id="back-to-results">← Quay lại kết quả tìm kiếm</a>`).FindStringSubmatch(profile)
	if back == nil {
		t.Fatalf("the profile has no link back to the results:\n%s", profile)
	}
	u, err := url.Parse(html.UnescapeString(back[1]))
	if err != nil || u.Path != "/people" || u.Query().Get("q") != "nguyen van anh" || u.Query().Get("gender") != "MALE" {
		t.Errorf("the profile links back to %q, want the search %s", back[1], list)
	}
}

// The back parameter leads only to this site's list of people: another
// site's address (absolute, protocol-relative, or one a browser reads as
// such) or another page is ignored, so that no link of a profile leads
// out of the site.
func TestProfileBackIgnoresOtherAddresses(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	for _, c := range []struct {
		back string
		ok   bool
	}{
		{"/people?q=anh&page=2", true},
		{"/people", true},
		{"https://evil.example/people", false},
		{"http://evil.example/people?q=anh", false},
		{"//evil.example/people", false},
		{"/\\evil.example/people", false},
		{"/\t/evil.example/people", false},
		{"javascript:alert(1)", false},
		{"/admin/keys", false},
		{"/people/anh", false},
		{"/people/../admin/keys", false},
		{"people?q=anh", false},
	} {
		code, body := b.get("/people/anh?" + url.Values{"back": {c.back}}.Encode())
		if code != http.StatusOK {
			t.Fatalf("profile with back %q: HTTP %d", c.back, code)
		}
		link := strings.Contains(body, `id="back-to-results"`)
		if link != c.ok {
			t.Errorf("back %q: a link back shown %v, want %v", c.back, link, c.ok)
		}
		if c.ok && !strings.Contains(body, `href="`+html.EscapeString(c.back)+`" id="back-to-results"`) {
			t.Errorf("back %q: the link back is not to it", c.back)
		}
		if strings.Contains(body, "evil.example") {
			t.Errorf("back %q: the profile names the other site", c.back)
		}
	}
}
