//go:build trithuc_bench

package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"trithuc.gov.vn/trithuc/synth"
)

// The peer seeded straight into its data.db holds what its API stores for
// the same people: the same rows, column by column and type by type, and
// the same answers over REST to every call the scenarios make, record by
// record. The seeding is also checked when it adds people to a peer that
// holds some already, as a bigger --people does.
func TestPocketBaseSeedAsAPI(t *testing.T) {
	bin := os.Getenv("TRITHUC_POCKETBASE")
	if bin == "" {
		t.Skip("set $TRITHUC_POCKETBASE to PocketBase's examples/base binary (" + pbInstallHint + ")")
	}
	ctx := context.Background()
	const seed, n = 7, 250
	apiDir, seedDir := t.TempDir(), t.TempDir()

	viaAPI, err := servePocketBase(ctx, bin, apiDir)
	if err != nil {
		t.Fatal(err)
	}
	defer viaAPI.stop()
	// In two steps both ways: people added to a peer are drawn from
	// where its count stops (synth's StartAt), not as a longer first load.
	if err := viaAPI.loadAPI(ctx, seed, 0, 100); err != nil {
		t.Fatal(err)
	}
	if err := viaAPI.loadAPI(ctx, seed, 100, n-100); err != nil {
		t.Fatal(err)
	}
	viaAPI.people = n

	var stderr strings.Builder
	first, err := startPocketBase(ctx, bin, seedDir, seed, 100, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	first.stop()
	seeded, err := startPocketBase(ctx, bin, seedDir, seed, n, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	defer seeded.stop()
	for _, want := range []string{"seeding 100 people into PocketBase", "seeding 150 people into PocketBase"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the seeding did not say %q:\n%s", want, stderr.String())
		}
	}

	// Every person by id as the get scenario asks, every page of the
	// unsorted list (the broad scenario's order), the qualifications, and
	// the lists and searches the scenarios filter with.
	paths := []string{}
	for i := range n {
		paths = append(paths, "/api/collections/people/records/"+pbID(i)+"?expand=qualifications_via_person")
	}
	for page := 1; page <= 3; page++ {
		paths = append(paths, fmt.Sprintf("/api/collections/people/records?perPage=100&page=%d&expand=qualifications_via_person", page))
	}
	paths = append(paths, "/api/collections/qualifications/records?perPage=1000")
	for _, f := range append(pbFilters, `search ~ "nguyen"`, `search ~ "thi"`) {
		paths = append(paths, "/api/collections/people/records?perPage=50&filter="+url.QueryEscape(f))
	}
	for _, path := range paths {
		var a, b any
		if err := viaAPI.call(ctx, "GET", path, nil, &a); err != nil {
			t.Fatal(err)
		}
		if err := seeded.call(ctx, "GET", path, nil, &b); err != nil {
			t.Fatal(err)
		}
		if ea, eb := pbComparable(t, a), pbComparable(t, b); !reflect.DeepEqual(ea, eb) {
			t.Fatalf("GET %s:\nthrough the API %v\nseeded          %v", path, ea, eb)
		}
	}
	var page struct{ TotalItems int }
	if err := seeded.call(ctx, "GET", "/api/collections/qualifications/records?perPage=1", nil, &page); err != nil || page.TotalItems < n {
		t.Errorf("%d qualifications seeded for %d people (%v)", page.TotalItems, n, err)
	}

	// The stored rows, in the file's order.
	viaAPI.stop()
	seeded.stop()
	for _, table := range []string{"people", "qualifications"} {
		a := pbRows(t, filepath.Join(apiDir, "pb_data", "data.db"), table)
		b := pbRows(t, filepath.Join(seedDir, "pb_data", "data.db"), table)
		if len(a) < n || !reflect.DeepEqual(a, b) {
			t.Errorf("%s: %d rows through the API, %d seeded; first difference %s", table, len(a), len(b), firstDiff(a, b))
		}
	}
}

var (
	pbDateRe = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$`)
	pbIDRe   = regexp.MustCompile(`^[a-z0-9]{15}$`)
)

// pbComparable is an answer with what differs between two loads of the same
// people checked for its form and blanked: the times of the writes and a
// qualification's id (PocketBase draws it).
func pbComparable(t *testing.T, v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		qualification := v["collectionName"] == "qualifications"
		for k, x := range v {
			switch {
			case k == "created" || k == "updated":
				if s, _ := x.(string); !pbDateRe.MatchString(s) {
					t.Errorf("%s %q is not PocketBase's date form", k, x)
				}
				out[k] = "<time>"
			case k == "id" && qualification:
				if s, _ := x.(string); !pbIDRe.MatchString(s) {
					t.Errorf("a qualification's id %q is not PocketBase's form", x)
				}
				out[k] = "<id>"
			default:
				out[k] = pbComparable(t, x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = pbComparable(t, x)
		}
		return out
	}
	return v
}

// pbRows are table's rows in data, each column as its type and value, the
// write times and a qualification's id checked for their form and blanked.
func pbRows(t *testing.T, data, table string) []string {
	db, err := sql.Open("sqlite3", "file:"+data+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT * FROM " + table + " ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var row strings.Builder
		for i, c := range cols {
			v := vals[i]
			switch {
			case c == "created" || c == "updated":
				if s, _ := v.(string); !pbDateRe.MatchString(s) {
					t.Errorf("%s.%s %#v is not PocketBase's date form", table, c, v)
				}
				v = "<time>"
			case c == "id" && table == "qualifications":
				if s, _ := v.(string); !pbIDRe.MatchString(s) {
					t.Errorf("%s.id %#v is not PocketBase's form", table, v)
				}
				v = "<id>"
			}
			fmt.Fprintf(&row, "%s=%T(%v) ", c, v, v)
		}
		out = append(out, row.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("row %d:\nthrough the API %s\nseeded          %s", i, a[i], b[i])
		}
	}
	return "none in the rows both have"
}

// loadAPI adds n synthetic people from start (and their qualifications)
// through PocketBase's batch API, a transaction of 100 people each: how
// the harness loaded the peer before it seeded its file, kept as the
// reference the seeding is checked against.
func (p *pbPeer) loadAPI(ctx context.Context, seed uint64, start, n int) error {
	if err := p.call(ctx, "PATCH", "/api/settings", map[string]any{"batch": map[string]any{"enabled": true, "maxRequests": 1000, "timeout": 120, "maxBodySize": 64 << 20}}, nil); err != nil {
		return err
	}
	i := start
	for b := range synth.Batches(ctx, seed, start, n, 100, synth.OrganizationsFor(start+n)) {
		var reqs []map[string]any
		for _, prof := range b.Profiles {
			id := pbID(i)
			i++
			reqs = append(reqs, map[string]any{"method": "POST", "url": "/api/collections/people/records", "body": pbPerson(id, prof.Person, prof.Qualifications)})
			for _, q := range prof.Qualifications {
				reqs = append(reqs, map[string]any{"method": "POST", "url": "/api/collections/qualifications/records", "body": pbQualification(id, q)})
			}
		}
		if err := p.call(ctx, "POST", "/api/batch", map[string]any{"requests": reqs}, nil); err != nil {
			return err
		}
	}
	return ctx.Err()
}
