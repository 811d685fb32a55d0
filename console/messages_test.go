package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// editPerson posts the person's edit form with the fields changed.
func (b *browser) editPerson(changes url.Values) (int, string) {
	b.t.Helper()
	_, body := b.get("/people/anh/edit")
	form := url.Values{"csrf": {csrfOf(body)}, "etag": {etagOf(body)}, "family_name": {"Nguyễn"}, "middle_name": {"Văn"},
		"given_name": {"Anh"}, "gender": {"MALE"}, "birth_date": {"08/03/1985"}, "ethnicity": {"05"},
		"national_id": {"079085001234"}, "email": {"anh.nguyen@example.vn"}, "work_location": {"IN_PROVINCE"}}
	for k, v := range changes {
		form[k] = v
	}
	return b.post("/people/anh/edit", form)
}

func etagOf(body string) string {
	const at = `name="etag" value="`
	i := strings.Index(body, at)
	if i < 0 {
		return ""
	}
	rest := body[i+len(at):]
	return rest[:strings.Index(rest, `"`)]
}

// fieldError is the message shown next to a form's field, or "".
func fieldError(body, field string) string {
	at := `id="err-` + field + `">`
	i := strings.Index(body, at)
	if i < 0 {
		return ""
	}
	rest := body[i+len(at):]
	return rest[:strings.Index(rest, "<")]
}

// A date typed wrong on the statistics pages is the person's mistake, not
// the system's: a 4xx page with the date's hint, next to the box on the
// statistics form.
func TestStatisticsDateTypedWrong(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("home_affairs", ""))
	for _, path := range []string{"/stats?d1=GENDER&as_of=abc", "/stats/indicators?as_of=abc", "/stats.csv?d1=GENDER&as_of=abc"} {
		code, body := b.get(path)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "không phải là ngày") || strings.Contains(body, "Lỗi hệ thống") {
			t.Errorf("%s: HTTP %d, want 422 with the date's hint:\n%s", path, code, body)
		}
	}
	if _, body := b.get("/stats?d1=GENDER&as_of=abc"); !strings.Contains(fieldError(body, "as_of"), "không phải là ngày") {
		t.Errorf("the statistics form does not mark as_of")
	}
}

// A date the server refuses by its day or month marks the form's date box,
// in Vietnamese: the server names birth_date.day, the form has birth_date.
func TestDateRefusedMarksItsBox(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	code, body := b.editPerson(url.Values{"birth_date": {"31/02/1985"}})
	if msg := fieldError(body, "birth_date"); code != http.StatusUnprocessableEntity || !strings.Contains(msg, "không có ngày") {
		t.Errorf("31/02/1985: HTTP %d, birth_date marked %q, want 422 and the box marked in Vietnamese", code, msg)
	}
	code, body = b.get("/stats?d1=GENDER&as_of=31/02/2024")
	if msg := fieldError(body, "as_of"); code != http.StatusUnprocessableEntity || !strings.Contains(msg, "không có ngày") {
		t.Errorf("statistics as of 31/02/2024: HTTP %d, as_of marked %q", code, msg)
	}
}

// The server's English is said in Vietnamese where the console knows it:
// the common mistakes on forms, and refusals of whole pages.
func TestServerMessagesInVietnamese(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	for _, tc := range []struct {
		name, field, value, want string
	}{
		{"ErrEmail", "email", "khong-phai-email", "không phải là một địa chỉ email"},
		{"ErrPhone", "phone", "gọi tôi", "số điện thoại gồm"},
		{"ErrNationalID", "national_id", "123", "12 chữ số"},
		{"ErrFuture", "birth_date", "01/01/2999", "tương lai"},
		{"ErrDay", "birth_date", "30/02/1985", "không có ngày"},
		{"ErrGivenName", "given_name", "", "cần điền"},
		{"ErrGivenNameTooLong", "given_name", strings.Repeat("A", 51), "tối đa 50 ký tự"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := b.editPerson(url.Values{tc.field: {tc.value}})
			msg := fieldError(body, tc.field)
			if code != http.StatusUnprocessableEntity || !strings.Contains(msg, tc.want) {
				t.Errorf("HTTP %d, %s marked %q, want 422 and %q", code, tc.field, msg, tc.want)
			}
			banner := body[strings.Index(body, `id="error"`):]
			banner = banner[:strings.Index(banner, "</p>")]
			if !strings.Contains(banner, tc.want) {
				t.Errorf("the banner %q does not say it in Vietnamese", banner)
			}
		})
	}
	// A limit of the request's rules names the field by its label.
	_, body := b.editPerson(url.Values{"given_name": {strings.Repeat("A", 51)}})
	banner := body[strings.Index(body, `id="error"`):]
	if banner = banner[:strings.Index(banner, "</p>")]; !strings.Contains(banner, "Tên: tối đa 50 ký tự") || strings.Contains(banner, "given_name") {
		t.Errorf("a given name too long: the banner %q", banner)
	}

	// The registration form's fields come back as new_person's.
	_, body = b.get("/members/hoi-y-hoc/-/register")
	code, body := b.post("/members/hoi-y-hoc/-/register", url.Values{"csrf": {csrfOf(body)}, "family_name": {"Phạm"},
		"given_name": {"Châu"}, "email": {"chau@"}, "consent": {"on"}, "contact": {"on"}})
	if msg := fieldError(body, "email"); code != http.StatusUnprocessableEntity || !strings.Contains(msg, "không phải là một địa chỉ email") {
		t.Errorf("registering with a bad email: HTTP %d, email marked %q", code, msg)
	}

	for _, tc := range []struct {
		name, path      string
		code            int
		want, notWanted string
	}{
		{"NotFound", "/people/khong-co-ai", http.StatusNotFound, "Không tìm thấy", "does not exist"},
		{"BadPageToken", "/people?page=khong-phai-trang", http.StatusOK, "hãy tìm lại từ trang đầu", "page token"},
		{"BadFilter", "/people?level=BOGUS", http.StatusOK, "bộ lọc", "has no level"},
		{"NoWords", "/people?q=%21%21%21", http.StatusOK, "hãy gõ vài chữ", "some words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := b.get(tc.path)
			if code != tc.code || !strings.Contains(body, tc.want) || strings.Contains(body, tc.notWanted) {
				t.Errorf("HTTP %d, want %d saying %q without %q:\n%s", code, tc.code, tc.want, tc.notWanted, body)
			}
		})
	}

	// A unit's account is told a profile is outside its unit, in words.
	org := e.unitSetup()
	u := e.signIn(e.unitAccount(b, "registrar", org))
	code, body = u.get("/people/" + strings.TrimPrefix(otherPerson(t, e), "people/"))
	if code != http.StatusForbidden || !strings.Contains(body, "ngoài phạm vi") || strings.Contains(body, "is limited to") {
		t.Errorf("a profile outside the unit: HTTP %d:\n%s", code, body)
	}
}

// Success messages are chosen by a key from the console's own table: a
// link cannot put words of its own on a page as the console's.
func TestSuccessMessagesAreKeyed(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	const bait = "Tài khoản của bạn bị khoá; gọi 0900 000 000"
	for _, path := range []string{"/people/anh?ok=" + url.QueryEscape(bait), "/login?ok=" + url.QueryEscape(bait)} {
		if _, body := b.get(path); strings.Contains(body, "0900 000 000") || strings.Contains(body, `class="flash"`) {
			t.Errorf("%s shows the link's text as a message", path)
		}
	}
	resp, err := b.http.PostForm(e.base+"/people/anh/edit", func() url.Values {
		_, body := b.get("/people/anh/edit")
		return url.Values{"csrf": {csrfOf(body)}, "etag": {etagOf(body)}, "family_name": {"Nguyễn"}, "given_name": {"Anh"}, "orcid": {"0000-0002-1825-0097"}}
	}())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	to := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || to != "/people/anh?ok=person-saved" {
		t.Fatalf("saving: HTTP %d to %q, want the profile with ok=person-saved", resp.StatusCode, to)
	}
	if _, body := b.get(to); !strings.Contains(body, `<p class="flash" role="status">Đã lưu hồ sơ.</p>`) {
		t.Errorf("after saving, the profile does not say it was saved")
	}
	_, body := b.get("/people")
	if code, _ := b.post("/logout", url.Values{"csrf": {csrfOf(body)}}); code != http.StatusSeeOther {
		t.Fatalf("sign-out: HTTP %d", code)
	}
	if _, body := b.get("/login?ok=signed-out"); !strings.Contains(body, "Bạn đã đăng xuất.") {
		t.Errorf("the sign-in page does not say the person signed out")
	}
}

// A form with several mistakes marks each box in one go, keeping what was
// typed: the server names every bad field of a stage of its checks
// (google.rpc.BadRequest), the .proto's rules before the store's, and the
// console reads its own boxes before either; it asks again for the fields
// not yet marked. So does a new person's form, a name left empty too.
func TestEveryMistakeMarkedAtOnce(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("admin", ""))
	newPerson := func(typed url.Values) (int, string) {
		_, body := b.get("/people/-/new")
		form := url.Values{"family_name": {"Võ"}, "given_name": {"Sáu"}}
		for k, v := range typed {
			form[k] = v
		}
		return b.post("/people/-/new", sentForm(t, body, form))
	}
	for _, form := range []struct {
		name string
		post func(url.Values) (int, string)
	}{{"Edit", b.editPerson}, {"New", newPerson}} {
		for _, tc := range []struct {
			name  string
			typed map[string]string
		}{
			{"EmailAndNoSuchDay", map[string]string{"email": "anh.nguyen@", "birth_date": "31/02/1990"}},
			{"DateNotReadAndEmail", map[string]string{"email": "anh.nguyen@", "birth_date": "ba mươi"}},
			{"EmailPhoneAndNoSuchDay", map[string]string{"email": "anh.nguyen@", "phone": "12", "birth_date": "30/02/1990"}},
			{"NoNameAndNoSuchDay", map[string]string{"given_name": "", "birth_date": "31/02/1990"}},
		} {
			t.Run(form.name+"/"+tc.name, func(t *testing.T) {
				sent := url.Values{}
				for f, v := range tc.typed {
					sent.Set(f, v)
				}
				code, body := form.post(sent)
				if code != http.StatusUnprocessableEntity {
					t.Fatalf("HTTP %d, want 422", code)
				}
				for field, typed := range tc.typed {
					if fieldError(body, field) == "" {
						t.Errorf("%s is not marked", field)
					}
					if !strings.Contains(body, `id="f-`+field+`" value="`+typed+`"`) {
						t.Errorf("%s does not keep %q", field, typed)
					}
				}
			})
		}
	}
}

// The statistics form counts by the boxes chosen, whichever they are: by
// the second alone, a table by it; none chosen says to choose one.
func TestStatisticsFormDimensionsChosen(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("home_affairs", ""))
	code, body := b.get("/stats?d1=&d2=GENDER&d3=")
	if code != http.StatusOK || !strings.Contains(body, "Tổng") {
		t.Errorf("by the second box alone: HTTP %d, want a table:\n%s", code, body)
	}
	code, body = b.get("/stats?d1=&d2=&d3=")
	if code < 400 || code >= 500 || !strings.Contains(body, "hãy chọn ít nhất một chiều thống kê") {
		t.Errorf("no box chosen: HTTP %d, want a 4xx saying to choose a dimension:\n%s", code, body)
	}
}
