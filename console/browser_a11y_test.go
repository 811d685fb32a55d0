package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// axSays is what the browser's accessibility tree gives a screen reader
// for the element sel: its role, name, value and description.
type axSays struct{ Role, Name, Value, Description string }

func (a axSays) String() string {
	return fmt.Sprintf("role %q, name %q, value %q, description %q", a.Role, a.Name, a.Value, a.Description)
}

func axOf(t *testing.T, ctx context.Context, sel string) axSays {
	t.Helper()
	nodes := read(t, ctx, chromedp.Nodes(chromedp.CSS(sel)))
	res, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{
		BackendNodeID: nodes[0].BackendNodeID, FetchRelatives: ptr(false)})
	if err != nil || len(res.Nodes) == 0 {
		t.Fatalf("the accessibility tree of %s: %v", sel, err)
	}
	text := func(v *accessibility.Value) string {
		var s string
		if v != nil {
			json.Unmarshal([]byte(v.Value), &s)
		}
		return s
	}
	n := res.Nodes[0]
	return axSays{text(n.Role), text(n.Name), text(n.Value), text(n.Description)}
}

// English a screen reader may say of a file box: Chromium's own words.
var englishFileWords = regexp.MustCompile(`(?i)choose|chosen|no file|browse|upload`)

// The import's file box, to a screen reader in an English Chromium: its
// name (from its labels) and its state (its description) are
// Vietnamese, before a file is chosen ("Chưa chọn tệp nào") and after
// ("Đã chọn tệp", the file's name its value), read from the browser's
// accessibility tree. Before, the box's only state was Chromium's own
// value, "No file chosen", in the middle of a Vietnamese form; that value
// stays (Chromium's, in its language), now after the Vietnamese.
func TestBrowserFileBoxSpeaksVietnameseToScreenReaders(t *testing.T) {
	ctx := englishTab(t)
	e := newEnv(t)
	csv := filepath.Join(t.TempDir(), "danh-sach.csv")
	if err := os.WriteFile(csv, []byte("Họ;Tên;Ngày sinh\nVõ;Sáu;15/03/1980\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, signInTasks(e.base+"/imports", e.account("admin", "")), chromedp.WaitReady("#file"))
	check := func(when string, want ...string) {
		t.Helper()
		ax := axOf(t, ctx, "#file")
		t.Logf("%s: %s", when, ax)
		// The value is Chromium's own, in its own language: no
		// attribute changes it, and the pages run no script.
		said := ax.Name + " | " + ax.Description
		if englishFileWords.MatchString(said) {
			t.Errorf("%s, the file box's name or state is Chromium's English: %s", when, ax)
		}
		said += " | " + ax.Value
		if !strings.Contains(ax.Name, "Tệp") {
			t.Errorf("%s, the file box's name is not Vietnamese: %s", when, ax)
		}
		for _, w := range want {
			if !strings.Contains(said, w) {
				t.Errorf("%s, the file box does not say %q: %s", when, w, ax)
			}
		}
	}
	check("before a file is chosen", "Chưa chọn tệp nào")
	run(t, ctx, chromedp.SetUploadFiles("#file", []string{csv}))
	check("after a file is chosen", "danh-sach.csv", "Đã chọn")
}

// The audit trail names each method in Vietnamese, its name in the API
// beside it, smaller, and lets the admin filter by the words, chosen
// from the contract's methods (a datalist of them all) or typed, as well
// as by the method's name typed. Before, it showed and took only
// /trithuc.v1.PersonService/GetPerson.
func TestBrowserAuditTrailSaysMethodsInVietnamese(t *testing.T) {
	ctx := tab(t)
	e := newEnv(t)
	if _, err := e.admin.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: "people/khong-co"}); err == nil {
		t.Fatal("a person that is not there was found")
	}
	run(t, ctx, signInTasks(e.base+"/admin/audit", e.account("admin", "")), chromedp.WaitReady("#audit"))
	rows := func() [][2]string {
		return read(t, ctx, chromedp.Evaluate[[][2]string](`[...document.querySelectorAll("#audit tbody td[data-label='Thao tác']")].map(td =>
			[td.innerText.replace(/\s+/g, " ").trim(), (td.querySelector("small") || {}).textContent || ""])`))
	}
	all := rows()
	sawGet := false
	for _, r := range all {
		if strings.HasPrefix(r[0], "/") {
			t.Errorf("a method is shown by its name alone: %q", r[0])
		}
		if r[1] == "" || !strings.HasPrefix(r[1], "/") {
			t.Errorf("a method's name is not beside its words: %q", r)
		}
		sawGet = sawGet || strings.HasPrefix(r[0], "Xem hồ sơ /trithuc.v1.PersonService/GetPerson")
	}
	if !sawGet {
		t.Fatalf("the trail does not show GetPerson as Xem hồ sơ: %q", all)
	}
	options := read(t, ctx, chromedp.Evaluate[[][2]string](`[...document.querySelectorAll("#" + document.querySelector("input[name=method]").getAttribute("list") + " option")].map(o => [o.value, o.label])`))
	offered := map[string]string{}
	for _, o := range options {
		offered[o[0]] = o[1]
	}
	if len(options) < 130 || offered["Xem hồ sơ"] != "/trithuc.v1.PersonService/GetPerson" || offered["Sửa hồ sơ"] != "/trithuc.v1.PersonService/UpdatePerson" {
		t.Fatalf("the method filter offers %d methods (%v), want the contract's, by their words", len(options), options[:min(5, len(options))])
	}
	for _, typed := range []string{"Xem hồ sơ", "xem ho so", "/trithuc.v1.PersonService/GetPerson", "GetPerson"} {
		run(t, ctx, chromedp.SetValue(chromedp.CSS("input[name=method]"), typed))
		follow(t, ctx, chromedp.Click(chromedp.CSS("form.filters button")))
		run(t, ctx, chromedp.WaitReady("#audit"))
		got := rows()
		if len(got) == 0 {
			t.Errorf("filtered by %q, the trail is empty", typed)
		}
		for _, r := range got {
			if r[1] != "/trithuc.v1.PersonService/GetPerson" {
				t.Errorf("filtered by %q, the trail shows %q", typed, r)
			}
		}
		if v := read(t, ctx, chromedp.Evaluate[string](`document.querySelector("input[name=method]").value`)); v != "Xem hồ sơ" {
			t.Errorf("filtered by %q, the filter box says %q, want the method's words", typed, v)
		}
	}
}
