package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// The empty combinations a three-way answer hides beside its small counts
// were chosen by a fixed rule (the first that could be, in the values'
// order): anyone knowing it could tell which hidden cells were empty. They
// are now chosen by a key kept with the database: the same registry on
// two databases hides different cells, and one database gives the same
// answer every time, before and after a restart, over gRPC and REST.
func TestThreeWayEmptiesKeyedByTheDatabase(t *testing.T) {
	ctx := context.Background()
	req := &pb.ComputeStatisticsRequest{Dimensions: []pb.ComputeStatisticsRequest_Dimension{
		pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_FIELD, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT}}
	hiddenOf := func(e *env) string {
		t.Helper()
		r, err := e.client.Statistics.ComputeStatistics(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var hidden []string
		for _, row := range r.GetRows() {
			if row.Count == nil {
				hidden = append(hidden, strings.Join(row.GetValues(), "/"))
			}
		}
		if len(hidden) == 0 {
			t.Fatalf("no rows hidden (%d rows): the registry no longer tests this", len(r.GetRows()))
		}
		slices.Sort(hidden)
		return strings.Join(hidden, " ")
	}
	var envs []*env
	for range 2 {
		e := newEnv(t)
		if err := synth.Load(ctx, e.db, 1, 300); err != nil {
			t.Fatal(err)
		}
		envs = append(envs, e)
	}
	first := hiddenOf(envs[0])
	if again := hiddenOf(envs[0]); again != first {
		t.Errorf("asked again, other cells hidden:\n%s\n%s", first, again)
	}
	if got := restHidden(t, envs[0]); got != first {
		t.Errorf("REST hides other cells:\n%s\n%s", first, got)
	}
	envs[0].stop()
	envs[0].start(nil)
	if again := restHidden(t, envs[0]); again != first {
		t.Errorf("after a restart, other cells hidden:\n%s\n%s", first, again)
	}
	if other := hiddenOf(envs[1]); other == first {
		t.Errorf("two databases of the same people hide the same cells, as a fixed rule would:\n%s", first)
	}
}

// restHidden is the cells the REST answer by level, field and unit hides.
func restHidden(t *testing.T, e *env) string {
	t.Helper()
	code, body := e.rest("GET", "/v1/statistics:compute?dimensions=HIGHEST_QUALIFICATION_LEVEL&dimensions=FIELD&dimensions=ADMINISTRATIVE_UNIT", nil)
	if code != http.StatusOK {
		t.Fatalf("REST: %d %v", code, body)
	}
	rows, _ := body["rows"].([]any)
	var hidden []string
	for _, r := range rows {
		row := r.(map[string]any)
		if _, shown := row["count"]; !shown {
			var vals []string
			for _, v := range row["values"].([]any) {
				vals = append(vals, v.(string))
			}
			hidden = append(hidden, strings.Join(vals, "/"))
		}
	}
	slices.Sort(hidden)
	return strings.Join(hidden, " ")
}
