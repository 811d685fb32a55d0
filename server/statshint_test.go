package server

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A refused statistics filter says what to filter by instead, and lists
// only the fields the caller's role may name: each of them is then not
// refused as personal data, for every role that computes statistics.
func TestStatisticsFilterHintByRole(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	_, haTok := e.key(RoleHomeAffairs)
	_, unitTok, err := e.db.CreateScopedKey(ctx, "Sở Y tế, thống kê", RoleHomeAffairs, org.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	hints := []struct {
		name, filter string
		dim          pb.ComputeStatisticsRequest_Dimension
		after        string // the hint's list follows this
		indicators   bool   // GetIndicators, not ComputeStatistics
	}{
		{"NotGrouping", "birth_date.year = 2001", pb.ComputeStatisticsRequest_GENDER, "filter by what groups people: ", false},
		{"ByEthnicity", "honors.kind = AWARD", pb.ComputeStatisticsRequest_ETHNICITY, "; only by ", false},
		{"IndicatorsNotGrouping", "birth_date.year = 2001", 0, "filter by what groups people: ", true},
	}
	roles := []struct {
		name      string
		c         *client.Client
		ethnicity bool // whether the role may filter by ethnicity
	}{
		{"Admin", e.client, true},
		{"HomeAffairs", e.clientAs(haTok), false},
		{"HomeAffairsOfUnit", e.clientAs(unitTok), false},
	}
	for _, r := range roles {
		for _, h := range hints {
			call := func(filter string) error {
				if h.indicators {
					_, err := r.c.Statistics.GetIndicators(ctx, &pb.GetIndicatorsRequest{Filter: filter})
					return err
				}
				_, err := r.c.Statistics.ComputeStatistics(ctx, &pb.ComputeStatisticsRequest{Filter: filter,
					Dimensions: []pb.ComputeStatisticsRequest_Dimension{h.dim}})
				return err
			}
			t.Run(r.name+"/"+h.name, func(t *testing.T) {
				err := call(h.filter)
				wantCode(t, err, codes.InvalidArgument, "filter")
				_, list, ok := strings.Cut(status.Convert(err).Message(), h.after)
				if !ok {
					t.Fatalf("no hint of what to filter by: %v", err)
				}
				fields := strings.Split(list, ", ")
				if got := slices.Contains(fields, "ethnicity"); got != r.ethnicity {
					t.Errorf("the hint lists ethnicity: %v, want %v: %q", got, r.ethnicity, list)
				}
				for _, f := range fields {
					if err := call(f + ` = "x"`); status.Code(err) == codes.PermissionDenied {
						t.Errorf("the hint lists %s, which the role may not filter by: %v", f, err)
					}
				}
			})
		}
	}
}
