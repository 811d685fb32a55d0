package refdata

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

func readSeedCSV(t *testing.T, file string) []map[string]string {
	t.Helper()
	b, err := ReadSeed(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// The successor table: every 2025 unit of the province has its 2024
// predecessors, or a stated reason why it has none here; each fact names
// its source and whether it was checked; and the successors the seeded 2024
// districts carry are exactly the table read the other way.
func TestUnitSuccessorTable(t *testing.T) {
	units2025 := readSeedCSV(t, "admin_units_2025_an_giang.csv")
	units2024 := readSeedCSV(t, "admin_units_2024_kien_giang.csv")
	table := readSeedCSV(t, "admin_units_2025_predecessors.csv")
	known := map[string]bool{}
	for _, u := range units2024 {
		known[u["code"]] = true
	}
	rows := map[string]map[string]string{}
	for _, r := range table {
		if rows[r["code"]] != nil {
			t.Errorf("%s is in the table twice", r["code"])
		}
		rows[r["code"]] = r
	}
	want := map[string][]string{}
	for _, u := range units2025 {
		r := rows[u["code"]]
		delete(rows, u["code"])
		switch {
		case r == nil:
			t.Errorf("2025 unit %s (%s) is not in the successor table", u["code"], u["name"])
			continue
		case r["name"] != u["name"]:
			t.Errorf("%s is %q in the table and %q in the 2025 list", u["code"], r["name"], u["name"])
		case r["predecessors_2024"] == "" && r["reason"] == "":
			t.Errorf("%s (%s) has neither a predecessor nor a reason", u["code"], u["name"])
		case r["predecessors_2024"] != "" && (r["source"] == "" || !slices.Contains([]string{"yes", "no"}, r["checked"])):
			t.Errorf("%s (%s): a predecessor needs a source and checked yes or no, not %q, %q", u["code"], u["name"], r["source"], r["checked"])
		}
		for _, d := range strings.Fields(r["predecessors_2024"]) {
			if !known[d] {
				t.Errorf("%s names %s, which is not a 2024 unit of the list", u["code"], d)
			}
			if d != u["code"] {
				want[d] = append(want[d], u["code"])
			}
		}
	}
	for code := range rows {
		t.Errorf("%s is in the successor table but not in the 2025 list", code)
	}
	for _, u := range units2024 {
		got := strings.Fields(u["successors"])
		w := want[u["code"]]
		if u["code"] == "91" {
			w = []string{"91"} // the province keeps its code
		}
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("2024 unit %s: successors %v, the table says %v", u["code"], got, w)
		}
	}
}
