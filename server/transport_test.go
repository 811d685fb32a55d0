package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Tests of the transport limits (conns.go), of what the HTTP side does
// before the gateway reads a request (httpguard.go), and of requests that
// are not valid protobuf (codec.go).

// eventually retries f for a while: a closed connection gives its place
// back only once the server has seen it close.
func eventually(t *testing.T, what string, f func() error) {
	t.Helper()
	var err error
	for i := 0; i < 100; i++ {
		if err = f(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, err)
}

func healthCheck(addr string) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func TestConnectionsPerAddress(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MaxConnsPerAddress = 2; c.MetricsAddr = "127.0.0.1:0" })

	t.Run("gRPC", func(t *testing.T) {
		var held []*grpc.ClientConn
		for range 2 {
			conn, err := healthCheck(e.srv.GRPCAddr())
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, conn)
		}
		_, err := healthCheck(e.srv.GRPCAddr())
		wantCode(t, err, codes.Unavailable)
		// A closed connection makes room for another.
		held[0].Close()
		eventually(t, "a connection after one closed", func() error {
			conn, err := healthCheck(e.srv.GRPCAddr())
			if err == nil {
				conn.Close()
			}
			return err
		})
		held[1].Close()
	})

	t.Run("HTTP", func(t *testing.T) {
		var held []net.Conn
		for range 2 {
			c, err := net.Dial("tcp", e.srv.HTTPAddr())
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
		get := func() error {
			hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := hc.Get(e.base + "/healthz")
			if err != nil {
				return err
			}
			resp.Body.Close()
			return nil
		}
		// The two idle connections hold the places: a third is closed.
		if err := get(); err == nil {
			t.Fatal("a third connection from one address was served")
		}
		for _, c := range held {
			c.Close()
		}
		eventually(t, "a connection after the others closed", get)
	})

	resp, err := e.http.Get("http://" + e.srv.MetricsAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, l := range []string{"grpc", "http"} {
		if !strings.Contains(string(b), `trithuc_connections_refused_total{listener="`+l+`"}`) {
			t.Errorf("refused %s connections are not counted", l)
		}
	}
}

func TestHealthWatchLimit(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MaxWatchStreams = 2 })
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	watch := func(ctx context.Context) error {
		w, err := healthpb.NewHealthClient(conn).Watch(ctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		_, err = w.Recv()
		return err
	}
	var cancels []context.CancelFunc
	for range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cancels = append(cancels, cancel)
		if err := watch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, watch(context.Background()), codes.ResourceExhausted)
	cancels[0]()
	eventually(t, "a watch after one ended", func() error {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		return watch(ctx)
	})
	if !strings.Contains(e.logs.String(), "method=/grpc.health.v1.Health/Watch transport=grpc principal=anonymous code=ResourceExhausted") {
		t.Error("the refused watch was not logged")
	}
}

// openStreams opens n streams on a raw HTTP/2 connection, each with the
// headers (and, when given, the request body) that request makes, left
// open; it returns the code of the RST_STREAM the server sent for the last
// one, failing if it refused any other.
func openStreams(t *testing.T, c net.Conn, n int, request func(enc *hpack.Encoder), body []byte) http2.ErrCode {
	t.Helper()
	c.SetDeadline(time.Now().Add(30 * time.Second)) // a failsafe, not an assertion
	if _, err := io.WriteString(c, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	last := uint32(2*n - 1)
	for id := uint32(1); id <= last; id += 2 {
		hb.Reset()
		request(enc)
		if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
			t.Fatal(err)
		}
		if body != nil {
			if err := fr.WriteData(id, true, body); err != nil {
				t.Fatal(err)
			}
		}
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no stream was refused: %v", err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.RSTStreamFrame:
			if f.StreamID != last {
				t.Fatalf("stream %d of %d refused: %v", (f.StreamID+1)/2, n, f.ErrCode)
			}
			return f.ErrCode
		case *http2.GoAwayFrame:
			t.Fatalf("the server went away: %v", f.ErrCode)
		}
	}
}

func TestStreamsPerConnection(t *testing.T) {
	t.Run("gRPC", func(t *testing.T) {
		e := newEnvWith(t, func(c *Config) { c.MaxStreamsPerConn = 3 })
		c, err := net.Dial("tcp", e.srv.GRPCAddr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Health watches need no key and stay open: the fourth on one
		// connection is refused.
		code := openStreams(t, c, 4, func(enc *hpack.Encoder) {
			for _, f := range [][2]string{{":method", "POST"}, {":scheme", "http"}, {":path", "/grpc.health.v1.Health/Watch"},
				{":authority", "trithuc"}, {"content-type", "application/grpc"}, {"te", "trailers"}} {
				enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
			}
		}, []byte{0, 0, 0, 0, 0})
		if code != http2.ErrCodeRefusedStream {
			t.Errorf("RST_STREAM %v, want REFUSED_STREAM", code)
		}
	})

	t.Run("HTTPS", func(t *testing.T) {
		e := newTLSEnv(t)
		e.stop()
		configure := e.configure
		e.configure = func(c *Config) { configure(c); c.MaxStreamsPerConn = 3 }
		e.start(nil)
		cfg := e.clientTLS()
		cfg.NextProtos = []string{"h2"}
		c, err := tls.Dial("tcp", e.srv.HTTPAddr(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Requests whose bodies never end stay open.
		openStreams(t, c, 4, func(enc *hpack.Encoder) {
			for _, f := range [][2]string{{":method", "POST"}, {":scheme", "https"}, {":path", "/v1/people"},
				{":authority", "trithuc"}, {"content-type", "application/json"}, {"authorization", "Bearer " + e.token}} {
				enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
			}
		}, nil)
	})
}

// trickle is a request body that sends one byte at a time.
type trickle struct {
	left, sent atomic.Int64
}

func (r *trickle) Read(p []byte) (int, error) {
	if r.left.Add(-1) < 0 || len(p) == 0 {
		return 0, io.EOF
	}
	time.Sleep(100 * time.Millisecond)
	p[0] = ' '
	r.sent.Add(1)
	return 1, nil
}

func TestSlowBodyCutOff(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.HTTPReadTimeout = time.Second })
	body := &trickle{}
	const size = 200 // 20 s at a byte every 100 ms
	body.left.Store(size)
	req, _ := http.NewRequest("POST", e.base+"/v1/people", io.NopCloser(body))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{}).Do(req) // no timeout of its own
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Logf("HTTP %d %s", resp.StatusCode, b)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "did not arrive in time") {
			t.Errorf("HTTP %d %s, want 400 saying the body came too slowly", resp.StatusCode, b)
		}
	}
	if n := body.sent.Load(); n >= size {
		t.Fatalf("the server read the whole slow body (%d bytes)", n)
	}
	// The connection is usable by nobody else; the server is.
	if code, _ := e.rest("GET", "/v1/people", nil); code != http.StatusOK {
		t.Errorf("after a slow body: HTTP %d", code)
	}
}

func TestBodyWithoutCredentialNotRead(t *testing.T) {
	e := newEnv(t)
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, grpcErr := pb.NewPersonServiceClient(conn).CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: anh()})
	wantCode(t, grpcErr, codes.Unauthenticated)

	// Over a raw connection: the client announces 100 MB, sends the first
	// megabyte and then only reads, so that the answer comes from what the
	// server did with what it had, and a reset of the connection (the
	// server closes it with the body unread) cannot hide the answer.
	const size = 100 << 20
	for _, tc := range []struct {
		name     string
		declared bool
		auth     string
	}{
		{"chunked", false, ""},
		{"declared length", true, ""},
		{"malformed header", false, "Basic x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", e.srv.HTTPAddr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second)) // a failsafe, not an assertion
			head := "POST /v1/people HTTP/1.1\r\nHost: trithuc\r\nContent-Type: application/json\r\n"
			if tc.auth != "" {
				head += "Authorization: " + tc.auth + "\r\n"
			}
			chunk := make([]byte, 1<<20)
			var first []byte
			if tc.declared {
				head += fmt.Sprintf("Content-Length: %d\r\n\r\n", size)
				first = chunk
			} else {
				head += "Transfer-Encoding: chunked\r\n\r\n"
				first = fmt.Appendf(nil, "%x\r\n%s\r\n", len(chunk), chunk)
			}
			go func() {
				// Its error, once the server closes, is of no interest.
				c.Write(append([]byte(head), first...))
			}()
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got map[string]any
			json.NewDecoder(resp.Body).Decode(&got)
			wantREST(t, resp.StatusCode, got, http.StatusUnauthorized)
			if tc.auth == "" && got["message"] != grpcStatusMessage(grpcErr) {
				t.Errorf("message %q, want gRPC's %q", got["message"], grpcStatusMessage(grpcErr))
			}
		})
	}
	// The first refusal from the address is logged; the others of its
	// minute are counted (authfailures.go).
	if !strings.Contains(e.logs.String(), "method=/trithuc.v1.PersonService/CreatePerson transport=grpc principal=anonymous code=Unauthenticated") {
		t.Error("the refused call was not logged")
	}
	rec := httptest.NewRecorder()
	e.srv.metrics.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if want := `trithuc_calls_refused_unread_total{code="Unauthenticated",transport="rest"} 3`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("/metrics lacks %s", want)
	}
}

func grpcStatusMessage(err error) string { return status.Convert(err).Message() }

func TestInvalidUTF8(t *testing.T) {
	e := newEnv(t)
	t.Run("REST", func(t *testing.T) {
		for _, tc := range []struct{ path, field string }{
			{"/v1/people/%FF", "name"},
			{"/v1/people/ab%C3", "name"},
			{"/v1/people?filter=%FF", "filter"},
			{"/v1/people?pageSize=2&orderBy=a%E0%80", "orderBy"},
			{"/v1/people?%FF=1", "\uFFFD"},
		} {
			code, body := e.rest("GET", tc.path, nil)
			wantREST(t, code, body, http.StatusBadRequest, tc.field)
		}
		// A credential is still checked first.
		code, body := e.restAs("", "GET", "/v1/people/%FF", nil)
		wantREST(t, code, body, http.StatusUnauthorized)
		// A path that matches no route says so.
		code, body = e.rest("GET", "/v1/n%FFthing", nil)
		wantREST(t, code, body, http.StatusNotFound)
		logs := e.logs.String()
		for _, m := range []string{"GetPerson", "ListPeople"} {
			if !strings.Contains(logs, "method=/trithuc.v1.PersonService/"+m+" transport=rest principal=key:") ||
				!strings.Contains(logs, "code=InvalidArgument") {
				t.Errorf("the refused %s calls were not logged", m)
			}
		}
	})

	t.Run("gRPC", func(t *testing.T) {
		ctx := context.Background()
		conn := e.client.Conn() // it sends the admin key
		name := protowire.AppendTag(nil, 1, protowire.BytesType)
		name = protowire.AppendString(name, "people/\xff")
		for _, raw := range [][]byte{{0xff, 0xff, 0xff}, {0x0a, 0x10, 'x'}, name} {
			var out []byte
			err := conn.Invoke(ctx, "/trithuc.v1.PersonService/GetPerson", raw, &out, grpc.ForceCodec(rawCodec{}))
			wantCode(t, err, codes.InvalidArgument)
		}
		// Health and reflection need no key, and are refused as well.
		var out []byte
		err := conn.Invoke(context.Background(), "/grpc.health.v1.Health/Check", []byte{0xff}, &out, grpc.ForceCodec(rawCodec{}))
		wantCode(t, err, codes.InvalidArgument)
		if !strings.Contains(e.logs.String(), "method=/trithuc.v1.PersonService/GetPerson transport=grpc principal=key:") {
			t.Error("the malformed gRPC calls were not logged")
		}
		// A valid message still works.
		if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{}); err != nil {
			t.Fatal(err)
		}
	})
}

// rawCodec sends bytes as they are, whatever protobuf would make of them.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*v.(*[]byte) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

func TestRoutesExactlyAsDeclared(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	q := e.qualification(p.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Tin học", Year: 2015})
	id := strings.TrimPrefix(q.Name, "people/")

	t.Run("encoded slash", func(t *testing.T) {
		// people/ID%2Fqualifications%2FQID is a person's (invalid) name, not
		// the qualification's.
		escaped := strings.ReplaceAll(id, "/", "%2F")
		if code, body := e.rest("DELETE", "/v1/people/"+escaped, nil); code == http.StatusOK {
			t.Errorf("DELETE of an escaped qualification name: HTTP %d %v", code, body)
		}
		if code, body := e.rest("GET", "/v1/"+strings.ReplaceAll(p.Name, "/", "%2F"), nil); code == http.StatusOK {
			t.Errorf("GET of an escaped person name: HTTP %d %v", code, body)
		}
		if code, body := e.rest("GET", "/v1/"+p.Name+"%2Fqualifications", nil); code == http.StatusOK {
			t.Errorf("GET people/ID%%2Fqualifications: HTTP %d %v", code, body)
		}
		if _, err := e.client.People.GetQualification(ctx, &pb.GetQualificationRequest{Name: q.Name}); err != nil {
			t.Fatalf("the qualification is gone: %v", err)
		}
	})

	t.Run("method override", func(t *testing.T) {
		form := func(override string) (int, map[string]any) {
			req, _ := http.NewRequest("POST", e.base+"/v1/"+p.Name, http.NoBody)
			req.Header.Set("Authorization", "Bearer "+e.token)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if override != "" {
				req.Header.Set("X-HTTP-Method-Override", override)
			}
			resp, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		code, body := form("DELETE")
		wantREST(t, code, body, http.StatusMethodNotAllowed)
		// Nor does a form POST fall back to the GET route.
		code, body = form("")
		wantREST(t, code, body, http.StatusMethodNotAllowed)
		got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
		if err != nil || got.DeleteTime != nil {
			t.Fatalf("the person was deleted: %v %v", err, got.GetDeleteTime())
		}
	})
}
