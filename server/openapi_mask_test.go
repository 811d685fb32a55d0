package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Every PATCH route of the OpenAPI document lists updateMask, which the
// server takes (AIP-134), and a mask sent over REST changes only the
// fields it names, whatever else the body holds.
func TestOpenAPIPatchHasUpdateMask(t *testing.T) {
	e := newEnv(t)
	resp, err := e.http.Get(e.base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	patches := 0
	for path, ops := range doc.Paths {
		op, ok := ops["patch"]
		if !ok {
			continue
		}
		patches++
		found := false
		for _, p := range op.Parameters {
			found = found || p.Name == "updateMask" && p.In == "query"
		}
		if !found {
			t.Errorf("PATCH %s does not list the updateMask query parameter", path)
		}
	}
	if patches == 0 {
		t.Fatal("the OpenAPI document has no PATCH route")
	}

	p := e.person(&pb.Person{FamilyName: "Trần", GivenName: "An"})
	code, body := e.rest("PATCH", "/v1/"+p.GetName()+"?updateMask=givenName", map[string]any{"givenName": "Bình", "familyName": "Lê"})
	if code != http.StatusOK {
		t.Fatalf("PATCH with updateMask: HTTP %d %v", code, body)
	}
	if got := e.get(p.GetName(), pb.PersonView_PERSON_VIEW_BASIC); got.GetGivenName() != "Bình" || got.GetFamilyName() != "Trần" {
		t.Errorf("after PATCH ?updateMask=givenName: %q %q, want Trần Bình (the family name outside the mask left alone)", got.GetFamilyName(), got.GetGivenName())
	}
	// A mask of several paths, comma-separated or repeated.
	for i, query := range []string{"updateMask=givenName,middleName", "updateMask=givenName&updateMask=middleName"} {
		given, middle := []string{"Cúc", "Dung"}[i], []string{"Văn", "Thị"}[i]
		code, body := e.rest("PATCH", "/v1/"+p.GetName()+"?"+query, map[string]any{"givenName": given, "middleName": middle, "familyName": "Lê"})
		if code != http.StatusOK {
			t.Fatalf("PATCH ?%s: HTTP %d %v", query, code, body)
		}
		if got := e.get(p.GetName(), pb.PersonView_PERSON_VIEW_BASIC); got.GetGivenName() != given || got.GetMiddleName() != middle || got.GetFamilyName() != "Trần" {
			t.Errorf("after PATCH ?%s: %q %q %q, want Trần %s %s", query, got.GetFamilyName(), got.GetMiddleName(), got.GetGivenName(), middle, given)
		}
	}
}

// The OpenAPI document names the headers that carry etags over REST: If-Match
// on every update and delete (each takes an etag), ETag on the answer of a
// resource read; and the server does as it says.
func TestOpenAPIEtagHeaders(t *testing.T) {
	e := newEnv(t)
	resp, err := e.http.Get(e.base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	type param struct {
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []param `json:"parameters"`
			Responses  map[string]struct {
				Headers map[string]any `json:"headers"`
			} `json:"responses"`
		} `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method != "patch" && method != "delete" {
				continue
			}
			if !slices.Contains(op.Parameters, param{"If-Match", "header"}) {
				t.Errorf("%s %s does not list the If-Match header", method, path)
			}
		}
	}
	if _, ok := doc.Paths["/v1/people/{person}"]["get"].Responses["200"].Headers["ETag"]; !ok {
		t.Error("GET /v1/people/{person} does not list the ETag header of its answer")
	}
	if _, ok := doc.Paths["/v1/people"]["get"].Responses["200"].Headers["ETag"]; ok {
		t.Error("a list's answer, which has no etag, lists an ETag header")
	}
	if slices.Contains(doc.Paths["/v1/people"]["post"].Parameters, param{"If-Match", "header"}) {
		t.Error("a create lists If-Match")
	}

	p := e.person(&pb.Person{FamilyName: "Trần", GivenName: "An"})
	code, headers, body := e.restHeaders("GET", "/v1/"+p.GetName(), "", nil)
	if code != http.StatusOK || headers.Get("ETag") != `"`+p.GetEtag()+`"` {
		t.Fatalf("GET: HTTP %d, ETag %q, want %q: %v", code, headers.Get("ETag"), p.GetEtag(), body)
	}
	code, _, body = e.restHeaders("PATCH", "/v1/"+p.GetName(), `{"givenName": "Bình"}`, map[string]string{"If-Match": `"0000000000000000"`})
	if code != http.StatusPreconditionFailed {
		t.Errorf("PATCH with a stale If-Match: HTTP %d %v, want 412", code, body)
	}
	code, _, body = e.restHeaders("PATCH", "/v1/"+p.GetName(), `{"givenName": "Bình"}`, map[string]string{"If-Match": headers.Get("ETag")})
	if code != http.StatusOK {
		t.Errorf("PATCH with the ETag read as If-Match: HTTP %d %v", code, body)
	}
}
