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

// formValues are the values of a page's form as a browser would send
// them: its inputs' names and values (text, number, date, hidden) and its
// selects' chosen options.
func formValues(body, formID string) url.Values {
	v := url.Values{}
	i := strings.Index(body, `id="`+formID+`"`)
	if i < 0 {
		return v
	}
	form := body[i:]
	form = form[:strings.Index(form, "</form>")]
	for _, m := range regexp.MustCompile(`<input type="(?:text|number|date|hidden)" name="([^"]+)"[^>]*?value="([^"]*)"`).FindAllStringSubmatch(form, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select name="([^"]+)".*?</select>`).FindAllStringSubmatch(form, -1) {
		if s := regexp.MustCompile(`<option value="([^"]*)" selected`).FindStringSubmatch(m[0]); s != nil {
			v.Set(m[1], s[1])
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		v.Set(m[1], htmlUnescape(m[2]))
	}
	return v
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`).Replace(s)
}

// A campaign is edited from its page by the roles that run campaigns: the
// form holds the campaign as it is, saves what was changed, refuses a
// quota below those selected and a year in words by their boxes, and one
// saved after another's change saves nothing (409) and shows the
// campaign as it is now. The Department has no link and is refused.
func TestEditHonorCampaign(t *testing.T) {
	e := newEnv(t)
	c := e.honorSetup()
	ctx := context.Background()
	campaign := func() *pb.HonorCampaign {
		t.Helper()
		got, err := e.admin.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: c.GetName()})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	b := e.signIn(e.account("registrar", ""))
	if _, page := b.get("/honors/tieu-bieu"); !strings.Contains(page, `href="/honors/tieu-bieu/edit"`) {
		t.Errorf("the campaign's page has no link to edit it")
	}
	code, page := b.get("/honors/tieu-bieu/edit")
	form := formValues(page, "edit-campaign")
	if code != http.StatusOK || form.Get("display_name") != c.GetDisplayName() || form.Get("quota") != "1" || form.Get("kind") != "PROVINCIAL_HONOR" ||
		form.Get("etag") == "" || form.Get("nomination_deadline") == "" {
		t.Fatalf("the edit form: HTTP %d, %v", code, form)
	}

	for _, tc := range []struct {
		name, field, value, box, say string
		code                         int
	}{
		{"a year in words", "year", "năm nay", "year", "Năm phải là một số", http.StatusUnprocessableEntity},
		{"no name", "display_name", " ", "display_name", "Cần điền tên danh hiệu", http.StatusUnprocessableEntity},
	} {
		f := formValues(page, "edit-campaign")
		f.Set(tc.field, tc.value)
		code, body := b.post("/honors/tieu-bieu/edit", f)
		if got := fieldError(body, tc.box); code != tc.code || !strings.Contains(got, tc.say) {
			t.Errorf("%s: HTTP %d, the box says %q; want %d and %q (%s)", tc.name, code, got, tc.code, tc.say, errorOf(body))
		}
	}

	form.Set("quota", "3")
	form.Set("issuer", "Chủ tịch UBND tỉnh")
	if code, body := b.post("/honors/tieu-bieu/edit", form); code != http.StatusSeeOther {
		t.Fatalf("saving the campaign: HTTP %d: %s", code, errorOf(body))
	}
	if got := campaign(); got.GetQuota() != 3 || got.GetIssuer() != "Chủ tịch UBND tỉnh" || got.GetDisplayName() != c.GetDisplayName() {
		t.Errorf("the campaign after the edit: quota %d, issuer %q, name %q", got.GetQuota(), got.GetIssuer(), got.GetDisplayName())
	}

	// Another's change between reading and saving: nothing is saved, the
	// form shows their version.
	_, page = b.get("/honors/tieu-bieu/edit")
	stale := formValues(page, "edit-campaign")
	if _, err := e.admin.Honors.UpdateHonorCampaign(ctx, &pb.UpdateHonorCampaignRequest{HonorCampaign: &pb.HonorCampaign{Name: c.GetName(), Quota: 7},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quota"}}}); err != nil {
		t.Fatal(err)
	}
	stale.Set("quota", "4")
	code, body := b.post("/honors/tieu-bieu/edit", stale)
	if code != http.StatusConflict || !strings.Contains(errorOf(body), "vừa được người khác sửa") || formValues(body, "edit-campaign").Get("quota") != "7" {
		t.Errorf("a stale edit: HTTP %d, %q, the form's quota %q", code, errorOf(body), formValues(body, "edit-campaign").Get("quota"))
	}
	if got := campaign(); got.GetQuota() != 7 {
		t.Errorf("a stale edit saved the quota %d", got.GetQuota())
	}

	// A quota below those selected.
	for _, id := range []string{"n-anh", "n-cuong"} {
		if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: c.GetName() + "/nominations/" + id, Decision: pb.Nomination_SHORTLISTED}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.admin.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: c.GetName() + "/nominations/" + id, DecisionNumber: "1/QĐ"}); err != nil {
			t.Fatal(err)
		}
	}
	_, page = b.get("/honors/tieu-bieu/edit")
	f := formValues(page, "edit-campaign")
	f.Set("quota", "1")
	code, body = b.post("/honors/tieu-bieu/edit", f)
	if got := fieldError(body, "quota"); code != http.StatusConflict || !strings.Contains(got, "đã chọn 2 người") || strings.Contains(body, "cannot go below") {
		t.Errorf("a quota below those selected: HTTP %d, the box says %q", code, got)
	}
	if got := campaign(); got.GetQuota() != 7 {
		t.Errorf("the refused quota was saved: %d", got.GetQuota())
	}

	ha := e.signIn(e.account("home_affairs", ""))
	_, own := ha.get("/honors/tieu-bieu")
	if strings.Contains(own, "/honors/tieu-bieu/edit") {
		t.Errorf("the Department has a link to edit the campaign")
	}
	if code, _ := ha.get("/honors/tieu-bieu/edit"); code != http.StatusForbidden {
		t.Errorf("the Department's edit form: HTTP %d", code)
	}
	f.Set("csrf", csrfOf(own))
	f.Set("quota", "9")
	if code, body := ha.post("/honors/tieu-bieu/edit", f); code != http.StatusForbidden || !strings.Contains(errorOf(body), "không có quyền") {
		t.Errorf("the Department's edit: HTTP %d: %s", code, errorOf(body))
	}
	if got := campaign(); got.GetQuota() != 7 {
		t.Errorf("the Department's edit was saved: %d", got.GetQuota())
	}
}
