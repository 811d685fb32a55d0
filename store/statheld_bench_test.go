package store

import (
	"context"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What today's answers cost while the current flags hold, while some are
// behind (statheld.go), and what they would cost as the day's lookups (an
// answer as on today). On a copy of a large registry, for example:
//
//	cp 1m.db /tmp/copy.db
//	go test -tags sqlite_fts5 ./store -run '^$' -bench TodayHeld -benchtime 3x -stats-db /tmp/copy.db -stats-no-budget
//
// The positions it makes lapse are put back at the end.
func BenchmarkTodayHeld(b *testing.B) {
	ctx := context.Background()
	path := *statsDB
	if path == "" {
		b.Skip("give -stats-db, a copy of a large registry")
	}
	start := time.Now()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Logf("opened in %v", time.Since(start).Round(time.Millisecond))
	if *statsNoBudget {
		db.SetReadBudget(0)
	}
	vn := db.Now().In(Vietnam)
	today := &date.Date{Year: int32(vn.Year()), Month: int32(vn.Month()), Day: int32(vn.Day())}
	const (
		level = pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL
		unit  = pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT
	)
	queries := []struct {
		name string
		q    StatsQuery
	}{
		{"level,unit,gender", StatsQuery{Dimensions: []Dimension{level, unit, pb.ComputeStatisticsRequest_GENDER}}},
		{"level,orgkind,employment", StatsQuery{Dimensions: []Dimension{level, pb.ComputeStatisticsRequest_ORGANIZATION_KIND,
			pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE}}},
		{"worklocation/province", StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_WORK_LOCATION, level},
			Filter: `positions.current = true AND positions.administrative_unit = "91"`}},
		{"level/abroad", StatsQuery{Dimensions: []Dimension{level}, Filter: "work_location = ABROAD"}},
		{"organization,level", StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_ORGANIZATION, level}}},
	}
	run := func(state string, days ...*date.Date) {
		for _, c := range queries {
			for _, asOf := range days {
				name := state + "/" + c.name
				if asOf != nil {
					name = "as on today/" + c.name
				}
				b.Run(name, func(b *testing.B) {
					q := c.q
					q.AsOf = asOf
					cpu := cpuTime()
					for b.Loop() {
						if _, err := db.ComputeStatistics(ctx, q); err != nil {
							b.Fatal(err)
						}
					}
					reportCPU(b, cpu)
				})
			}
		}
		for _, asOf := range days {
			name := state + "/indicators"
			if asOf != nil {
				name = "as on today/indicators"
			}
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
	run("flags hold", nil, today)

	// One current position in a hundred ended last month, as if the daily
	// job had not run yet; put back after.
	month := vn.AddDate(0, 0, 1-vn.Day()).AddDate(0, -1, 0)
	lastMonth := month.Year()*10000 + int(month.Month())*100
	var lapsed []int64
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT pk FROM positions WHERE is_current = 1 AND end_date = 0 AND pk % 100 = 7`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var pk int64
			if err := rows.Scan(&pk); err != nil {
				return err
			}
			lapsed = append(lapsed, pk)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE positions SET end_date = ? WHERE pk IN (`+pkList(lapsed)+`)`, lastMonth)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := db.write(ctx, false, nil, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE positions SET end_date = 0 WHERE pk IN (`+pkList(lapsed)+`)`)
			return err
		}); err != nil {
			b.Error(err)
		}
	}()
	b.Logf("%d current positions lapsed", len(lapsed))
	// As on today reads no flag: it costs what it cost before.
	run("flags behind", nil)
}
