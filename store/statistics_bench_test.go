package store

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/suppress"
)

// The speed of ComputeStatistics over a large registry, loaded straight
// into the tables (a person through the API takes a transaction; a million
// would take hours). For example:
//
//	go test -tags sqlite_fts5 ./store -run '^$' -bench ComputeStatistics -stats-people 1000000

var (
	statsPeople   = flag.Int("stats-people", 100000, "people in the registry of BenchmarkComputeStatistics")
	statsNoBudget = flag.Bool("stats-no-budget", false, "lift the read budget in BenchmarkComputeStatistics, to time calls that exceed it")
	statsDB       = flag.String("stats-db", "", "a database `file` for BenchmarkComputeStatistics, loaded when it does not exist and kept")
	statsAsOf     = flag.String("stats-as-of", "2024-12-31", "the `day` BenchmarkMakeReport's report, and the answer by 2024 district as on a day, are as on (a database made by trithuc-bench registered its people the day it was made)")
)

// bulkLoad writes n people with their primary field, a current position
// and, for some, an earlier one in a 2024 district. The shares are roughly
// synth's; the values are what statistics read, not whole profiles.
func bulkLoad(tb testing.TB, db *DB, n int, seed uint64) {
	tb.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, seed+1))
	communes := []string{"30742", "30760", "30766", "30769", "31078", "30787", "30817", "30850", "30880", "30904",
		"30952", "30985", "31018", "31069", "31108", "31027", "30796", "30307", "30316", "30376", "30520", "30544"}
	districts := []string{"899", "900", "911", "902", "903", "904", "905", "906", "907", "908", "909", "910", "912", "913", "914"}
	fields := []string{"101", "102", "201", "202", "211", "302", "303", "304", "401", "402", "405", "502", "503", "505", "506", "602", "699"}
	levels := []struct {
		code string
		rank int
		w    float64
	}{{"CAO_DANG", 5, 4}, {"DAI_HOC", 6, 76}, {"THAC_SI", 7, 16}, {"TIEN_SI", 8, 3.6}, {"TIEN_SI_KHOA_HOC", 9, 0.05}}
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		now := micros(tx.now)
		// Registered before every date the benchmarks ask about.
		registered := micros(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC))
		const orgs = 500
		for i := 1; i <= orgs; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO organizations(pk, id, display_name, kind, administrative_unit, create_time, update_time)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, i, fmt.Sprintf("org-%d", i), fmt.Sprintf("Tổ chức %d", i), 1+r.IntN(8),
				communes[r.IntN(len(communes))], now, now); err != nil {
				return err
			}
		}
		// The columns statistics do not read are filled too, so that rows
		// are as wide as real ones.
		person, err := tx.PrepareContext(ctx, `INSERT INTO people(pk, id, family_name, middle_name, given_name, display_name,
			sort_key, family_key, national_id, email, phone, hometown, gender, birth_year, birth_month, birth_day,
			ethnicity, work_location, work_country, highest_level, highest_level_rank, academic_title, create_time, update_time)
			VALUES (?, ?, 'Nguyễn', 'Thị Ngọc', 'Ánh', 'Nguyễn Thị Ngọc Ánh', randomblob(36), randomblob(36), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		field, err := tx.PrepareContext(ctx, `INSERT INTO person_fields(person_pk, ordinal, field, code, is_primary) VALUES (?, 0, ?, ?, 1)`)
		if err != nil {
			return err
		}
		// The degree itself, with its year, for answers as on a date.
		degree, err := tx.PrepareContext(ctx, `INSERT INTO qualifications(id, person_pk, kind, level, level_rank, year, create_time, update_time)
			VALUES ('d', ?, 1, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		position, err := tx.PrepareContext(ctx, `INSERT INTO positions(id, person_pk, organization_pk, organization_name, employment_type,
			start_date, end_date, is_current, country, administrative_unit, create_time, update_time)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for pk := 1; pk <= n; pk++ {
			gender := 1 + r.IntN(2)
			born := 1960 + min(42, max(0, int(r.NormFloat64()*9+25)))
			ethnicity := "01"
			if x := r.Float64(); x < 0.07 {
				ethnicity = "05"
			} else if x < 0.09 {
				ethnicity = "06"
			}
			where, country := 1, ""
			if x := r.Float64(); x < 0.02 {
				where, country = 3, "JP"
			} else if x < 0.1 {
				where = 2
			}
			x, lvl := r.Float64()*99.65, levels[0]
			for _, l := range levels {
				if x < l.w {
					lvl = l
					break
				}
				x -= l.w
			}
			title := ""
			if lvl.rank >= 8 && r.Float64() < 0.1 {
				title = "PHO_GIAO_SU"
			}
			if _, err := person.ExecContext(ctx, pk, fmt.Sprintf("p%016d", pk), fmt.Sprintf("0910%08d", pk),
				fmt.Sprintf("anh.nguyen%d@example.vn", pk), fmt.Sprintf("09%08d", r.IntN(100000000)),
				communes[r.IntN(len(communes))], gender, born, 1+r.IntN(12), 1+r.IntN(28),
				ethnicity, where, country, lvl.code, lvl.rank, title, registered, now); err != nil {
				return err
			}
			if _, err := degree.ExecContext(ctx, pk, lvl.code, lvl.rank, born+22+2*(lvl.rank-6)+r.IntN(6), now, now); err != nil {
				return err
			}
			f := fields[r.IntN(len(fields))]
			if _, err := field.ExecContext(ctx, pk, "fields/vn2008-"+f, f); err != nil {
				return err
			}
			start := born + 23
			if r.Float64() < 0.45 {
				end := min(2024, start+2+r.IntN(8))
				if _, err := position.ExecContext(ctx, "old", pk, nil, "UBND huyện", 1, start*10000+100, end*10000+1200, 0, "",
					districts[r.IntN(len(districts))], now, now); err != nil {
					return err
				}
				start = end + 1
			}
			var org any = 1 + r.IntN(orgs)
			name := ""
			if where != 1 {
				org, name = nil, "Nơi khác"
			}
			if _, err := position.ExecContext(ctx, "cur", pk, org, name, 1+r.IntN(5), min(2025, start)*10000+100, 0, 1, country, "", now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.writer.ExecContext(ctx, `ANALYZE`); err != nil {
		tb.Fatal(err)
	}
}

func BenchmarkComputeStatistics(b *testing.B) {
	ctx := context.Background()
	path := *statsDB
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, statErr := os.Stat(path)
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if statErr != nil {
		start := time.Now()
		bulkLoad(b, db, *statsPeople, 1)
		b.Logf("loaded %d people in %v", *statsPeople, time.Since(start).Round(time.Millisecond))
	}
	const (
		level = pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
		unit  = pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT
		age   = pb.ComputeStatisticsRequest_AGE_BAND
		field = pb.ComputeStatisticsRequest_FIELD
	)
	in2020 := &date.Date{Year: 2020, Month: 1, Day: 1}
	if *statsNoBudget {
		db.SetReadBudget(0) // measure what a call costs, past the API's limit
	}
	for _, bc := range []struct {
		name string
		q    StatsQuery
	}{
		{"level", StatsQuery{Dimensions: []Dimension{level}}},
		{"level,gender", StatsQuery{Dimensions: []Dimension{level, pb.ComputeStatisticsRequest_GENDER}}},
		{"level,unit", StatsQuery{Dimensions: []Dimension{level, unit}}},
		{"level,unit-2024", StatsQuery{Dimensions: []Dimension{level, unit}, UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024}},
		{"level,unit-2019", StatsQuery{Dimensions: []Dimension{level, unit}, UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024,
			AsOf: &date.Date{Year: 2019, Month: 6, Day: 1}}},
		{"field2,age", StatsQuery{Dimensions: []Dimension{field, age}, FieldLevel: 2}},
		{"level,unit,gender", StatsQuery{Dimensions: []Dimension{level, unit, pb.ComputeStatisticsRequest_GENDER}}},
		// The yearly report's table of three dimensions.
		{"level,field,unit", StatsQuery{Dimensions: []Dimension{level, field, unit}}},
		{"level,unit/women", StatsQuery{Dimensions: []Dimension{level, unit}, Filter: "gender = FEMALE"}},
		// Answers as on a date (issue 21): every fact looked up as it was.
		{"dated level,unit,gender", StatsQuery{Dimensions: []Dimension{level, unit, pb.ComputeStatisticsRequest_GENDER}, AsOf: in2020}},
		{"dated level,orgkind,employment", StatsQuery{Dimensions: []Dimension{level, pb.ComputeStatisticsRequest_ORGANIZATION_KIND,
			pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE}, AsOf: in2020}},
		// The yearly report's table by 2024 district (BenchmarkMakeReport's
		// day): a call of its own, within the read budget.
		{"dated level,unit-2024", StatsQuery{Dimensions: []Dimension{level, unit}, UnitVintage: pb.ComputeStatisticsRequest_HISTORY_2024,
			AsOf: benchAsOf(b)}},
		{"dated level,unit/province", StatsQuery{Dimensions: []Dimension{level, unit}, AsOf: in2020,
			Filter: `positions.current = true AND positions.administrative_unit = "91"`}},
		{"organization,level", StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_ORGANIZATION, level}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if _, err := db.ComputeStatistics(ctx, bc.q); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
	for name, asOf := range map[string]*date.Date{"indicators": nil, "dated indicators": in2020} {
		b.Run(name, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if _, err := db.GetIndicators(ctx, "", "", nil, asOf); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// benchAsOf is --stats-as-of.
func benchAsOf(tb testing.TB) *date.Date {
	t, err := time.Parse(time.DateOnly, *statsAsOf)
	if err != nil {
		tb.Fatalf("--stats-as-of: %v", err)
	}
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}
}

// cpuTime is the CPU time the process has used: on a machine shared with
// other work, a steadier measure than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64(cpuTime()-since)/float64(b.N)/1e6, "cpu-ms/op")
}

// Suppression of large tables: 100 units by 40 fields (about 2,800 rows),
// and by 5 age bands too (about 14,000 rows), counts drawn as a big
// registry's would be.
func BenchmarkSuppress(b *testing.B) {
	for _, sizes := range [][]int{{100, 40}, {100, 40, 5}} {
		b.Run(fmt.Sprint(sizes), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				r := rand.New(rand.NewPCG(3, 4))
				var cells []*suppress.Cell
				var walk func(prefix []string)
				walk = func(prefix []string) {
					if len(prefix) == len(sizes) {
						if r.Float64() < 0.3 {
							return
						}
						cells = append(cells, &suppress.Cell{Values: append([]string(nil), prefix...), Count: 1 + int(r.ExpFloat64()*30)})
						return
					}
					for v := 0; v < sizes[len(prefix)]; v++ {
						walk(append(prefix, fmt.Sprintf("v%03d", v)))
					}
				}
				walk(nil)
				b.StartTimer()
				suppress.Table(cells, len(sizes), DefaultSuppressionThreshold)
			}
		})
	}
}
