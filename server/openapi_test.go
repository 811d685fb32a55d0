package server

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/go-openapi/errors"
	"github.com/go-openapi/loads"
	"github.com/go-openapi/spec"
	"github.com/go-openapi/strfmt"
	"github.com/go-openapi/validate"
)

// TestOpenAPIValid checks the document the server serves at /openapi.json
// against the Swagger 2.0 schema and its semantic rules (go-openapi's
// validator): unique operation ids, declared path parameters, resolvable
// references, and so on. It also checks what a reader and a client
// generator need from it: a title, a version, the Bearer scheme, a summary
// on every operation, and named path segments instead of whole resource
// names.
func TestOpenAPIValid(t *testing.T) {
	e := newEnv(t)
	resp, err := e.http.Get(e.base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := loads.Analyzed(json.RawMessage(body), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Spec(doc, strfmt.Default); err != nil {
		var n int
		if c, ok := err.(*errors.CompositeError); ok {
			n = len(c.Errors)
		}
		t.Errorf("/openapi.json is not valid Swagger 2.0 (%d errors): %v", n, err)
	}

	sw := doc.Spec()
	if sw.Info == nil || sw.Info.Title != "trithuc" || sw.Info.Version == "" || sw.Info.Description == "" {
		t.Errorf("info = %+v, want the title trithuc, a version and a description", sw.Info)
	}
	bearer, ok := sw.SecurityDefinitions["bearer"]
	if !ok || bearer.Type != "apiKey" || bearer.In != "header" || bearer.Name != "Authorization" || len(sw.Security) == 0 {
		t.Errorf("security definitions %+v, security %v: want the Bearer key in the Authorization header, required", sw.SecurityDefinitions, sw.Security)
	}
	for path, item := range sw.Paths.Paths {
		// A whole resource name as one parameter ({name}, {name_3}) makes a
		// client escape its slashes.
		if strings.Contains(path, "{name") {
			t.Errorf("path %s takes a whole resource name; want named segments", path)
		}
		for method, op := range map[string]*spec.Operation{
			"GET": item.Get, "POST": item.Post, "PATCH": item.Patch, "DELETE": item.Delete, "PUT": item.Put,
		} {
			if op != nil && strings.TrimSpace(op.Summary) == "" {
				t.Errorf("%s %s has no summary", method, path)
			}
		}
	}
}

// TestOpenAPIDeclaresEveryRoute holds the document and the routes to each
// other: every route the server serves (the protos' bindings and the
// operations' routes written by hand) is in the document, every route of
// the document is served, and its parameters are named as the resource
// patterns name them.
func TestOpenAPIDeclaresEveryRoute(t *testing.T) {
	e := newEnv(t)
	resp, err := e.http.Get(e.base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage
	}
	err = json.NewDecoder(resp.Body).Decode(&doc)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	type documented struct{ method, path, sample string }
	var routes []documented
	for path, item := range doc.Paths {
		for method := range item {
			if method == "parameters" {
				continue
			}
			routes = append(routes, documented{strings.ToUpper(method), path, param.ReplaceAllString(path, "x1")})
		}
	}
	for _, r := range contractRoutes {
		found := false
		for _, d := range routes {
			found = found || (d.method == r.method && r.path.MatchString(d.sample))
		}
		if !found {
			t.Errorf("the server serves %s %s, which /openapi.json does not declare", r.method, r.path)
		}
	}
	for _, d := range routes {
		if len(matchingRoutes(d.method, d.sample)) == 0 {
			t.Errorf("/openapi.json declares %s %s, which is no route of the server", d.method, d.path)
			continue
		}
		// A query parameter no method takes is refused by the route that
		// matched, before anything runs; the router refuses a path it has
		// no route for otherwise.
		req, err := http.NewRequest(d.method, e.base+d.sample+"?zzUnknown=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.token)
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "zzUnknown") {
			t.Errorf("%s %s: %d %s; want the route to refuse the unknown query parameter", d.method, d.sample, resp.StatusCode, body)
		}
	}
	for _, want := range []string{"/v1/people/{person}", "/v1/countries/{country}", "/v1/operations/{operation}", "/v1/operations/{operation}:cancel"} {
		if doc.Paths[want] == nil {
			t.Errorf("/openapi.json lacks %s", want)
		}
	}
	for path := range doc.Paths {
		if strings.Contains(path, "{people}") || strings.Contains(path, "{countrie}") {
			t.Errorf("%s: a path parameter is named by dropping an s, not as its resource pattern names it", path)
		}
	}
}
