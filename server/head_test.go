package server

import (
	"io"
	"net/http"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A HEAD of a REST resource answers as its GET would, headers and status,
// without the body: a monitor's or `curl -I`'s check, which was 405.
func TestHeadAnswersAsGet(t *testing.T) {
	e := newEnv(t)
	p := e.person(&pb.Person{FamilyName: "Lê", GivenName: "Đầu"})
	for _, c := range []struct {
		name, token, path string
		want              int
	}{
		{"a person", e.token, "/v1/" + p.Name, http.StatusOK},
		{"a list", e.token, "/v1/people?pageSize=1", http.StatusOK},
		{"nobody", e.token, "/v1/people/khong-co-ai", http.StatusNotFound},
		{"no key", "", "/v1/" + p.Name, http.StatusUnauthorized},
	} {
		req, err := http.NewRequest(http.MethodHead, e.base+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want || len(body) != 0 {
			t.Errorf("HEAD %s (%s): %d with %d bytes, want %d and no body", c.path, c.name, resp.StatusCode, len(body), c.want)
		}
		if c.want == http.StatusOK && (resp.Header.Get("Content-Type") == "" || resp.ContentLength <= 0) {
			t.Errorf("HEAD %s (%s): Content-Type %q, Content-Length %d, want the GET's", c.path, c.name, resp.Header.Get("Content-Type"), resp.ContentLength)
		}
	}
	if resp := func() *http.Response {
		req, _ := http.NewRequest(http.MethodHead, e.base+"/v1/"+p.Name, nil)
		req.Header.Set("Authorization", "Bearer "+e.token)
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}(); resp.Header.Get("ETag") == "" {
		t.Errorf("HEAD of a person has no ETag")
	}
}
