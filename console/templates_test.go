package console

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestPoolChoicesWrittenOnce: the new-pool and edit-pool forms take their
// field and role boxes from one partial (_poolchoices.html), so that a
// change to the boxes (a label, an id a test or a screen reader relies
// on) cannot reach one form and miss the other, as copies of them did.
func TestPoolChoicesWrittenOnce(t *testing.T) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var holders []string
	for _, name := range names {
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `id="p-role-{{.Value}}"`) || strings.Contains(string(b), `id="p-field{{$i}}"`) {
			holders = append(holders, name)
		}
	}
	if len(holders) != 1 || holders[0] != "templates/_poolchoices.html" {
		t.Errorf("the pool forms' field and role boxes are written in %v, want once, in templates/_poolchoices.html", holders)
	}
}

// TestPostFormsLeaveCheckingToTheServer: every form that sends something
// is marked novalidate, so that the browser's own popup, in the browser's
// language, never stands in for the server's Vietnamese marks of every
// mistake (TestBrowserRequiredFieldsSpeakVietnamese shows them).
func TestPostFormsLeaveCheckingToTheServer(t *testing.T) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range regexp.MustCompile(`<form[^>]*>`).FindAllString(string(b), -1) {
			if !strings.Contains(tag, `method="get"`) && !strings.Contains(tag, " novalidate") {
				t.Errorf("%s: %s is checked by the browser, in its own language", name, tag)
			}
		}
	}
}
