package server

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/console"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The audit trail records every call of an audited service (all but those
// in unaudited) once its caller is authenticated, allowed or not: time,
// principal, role, method, the resources it named or returned, outcome,
// request id and client address.
//
// A write is recorded in its own transaction: the audit interceptor puts
// the call's event, with the resources its request names, in the context
// (withAuditEvent); the handler hands it to the store's write as an
// argument (store.WriteOptions.Audit and its kin), and the store adds what
// a create makes and inserts the event just before COMMIT. Names that only the response gives are added
// after. Every other call -- reads, and writes that failed
// or changed nothing -- is recorded after the handler returns, through a
// buffer flushed in one transaction every auditFlushInterval or
// auditFlushSize events, on shutdown, and before the trail is listed. That
// keeps reads from each paying for a synchronous write; the price is that a
// crash of the process can lose the read events of the last second, never
// a write's. The buffer is bounded (auditMaxPending): when the database
// cannot take the events (a full disk), audited calls are refused with
// UNAVAILABLE before they run, rather than served unrecorded or left
// waiting past their deadlines, and health says NOT_SERVING (dbhealth.go).
//
// Why a second and not less: every commit empties the page cache of every
// SQLite reader (in WAL mode a reader that sees the database changed drops
// all its cached pages), so on a read-only load the audit flushes alone
// decide how warm the readers stay. At a million people, flushing every
// 100 ms cost a quarter of ListPeople's throughput and a quarter of
// SearchPeople's against flushing every 2 s (BENCHMARKS.md). The size
// bound is high for the same reason: at 500 events, 6,000 GetPerson calls
// a second flushed 12 times a second, and each call read 5 pages from the
// OS; at 5,000, 2.8 (issue 19, eleventh pass). A flush of 5,000 events
// holds the writer for tens of milliseconds; the buffer holds at most
// 20,000 (auditMaxPending), a few tens of MB.

const (
	auditFlushInterval = time.Second
	auditFlushSize     = 5000
	auditMaxPending    = 20000
)

// requestIDHeader carries a call's request id back to the caller.
const requestIDHeader = "x-request-id"

type auditKey struct{}

// withAuditEvent gives the handlers of a call its audit event.
func withAuditEvent(ctx context.Context, ev *store.AuditEvent) context.Context {
	return context.WithValue(ctx, auditKey{}, ev)
}

// auditEvent is the audit event of the call ctx belongs to, nil when it is
// not audited: every store write a handler makes takes it.
func auditEvent(ctx context.Context) *store.AuditEvent {
	ev, _ := ctx.Value(auditKey{}).(*store.AuditEvent)
	return ev
}

func (s *Server) audited(method string) bool {
	service, _, _ := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	return !unaudited[service]
}

func (s *Server) newAuditEvent(c *call) *store.AuditEvent {
	ev := store.NewAuditEvent(c.start)
	ev.Method = c.method
	ev.RequestID = c.id
	ev.ClientAddress = c.client
	ev.Transport = c.transport()
	ev.Read = readMethod(c.method)
	if p := c.principal; p != nil {
		ev.Principal, ev.PrincipalName, ev.Role, ev.Association = p.ID, p.Name, p.Role, p.Association
	}
	return ev
}

func (s *Server) auditUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	c := callFrom(ctx)
	if !s.audited(info.FullMethod) || c.principal == nil {
		return handler(ctx, req)
	}
	if !s.audit.reserve() {
		return nil, errAuditFull
	}
	defer s.audit.unreserve()
	ev := s.newAuditEvent(c)
	if m, ok := req.(proto.Message); ok {
		ev.AddResources(requestNames(m, nil)...)
	}
	resp, err := handler(withAuditEvent(ctx, ev), req)
	if m, ok := resp.(proto.Message); ok && err == nil {
		ev.AddResources(responseNames(m, nil)...)
	}
	s.finishAudit(ev, err)
	return resp, err
}

func (s *Server) auditStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	c := callFrom(ss.Context())
	if !s.audited(info.FullMethod) || c.principal == nil {
		return handler(srv, ss)
	}
	if !s.audit.reserve() {
		return errAuditFull
	}
	defer s.audit.unreserve()
	ev := s.newAuditEvent(c)
	as := &auditingStream{ServerStream: ss, ctx: withAuditEvent(ss.Context(), ev), ev: ev, log: s.audit}
	err := handler(srv, as)
	s.finishAudit(ev, err)
	return err
}

// finishAudit records how a call ended: the whole event, or, when its write
// transaction stored it, the resources learnt since.
func (s *Server) finishAudit(ev *store.AuditEvent, err error) {
	if !ev.Stored() {
		ev.Code = codeName(status.Code(err))
	}
	s.audit.add(ev)
}

// auditingStream notes the resources of every message a stream receives
// and sends, and stores them in parts as they grow many (auditLog.cut).
type auditingStream struct {
	grpc.ServerStream
	ctx context.Context
	mu  sync.Mutex
	ev  *store.AuditEvent
	log *auditLog
}

func (as *auditingStream) Context() context.Context { return as.ctx }

func (as *auditingStream) RecvMsg(m any) error {
	err := as.ServerStream.RecvMsg(m)
	if msg, ok := m.(proto.Message); ok && err == nil {
		as.mu.Lock()
		as.ev.AddResources(requestNames(msg, nil)...)
		as.mu.Unlock()
	}
	return err
}

func (as *auditingStream) SendMsg(m any) error {
	err := as.ServerStream.SendMsg(m)
	if msg, ok := m.(proto.Message); ok && err == nil {
		as.mu.Lock()
		as.ev.AddResources(responseNames(msg, nil)...)
		err = as.log.cut(as.ev)
		as.mu.Unlock()
	}
	return err
}

// codeName spells a code as the gRPC documentation does: PERMISSION_DENIED.
func codeName(c codes.Code) string {
	var b strings.Builder
	prev := ' '
	for _, r := range c.String() {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
		prev = r
	}
	return b.String()
}

// newRequestID makes a call's request id.
func newRequestID() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}

// gatewayClient is the client address of a call from the gateway or the
// console: the address clientAddress gave their HTTP request, which they
// pass as console.ClientMetadata. Only calls from the in-memory
// connection get here, and no HTTP header becomes metadata there
// (incomingHeader), so a client cannot set it.
func gatewayClient(ctx context.Context) string {
	if vals := metadata.ValueFromIncomingContext(ctx, console.ClientMetadata); len(vals) > 0 {
		return vals[len(vals)-1]
	}
	return ""
}

// hostOf is the host of a host:port address.
func hostOf(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// auditLog buffers the audit events that no write transaction stored, and
// stores them in batches.
type auditLog struct {
	db  *store.DB
	log *slog.Logger

	mu      sync.Mutex
	pending []*store.AuditEvent
	// reserved is room taken by calls running, flushing the events of
	// the flush under way: with pending, never over max.
	reserved, flushing, max int
	closed                  bool
	// failing: the last flush failed; full: a call was refused since.
	failing, full bool
	// While flushes fail (each second), the log says so once a minute:
	// when it last did, and the failures since.
	complained time.Time
	failures   int
	refused    atomic.Int64
	// changed is signalled when full changes, for health.
	changed chan struct{}

	flushMu sync.Mutex // one flush at a time
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

func newAuditLog(db *store.DB, log *slog.Logger) *auditLog {
	return &auditLog{db: db, log: log, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		changed: make(chan struct{}, 1), max: auditMaxPending}
}

// errAuditFull refuses a call that could not be recorded.
var errAuditFull = status.Error(codes.Unavailable,
	"the audit trail cannot record this call now (the database does not take its events), and calls are not served unrecorded: try again later")

// reserve takes room for the event of a call about to run, or reports that
// there is none: the events waiting fill the buffer.
func (a *auditLog) reserve() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.closed && len(a.pending)+a.flushing+a.reserved >= a.max {
		a.refused.Add(1)
		if !a.full {
			a.full = true
			a.log.Error("audit: the buffer of events to store is full; audited calls are refused until the database takes them",
				"events", len(a.pending)+a.flushing)
			a.signal()
		}
		return false
	}
	a.reserved++
	return true
}

func (a *auditLog) signal() {
	select {
	case a.changed <- struct{}{}:
	default:
	}
}

// state reports whether calls are being refused, and how many events wait.
func (a *auditLog) state() (full bool, pending int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.full, len(a.pending) + a.flushing
}

// unreserve gives back the room a call reserved, once its event is queued
// (or the handler panicked).
func (a *auditLog) unreserve() {
	a.mu.Lock()
	a.reserved--
	a.mu.Unlock()
}

// add queues an event, or, when its write stored it and nothing was
// learnt since, drops it. It never waits: the call reserved room for it.
func (a *auditLog) add(ev *store.AuditEvent) {
	a.mu.Lock()
	if ev.Stored() && !ev.Unsaved() {
		a.mu.Unlock()
		return
	}
	if a.closed {
		a.mu.Unlock()
		// A call that outlived the shutdown: store its event at once.
		if err := a.db.AppendAudit(context.Background(), []*store.AuditEvent{ev}); err != nil {
			a.log.Error("audit: storing an event after shutdown", "method", ev.Method, "principal", ev.Principal, "err", err)
		}
		return
	}
	a.pending = append(a.pending, ev)
	n := len(a.pending)
	failing := a.failing
	a.mu.Unlock()
	// While flushes fail, the ticker retries; calls do not hasten it.
	if n >= auditFlushSize && !failing {
		select {
		case a.kick <- struct{}{}:
		default:
		}
	}
}

// cut stores the parts of store.AuditPartNames names that ev holds as
// events of their own (store.AuditEvent.Cut), each with the code OK: a
// stream's event is recorded in parts as it grows, the call's last part
// with its outcome. Unbounded, a watch held every change it ever sent in
// memory for its whole life, and then in one event (a watch from the
// feed's start, 48,000 names; 200 such watches, 870 MB). It refuses, as a
// call is refused, when the buffer has no room.
func (a *auditLog) cut(ev *store.AuditEvent) error {
	for ev != nil && len(ev.Resources) >= store.AuditPartNames {
		if !a.reserve() {
			return errAuditFull
		}
		part := ev.Cut(time.Now()) // not nil: ev holds a part's names
		if !part.Stored() {
			part.Code = codeName(codes.OK)
		}
		a.add(part)
		a.unreserve()
	}
	return nil
}

// run flushes the queue until close.
func (a *auditLog) run() {
	defer close(a.done)
	t := time.NewTicker(auditFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-a.kick:
		case <-a.stop:
			return
		}
		a.flush()
	}
}

// flush stores every queued event now.
func (a *auditLog) flush() error {
	a.flushMu.Lock()
	defer a.flushMu.Unlock()
	a.mu.Lock()
	batch := a.pending
	a.pending = nil
	a.flushing = len(batch)
	a.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := a.db.AppendAudit(context.Background(), batch)
	a.mu.Lock()
	defer a.mu.Unlock()
	a.flushing = 0
	if err != nil {
		// Keep them for the next try; calls are refused when the buffer
		// is full.
		a.pending = append(batch, a.pending...)
		a.failing = true
		a.failures++
		if now := time.Now(); now.Sub(a.complained) >= time.Minute {
			a.log.Error("audit: storing events; will retry", "events", len(a.pending), "failed_tries", a.failures, "err", err)
			a.complained, a.failures = now, 0
		}
		return err
	}
	if a.failing && a.failures > 0 {
		a.log.Info("audit: events are stored again", "failed_tries", a.failures)
	}
	a.failing, a.complained, a.failures = false, time.Time{}, 0
	if a.full {
		a.full = false
		a.log.Info("audit: events are stored again; audited calls are served")
		a.signal()
	}
	return nil
}

// close stops the flushing and stores what is queued. Events added later
// are stored one by one.
func (a *auditLog) close(started bool) error {
	if started {
		close(a.stop)
		<-a.done
	}
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	return a.flush()
}

// auditService reads the audit trail.
type auditService struct {
	pb.UnimplementedAuditServiceServer
	db    *store.DB
	audit *auditLog
}

func (s *auditService) ListAuditEvents(ctx context.Context, req *pb.ListAuditEventsRequest) (*pb.ListAuditEventsResponse, error) {
	// What is queued is part of the trail too.
	if err := s.audit.flush(); err != nil {
		return nil, grpcError(ctx, err)
	}
	q := store.AuditQuery{
		ListQuery: store.ListQuery{PageSize: int(req.GetPageSize()), PageToken: req.GetPageToken(), Filter: req.GetFilter(), OrderBy: req.GetOrderBy()},
		Principal: req.GetPrincipal(),
		Resource:  req.GetResource(),
		Method:    req.GetMethod(),
	}
	if req.StartTime != nil {
		q.Start = req.StartTime.AsTime()
	}
	if req.EndTime != nil {
		q.End = req.EndTime.AsTime()
	}
	events, page, err := s.db.ListAuditEvents(ctx, q)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListAuditEventsResponse{AuditEvents: events, NextPageToken: page.NextPageToken}, nil
}
