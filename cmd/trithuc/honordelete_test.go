package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// `trithuc honorCampaigns delete` deletes a campaign: one with nominations
// only with --force; the demo's campaign, which selected someone, stays
// even with it.
func TestHonorCampaignsDeleteCommand(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}
	do := func(args ...string) (string, error) {
		t.Helper()
		return cli(t, append(args, c...)...)
	}
	year := time.Now().In(store.Vietnam).Year()
	if out, err := do("honorCampaigns", "create", "--honor-campaign-id", "thu", "--json", fmt.Sprintf(
		`{"display_name": "Thử", "year": %d, "quota": 2, "nomination_deadline": {"year": %d, "month": 12, "day": 31}}`, year, year+1)); err != nil {
		t.Fatalf("create: %v\n%s", err, out)
	}
	if out, err := do("people", "create", "--family-name", "Thạch", "--given-name", "Sa Rươl", "--person-id", "thach-sa-ruol"); err != nil {
		t.Fatalf("people create: %v\n%s", err, out)
	}
	if out, err := do("nominations", "create", "honorCampaigns/thu", "--json", `{"person": "people/thach-sa-ruol", "nominator": "Hội", "reason": "Đóng góp"}`); err != nil {
		t.Fatalf("nominate: %v\n%s", err, out)
	}
	if out, err := do("honorCampaigns", "delete", "honorCampaigns/thu"); err == nil || !strings.Contains(err.Error(), "FAILED_PRECONDITION") || !strings.Contains(err.Error(), "force") {
		t.Errorf("delete without --force: %v\n%s", err, out)
	}
	if out, err := do("honorCampaigns", "delete", "honorCampaigns/thu", "--force"); err != nil {
		t.Fatalf("delete --force: %v\n%s", err, out)
	}
	if _, err := do("honorCampaigns", "get", "honorCampaigns/thu"); err == nil || !strings.Contains(err.Error(), "NOT_FOUND") {
		t.Errorf("get after delete: %v", err)
	}
	demo := fmt.Sprintf("honorCampaigns/tieu-bieu-%d", year)
	if out, err := do("honorCampaigns", "delete", demo, "--force"); err == nil || !strings.Contains(err.Error(), "FAILED_PRECONDITION") {
		t.Errorf("delete of a campaign that selected someone: %v\n%s", err, out)
	}
	if out, err := do("honorCampaigns", "get", demo); err != nil {
		t.Errorf("the demo's campaign after a refused delete: %v\n%s", err, out)
	}
}
