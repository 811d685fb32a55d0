package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Keys and console accounts limited to a unit: --organization names one
// that exists, for registrars and home affairs only, never beside
// --association; lists show the limit.
func TestUnitKeysAndUsers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "u.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateOrganization(context.Background(), &pb.Organization{DisplayName: "Sở Y tế"}, store.CreateOptions{ID: "so-y-te"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, err := cli(t, "keys", "create", "--db", path, "--role", "home_affairs", "--name", "Sở Y tế", "--organization", "organizations/so-y-te")
	if err != nil || !strings.Contains(out, "limited to organizations/so-y-te") {
		t.Fatalf("keys create: %v\n%s", err, out)
	}
	if out, err := cli(t, "keys", "list", "--db", path); err != nil || !strings.Contains(out, "organizations/so-y-te") {
		t.Errorf("keys list: %v\n%s", err, out)
	}
	out, err = cli(t, "users", "create", "--db", path, "--role", "registrar", "--email", "tccb@syt.example.vn", "--name", "Tổ chức cán bộ", "--organization", "organizations/so-y-te")
	if err != nil || !strings.Contains(out, "limited to organizations/so-y-te") {
		t.Fatalf("users create: %v\n%s", err, out)
	}
	if out, err := cli(t, "users", "list", "--db", path); err != nil || !strings.Contains(out, "organizations/so-y-te") {
		t.Errorf("users list: %v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"keys", "create", "--db", path, "--role", "service", "--name", "x", "--organization", "organizations/so-y-te"},
		{"keys", "create", "--db", path, "--role", "registrar", "--name", "x", "--organization", "associations/so-y-te"},
		{"keys", "create", "--db", path, "--role", "registrar", "--name", "x", "--organization", "organizations/so-y-te", "--association", "associations/a"},
		{"users", "create", "--db", path, "--role", "admin", "--email", "a@example.vn", "--name", "x", "--organization", "organizations/so-y-te"},
	} {
		_, err := cli(t, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	// An organization that does not exist is refused by the store, naming
	// the flag's field.
	if out, err := cli(t, "keys", "create", "--db", path, "--role", "registrar", "--name", "x", "--organization", "organizations/khong-co"); err == nil || !strings.Contains(err.Error()+out, "organization") {
		t.Errorf("an unknown organization: %v\n%s", err, out)
	}
}

// The tables of `accounts list` and `apiKeys list` show the unit an
// account or key is limited to, as `users list` and `keys list` do.
func TestAccountAndKeyTablesShowTheUnit(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}
	for _, args := range [][]string{
		{"apiKeys", "create", "--display-name", "Sở Y tế", "--role", "home_affairs", "--organization", "organizations/so-y-te"},
		{"accounts", "create", "--email", "tk@syt.example.vn", "--display-name", "Thống kê", "--role", "home_affairs", "--organization", "organizations/so-y-te"},
	} {
		if out, err := cli(t, append(args, c...)...); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		out, err := cli(t, append([]string{args[0], "list", "--output", "table"}, c...)...)
		if err != nil || !strings.Contains(out, "ORGANIZATION") || !strings.Contains(out, "organizations/so-y-te") {
			t.Errorf("%s list: %v\n%s", args[0], err, out)
		}
	}
}
