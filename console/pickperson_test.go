package console_test

import (
	"net/http"
	"strings"
	"testing"
)

// A nominee and a pool's new member are found by name, typed with or
// without diacritics: the matches are listed with a button each that
// chooses one, filling the form's box with the profile's id; the search
// finds only the people the account may see.
func TestPickPersonByName(t *testing.T) {
	e := newEnv(t)
	e.honorSetup()
	e.expertSetup()
	union := e.signIn(e.account("registrar", ""))
	for _, path := range []string{"/honors/tieu-bieu", "/experts/hoi-tin-hoc/cntt"} {
		box := map[string]string{"/honors/tieu-bieu": "nom-person", "/experts/hoi-tin-hoc/cntt": "m-person"}[path]
		code, body := union.get(path + "?find=nguyen+van+anh")
		if code != http.StatusOK {
			t.Fatalf("%s: searching: HTTP %d: %s", path, code, errorOf(body))
		}
		for _, want := range []string{`name="pick" value="anh"`, `aria-label="Chọn: Nguyễn Văn Anh"`, "Nguyễn Văn Ánh", "1985"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the matches of “nguyen van anh” lack %s", path, want)
			}
		}
		if strings.Contains(body, "Trần Thị Bích") {
			t.Errorf("%s: the matches of “nguyen van anh” hold Bích", path)
		}
		_, body = union.get(path + "?find=nguyen+van+anh&pick=anh")
		if !strings.Contains(body, `id="`+box+`" value="anh"`) || !strings.Contains(body, "Đã chọn: <strong>Nguyễn Văn Anh</strong>") {
			t.Errorf("%s: choosing Anh does not fill the form's box", path)
		}
	}

	scoped := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	code, body := scoped.get("/experts/hoi-tin-hoc/cntt?find=nguyen+van+anh&pick=anh")
	if code != http.StatusOK || strings.Contains(body, "Nguyễn Văn Anh") || strings.Contains(body, `name="pick" value="anh"`) {
		t.Errorf("an association's account finds, or is told the name of, someone outside its scope: HTTP %d", code)
	}
	if !strings.Contains(body, "Không tìm thấy ai") {
		t.Errorf("an association's account's search does not say it found no one")
	}
}
