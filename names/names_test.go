package names

import "testing"

func TestScan(t *testing.T) {
	var person, honor string
	if !Scan("people/nguyen-van-a/honors/h1", Honor, &person, &honor) || person != "nguyen-van-a" || honor != "h1" {
		t.Errorf("Scan of an honor: %q %q", person, honor)
	}
	for _, name := range []string{
		"", "people", "people/", "people/A", "people/a/honors", "people/a/honors/h1/x",
		"people/a/positions/p1", "persons/a/honors/h1", "people/-a/honors/h1", "//trithuc/people/a/honors/h1",
	} {
		p, h := "kept", "kept"
		if Scan(name, Honor, &p, &h) {
			t.Errorf("Scan(%q) matched: %q %q", name, p, h)
		}
		if p != "kept" || h != "kept" {
			t.Errorf("Scan(%q) changed the ids on a mismatch", name)
		}
	}
}

func TestAncestor(t *testing.T) {
	for _, c := range []struct{ name, pattern, want string }{
		{"people/a", Person, "people/a"},
		{"people/a/qualifications/q", Person, "people/a"},
		{"associations/x/memberships/m", Association, "associations/x"},
		{"associations/x", Association, "associations/x"},
		{"organizations/o", Person, ""},
		{"people", Person, ""},
		{"//trithuc/people/a", Person, ""},
		{"", Person, ""},
	} {
		if got := Ancestor(c.name, c.pattern); got != c.want {
			t.Errorf("Ancestor(%q, %q) = %q, want %q", c.name, c.pattern, got, c.want)
		}
	}
}
