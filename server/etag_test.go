package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// restHeaders sends a REST request with the admin key and extra headers, and
// returns the status, the answer's headers and its decoded body.
func (e *env) restHeaders(method, path, body string, headers map[string]string) (int, http.Header, map[string]any) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return resp.StatusCode, resp.Header, out
}

// REST speaks HTTP's conditional requests: reads send the resource's etag
// as ETag, a write with a stale If-Match is 412 and changes nothing, one with
// the current tag succeeds, and no answer may be cached.
func TestRESTEtagAndIfMatch(t *testing.T) {
	e := newEnv(t)
	p, err := e.client.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	code, h, body := e.restHeaders("GET", "/v1/"+p.Name, "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET: %d %v", code, body)
	}
	tag := h.Get("ETag")
	if tag != `"`+p.Etag+`"` {
		t.Fatalf("ETag header %q, want %q", tag, `"`+p.Etag+`"`)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q on personal data, want no-store", cc)
	}

	// A change by someone else makes the tag stale.
	code, h, body = e.restHeaders("PATCH", "/v1/"+p.Name, `{"phone": "0901 000 111"}`, map[string]string{"If-Match": tag})
	if code != http.StatusOK {
		t.Fatalf("PATCH with the current If-Match: %d %v", code, body)
	}
	fresh := h.Get("ETag")
	if fresh == "" || fresh == tag {
		t.Errorf("PATCH answered ETag %q after a change from %q", fresh, tag)
	}
	t.Run("ErrStaleIfMatch", func(t *testing.T) {
		code, _, body := e.restHeaders("PATCH", "/v1/"+p.Name, `{"phone": "0909 999 999"}`, map[string]string{"If-Match": tag})
		wantREST(t, code, body, http.StatusPreconditionFailed)
		code, _, body = e.restHeaders("DELETE", "/v1/"+p.Name, "", map[string]string{"If-Match": tag})
		wantREST(t, code, body, http.StatusPreconditionFailed)
	})
	t.Run("ErrMalformedIfMatch", func(t *testing.T) {
		for _, v := range []string{p.Etag, `W/"` + p.Etag + `"`, fresh + ", " + tag} {
			code, _, body := e.restHeaders("PATCH", "/v1/"+p.Name, `{"phone": "0909 999 999"}`, map[string]string{"If-Match": v})
			wantREST(t, code, body, http.StatusBadRequest, "If-Match")
		}
	})
	t.Run("ErrIfMatchDisagreesWithBody", func(t *testing.T) {
		code, _, body := e.restHeaders("PATCH", "/v1/"+p.Name, `{"phone": "0909 999 999", "etag": "`+p.Etag+`"}`, map[string]string{"If-Match": fresh})
		wantREST(t, code, body, http.StatusBadRequest, "etag")
	})
	got, err := e.client.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != "0901 000 111" || got.DeleteTime != nil {
		t.Fatalf("a refused conditional request changed the person: %v", got)
	}
	t.Run("OKAnyIfMatch", func(t *testing.T) {
		code, _, body := e.restHeaders("DELETE", "/v1/"+p.Name, "", map[string]string{"If-Match": "*"})
		if code != http.StatusOK {
			t.Fatalf("DELETE with If-Match: *: %d %v", code, body)
		}
	})
}
