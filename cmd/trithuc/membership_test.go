package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The membership workflow from the command line, as the README shows it:
// an association, a registration carrying a new person and their consent,
// approval, and the member list.
func TestMembershipCommands(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	c := []string{"--server", addr, "--token", token}
	run := func(args ...string) string {
		t.Helper()
		out, err := cli(t, append(args, c...)...)
		if err != nil {
			t.Fatalf("%q: %v\n%s", args, err, out)
		}
		return out
	}

	run("associations", "create", "--association-id", "cau-lac-bo-tin-hoc", "--display-name", "Câu lạc bộ Tin học trẻ",
		"--code", "CLB", "--member-number-format", "{code}-{seq:03}", "--fields", "fields/vn2008-102")

	out := run("memberships", "register", "associations/cau-lac-bo-tin-hoc", "--request-id", "cli-1", "--json", `{
		"new_person": {"family_name": "Danh", "given_name": "Thị Sóc", "gender": "FEMALE", "birth_date": {"year": 1990},
			"fields": [{"field": "fields/vn2008-102"}]},
		"qualifications": [{"kind": "DEGREE", "level": "THAC_SI", "major": "Khoa học máy tính", "year": 2016}],
		"consent": {"purposes": ["REGISTRY", "CONTACT"], "text_version": "2025-01"}
	}`)
	var reg struct {
		Membership struct{ Name, State, Person string }
		Person     struct {
			HighestQualificationLevel string `json:"highest_qualification_level"`
		}
		PersonCreated bool `json:"person_created"`
	}
	if err := json.Unmarshal([]byte(out), &reg); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if reg.Membership.State != "PENDING" || !reg.PersonCreated || reg.Person.HighestQualificationLevel != "THAC_SI" {
		t.Fatalf("register printed %s", out)
	}
	// The same request again registers nothing new.
	again := run("memberships", "register", "associations/cau-lac-bo-tin-hoc", "--request-id", "cli-1", "--json", `{
		"new_person": {"family_name": "Danh", "given_name": "Thị Sóc", "gender": "FEMALE", "birth_date": {"year": 1990},
			"fields": [{"field": "fields/vn2008-102"}]},
		"qualifications": [{"kind": "DEGREE", "level": "THAC_SI", "major": "Khoa học máy tính", "year": 2016}],
		"consent": {"purposes": ["REGISTRY", "CONTACT"], "text_version": "2025-01"}
	}`)
	if again != out {
		t.Errorf("a repeated register printed\n%s\nnot\n%s", again, out)
	}
	// Without consent for the registry, the server refuses and says why.
	_, err := cli(t, append([]string{"memberships", "register", "associations/cau-lac-bo-tin-hoc", "--person", reg.Membership.Person,
		"--json", `{"consent": {"purposes": ["CONTACT"], "text_version": "2025-01"}}`}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "INVALID_ARGUMENT") || !strings.Contains(err.Error(), "consent.purposes") {
		t.Errorf("register without REGISTRY: %v", err)
	}

	out = run("memberships", "approve", reg.Membership.Name)
	if !strings.Contains(out, `"member_number": "CLB-001"`) || !strings.Contains(out, `"state": "ACTIVE"`) {
		t.Fatalf("approve printed %s", out)
	}
	_, err = cli(t, append([]string{"memberships", "approve", reg.Membership.Name}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "FAILED_PRECONDITION") || !strings.Contains(err.Error(), "ACTIVE") {
		t.Errorf("approving twice: %v", err)
	}
	out = run("memberships", "suspend", reg.Membership.Name, "--reason", "Tạm ngưng sinh hoạt")
	if !strings.Contains(out, `"state": "SUSPENDED"`) {
		t.Fatalf("suspend printed %s", out)
	}
	run("memberships", "reinstate", reg.Membership.Name)

	out = run("memberships", "list", "associations/-", "--filter", "state = ACTIVE AND person.highest_qualification_level >= THAC_SI", "--output", "table")
	if !strings.Contains(out, reg.Membership.Name) || !strings.Contains(out, "CLB-001") || !strings.Contains(out, "MEMBER_NUMBER") {
		t.Errorf("list printed\n%s", out)
	}
	out = run("memberships", "withdraw", reg.Membership.Name, "--consent-withdrawn")
	if !strings.Contains(out, `"state": "WITHDRAWN"`) || !strings.Contains(out, `"withdraw_time"`) {
		t.Errorf("withdraw printed %s", out)
	}
	out = run("associations", "list", "--output", "table")
	if !strings.Contains(out, "CLB") || !strings.Contains(out, "{code}-{seq:03}") {
		t.Errorf("associations list printed\n%s", out)
	}
}
