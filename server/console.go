package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/console"
	"trithuc.gov.vn/trithuc/store"
)

// The web console's credential: the console passes the secret of the
// signed-in person's session as metadata over the in-memory connection, and
// the server checks it here as it checks an API key, so that permissions,
// scope, redaction, rate limits and audit apply to the person unchanged.
// The metadata is trusted only from that connection: no HTTP header reaches
// the server as metadata through the gateway (incomingHeader), and a call
// from the network that sends it is refused.

// sessionPrincipal returns the principal of the call's console session, or
// nil when the call has none.
func (s *Server) sessionPrincipal(ctx context.Context, c *call, md metadata.MD) (*Principal, error) {
	vals := md.Get(console.SessionMetadata)
	switch {
	case len(vals) == 0:
		return nil, nil
	case !c.rest:
		return nil, status.Errorf(codes.Unauthenticated, "metadata %s is the server's own; a client may not send it", console.SessionMetadata)
	case len(vals) > 1:
		return nil, status.Error(codes.Unauthenticated, "more than one console session")
	case len(md.Get("authorization")) > 0 || len(md.Get(certMetadata)) > 0:
		return nil, status.Error(codes.Unauthenticated, "more than one credential: the call has a console session and another credential")
	}
	sess, err := s.db.Session(ctx, vals[0], s.consoleIdle())
	if errors.Is(err, store.ErrBadSession) {
		return nil, status.Error(codes.Unauthenticated, "the console session has ended; sign in again")
	}
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	c.console = true
	a := sess.Account
	return &Principal{ID: "user:" + a.Email, Name: a.Name, Role: a.Role, Association: a.Association, Organization: a.Organization}, nil
}

// consoleImportGate holds the console's import form to the gate of the
// API's import route (gate.go), before its file is read: the person's role
// must be one that may import, and the file takes one of the places to
// receive one (one a person). A request without a live session goes on to
// the console, which answers it unread.
func (s *Server) consoleImportGate(con *console.Handler, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret := con.SessionSecret(r)
		if secret == "" {
			next.ServeHTTP(w, r)
			return
		}
		c := &call{rest: true, method: importMethod, client: s.httpClient(r), start: time.Now()}
		p, err := s.sessionPrincipal(r.Context(), c, metadata.Pairs(console.SessionMetadata, secret))
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		c.principal = p
		release, err := s.takeImportSlot(r.Context(), c)
		if err != nil {
			con.RefuseImport(w, r, s.refuseEarly(r.Context(), c, err))
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) consoleIdle() time.Duration {
	if s.cfg.ConsoleIdleTimeout > 0 {
		return s.cfg.ConsoleIdleTimeout
	}
	return console.DefaultIdleTimeout
}

// consoleHandler serves the web console, which calls the services over the
// gateway's in-memory connection.
func (s *Server) consoleHandler() (*console.Handler, error) {
	return console.New(console.Options{
		DB:     s.db,
		Conn:   s.inproc,
		Secure: s.cfg.TLS != nil,
		Idle:   s.consoleIdle(),
		Logger: s.log,
		// One client address, over the API and in the console.
		ClientAddress: s.httpClient,
		// One import limit, over the API and in the console.
		MaxImportBytes: int64(s.cfg.MaxImportBytes),
	})
}
