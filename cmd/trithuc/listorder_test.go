package main

import (
	"slices"
	"strings"
	"testing"
)

// The administrative units and the audit trail take --filter and
// --order-by as the other lists do; a bad one names the field.
func TestUnitsAndAuditFilterOrderFlags(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}

	out, err := cli(t, append([]string{"administrativeUnits", "list", "--filter", "kind = SPECIAL_ZONE", "--order-by", "display_name desc",
		"--output", "csv", "--columns", "display_name,kind"}, c...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 4 || !strings.HasSuffix(lines[1], ",SPECIAL_ZONE") || lines[1] < lines[3] {
		t.Errorf("administrativeUnits list --filter --order-by: %v\n%s", err, out)
	}
	if out, err := cli(t, append([]string{"administrativeUnits", "list", "--filter", "colour = 1"}, c...)...); err == nil ||
		!strings.Contains(err.Error()+out, "filter") {
		t.Errorf("a bad unit filter: %v\n%s", err, out)
	}

	out, err = cli(t, append([]string{"auditEvents", "list", "--order-by", "event_time", "--page-size", "1", "--output", "csv", "--columns", "name"}, c...)...)
	oldest := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(oldest) != 2 {
		t.Fatalf("auditEvents list --order-by event_time: %v\n%s", err, out)
	}
	out, err = cli(t, append([]string{"auditEvents", "list", "--all", "--output", "csv", "--columns", "name"}, c...)...)
	all := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || all[len(all)-1] != oldest[1] {
		t.Errorf("the oldest event %q is not the last of the newest-first list: %v\n%s", oldest[1], err, out)
	}
	out, err = cli(t, append([]string{"auditEvents", "list", "--order-by", "principal desc, event_time", "--all", "--output", "csv", "--columns", "principal"}, c...)...)
	principals := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(principals) < len(all) || !slices.IsSortedFunc(principals[1:], func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("auditEvents list --order-by 'principal desc, event_time': %v\n%s", err, out)
	}
	if out, err := cli(t, append([]string{"auditEvents", "list", "--order-by", "code"}, c...)...); err == nil ||
		!strings.Contains(err.Error()+out, "order_by") {
		t.Errorf("a bad audit order: %v\n%s", err, out)
	}
}
