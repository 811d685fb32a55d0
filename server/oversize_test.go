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

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A gRPC request over --max-request-bytes is RESOURCE_EXHAUSTED with an
// ErrorInfo, REQUEST_TOO_LARGE, giving the limit and the size, whatever
// the method (unary, a server stream, ImportPeople, which names
// UploadImport); one over the transport's limit, twice that, is still
// refused by the transport, unread (TestLargeMessagesRefusedUnread).
func TestOversizeRequestsSayTheLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	limit := e.srv.cfg.MaxRequestBytes
	over := strings.Repeat("a", limit+limit/2)

	tooLarge := func(t *testing.T, err error, wantText string) {
		t.Helper()
		wantCode(t, err, codes.ResourceExhausted)
		if r := client.Reason(err); r != "REQUEST_TOO_LARGE" {
			t.Fatalf("reason %q, want REQUEST_TOO_LARGE: %v", r, err)
		}
		for _, d := range status.Convert(err).Details() {
			if info, ok := d.(*errdetails.ErrorInfo); ok {
				size, _ := strconv.Atoi(info.Metadata["sizeBytes"])
				if info.Metadata["limitBytes"] != strconv.Itoa(limit) || size <= limit {
					t.Errorf("metadata %v, want limitBytes %d and the size", info.Metadata, limit)
				}
			}
		}
		if msg := status.Convert(err).Message(); !strings.Contains(msg, strconv.Itoa(limit)) || !strings.Contains(msg, wantText) {
			t.Errorf("message %q does not name the limit or %q", msg, wantText)
		}
	}
	t.Run("ErrUnary", func(t *testing.T) {
		_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: over, GivenName: "An"}})
		tooLarge(t, err, "limit")
		people, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		if err != nil || len(people.People) != 0 {
			t.Errorf("a refused create made someone: %v, %v", people, err)
		}
	})
	t.Run("ErrServerStream", func(t *testing.T) {
		stream, err := e.client.Changes.WatchChanges(ctx, &pb.WatchChangesRequest{Filter: over})
		if err == nil {
			_, err = stream.Recv()
		}
		tooLarge(t, err, "limit")
	})
	t.Run("ErrImportInOneMessage", func(t *testing.T) {
		_, err := e.client.Transfer.ImportPeople(ctx, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(over)}})
		tooLarge(t, err, "UploadImport")
	})
	t.Run("ErrOverTheTransportLimit", func(t *testing.T) {
		_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: strings.Repeat("a", 3*limit)})
		wantCode(t, err, codes.ResourceExhausted)
	})
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
		{"ErrWithLength", e, "/v1/people", strings.NewReader(big), limit, len(big), "application/json", "--max-request-bytes"},
		{"ErrChunked", e, "/v1/people", io.MultiReader(strings.NewReader(big)), limit, 0, "application/json", "--max-request-bytes"},
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
