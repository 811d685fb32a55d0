package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/store"
)

// The demo's people are on the lists since earlier days, so that what the
// README shows of reports (last year's, the form's default) and of figures
// as on a past day works on the demo: registered on the day of the demo,
// they counted no one then, and CreateReport refused last year's report.
func TestDemoMakesLastYearsReport(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir)
	defer stop()
	c := []string{"--server", addr, "--token", token}
	lastYear := time.Now().In(store.Vietnam).Year() - 1

	out, err := cli(t, append([]string{"reports", "create", "--template", "YEARLY_WORKFORCE",
		"--as-of", fmt.Sprintf("%d-12-31", lastYear), "--report-id", "nam-truoc"}, c...)...)
	if err != nil {
		t.Fatalf("last year's report: %v\n%s", err, out)
	}

	out, err = cli(t, append([]string{"stats", "--by", "gender", "--as-of", fmt.Sprintf("%d-12-31", lastYear)}, c...)...)
	if err != nil {
		t.Fatalf("stats as on last year: %v\n%s", err, out)
	}
	var total string
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "Tổng" {
			total = f[len(f)-1]
		}
	}
	if total == "" || total == "0" {
		t.Errorf("the demo counts %q people as on 31/12/%d, want them all or most:\n%s", total, lastYear, out)
	}
}

// The demo's figures by unit, and by level and unit, have rows, in both
// vintages: most of its units join into one group of units and 2024
// districts (people moved, communes formed from parts of two), and taking
// every group's sum as published left the answers with their totals alone.
func TestDemoStatisticsByUnitHaveRows(t *testing.T) {
	dir := t.TempDir()
	addr, token, stop := serveDemo(t, dir, "--demo-people", "300") // the default
	defer stop()
	for _, q := range []struct{ by, units string }{{"unit", "current"}, {"unit", "2024"}, {"level,unit", "current"}, {"level,unit", "2024"}, {"title,unit", "current"}} {
		by, units := q.by, q.units
		out, err := cli(t, "stats", "--by", by, "--units", units, "--server", addr, "--token", token)
		if err != nil {
			t.Fatalf("stats by %s (%s): %v\n%s", by, units, err, out)
		}
		rows := 0
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] != "Tổng" && f[0] != "Đơn" && f[len(f)-1] != "<5" && f[len(f)-1] != "ẩn" {
				if _, err := fmt.Sscan(f[len(f)-1], new(int)); err == nil {
					rows++
				}
			}
		}
		if rows < 5 || strings.Contains(out, "Chỉ công bố tổng số") {
			t.Errorf("stats by %s (%s) shows %d rows with counts, want most of the demo's units:\n%s", by, units, rows, out)
		}
	}
}
