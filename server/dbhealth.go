package server

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"trithuc.gov.vn/trithuc/store"
)

// The health service says NOT_SERVING while the database cannot take
// writes (damaged, disk full, read-only, its file deleted or replaced:
// store/health.go) or the audit trail cannot take events, so that a load
// balancer or an operator's probe sees it; the log says what to do, and
// the metrics say which. A database locked by another process still
// serves reads, so health stays SERVING; the log and the metrics say it.

// fileCheckEvery is how often the health loop looks whether the
// database's path still names the open file, and whether a full disk or a
// read-only file has been fixed, for a server that is not writing (each
// group of writes looks at the path; each commit clears the others).
const fileCheckEvery = 2 * time.Second

// servingStatus is what health should say now.
func (s *Server) servingStatus() healthpb.HealthCheckResponse_ServingStatus {
	h, _ := s.db.Health()
	full, _ := s.audit.state()
	if h.State != store.Healthy && h.State != store.Locked || full {
		return healthpb.HealthCheckResponse_NOT_SERVING
	}
	return healthpb.HealthCheckResponse_SERVING
}

// watchHealth keeps the health service in step with the database and the
// audit trail until the server shuts down.
func (s *Server) watchHealth() {
	last := store.Healthy
	tick := time.NewTicker(fileCheckEvery)
	defer tick.Stop()
	for {
		h, changed := s.db.Health()
		if h.State != last {
			switch h.State {
			case store.Healthy:
				s.log.Info("database: writes succeed again", "was", last.String())
			case store.Locked:
				s.log.Warn("database: "+h.Action, "state", h.State.String())
			default:
				s.log.Error("database: "+h.Action, "state", h.State.String())
			}
			last = h.State
		}
		s.health.SetServingStatus("", s.servingStatus())
		select {
		case <-changed:
		case <-s.audit.changed:
		case <-tick.C:
			s.db.CheckFile()
			// No call may come to write while health says NOT_SERVING.
			s.db.CheckWritable()
		case <-s.healthStop:
			return
		}
	}
}

// registerHealthMetrics adds the database's state and the audit buffer to
// the metrics.
func (s *Server) registerHealthMetrics() {
	for _, st := range store.States {
		s.metrics.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "trithuc_database_state",
			Help:        "1 for the state the database is in: ok, disk_full, read_only (writes fail until fixed), corrupt (writes stopped: restore a backup), missing or replaced (the file was deleted or replaced under the server: writes stopped), locked (another process holds the write lock: writes time out, reads work).",
			ConstLabels: prometheus.Labels{"state": st.String()},
		}, func() float64 {
			if h, _ := s.db.Health(); h.State == st {
				return 1
			}
			return 0
		}))
	}
	s.metrics.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "trithuc_audit_pending_events",
			Help: "Audit events waiting to be stored.",
		}, func() float64 {
			_, n := s.audit.state()
			return float64(n)
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "trithuc_audit_refused_calls_total",
			Help: "Audited calls refused because the buffer of audit events waiting to be stored was full.",
		}, func() float64 { return float64(s.audit.refused.Load()) }),
	)
}
