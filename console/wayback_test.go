package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// A page reached from another (a desk from the list of associations, the
// registration form from its desk, the import form from the search, the
// plan's indicators from the statistics) links back to it, so that a
// person on a phone or a narrow window, where the menu is far up, is not
// left with the browser's back button only. Before, none of them did.
func TestPagesLinkBack(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct{ path, back string }{
		{"/members/hoi-y-hoc", "/members"},
		{"/members/hoi-y-hoc/-/register", "/members/hoi-y-hoc"},
		{"/imports", "/people"},
		{"/stats/indicators", "/stats"},
	} {
		code, body := b.get(tc.path)
		main := body[strings.Index(body, "<main"):]
		if code != 200 || !strings.Contains(main, `<a href="`+tc.back+`" id="back">←`) {
			t.Errorf("%s: HTTP %d, no link back to %s", tc.path, code, tc.back)
		}
	}
}

// A profile's edit forms link back above the form, as every other page
// under a list does: the only way back was "Huỷ" under the last box, on a
// phone a long scroll down a form of twenty boxes.
func TestEditFormsLinkBackAtTheTop(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for path, want := range map[string]string{
		"/people/anh/edit":                `<a href="/people/anh" id="back">← Về hồ sơ</a>`,
		"/people/anh/edit?back=%2Fpeople": `<a href="/people/anh?back=%2Fpeople" id="back">← Về hồ sơ</a>`,
		"/people/anh/qualifications/new":  `<a href="/people/anh" id="back">← Về hồ sơ</a>`,
		"/people/-/new":                   `<a href="/people" id="back">← Tìm kiếm</a>`,
	} {
		code, body := b.get(path)
		i, f := strings.Index(body, want), strings.Index(body, `class="edit"`)
		if code != http.StatusOK || i < 0 || f < 0 || i > f {
			t.Errorf("%s: HTTP %d, no %s above the form", path, code, want)
		}
	}
}
