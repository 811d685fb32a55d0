package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// --association and --organization of users create and keys create take
// the unit's id, as their help says, or its name; anything else is a
// usage error naming the flag, and nothing is made.
func TestScopeFlagsTakeIDOrName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: "Sở Y tế"}, store.CreateOptions{ID: "so-y-te"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội Tin học", Code: "HTH"}, store.CreateOptions{ID: "hoi-tin-hoc"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for i, c := range []struct {
		flag, value string
		want        string // the scope made; "" for a usage error naming the flag
	}{
		{"association", "hoi-tin-hoc", "associations/hoi-tin-hoc"},
		{"association", "associations/hoi-tin-hoc", "associations/hoi-tin-hoc"},
		{"organization", "so-y-te", "organizations/so-y-te"},
		{"organization", "organizations/so-y-te", "organizations/so-y-te"},
		{"association", "organizations/so-y-te", ""},
		{"organization", "associations/hoi-tin-hoc", ""},
		{"association", "associations/associations/hoi-tin-hoc", ""},
		{"association", "Hội Tin học", ""},
		{"organization", "/so-y-te", ""},
		{"organization", "organizations/", ""},
	} {
		for _, cmd := range []string{"users", "keys"} {
			t.Run(fmt.Sprintf("%s-%s-%d", cmd, c.flag, i), func(t *testing.T) {
				args := []string{cmd, "create", "--db", path, "--role", "registrar", "--name", "x", "--" + c.flag, c.value}
				if cmd == "users" {
					args = append(args, "--email", fmt.Sprintf("u%d@example.vn", i))
				}
				out, err := cli(t, args...)
				if c.want != "" {
					if err != nil || !strings.Contains(out, "limited to "+c.want) {
						t.Errorf("%q: %v\n%s", args, err, out)
					}
					return
				}
				var ue usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--"+c.flag) {
					t.Errorf("%q: %v, want a usage error naming --%s", args, err, c.flag)
				}
				if list, _ := cli(t, cmd, "list", "--db", path); strings.Contains(list, fmt.Sprintf("u%d@", i)) {
					t.Errorf("%q made an account:\n%s", args, list)
				}
			})
		}
	}
}
