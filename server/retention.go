package server

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"trithuc.gov.vn/trithuc/store"
)

// Retention (store/retention.go) runs at start and then every
// retentionInterval while the server serves, when Config.Retention keeps
// anything for a limited time. Each run is an event of the audit trail,
// stored with its first deletion.

const retentionInterval = 24 * time.Hour

// RetentionMethod is the method of a retention run's audit event: no client
// calls it, but `auditEvents list --method EnforceRetention` finds the runs.
const RetentionMethod = "/trithuc.server/EnforceRetention"

func (s *Server) retentionOn() bool {
	return s.cfg.Retention.AuditReads > 0 || s.cfg.Retention.Idempotency > 0 || s.cfg.Retention.ImportResults > 0
}

// runRetention enforces the retention policy now and every day after, until
// the server shuts down.
func (s *Server) runRetention() { s.everyDay(s.enforceRetention) }

// everyDay runs job now and every retentionInterval after, until the
// server shuts down; job's context ends with the server.
func (s *Server) everyDay(job func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.healthStop
		cancel()
	}()
	t := time.NewTicker(retentionInterval)
	defer t.Stop()
	for {
		job(ctx)
		select {
		case <-t.C:
		case <-s.healthStop:
			return
		}
	}
}

func (s *Server) enforceRetention(ctx context.Context) {
	r := s.cfg.Retention
	ev := store.NewAuditEvent(time.Now())
	ev.Principal, ev.Role, ev.Method, ev.Transport = "server", "server", RetentionMethod, "internal"
	ev.PrincipalName = fmt.Sprintf("retention: read events %s, idempotency records %s, imports' problems and reports %s",
		keptFor(r.AuditReads), keptFor(r.Idempotency), keptFor(r.ImportResults))
	run, err := s.db.EnforceRetention(ctx, r, ev)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("retention: removing old read events, idempotency records and imports' problems; will retry tomorrow", "err", err)
		}
		return
	}
	s.log.Info("retention", "audit_read_events_removed", run.AuditEvents, "idempotency_records_removed", run.IdempotencyRecords,
		"import_results_removed", run.ImportResults)
}

func keptFor(d time.Duration) string {
	if d == 0 {
		return "kept for good"
	}
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("kept %d days", d/(24*time.Hour))
	}
	return "kept " + d.String()
}

// readMethods caches readMethod's answers.
var readMethods sync.Map

// readMethod reports whether a method is a read: its REST route is a GET.
// Retention removes the audit events of reads once old; a method the
// contract does not describe counts as a write, kept for good.
func readMethod(fullMethod string) bool {
	if v, ok := readMethods.Load(fullMethod); ok {
		return v.(bool)
	}
	service, method, _ := strings.Cut(strings.TrimPrefix(fullMethod, "/"), "/")
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(service))
	if err != nil {
		return false
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		return false
	}
	md := sd.Methods().ByName(protoreflect.Name(method))
	if md == nil {
		return false
	}
	rule, _ := proto.GetExtension(md.Options(), annotations.E_Http).(*annotations.HttpRule)
	read := rule.GetGet() != ""
	readMethods.Store(fullMethod, read) // only methods the contract has: a bounded set
	return read
}
