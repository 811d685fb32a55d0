package server

import (
	"encoding/json"
	"net/http"
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
