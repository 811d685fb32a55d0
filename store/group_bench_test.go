package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// CreatePerson from 16 goroutines, with group commit and with a commit per
// write, in one run so that their ratio holds on a busy machine. Each
// create stores its audit event, as the server's do; cpu-ns/op is the
// process's CPU a create, steadier than the time on a shared machine:
//
//	go test -tags sqlite_fts5 ./store -run - -bench Concurrent -benchtime 400x
func BenchmarkCreateConcurrent(b *testing.B) {
	benchConcurrent(b, func(db *DB, i int64) error {
		ev := &AuditEvent{Time: time.Now(), Principal: "keys/bench", PrincipalName: "bench", Role: "registrar",
			Method: "/trithuc.v1.PersonService/CreatePerson", RequestID: fmt.Sprint(i), ClientAddress: "127.0.0.1", Transport: "grpc"}
		_, err := db.CreatePerson(context.Background(), &pb.Person{FamilyName: "Nguyễn", GivenName: fmt.Sprintf("An %d", i),
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-101", Primary: true}}}, CreateOptions{Audit: ev})
		return err
	})
}

// The same with writes of one small row: what the commit costs.
func BenchmarkTinyWriteConcurrent(b *testing.B) {
	benchConcurrent(b, func(db *DB, i int64) error {
		return db.write(context.Background(), false, nil, func(tx *Tx) error {
			_, err := tx.ExecContext(context.Background(), `INSERT INTO settings(key, value) VALUES (?, ?)`, fmt.Sprintf("bench-%d", i), i)
			return dbError(err)
		})
	})
}

func benchConcurrent(b *testing.B, write func(db *DB, i int64) error) {
	for _, c := range []struct {
		name  string
		limit int
	}{{"grouped", 0}, {"commit-per-write", 1}} {
		b.Run(c.name, func(b *testing.B) {
			db, err := Open(context.Background(), filepath.Join(b.TempDir(), "t.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.queue.limit = c.limit
			before := db.queue.commits.Load()
			var n atomic.Int64
			b.SetParallelism(8)
			b.ResetTimer()
			cpu := cpuTime()
			b.RunParallel(func(pb_ *testing.PB) {
				for pb_.Next() {
					if err := write(db, n.Add(1)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/float64(db.queue.commits.Load()-before), "writes/commit")
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
