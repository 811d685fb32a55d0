package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// HTTP/2 gives a handler a request without a body with a Body that is not
// http.NoBody; the gate must still let it through to the chain, as it does
// over HTTP/1.1 (curl and Go's client speak HTTP/2 over TLS by default).
func TestHTTP2BodylessRequests(t *testing.T) {
	e := newTLSEnv(t)
	h1 := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: e.clientTLS()}}
	h2 := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: e.clientTLS(), ForceAttemptHTTP2: true}}
	do := func(hc *http.Client, token, method, path string, body io.Reader) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, e.base+path, body)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if want := map[*http.Client]int{h1: 1, h2: 2}[hc]; resp.ProtoMajor != want {
			t.Fatalf("%s %s went over %s, want HTTP/%d", method, path, resp.Proto, want)
		}
		return resp.StatusCode, string(b)
	}
	unread := func() int {
		rec := httptest.NewRecorder()
		e.srv.metrics.handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		m := regexp.MustCompile(`trithuc_calls_refused_unread_total\{code="Unauthenticated",transport="rest"\} (\d+)`).FindStringSubmatch(rec.Body.String())
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}

	for _, tc := range []struct {
		name, token, path string
		want              int
	}{
		{"HealthWithoutKey", "", "/healthz", http.StatusOK},
		{"ListWithKey", e.token, "/v1/people", http.StatusOK},
		{"ListWithoutKey", "", "/v1/people", http.StatusUnauthorized},
		{"UnknownPathWithoutKey", "", "/v1/nosuch", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := unread()
			code1, body1 := do(h1, tc.token, "GET", tc.path, nil)
			code2, body2 := do(h2, tc.token, "GET", tc.path, nil)
			if code1 != tc.want || code2 != tc.want {
				t.Errorf("GET %s: HTTP/1.1 %d %s; HTTP/2 %d %s; want %d over both", tc.path, code1, body1, code2, body2, tc.want)
			}
			if n := unread() - before; n != 0 {
				t.Errorf("GET %s: %d refused at the gate; a request without a body goes to the chain", tc.path, n)
			}
		})
	}

	// A body, of known or unknown length, still needs a credential before
	// it is read.
	t.Run("BodyGated", func(t *testing.T) {
		before := unread()
		body := `{"givenName":"An","familyName":"Nguyễn"}`
		for _, r := range []io.Reader{strings.NewReader(body), io.MultiReader(bytes.NewBufferString(body))} {
			if code, b := do(h2, "", "POST", "/v1/people", r); code != http.StatusUnauthorized {
				t.Errorf("POST without a key over HTTP/2: HTTP %d %s, want 401", code, b)
			}
		}
		if n := unread() - before; n != 2 {
			t.Errorf("%d of 2 POSTs without a key refused at the gate, want 2", n)
		}
	})
}
