package console_test

import (
	"context"
	"net/http"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A new pool's form with several mistakes marks them all at once: an id
// written wrong and a field not in the list (the server's checks of two
// stages), and a missing name with a field not in the list (the console's
// check, then the server's). Before, each came back alone, the form sent
// once a mistake. Nothing is made.
func TestNewPoolMarksEveryMistakeAtOnce(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	b := e.signIn(e.account("registrar", ""))
	for _, tc := range []struct {
		name, display, id string
		want              []string
	}{
		{"id and field", "Hội đồng X", "Sai Mã", []string{"id", "fields"}},
		{"name and field", "", "", []string{"display_name", "fields"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, page := b.get("/experts/hoi-y-hoc")
			form := formValues(page, "new-pool")
			form.Set("display_name", tc.display)
			form.Set("id", tc.id)
			form.Set("field0", "khong co linh vuc nay")
			form["roles"] = []string{"CRITIQUE"}
			code, body := b.post("/experts/hoi-y-hoc", form)
			if code != http.StatusUnprocessableEntity && code != http.StatusBadRequest {
				t.Errorf("HTTP %d, want a refusal", code)
			}
			for _, f := range tc.want {
				if fieldError(body, f) == "" {
					t.Errorf("%s is not marked", f)
				}
			}
		})
	}
	pools, err := e.admin.Experts.ListExpertPools(context.Background(), &pb.ListExpertPoolsRequest{Parent: "associations/hoi-y-hoc"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pools.GetExpertPools() {
		if p.GetDisplayName() == "Hội đồng X" || p.GetDisplayName() == "A" {
			t.Errorf("a refused form made %s", p.GetName())
		}
	}
}

// A new honours campaign's form with several mistakes marks them all at
// once: a quota the console reads wrong and an id the server refuses.
// Before, the id was marked only once the quota was right. Nothing is
// opened.
func TestNewCampaignMarksEveryMistakeAtOnce(t *testing.T) {
	e := newEnv(t)
	b := e.signIn(e.account("registrar", ""))
	_, page := b.get("/honors")
	form := formValues(page, "new-campaign")
	form.Set("display_name", "Trí thức tiêu biểu 2027")
	form.Set("id", "Sai Mã")
	form.Set("year", "2027")
	form.Set("quota", "0")
	form.Set("nomination_deadline", "2027-10-31")
	code, body := b.post("/honors", form)
	if code != http.StatusUnprocessableEntity {
		t.Errorf("HTTP %d, want 422", code)
	}
	for _, f := range []string{"quota", "id"} {
		if fieldError(body, f) == "" {
			t.Errorf("%s is not marked", f)
		}
	}
	if fieldError(body, "display_name") != "" || fieldError(body, "year") != "" || fieldError(body, "nomination_deadline") != "" {
		t.Errorf("a right box is marked wrong")
	}
	cs, err := e.admin.Honors.ListHonorCampaigns(context.Background(), &pb.ListHonorCampaignsRequest{})
	if err != nil || len(cs.GetHonorCampaigns()) != 0 {
		t.Errorf("campaigns after a refused form: %v, %v", cs.GetHonorCampaigns(), err)
	}
}
