package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A pool is edited and deleted from its page by the roles that write
// pools: the edit form holds the pool as it is and saves what was
// changed; deleting asks first, saying what goes with the pool; a form
// sent after another's change changes nothing (409) and shows the pool as
// it is now; another association's account and the Department are
// refused, and nothing changes.
func TestEditAndDeletePool(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	ctx := context.Background()
	const name = "associations/hoi-y-hoc/expertPools/thuy-san"
	const path = "/experts/hoi-y-hoc/thuy-san"
	if _, err := e.admin.Experts.CreateExpertPoolMember(ctx, &pb.CreateExpertPoolMemberRequest{Parent: name,
		ExpertPoolMember: &pb.ExpertPoolMember{Person: e.person.GetName(), Role: pb.Person_CRITIQUE}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.Experts.CreateEngagement(ctx, &pb.CreateEngagementRequest{Parent: name, Engagement: &pb.Engagement{
		Person: e.person.GetName(), MatterTitle: "Phản biện đề tài nuôi tôm", Role: pb.Person_CRITIQUE, StartDate: &date.Date{Year: 2026, Month: 3, Day: 2}}}); err != nil {
		t.Fatal(err)
	}
	pool := func() *pb.ExpertPool {
		t.Helper()
		p, err := e.admin.Experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	rename := func(to string) {
		t.Helper()
		if _, err := e.admin.Experts.UpdateExpertPool(ctx, &pb.UpdateExpertPoolRequest{ExpertPool: &pb.ExpertPool{Name: name, DisplayName: to},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}); err != nil {
			t.Fatal(err)
		}
	}

	b := e.signIn(e.account("registrar", ""))
	if _, page := b.get(path); !strings.Contains(page, `href="`+path+`/edit"`) || !strings.Contains(page, `href="`+path+`/delete"`) {
		t.Errorf("the pool's page has no links to edit and delete it")
	}
	code, page := b.get(path + "/edit")
	form := formValues(page, "edit-pool")
	if code != http.StatusOK || form.Get("display_name") != "Hội đồng phản biện thủy sản" || !strings.HasPrefix(form.Get("field0"), "405 ") ||
		!strings.Contains(page, `value="CRITIQUE" id="p-role-CRITIQUE" checked`) || form.Get("etag") == "" {
		t.Fatalf("the edit form: HTTP %d, %v", code, form)
	}
	bad := formValues(page, "edit-pool")
	bad.Set("display_name", " ")
	if code, body := b.post(path+"/edit", bad); code != http.StatusUnprocessableEntity || !strings.Contains(fieldError(body, "display_name"), "Cần điền tên nhóm") {
		t.Errorf("a pool without a name: HTTP %d, %q", code, fieldError(body, "display_name"))
	}
	form.Set("display_name", "Hội đồng phản biện nông nghiệp")
	form.Set("field0", "")
	form["roles"] = []string{"CRITIQUE", "CONSULTING"}
	if code, body := b.post(path+"/edit", form); code != http.StatusSeeOther {
		t.Fatalf("saving the pool: HTTP %d: %s", code, errorOf(body))
	}
	if got := pool(); got.GetDisplayName() != "Hội đồng phản biện nông nghiệp" || len(got.GetFields()) != 0 || len(got.GetRoles()) != 2 {
		t.Errorf("the pool after the edit: %q, fields %v, roles %v", got.GetDisplayName(), got.GetFields(), got.GetRoles())
	}

	// Another's change between reading and saving.
	_, page = b.get(path + "/edit")
	stale := formValues(page, "edit-pool")
	rename("Hội đồng của người khác")
	stale.Set("display_name", "Tên của tôi")
	code, body := b.post(path+"/edit", stale)
	if code != http.StatusConflict || !strings.Contains(errorOf(body), "vừa được người khác sửa") || formValues(body, "edit-pool").Get("display_name") != "Hội đồng của người khác" {
		t.Errorf("a stale edit: HTTP %d, %q, the form's name %q", code, errorOf(body), formValues(body, "edit-pool").Get("display_name"))
	}
	if got := pool(); got.GetDisplayName() != "Hội đồng của người khác" {
		t.Errorf("a stale edit saved the name %q", got.GetDisplayName())
	}

	// Others are refused.
	other := e.signIn(e.account("registrar", "associations/hoi-tin-hoc"))
	_, own := other.get("/people")
	ha := e.signIn(e.account("home_affairs", ""))
	_, haPage := ha.get(path)
	if strings.Contains(haPage, path+"/edit") || strings.Contains(haPage, path+"/delete") {
		t.Errorf("the Department has links to edit or delete the pool")
	}
	for who, c := range map[string]struct {
		b    *browser
		csrf string
	}{"another association's registrar": {other, csrfOf(own)}, "the Department": {ha, csrfOf(haPage)}} {
		for _, action := range []string{"/edit", "/delete"} {
			if code, _ := c.b.get(path + action); code != http.StatusForbidden {
				t.Errorf("%s opening %s: HTTP %d", who, action, code)
			}
			f := formValues(page, "edit-pool")
			f.Set("csrf", c.csrf)
			f.Set("etag", pool().GetEtag())
			f.Set("display_name", "Đổi tên")
			if code, _ := c.b.post(path+action, f); code != http.StatusForbidden {
				t.Errorf("%s posting %s: HTTP %d", who, action, code)
			}
		}
	}
	if got := pool(); got.GetDisplayName() != "Hội đồng của người khác" {
		t.Errorf("a refused form changed the pool: %q", got.GetDisplayName())
	}

	// Deleting: the page asks first, saying what goes with the pool.
	code, page = b.get(path + "/delete")
	if code != http.StatusOK || !strings.Contains(page, `id="delete-members">1<`) || !strings.Contains(page, `id="delete-engagements">1<`) {
		t.Fatalf("the delete page: HTTP %d, without the counts", code)
	}
	confirm := formValues(page, "delete-pool")
	rename("Đổi tên trong lúc xoá")
	if code, body := b.post(path+"/delete", confirm); code != http.StatusConflict || !strings.Contains(errorOf(body), "vừa được người khác sửa") {
		t.Errorf("a stale delete: HTTP %d, %q", code, errorOf(body))
	}
	pool()
	_, page = b.get(path + "/delete")
	confirm = formValues(page, "delete-pool")
	if code, body := b.post(path+"/delete", confirm); code != http.StatusSeeOther {
		t.Fatalf("deleting the pool: HTTP %d: %s", code, errorOf(body))
	}
	if _, err := e.admin.Experts.GetExpertPool(ctx, &pb.GetExpertPoolRequest{Name: name}); status.Code(err) != codes.NotFound {
		t.Errorf("the pool after its deletion: %v", err)
	}
	resp, err := b.http.PostForm(e.base+path+"/delete", confirm)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if to, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusSeeOther || to.Path != "/experts/hoi-y-hoc" {
		t.Errorf("the delete sent twice: HTTP %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
