package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// An answer whose suppression would need more work than one call may use
// is refused with RESOURCE_EXHAUSTED saying what to ask instead, not run
// for seconds and not INTERNAL; within the allowance it is answered.
func TestStatisticsSuppressionAllowance(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := synth.BulkLoad(ctx, e.db, synth.BulkOptions{Seed: 3, People: 200}); err != nil {
		t.Fatal(err)
	}
	_, secret := e.key("home_affairs")
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: secret, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := &pb.ComputeStatisticsRequest{Dimensions: []pb.ComputeStatisticsRequest_Dimension{
		pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT, pb.ComputeStatisticsRequest_ETHNICITY, pb.ComputeStatisticsRequest_ORGANIZATION}}
	e.db.SetSuppressionAllowance(1000)
	_, err = c.Statistics.ComputeStatistics(ctx, req)
	wantCode(t, err, codes.ResourceExhausted)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "fewer dimensions") {
		t.Errorf("the message does not say what to ask instead: %q", msg)
	}
	e.db.SetSuppressionAllowance(0)
	if _, err := c.Statistics.ComputeStatistics(ctx, req); err != nil {
		t.Errorf("within the default allowance: %v", err)
	}
}
