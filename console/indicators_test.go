package console_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The indicators' page writes shares with the decimal comma, and a share
// with no one to count as no data, not as withheld.
func TestIndicatorsPageInVietnamese(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, name := range []string{"Cúc", "Dung"} {
		if _, err := e.admin.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{
			FamilyName: "Phạm", GivenName: name, Gender: pb.Person_FEMALE}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.admin.Statistics.UpdateStatisticsSettings(ctx, &pb.UpdateStatisticsSettingsRequest{
		Settings:   &pb.StatisticsSettings{Name: "statisticsSettings", SuppressionThreshold: 3},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"suppression_threshold"}}}); err != nil {
		t.Fatal(err)
	}
	b := e.signIn(e.account("home_affairs", ""))
	// Women: 3 of 6.
	if code, body := b.get("/stats/indicators"); code != http.StatusOK || !strings.Contains(body, "50,0%") {
		t.Errorf("HTTP %d, want the women's share as 50,0%%:\n%s", code, body)
	}
	// The day before anyone was registered.
	yesterday := time.Now().In(store.Vietnam).AddDate(0, 0, -1).Format("02/01/2006")
	if code, body := b.get("/stats/indicators?as_of=" + yesterday); code != http.StatusOK ||
		!strings.Contains(body, "không có dữ liệu") || strings.Contains(body, "ẩn (") {
		t.Errorf("as of %s: HTTP %d, want every share as no data:\n%s", yesterday, code, body)
	}
}
