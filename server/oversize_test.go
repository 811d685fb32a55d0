package server

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A gRPC request over --max-request-bytes is RESOURCE_EXHAUSTED with an
// ErrorInfo, REQUEST_TOO_LARGE, giving the limit and the size, and a
// message naming both, the setting and what to do, whatever the method
// (unary, a server stream, ImportPeople, which names UploadImport). One
// over the transport's limit, twice that, is refused by grpc-go from its
// length prefix, unread (TestLargeMessagesRefusedUnread), in grpc-go's own
// words, which name the size and the transport's limit, and with no
// ErrorInfo: grpc-go writes that status before any code of the server's
// sees the error (grpcRecvLimit).
func TestOversizeRequestsSayTheLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	limit := e.srv.cfg.MaxRequestBytes

	tooLarge := func(t *testing.T, err error, size int, wantText string) {
		t.Helper()
		wantCode(t, err, codes.ResourceExhausted)
		if r := client.Reason(err); r != "REQUEST_TOO_LARGE" {
			t.Fatalf("reason %q, want REQUEST_TOO_LARGE: %v", r, err)
		}
		// The Go client adds a request_id to a create: the size is the
		// message sent, at least the one made here.
		said := ""
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				said = info.Metadata["sizeBytes"]
				if n, _ := strconv.Atoi(said); info.Metadata["limitBytes"] != strconv.Itoa(limit) || n < size || len(info.Metadata) != 2 {
					t.Errorf("metadata %v, want limitBytes %d and sizeBytes at least %d", info.Metadata, limit, size)
				}
			}
		}
		msg := status.Convert(err).Message()
		for _, w := range []string{strconv.Itoa(limit), said + " bytes", "--max-request-bytes", wantText} {
			if !strings.Contains(msg, w) {
				t.Errorf("message %q does not say %q", msg, w)
			}
		}
	}
	for _, times := range []struct {
		name string
		size int
	}{{"OneAndAHalf", limit + limit/2}, {"Thrice", 3 * limit}} {
		over := strings.Repeat("a", times.size)
		if times.size > 2*limit {
			tooLarge = func(t *testing.T, err error, size int, _ string) {
				t.Helper()
				wantCode(t, err, codes.ResourceExhausted)
				if msg := status.Convert(err).Message(); !strings.Contains(msg, "larger than max") || !strings.Contains(msg, strconv.Itoa(2*limit)) {
					t.Errorf("message %q does not name the transport's limit, %d", msg, 2*limit)
				}
			}
		}
		t.Run("ErrUnary"+times.name, func(t *testing.T) {
			req := &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: over, GivenName: "An"}}
			_, err := e.client.People.CreatePerson(ctx, req)
			tooLarge(t, err, proto.Size(req), "fewer")
			people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
			if err != nil || len(people.People) != 0 {
				t.Errorf("a refused create made someone: %v, %v", people, err)
			}
		})
		t.Run("ErrServerStream"+times.name, func(t *testing.T) {
			req := &pb.WatchChangesRequest{Filter: over}
			stream, err := e.client.Changes.WatchChanges(ctx, req)
			if err == nil {
				_, err = stream.Recv()
			}
			tooLarge(t, err, proto.Size(req), "fewer")
		})
		t.Run("ErrImportInOneMessage"+times.name, func(t *testing.T) {
			req := &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(over)}}
			_, err := e.client.Transfer.ImportPeople(ctx, req)
			tooLarge(t, err, proto.Size(req), "UploadImport")
		})
	}
	t.Run("OKAtTheLimit", func(t *testing.T) {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: strings.Repeat("a", limit-100)})
		wantCode(t, err, codes.InvalidArgument, "filter")
	})
}

// TestRESTOversizeSaysTheLimit: a REST body over the limit is 413 with RESOURCE_EXHAUSTED, as gRPC's
// code for it, and the same ErrorInfo as gRPC's refusal, REQUEST_TOO_LARGE
// with metadata limitBytes and, when the body said its length, sizeBytes,
// whether its length was said or not; an import's file (its own limit)
// is told to be split.
func TestRESTOversizeSaysTheLimit(t *testing.T) {
	e := newEnv(t)
	const importLimit = 100 << 10
	ei := newEnvWith(t, func(c *Config) { c.MaxImportBytes = importLimit })
	limit := e.srv.cfg.MaxRequestBytes
	big := `{"givenName": "` + strings.Repeat("a", 70<<10) + `"}`
	csv := "Họ tên\n" + strings.Repeat("a", importLimit+10)
	for _, c := range []struct {
		name    string
		e       *env
		path    string
		body    io.Reader
		limit   int
		size    int // 0 when the length is not said
		ctype   string
		wantMsg string
	}{
		{"ErrWithLength", e, "/v1/people", strings.NewReader(big), limit, len(big), "application/json", "(--max-request-bytes): send fewer"},
		{"ErrChunked", e, "/v1/people", io.MultiReader(strings.NewReader(big)), limit, 0, "application/json", "(--max-request-bytes): send fewer"},
		{"ErrImportWithLength", ei, "/v1/people:import?validateOnly=true", strings.NewReader(csv), importLimit, len(csv), "text/csv", "split"},
		{"ErrImportChunked", ei, "/v1/people:import?validateOnly=true", io.MultiReader(strings.NewReader(csv)), importLimit, 0, "text/csv", "split"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", c.e.base+c.path, c.body)
			req.Header.Set("Authorization", "Bearer "+c.e.token)
			req.Header.Set("Content-Type", c.ctype)
			resp, err := c.e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			wantREST(t, resp.StatusCode, body, http.StatusRequestEntityTooLarge)
			if body["code"] != float64(codes.ResourceExhausted) {
				t.Errorf("code %v, want %d (RESOURCE_EXHAUSTED)", body["code"], codes.ResourceExhausted)
			}
			if r := restReasonOf(t, body); r != "REQUEST_TOO_LARGE" {
				t.Fatalf("reason %q, want REQUEST_TOO_LARGE: %v", r, body)
			}
			want := map[string]any{"limitBytes": strconv.Itoa(c.limit)}
			if c.size > 0 {
				want["sizeBytes"] = strconv.Itoa(c.size)
			}
			for _, d := range body["details"].([]any) {
				if dm := d.(map[string]any); dm["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" && !maps.Equal(dm["metadata"].(map[string]any), want) {
					t.Errorf("metadata %v, want %v", dm["metadata"], want)
				}
			}
			if msg := body["message"].(string); !strings.Contains(msg, strconv.Itoa(c.limit)) || !strings.Contains(msg, c.wantMsg) {
				t.Errorf("message %q does not name the limit or %q", msg, c.wantMsg)
			}
		})
	}
}
