package console_test

import (
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
