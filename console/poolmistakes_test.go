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
