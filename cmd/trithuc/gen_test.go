package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// trithuc gen adds the same people for the same seed, straight into a file
// and through a running server, and adds to what is there.
func TestGen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	registered := func(out string) int {
		t.Helper()
		var n int
		i := strings.Index(out, "Registered ")
		if i < 0 {
			t.Fatalf("no memberships reported:\n%s", out)
		}
		fmt.Sscanf(out[i:], "Registered %d memberships", &n)
		return n
	}
	var first int
	for _, path := range []string{a, b} {
		out, err := cli(t, "gen", "--db", path, "--people", "60", "--seed", "7", "--batch", "25")
		if err != nil || !strings.Contains(out, "Added 60 people") {
			t.Fatalf("gen --db: %v\n%s", err, out)
		}
		first = registered(out)
	}
	out, err := cli(t, "gen", "--db", a, "--people", "15", "--seed", "7")
	if err != nil || !strings.Contains(out, "Added 15 people") {
		t.Fatalf("gen --db again: %v\n%s", err, out)
	}
	// Only the new people are registered the second time.
	second := registered(out)
	if first < 5 || second > 15 {
		t.Errorf("registered %d of 60 people, then %d of 15", first, second)
	}
	if out, err := cli(t, "gen", "--db", b, "--people", "5", "--memberships=false"); err != nil || strings.Contains(out, "Registered") {
		t.Errorf("gen --memberships=false: %v\n%s", err, out)
	}
	members := func(path string) map[string]int {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ms, _, err := db.ListMemberships(ctx, "associations/-", store.ListQuery{PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		byPerson := map[string]int{}
		for _, m := range ms {
			byPerson[m.Person]++
		}
		return byPerson
	}
	if ma, mb := members(a), members(b); len(ma) != first+second || len(mb) != first {
		t.Errorf("%d and %d people hold memberships, want %d and %d, each once", len(ma), len(mb), first+second, first)
	}
	dump := func(path string) []string {
		db, err := store.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		people, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 1000}, pb.PersonView_PERSON_VIEW_FULL)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range people {
			out = append(out, p.Name+" "+p.DisplayName+" "+p.NationalId+" "+p.HighestQualificationLevel)
		}
		return out
	}
	da, db_ := dump(a), dump(b)
	if len(da) != 75 || len(db_) != 65 {
		t.Fatalf("%d and %d people, want 75 and 65", len(da), len(db_))
	}
	for i := range 60 {
		if da[i] != db_[i] {
			t.Fatalf("person %d of seed 7 differs: %q, %q", i, da[i], db_[i])
		}
	}

	// Through a server: the same people as straight into a file.
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	out, err = cli(t, "gen", "--api", "--server", addr, "--token", token, "--people", "10", "--seed", "3")
	if err != nil || !strings.Contains(out, "Added 10 people") {
		t.Fatalf("gen --api: %v\n%s", err, out)
	}
	if _, err := cli(t, "gen", "--people", "10"); err == nil {
		t.Error("gen without --db or --api succeeded")
	}
}
