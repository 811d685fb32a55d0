package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// An engagement's rating is 1 (poor) to 5 (excellent), as README says, or
// 0 when not rated; anything else is refused in those words, naming the
// field, and the engagement keeps its rating.
func TestEngagementRating(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}
	out, err := cli(t, append([]string{"expertPools", "list", "associations/-", "--output", "json"}, c...)...)
	var pools struct {
		ExpertPools []struct{ Name string } `json:"expert_pools"`
	}
	if err != nil || json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &pools) != nil {
		t.Fatalf("expertPools list: %v\n%s", err, out)
	}
	name := ""
	for _, p := range pools.ExpertPools {
		out, err := cli(t, append([]string{"engagements", "list", p.Name, "--output", "json"}, c...)...)
		var list struct {
			Engagements []struct{ Name string }
		}
		if err != nil || json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &list) != nil {
			t.Fatalf("engagements list: %v\n%s", err, out)
		}
		if len(list.Engagements) > 0 {
			name = list.Engagements[0].Name
			break
		}
	}
	if name == "" {
		t.Fatalf("the demo has no engagements: %s", out)
	}
	update := func(rating string) (string, error) {
		return cli(t, append([]string{"engagements", "update", name, "--update-mask", "rating", "--json", `{"rating": ` + rating + `}`}, c...)...)
	}
	for _, c := range []struct {
		name, rating string
		ok           bool
	}{
		{"OK", "4", true},
		{"OKNotRated", "0", true},
		{"OKExcellent", "5", true},
		{"ErrSeven", "7", false},
		{"ErrSix", "6", false},
		{"ErrNegative", "-1", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := update(c.rating)
			if c.ok {
				if err != nil {
					t.Errorf("rating %s: %v\n%s", c.rating, err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "engagement.rating: must be 1 (poor) to 5 (excellent), or 0 when not rated") {
				t.Errorf("rating %s: %v\n%s", c.rating, err, out)
			}
		})
	}
	out, err = cli(t, append([]string{"engagements", "get", name, "--output", "json"}, c...)...)
	if err != nil || !strings.Contains(out, `"rating": 5`) {
		t.Errorf("the rating after the refusals: %v\n%s", err, out)
	}
}
