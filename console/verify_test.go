package console_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

const verifyPath = "/people/anh/qualifications/"

// verifyForm reads the verification form of the seeded qualification as b
// sees it: its CSRF token and etag.
func verifyForm(t *testing.T, b *browser, path string) url.Values {
	t.Helper()
	code, body := b.get(path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", path, code)
	}
	m := regexp.MustCompile(`name="etag" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("%s has no etag", path)
	}
	return url.Values{"csrf": {csrfOf(body)}, "etag": {m[1]}}
}

func (e *env) verification() *pb.Verification {
	e.t.Helper()
	q, err := e.admin.People.GetQualification(context.Background(), &pb.GetQualificationRequest{Name: e.qual.GetName()})
	if err != nil {
		e.t.Fatal(err)
	}
	return q.GetVerification()
}

// Bad input is refused next to its box, in Vietnamese, and changes
// nothing.
func TestVerifyQualificationBadInput(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("home_affairs", ""))
	path := verifyPath + idOfName(e.qual.GetName()) + "/verify"
	for _, tc := range []struct {
		name, state, note, box, want string
	}{
		{"StateRequired", "", "", "err-state", "cần chọn kết quả xác minh"},
		{"StateNotAVerdict", "UNVERIFIED", "", "err-state", "cần chọn kết quả xác minh"},
		{"StateUnknown", "TRUE", "", "err-state", "cần chọn kết quả xác minh"},
		{"NoteTooLong", "VERIFIED", strings.Repeat("ạ", 1001), "err-note", "1000 ký tự"},
	} {
		// The page's message names the field by its box's label.
		label := map[string]string{"err-state": "Kết quả xác minh: ", "err-note": "Ghi chú: "}[tc.box]
		t.Run(tc.name, func(t *testing.T) {
			f := verifyForm(t, b, path)
			f.Set("state", tc.state)
			f.Set("note", tc.note)
			code, body := b.post(path, f)
			if code != http.StatusUnprocessableEntity {
				t.Errorf("HTTP %d, want 422", code)
			}
			m := regexp.MustCompile(`id="` + tc.box + `">([^<]*)<`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no message next to the box (%s); the page's error: %q", tc.box, errorOf(body))
			}
			if !strings.Contains(m[1], tc.want) || !strings.Contains(errorOf(body), label) || !strings.Contains(errorOf(body), tc.want) {
				t.Errorf("the box says %q, the page %q; want %q, and the page naming the field", m[1], errorOf(body), tc.want)
			}
			if strings.Contains(body, "value length") || strings.Contains(body, "must be") {
				t.Errorf("the page keeps the server's English: %q", errorOf(body))
			}
			if tc.note != "" && !strings.Contains(body, tc.note) {
				t.Errorf("the note typed is not kept in its box")
			}
			if s := e.verification().GetState(); s != pb.Verification_UNVERIFIED {
				t.Errorf("a refused form left the qualification %v", s)
			}
		})
	}
}

func idOfName(name string) string { return name[strings.LastIndex(name, "/")+1:] }

// The same form sent twice records one verification; a qualification
// changed since the form was shown is not verified blind.
func TestVerifyQualificationResubmitAndChanged(t *testing.T) {
	e := newEnv(t)
	email := e.account("home_affairs", "")
	b := e.signIn(email)
	path := verifyPath + idOfName(e.qual.GetName()) + "/verify"
	f := verifyForm(t, b, path)
	f.Set("state", "VERIFIED")
	f.Set("note", "Đã đối chiếu bản gốc số 123/ĐHCT")
	var first *pb.Verification
	for i := range 2 {
		code, body := b.post(path, f)
		if code != http.StatusSeeOther {
			t.Fatalf("sending %d: HTTP %d: %q", i+1, code, errorOf(body))
		}
		v := e.verification()
		if v.GetState() != pb.Verification_VERIFIED || v.GetVerifier() != "user:"+email || v.GetNote() != "Đã đối chiếu bản gốc số 123/ĐHCT" {
			t.Fatalf("after sending %d: %v", i+1, v)
		}
		if first == nil {
			first = v
		} else if !v.GetVerifyTime().AsTime().Equal(first.GetVerifyTime().AsTime()) {
			t.Errorf("the form sent twice verified twice (at %v, then %v)", first.GetVerifyTime().AsTime(), v.GetVerifyTime().AsTime())
		}
	}
	if n := len(e.auditOf(email, "/trithuc.v1.PersonService/VerifyQualification")); n != 2 {
		t.Errorf("%d calls audited, want 2 (one written, one refused for its etag)", n)
	}

	// A registrar corrects the qualification while the officer reads it:
	// it is unverified again, and the officer's verdict is not recorded.
	f = verifyForm(t, b, path)
	if _, err := e.admin.People.UpdateQualification(context.Background(), &pb.UpdateQualificationRequest{
		Qualification: &pb.Qualification{Name: e.qual.GetName(), Major: "Quản trị kinh doanh"},
		UpdateMask:    &fieldmaskpb.FieldMask{Paths: []string{"major"}}}); err != nil {
		t.Fatal(err)
	}
	f.Set("state", "REJECTED")
	f.Set("note", "Không khớp")
	code, body := b.post(path, f)
	if code != http.StatusConflict || !strings.Contains(errorOf(body), "vừa được sửa hoặc xác minh") {
		t.Errorf("a changed qualification: HTTP %d, %q; want 409 saying it changed", code, errorOf(body))
	}
	if !strings.Contains(body, "Quản trị kinh doanh") {
		t.Errorf("the page does not show the qualification as it is now")
	}
	if v := e.verification(); v.GetState() != pb.Verification_UNVERIFIED {
		t.Errorf("the changed qualification is %v", v)
	}
}

// Accounts that may not verify see no link nor form, and a form forged by
// one is refused by the server, which audits the refusal under their name.
func TestVerifyQualificationRefusedToOthers(t *testing.T) {
	e := newEnv(t)
	path := verifyPath + idOfName(e.qual.GetName()) + "/verify"
	for _, tc := range []struct{ role, association string }{
		{"registrar", ""},
		{"registrar", "associations/hoi-y-hoc"},
	} {
		t.Run(tc.role+tc.association, func(t *testing.T) {
			email := e.account(tc.role, tc.association)
			b := e.signIn(email)
			_, body := b.get("/people")
			if strings.Contains(body, `href="/qualifications"`) {
				t.Errorf("the menu offers the verification list")
			}
			if code, body := b.get(path); code != http.StatusForbidden || !strings.Contains(errorOf(body), "không có quyền") {
				t.Errorf("the form's page: HTTP %d, %q; want 403 saying why", code, errorOf(body))
			}
			if code, _ := b.get("/qualifications"); code != http.StatusForbidden {
				t.Errorf("the list: HTTP %d, want 403", code)
			}
			form := url.Values{"csrf": {csrfOf(body)}, "state": {"VERIFIED"}, "note": {"giả mạo"}}
			if code, body := b.post(path, form); code != http.StatusForbidden || !strings.Contains(errorOf(body), "không có quyền") {
				t.Errorf("a forged form: HTTP %d, %q; want 403 saying why", code, errorOf(body))
			}
			if s := e.verification().GetState(); s != pb.Verification_UNVERIFIED {
				t.Errorf("a forged form verified the qualification: %v", s)
			}
			ev := e.auditOf(email, "/trithuc.v1.PersonService/VerifyQualification")
			if len(ev) != 1 || ev[0].GetCode() != "PERMISSION_DENIED" {
				t.Errorf("the server's refusal is not audited: %v", ev)
			}
		})
	}
	// The registrar's profile page has no verification link.
	b := e.signIn("registrar@example.vn")
	if _, body := b.get("/people/anh"); strings.Contains(body, "/verify") || strings.Contains(body, `href="/qualifications"`) {
		t.Errorf("a registrar's profile links to the verification form")
	}
}

// The list shows the qualifications in the state chosen, unverified by
// default, with their holders; a unit's account is told to verify from its
// people's profiles.
func TestQualificationsToVerify(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.admin.People.CreateQualification(ctx, &pb.CreateQualificationRequest{Parent: "people/anh", Qualification: &pb.Qualification{
		Kind: pb.Qualification_FOREIGN_LANGUAGE, Level: "B2", Language: "en", DocumentNumber: "NN-2020-77"}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("home_affairs", ""))
	code, body := b.get("/qualifications")
	if code != http.StatusOK {
		t.Fatalf("HTTP %d: %q", code, errorOf(body))
	}
	for _, want := range []string{"2 trình độ", "Nguyễn Văn Anh", "Thạc sĩ", "NN-2020-77", "Chưa xác minh"} {
		if !strings.Contains(body, want) {
			t.Errorf("the list lacks %q", want)
		}
	}
	if _, body := b.get("/qualifications?kind=DEGREE"); !strings.Contains(body, "1 trình độ") || strings.Contains(body, "NN-2020-77") {
		t.Errorf("the list of degrees holds another kind")
	}
	if _, err := e.admin.People.VerifyQualification(ctx, &pb.VerifyQualificationRequest{Name: e.qual.GetName(), State: pb.Verification_REJECTED, Note: "sai năm"}); err != nil {
		t.Fatal(err)
	}
	if _, body := b.get("/qualifications"); !strings.Contains(body, "1 trình độ") {
		t.Errorf("a rejected qualification still awaits verification")
	}
	if _, body := b.get("/qualifications?state=REJECTED"); !strings.Contains(body, "1 trình độ") || !strings.Contains(body, "Xác minh không đúng") {
		t.Errorf("the rejected list does not hold it")
	}
	// A unit's home_affairs account verifies its people from their
	// profiles; the list across everyone is not for it.
	org := e.unitSetup()
	ub := e.signIn(e.unitAccount(e.signIn(e.account("admin", "")), "home_affairs", org))
	if code, body := ub.get("/qualifications"); code != http.StatusForbidden || !strings.Contains(errorOf(body), "từ hồ sơ của từng người") {
		t.Errorf("a unit's account opens the list: HTTP %d, %q", code, errorOf(body))
	}
	if _, body := ub.get("/people/anh"); !strings.Contains(body, "verify-qualification") {
		t.Errorf("a unit's home_affairs account has no verification link on its person's profile")
	}
}
