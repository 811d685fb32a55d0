package server

import (
	"context"
	"math"
	"net/http"
	"os"
	"strconv"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/version"
)

// metrics are what the server counts for Prometheus: calls by method,
// transport and code, their durations, the Go runtime and the process, and
// the size of the database. They hold no personal data, but like everything
// but health they are not on the public ports: Config.MetricsAddr serves
// them on a listener of their own, for the monitoring system.
type metrics struct {
	calls    *grpcprom.ServerMetrics
	registry *prometheus.Registry
}

func newMetrics(db *store.DB) *metrics {
	m := &metrics{
		calls: grpcprom.NewServerMetrics(
			grpcprom.WithServerHandlingTimeHistogram(grpcprom.WithHistogramBuckets(
				[]float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10})),
			grpcprom.WithContextLabels("transport"),
		),
		registry: prometheus.NewRegistry(),
	}
	build := version.Get()
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "trithuc_build_info",
		Help: "Always 1; its labels say which build runs: release, commit, Go, SQLite and schema version.",
		ConstLabels: prometheus.Labels{"version": build.Version, "commit": build.Commit, "goversion": build.Go,
			"sqlite": store.SQLiteVersion(), "schema": strconv.Itoa(store.SchemaVersion())},
	}, func() float64 { return 1 }))
	m.registry.MustRegister(m.calls,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "trithuc_database_bytes",
			Help: "Size of the SQLite database file and its write-ahead log.",
		}, func() float64 {
			var n int64
			for _, suffix := range []string{"", "-wal"} {
				if fi, err := os.Stat(db.Path() + suffix); err == nil {
					n += fi.Size()
				}
			}
			return float64(n)
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "trithuc_imports_holding_writer",
			Help: "Imports, and dry runs that may not let writes in, holding or waiting for the registry's writer: other writes wait meanwhile, and one whose deadline would pass first is answered UNAVAILABLE.",
		}, func() float64 { return float64(db.ImportsHoldingWriter()) }),
	)
	if _, err := db.FreeSpace(); err == nil {
		// node_exporter sees the host's disks, not always a container's
		// volume; and the database_state metric says disk_full only once
		// a write has failed.
		m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "trithuc_database_disk_free_bytes",
			Help: "Free space left to the server on the file system holding the database: alert well before it reaches 0, when writes fail UNAVAILABLE.",
		}, func() float64 {
			n, err := db.FreeSpace()
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}))
	}
	return m
}

// The label sets are made once: the interceptor only reads them.
var (
	grpcLabels = prometheus.Labels{"transport": "grpc"}
	restLabels = prometheus.Labels{"transport": "rest"}
)

// transportLabel tells gRPC calls from REST ones, as the log line does.
func transportLabel(ctx context.Context) prometheus.Labels {
	if callFrom(ctx).rest {
		return restLabels
	}
	return grpcLabels
}

func (m *metrics) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	return mux
}
