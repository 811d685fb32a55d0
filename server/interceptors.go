package server

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"buf.build/go/protovalidate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// Principal is who makes a call, as established from their credential.
type Principal struct {
	// ID names the credential, for example "key:k3j9x2ab" or
	// "cert:CN=hr-sync,O=Sở Nội vụ".
	ID   string
	Name string
	Role string
	// Association, for a registrar key limited to one, is the association
	// (associations/{association}); see checkAssociationScope.
	Association string
	// Organization, for a key or an account limited to a unit, is the
	// organization (organizations/{organization}); see scope.go.
	Organization string
}

// call is what the interceptors learn about a call as it passes through
// them; the outermost one creates it, inner ones fill it in.
type call struct {
	method string
	rest   bool
	// console is set for a call of the web console, which comes over the
	// gateway's in-memory connection with a session (console.go).
	console   bool
	principal *Principal
	start     time.Time
	// id is the call's request id, returned in the x-request-id header,
	// logged and audited.
	id string
	// client is the caller's address: the gRPC peer's, or for REST the
	// HTTP client's, as the gateway saw it.
	client string
	// refused is set when the call had no valid credential, limited when
	// the rate limit or the import slots refused it (limits.go, gate.go); quiet when that refusal is not
	// logged, and suppressed, on the next refusal from the address (or of
	// the principal) that is, counts those not logged before it
	// (authfailures.go).
	refused, limited, quiet bool
	suppressed              int
}

type callKey struct{}

// transport is how the call came: "grpc", or "rest" through the gateway.
func (c *call) transport() string {
	if c.console {
		return "console"
	}
	if c.rest {
		return "rest"
	}
	return "grpc"
}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	if c == nil {
		return &call{}
	}
	return c
}

// principal returns the caller of an authenticated call.
func principal(ctx context.Context) *Principal {
	if p := callFrom(ctx).principal; p != nil {
		return p
	}
	return &Principal{ID: "anonymous"}
}

func (s *Server) newCall(ctx context.Context, method string) (context.Context, *call) {
	c := &call{method: method, start: time.Now(), id: newRequestID()}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if p.Addr.Network() == internalNetwork {
			c.rest = true
			c.client = gatewayClient(ctx)
		} else {
			md, _ := metadata.FromIncomingContext(ctx)
			c.client = s.grpcClient(p.Addr, md)
		}
	}
	return context.WithValue(ctx, callKey{}, c), c
}

func (s *Server) logCall(ctx context.Context, c *call, start time.Time, err error) {
	if c.quiet {
		return
	}
	s.writeCallLog(ctx, c, time.Since(start).Round(time.Microsecond), err)
}

// writeCallLog writes the call's line: the record made here as
// Logger.Log makes it of its arguments, without the caller's frame
// (runtime.Callers, which the line does not show) and the arguments'
// slice and conversion (BENCHMARKS.md, issue 19, thirtieth session).
func (s *Server) writeCallLog(ctx context.Context, c *call, d time.Duration, err error) {
	code := status.Code(err)
	level := slog.LevelInfo
	if code == codes.Internal || code == codes.Unknown || code == codes.DataLoss {
		level = slog.LevelError
	}
	h := s.log.Handler()
	if !h.Enabled(ctx, level) {
		return
	}
	who := "anonymous"
	if c.principal != nil {
		who = c.principal.ID
	}
	r := slog.NewRecord(time.Now(), level, "call", 0)
	r.AddAttrs(slog.String("method", c.method), slog.String("transport", c.transport()), slog.String("principal", who),
		slog.String("code", code.String()), slog.Duration("duration", d), slog.String("request_id", c.id))
	switch {
	case c.refused:
		r.AddAttrs(slog.String("client", c.client), slog.Int("not_logged", c.suppressed))
	case c.limited:
		r.AddAttrs(slog.Int("not_logged", c.suppressed))
	}
	_ = h.Handle(ctx, r)
}

func (s *Server) logUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	ctx, c := s.newCall(ctx, info.FullMethod)
	grpc.SetHeader(ctx, metadata.Pairs(requestIDHeader, c.id))
	defer s.startRunning(c)()
	resp, err := handler(ctx, req)
	s.logCall(ctx, c, start, err)
	return resp, err
}

func (s *Server) logStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	ctx, c := s.newCall(ss.Context(), info.FullMethod)
	ss.SetHeader(metadata.Pairs(requestIDHeader, c.id))
	defer s.startRunning(c)()
	err := handler(srv, &contextStream{ServerStream: ss, ctx: ctx})
	s.logCall(ctx, c, start, err)
	return err
}

type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (cs *contextStream) Context() context.Context { return cs.ctx }

// authenticate establishes who calls from their one credential, an API key
// sent as `authorization: Bearer <key>` or a client certificate, and records
// it on the call. Nothing else a client sends can claim an identity. A
// refusal counts against the caller's address (authfailures.go).
func (s *Server) authenticate(ctx context.Context) error {
	c := callFrom(ctx)
	if s.isPublic(c.method) {
		return nil
	}
	md, _ := metadata.FromIncomingContext(ctx)
	p, err := s.credential(ctx, c, md)
	if err != nil {
		return s.failures.refuse(c, err)
	}
	c.principal = p
	s.ranBy(c)
	if id, ok := strings.CutPrefix(p.ID, "key:"); ok {
		s.touchKey(ctx, id)
	}
	return nil
}

// credential is the principal of the one credential a call presents (its
// metadata md, and its connection's certificate), or why there is none. It
// is the one check of credentials: authenticate calls it for every call,
// and the gRPC tap and the HTTP guard (gate.go) call it before a request is
// read. A live key's lookup is cached (store/keycache.go), so that the
// second check of a call costs a hash and a map lookup.
func (s *Server) credential(ctx context.Context, c *call, md metadata.MD) (*Principal, error) {
	if p, err := s.sessionPrincipal(ctx, c, md); p != nil || err != nil {
		return p, err
	}
	cert, err := s.clientCertificate(ctx, c, md)
	if err != nil {
		return nil, err
	}
	vals := md.Get("authorization")
	n := len(vals)
	if cert != nil {
		n++
	}
	switch {
	case n == 0:
		return nil, status.Error(codes.Unauthenticated, "no credential: send an API key as the header `authorization: Bearer <key>`, or connect with a client certificate")
	case n > 1 && cert != nil:
		return nil, status.Error(codes.Unauthenticated, "more than one credential: the call has a client certificate and an authorization header; send one of them")
	case n > 1:
		return nil, status.Error(codes.Unauthenticated, "more than one credential: send exactly one authorization header")
	}
	if cert != nil {
		return s.certPrincipal(cert)
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(vals[0]), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, status.Error(codes.Unauthenticated, "malformed authorization header: want `Bearer <key>`")
	}
	secret := strings.TrimSpace(token)
	if s.failures.throttled(c.client) && !s.db.KeyKnown(secret) {
		// A flood of made-up keys from the address: no lookup for them
		// (authfailures.go).
		return nil, status.Error(codes.Unauthenticated, "the API key was not checked")
	}
	key, err := s.db.Authenticate(ctx, secret)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &Principal{ID: "key:" + key.ID, Name: key.Name, Role: key.Role, Association: key.Association, Organization: key.Organization}, nil
}

// touchKey records a key's last use, at most once a minute per key, so that
// reads do not turn into writes.
func (s *Server) touchKey(ctx context.Context, id string) {
	now := time.Now()
	s.touchMu.Lock()
	last, ok := s.touched[id]
	if ok && now.Sub(last) < time.Minute {
		s.touchMu.Unlock()
		return
	}
	s.touched[id] = now
	s.touchMu.Unlock()
	// Not in the call: the one writer may be held for minutes by a long
	// write (an import), and no call waits for it to note a key's use.
	go func() {
		if err := s.db.TouchKey(context.WithoutCancel(ctx), id, now); err != nil {
			s.log.WarnContext(ctx, "recording key use", "key", id, "err", err)
		}
	}()
}

type touchState struct {
	touchMu sync.Mutex
	touched map[string]time.Time
}

// validateRequest checks every request of a call.
func (s *Server) validateRequest(ctx context.Context, _ string, req any) error {
	return s.validate(ctx, req)
}

// validate checks a request against the rules its .proto declares.
func (s *Server) validate(ctx context.Context, req any) error {
	if err := refusedMessage(req); err != nil {
		return err
	}
	if err := refusedText(ctx); err != nil {
		return err
	}
	msg, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	if errs := hiddenText(msg.ProtoReflect()); len(errs) > 0 {
		return badRequest(errs...)
	}
	var opts []protovalidate.ValidationOption
	if f := updateMaskFilter(msg); f != nil {
		opts = append(opts, protovalidate.WithFilter(f))
	}
	err := s.validator.Validate(msg, opts...)
	if err == nil {
		return nil
	}
	if st := validationError(msg.ProtoReflect().Descriptor(), err); st != nil {
		return st
	}
	slog.ErrorContext(ctx, "validating request", "method", callFrom(ctx).method, "err", err)
	return errInternal
}

// updateMaskFilter makes an Update request's validation skip the resource
// fields its update_mask leaves out: they are ignored by the update, so
// whatever they hold must not fail it (AIP-134). Without a mask the fields
// set are the mask, as the update applies them. It returns nil when every
// field counts: a mask of "*", or no resource.
func updateMaskFilter(req proto.Message) protovalidate.Filter {
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	maskFD := fields.ByName("update_mask")
	if maskFD == nil || maskFD.Message() == nil || maskFD.Message().FullName() != "google.protobuf.FieldMask" {
		return nil
	}
	var resource protoreflect.Message
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd != maskFD && fd.Message() != nil && !fd.IsList() && !fd.IsMap() && m.Has(fd) {
			resource = m.Get(fd).Message()
			break
		}
	}
	if resource == nil {
		return nil
	}
	mask, _ := m.Get(maskFD).Message().Interface().(*fieldmaskpb.FieldMask)
	paths := map[string]bool{}
	for _, p := range mask.GetPaths() {
		if p == "*" {
			return nil
		}
		top, _, _ := strings.Cut(p, ".")
		paths[top] = true
	}
	if len(paths) == 0 {
		// The name says what to update, and is checked always.
		paths["name"] = true
		resource.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			paths[string(fd.Name())] = true
			return true
		})
	}
	return protovalidate.FilterFunc(func(msg protoreflect.Message, d protoreflect.Descriptor) bool {
		fd, ok := d.(protoreflect.FieldDescriptor)
		if !ok || msg.Interface() != resource.Interface() {
			return true
		}
		return paths[string(fd.Name())]
	})
}
