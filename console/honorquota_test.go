package console_test

import (
	"context"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A campaign whose quota is full offers no select button: the shortlisted
// rows say why ("Đã đủ chỉ tiêu") before anyone presses one, and the
// quota's line says so too.
func TestQuotaFullHidesSelect(t *testing.T) {
	e := newEnv(t)
	c := e.honorSetup()
	ctx := context.Background()
	for _, id := range []string{"n-anh", "n-cuong"} {
		if _, err := e.admin.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: c.GetName() + "/nominations/" + id, Decision: pb.Nomination_SHORTLISTED}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.signIn(e.account("registrar", ""))
	if _, page := b.get("/honors/tieu-bieu"); !strings.Contains(page, `id="choose-n-anh"`) || strings.Contains(page, "Đã đủ chỉ tiêu") {
		t.Errorf("before any selection: no select button for Anh, or the quota said full")
	}
	if _, err := e.admin.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: c.GetName() + "/nominations/n-cuong", DecisionNumber: "1/QĐ"}); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/honors/tieu-bieu")
	if strings.Contains(page, `id="choose-n-anh"`) || strings.Contains(page, `id="select-n-anh"`) {
		t.Errorf("the quota is full, yet Anh's row offers the select form")
	}
	if !strings.Contains(page, `id="full-n-anh"`) || !strings.Contains(page, `id="quota-full"`) || !strings.Contains(page, "Đã đủ chỉ tiêu") {
		t.Errorf("the quota is full, and the page does not say so")
	}
}
