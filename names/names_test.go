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
		"/people/a/honors/h1",
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
		{"/people/a", Person, ""},
		{"", Person, ""},
	} {
		if got := Ancestor(c.name, c.pattern); got != c.want {
			t.Errorf("Ancestor(%q, %q) = %q, want %q", c.name, c.pattern, got, c.want)
		}
	}
}

// Whatever a caller sends as a name, Scan does not panic, and what it
// accepts is exactly the pattern filled with valid ids: the name made
// again from them is the name given, and its ancestor by the first
// segment's pattern is a prefix of it.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"people/a/honors/h1", "people/nguyen-van-a/honors/2", "people//honors/h", "people/a/honors/h/",
		"//x/people/a/honors/h", "people/A/honors/h", "people/a-/honors/h", "people/a/honors/h%2F1", "people/*/honors/-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var person, honor string
		ok := Scan(name, Honor, &person, &honor)
		if !ok {
			if person != "" || honor != "" {
				t.Fatalf("Scan(%q) set ids on a mismatch: %q %q", name, person, honor)
			}
			return
		}
		if !ValidID(person) || !ValidID(honor) {
			t.Fatalf("Scan(%q) accepted ids %q %q", name, person, honor)
		}
		if again := "people/" + person + "/honors/" + honor; again != name {
			t.Fatalf("Scan(%q) gave ids that make %q", name, again)
		}
		if a := Ancestor(name, Person); a != "people/"+person {
			t.Fatalf("Ancestor(%q, Person) = %q", name, a)
		}
	})
}
