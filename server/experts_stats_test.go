package server

import (
	"net/http"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// ComputeEngagementStatistics suppresses small counts as ComputeStatistics
// does. In 2024, experts of crop growing (401, An) had 6 critiques and 2
// consultancies, and of plant protection (405, Bình) 7 critiques and 5
// consultancies. The 2 is below the threshold (5); 401's total (8) is
// published by a query on 401 alone, so its 6 would give the 2 away and is
// withheld; the consultancies' total (7) would give it away through 405's
// 5, and 405's total (12) that 5 through the 7: all four are withheld, the
// total of 20 is shown.
func TestEngagementStatisticsSuppressed(t *testing.T) {
	f := newExpertFixture(t)
	engage := func(person string, role pb.Person_ExpertRole, n int) {
		for i := range n {
			if _, err := f.reg.Experts.CreateEngagement(f.ctx, &pb.CreateEngagementRequest{Parent: f.pool, Engagement: &pb.Engagement{
				Person: person, MatterTitle: "Thẩm định đề tài", RequestingAgency: "Sở Nông nghiệp và Môi trường",
				Role: role, StartDate: dateOf(time.Date(2024, 3, 1+i, 0, 0, 0, 0, time.UTC))}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	engage(f.an, pb.Person_CRITIQUE, 6)
	engage(f.an, pb.Person_CONSULTING, 2)
	engage(f.binh, pb.Person_CRITIQUE, 7)
	engage(f.binh, pb.Person_CONSULTING, 5)

	r, err := f.reg.Experts.ComputeEngagementStatistics(f.ctx, &pb.ComputeEngagementStatisticsRequest{Name: "associations/lien-hiep"})
	if err != nil {
		t.Fatal(err)
	}
	if r.SuppressionThreshold != 5 || r.Total == nil || *r.Total != 20 || r.TotalSuppressed {
		t.Fatalf("threshold %d, total %v (suppressed %v), want 5 and 20", r.SuppressionThreshold, r.Total, r.TotalSuppressed)
	}
	type cell struct {
		field string
		role  pb.Person_ExpertRole
	}
	want := map[cell]pb.SuppressionReason{
		{"fields/vn2008-401", pb.Person_CONSULTING}: pb.SuppressionReason_BELOW_THRESHOLD,
		{"fields/vn2008-401", pb.Person_CRITIQUE}:   pb.SuppressionReason_PROTECTS_ANOTHER,
		{"fields/vn2008-405", pb.Person_CONSULTING}: pb.SuppressionReason_PROTECTS_ANOTHER,
		{"fields/vn2008-405", pb.Person_CRITIQUE}:   pb.SuppressionReason_PROTECTS_ANOTHER,
	}
	if len(r.Counts) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(r.Counts), len(want), r.Counts)
	}
	for _, c := range r.Counts {
		reason, ok := want[cell{c.Field, c.Role}]
		if !ok || c.Year != 2024 || !c.Suppressed || c.Count != nil || c.SuppressionReason != reason {
			t.Errorf("row %v, want suppressed %s", c, reason)
		}
	}

	// Over REST: the count is absent, the reason named.
	code, body := f.e.rest("GET", "/v1/associations/lien-hiep:computeEngagementStatistics?startYear=2024&endYear=2024", nil)
	counts, _ := body["counts"].([]any)
	if code != http.StatusOK || body["total"] != float64(20) || len(counts) != 4 {
		t.Fatalf("REST: HTTP %d %v", code, body)
	}
	for _, c := range counts {
		m := c.(map[string]any)
		if _, has := m["count"]; has || m["suppressed"] != true || m["suppressionReason"] == nil {
			t.Errorf("REST row %v", m)
		}
	}

	// A deleted person's engagements count no more, as every statistic
	// leaves out the deleted and the restricted.
	if _, err := f.e.client.People.DeletePerson(f.ctx, &pb.DeletePersonRequest{Name: f.an}); err != nil {
		t.Fatal(err)
	}
	r, err = f.reg.Experts.ComputeEngagementStatistics(f.ctx, &pb.ComputeEngagementStatisticsRequest{Name: "associations/lien-hiep"})
	if err != nil || r.Total == nil || *r.Total != 12 {
		t.Errorf("after An's deletion: total %v, %v; want 12", r.GetTotal(), err)
	}
}
