package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// env is a real server on loopback ports over a real database file, with a
// gRPC client and an HTTP client that hold an admin key.
type env struct {
	t      *testing.T
	path   string
	db     *store.DB
	srv    *Server
	token  string
	client *client.Client
	base   string
	http   *http.Client
	logs   *syncBuffer
	// configure, when set, changes the configuration start serves with.
	configure func(*Config)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with a configuration that configure changes.
func newEnvWith(t *testing.T, configure func(*Config)) *env {
	t.Helper()
	e := &env{t: t, path: filepath.Join(t.TempDir(), "trithuc.db"), http: &http.Client{Timeout: 30 * time.Second}, configure: configure}
	e.start(nil)
	opts := client.Options{}
	if e.srv.cfg.TLS != nil {
		opts.TLS = e.clientTLS()
		e.http.Transport = &http.Transport{TLSClientConfig: e.clientTLS()}
	}
	_, e.token = e.key("admin")
	var err error
	opts.Token = e.token
	e.client, err = client.Dial(e.srv.GRPCAddr(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		e.client.Close()
		e.stop()
	})
	return e
}

// start opens the database and serves it; register, when set, adds services
// before the server starts.
func (e *env) start(register func(*Server)) {
	e.t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.logs = &syncBuffer{}
	cfg := Config{GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", MaxRequestBytes: 64 << 10,
		Logger: slog.New(slog.NewTextHandler(e.logs, nil))}
	if e.configure != nil {
		e.configure(&cfg)
	}
	srv, err := New(db, cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if register != nil {
		register(srv)
	}
	if err := srv.Start(); err != nil {
		e.t.Fatal(err)
	}
	e.db, e.srv, e.base = db, srv, "http://"+srv.HTTPAddr()
	if cfg.TLS != nil {
		e.base = "https://" + srv.HTTPAddr()
	}
}

func (e *env) stop() {
	if e.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.srv.Shutdown(ctx)
	if err := e.db.Close(); err != nil {
		e.t.Errorf("closing the database: %v", err)
	}
	e.srv = nil
}

func (e *env) key(role string) (*store.Key, string) {
	e.t.Helper()
	k, secret, err := e.db.CreateKey(context.Background(), "test "+role, role, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	return k, secret
}

// rest sends a JSON request with the admin key and decodes the answer.
func (e *env) rest(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	return e.restAs(e.token, method, path, body)
}

func (e *env) restAs(token, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.base+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	// An export answers with the file itself.
	file := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || resp.Header.Get("Content-Type") == transfer.ContentTypeXLSX
	if len(raw) > 0 && (resp.StatusCode != http.StatusOK || !file) {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return resp.StatusCode, out
}

// wantCode fails unless err has code, and, when fields are given, unless
// its BadRequest names exactly those fields.
func wantCode(t *testing.T, err error, code codes.Code, fields ...string) {
	t.Helper()
	st, _ := status.FromError(err)
	if st.Code() != code {
		t.Fatalf("got %v (%q), want %v", st.Code(), st.Message(), code)
	}
	if len(fields) == 0 {
		return
	}
	var got []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				got = append(got, v.GetField())
				if v.GetDescription() == "" {
					t.Errorf("violation of %s has no description", v.GetField())
				}
			}
		}
	}
	if strings.Join(got, ",") != strings.Join(fields, ",") {
		t.Fatalf("violations name %q, want %q (message %q)", got, fields, st.Message())
	}
}

// wantREST fails unless a REST answer has the HTTP status and, when fields
// are given, a BadRequest detail naming them.
func wantREST(t *testing.T, code int, body map[string]any, wantCode int, fields ...string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("HTTP %d %v, want %d", code, body, wantCode)
	}
	if msg, _ := body["message"].(string); msg == "" {
		t.Errorf("error body has no message: %v", body)
	}
	if len(fields) == 0 {
		return
	}
	var got []string
	details, _ := body["details"].([]any)
	for _, d := range details {
		dm, _ := d.(map[string]any)
		vs, _ := dm["fieldViolations"].([]any)
		for _, v := range vs {
			vm, _ := v.(map[string]any)
			got = append(got, vm["field"].(string))
		}
	}
	if strings.Join(got, ",") != strings.Join(fields, ",") {
		t.Fatalf("violations name %q, want %q: %v", got, fields, body)
	}
}

// syncBuffer collects the server's log lines from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
