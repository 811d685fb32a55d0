package labels

import (
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/vntext"
)

// Every method of the contract has its words in the audit trail, no two
// methods the same words (with accents or without, as an admin may type
// them in its filter), and no words for a method the contract lacks.
func TestEveryMethodHasWords(t *testing.T) {
	offered := map[string]bool{}
	for _, m := range AuditMethods() {
		offered[m.Name] = true
		if Method(m.Name) == "" {
			t.Errorf("%s has no Vietnamese words", m.Name)
		}
	}
	if len(offered) < 130 || !offered["/trithuc.v1.PersonService/GetPerson"] || !offered["/google.longrunning.Operations/GetOperation"] {
		t.Fatalf("the contract's methods, from its descriptors: %d, want all of them", len(offered))
	}
	said := map[string]string{}
	for name, w := range methods {
		if !offered[name] {
			t.Errorf("words for %s, which the contract lacks", name)
		}
		if other, ok := said[vntext.Fold(w)]; ok {
			t.Errorf("%s and %s have the same words, %q", name, other, w)
		}
		said[vntext.Fold(w)] = name
	}
}

// A method is found by its words as typed: any case, accents or none;
// anything else, a method's name included, stays as typed.
func TestMethodNamed(t *testing.T) {
	for _, c := range []struct{ typed, want string }{
		{"Xem hồ sơ", "/trithuc.v1.PersonService/GetPerson"},
		{"xem ho so", "/trithuc.v1.PersonService/GetPerson"},
		{"  XOÁ HỒ SƠ ", "/trithuc.v1.PersonService/DeletePerson"},
		{"GetPerson", "/trithuc.v1.PersonService/GetPerson"},
		{"NoSuchMethod", "NoSuchMethod"},
		{"/trithuc.v1.PersonService/GetPerson", "/trithuc.v1.PersonService/GetPerson"},
		{"", ""},
	} {
		if got := MethodNamed(c.typed); got != c.want {
			t.Errorf("MethodNamed(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
	if !strings.HasPrefix(AuditMethods()[0].Label, "B") {
		t.Errorf("the methods are not in Vietnamese order: %v", AuditMethods()[:3])
	}
}
