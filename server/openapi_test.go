package server

import (
	"encoding/json"
	"io"
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
