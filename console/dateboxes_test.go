package console_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The date boxes of the campaigns', reviews' and engagements' forms are
// written day/month/year, as every other date box of the console and as
// people write dates here: <input type="date"> shows the browser's
// format, mm/dd/yyyy in an English browser (the headless one showed it),
// where 03/02 is the 2nd of March. An edit form shows the date so, and
// such a date is read back.
func TestDateBoxesAreDayMonthYear(t *testing.T) {
	e := newEnv(t)
	e.expertSetup()
	ctx := context.Background()
	if _, err := e.admin.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: 2200, Quota: 3, NominationDeadline: &date.Date{Year: 2200, Month: 10, Day: 31}}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("registrar", ""))
	for _, path := range []string{"/honors", "/honors/tieu-bieu/edit", "/reviews", "/experts/hoi-y-hoc/thuy-san"} {
		_, page := b.get(path)
		if strings.Contains(page, `type="date"`) {
			t.Errorf("%s has a date box in the browser's format", path)
		}
	}
	_, page := b.get("/honors/tieu-bieu/edit")
	if box := regexp.MustCompile(`<input[^>]*name="nomination_deadline"[^>]*>`).FindString(page); !strings.Contains(box, `value="31/10/2200"`) || !strings.Contains(box, "ngày/tháng/năm") {
		t.Errorf("the edit form's deadline: %s, want 31/10/2200 with the hint", box)
	}
	form := formValues(page, "edit-campaign")
	form.Set("nomination_deadline", "30/11/2200")
	if code, body := b.post("/honors/tieu-bieu/edit", form); code != 303 {
		t.Fatalf("saving a deadline written 30/11/2200: HTTP %d, %s", code, fieldError(body, "nomination_deadline"))
	}
	c, err := e.admin.Honors.GetHonorCampaign(ctx, &pb.GetHonorCampaignRequest{Name: "honorCampaigns/tieu-bieu"})
	if err != nil {
		t.Fatal(err)
	}
	if d := c.GetNominationDeadline(); d.GetDay() != 30 || d.GetMonth() != 11 {
		t.Errorf("the deadline saved is %v", d)
	}
}
