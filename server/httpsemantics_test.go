package server

import (
	"net/http"
	"strings"
	"testing"
)

// REST answers speak HTTP: Allow on a 405, an RFC 6750 challenge on a 401,
// no gRPC metadata as headers, and CORS only for the origins configured.
func TestHTTPSemantics(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.CORSOrigins = []string{"https://portal.example.vn"} })
	do := func(method, path string, headers map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, e.base+path, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	auth := map[string]string{"Authorization": "Bearer " + e.token}

	t.Run("AllowOn405", func(t *testing.T) {
		resp := do("PUT", "/v1/people", auth)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, POST" {
			t.Errorf("PUT /v1/people: %d, Allow %q; want 405, Allow \"GET, POST\"", resp.StatusCode, resp.Header.Get("Allow"))
		}
		resp = do("PUT", "/v1/people/abc", auth)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "DELETE, GET, PATCH" {
			t.Errorf("PUT a person: %d, Allow %q; want 405, Allow \"DELETE, GET, PATCH\"", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
	t.Run("UnknownVerbIs404", func(t *testing.T) {
		// As /v1/people:bogus is: no method has the path, whatever the
		// router made of it.
		for _, path := range []string{"/v1/people:bogus", "/v1/people/abc:bogus", "/v1/people/abc/qualifications/q1:bogus"} {
			if resp := do("POST", path, auth); resp.StatusCode != http.StatusNotFound || resp.Header.Get("Allow") != "" {
				t.Errorf("POST %s: %d, Allow %q; want 404", path, resp.StatusCode, resp.Header.Get("Allow"))
			}
		}
	})
	t.Run("VerbPathUnderOtherMethod", func(t *testing.T) {
		// The router takes an id with a custom verb (abc:undelete) for
		// the id of the GET, PATCH or DELETE of the resource, which then
		// refused a valid name as malformed (400 naming "name").
		for _, c := range []struct{ method, path, allow string }{
			{"GET", "/v1/people/abc:undelete", "POST"},
			{"DELETE", "/v1/people/abc:undelete", "POST"},
			{"GET", "/v1/associations/a/memberships/m:approve", "POST"},
			{"PATCH", "/v1/people/abc/qualifications/q1:verify", "POST"},
			{"GET", "/v1/people/abc:bogus", ""},
			{"PATCH", "/v1/people/abc:bogus", ""},
		} {
			resp := do(c.method, c.path, auth)
			want := http.StatusMethodNotAllowed
			if c.allow == "" {
				want = http.StatusNotFound
			}
			if resp.StatusCode != want || resp.Header.Get("Allow") != c.allow {
				t.Errorf("%s %s: %d, Allow %q; want %d, Allow %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Allow"), want, c.allow)
			}
		}
	})
	t.Run("BearerChallenge", func(t *testing.T) {
		resp := do("GET", "/v1/people", nil)
		if got := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != 401 || got != `Bearer realm="trithuc"` {
			t.Errorf("no credential: %d, WWW-Authenticate %q", resp.StatusCode, got)
		}
		resp = do("GET", "/v1/people", map[string]string{"Authorization": "Bearer tt_nope_nope"})
		if got := resp.Header.Get("WWW-Authenticate"); resp.StatusCode != 401 || !strings.HasPrefix(got, `Bearer realm="trithuc", error="invalid_token"`) {
			t.Errorf("a bad key: %d, WWW-Authenticate %q", resp.StatusCode, got)
		}
	})
	t.Run("NoGRPCMetadataHeaders", func(t *testing.T) {
		resp := do("GET", "/v1/people", auth)
		for k := range resp.Header {
			if strings.HasPrefix(strings.ToLower(k), "grpc-") {
				t.Errorf("the answer carries the gRPC header %s", k)
			}
		}
		if resp.Header.Get("X-Request-Id") == "" {
			t.Error("no X-Request-Id")
		}
	})
	t.Run("CORSPreflightFromAllowedOrigin", func(t *testing.T) {
		resp := do("OPTIONS", "/v1/people", map[string]string{"Origin": "https://portal.example.vn", "Access-Control-Request-Method": "POST"})
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "https://portal.example.vn" ||
			resp.Header.Get("Access-Control-Allow-Methods") != "GET, POST" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
		}
		resp = do("GET", "/v1/people", map[string]string{"Origin": "https://portal.example.vn", "Authorization": "Bearer " + e.token})
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://portal.example.vn" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
			t.Errorf("a cross-origin GET: %d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("ErrCORSFromOtherOrigin", func(t *testing.T) {
		resp := do("OPTIONS", "/v1/people", map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("a preflight from an origin not listed was allowed: %v", resp.Header)
		}
	})
}
