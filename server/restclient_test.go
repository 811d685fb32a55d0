package server

import (
	"context"
	"net/http"
	"testing"

	"trithuc.gov.vn/trithuc/examples/restclient"
)

// TestGeneratedRESTClient calls a real server with the REST client that
// oapi-codegen generates from /openapi.json (examples/restclient): the
// document is complete enough for a client to be made from it and used.
// Resource names are path segments (people/{person}/qualifications/
// {qualification}), so the client fills each id and never escapes a slash.
func TestGeneratedRESTClient(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, err := restclient.NewClientWithResponses(e.base, restclient.WithHTTPClient(e.http),
		restclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+e.token)
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}

	id, given := "tran-thi-an", "An"
	created, err := c.PersonServiceCreatePersonWithResponse(ctx,
		&restclient.PersonServiceCreatePersonParams{PersonId: &id},
		restclient.V1Person{GivenName: given})
	if err != nil || created.JSON200 == nil {
		t.Fatalf("CreatePerson: %v, HTTP %d %s", err, created.StatusCode(), created.Body)
	}
	got, err := c.PersonServiceGetPersonWithResponse(ctx, id, nil)
	if err != nil || got.JSON200 == nil || *got.JSON200.Name != "people/"+id || got.JSON200.GivenName != given {
		t.Fatalf("GetPerson(%s): %v, HTTP %d %s", id, err, got.StatusCode(), got.Body)
	}

	level, major, year, qid := "THAC_SI", "Tin học", int32(2015), "ths-tin-hoc"
	q, err := c.PersonServiceCreateQualificationWithResponse(ctx, id,
		&restclient.PersonServiceCreateQualificationParams{QualificationId: &qid},
		restclient.V1Qualification{Kind: restclient.V1QualificationKindDEGREE, Level: &level, Major: &major, Year: &year})
	if err != nil || q.JSON200 == nil {
		t.Fatalf("CreateQualification: %v, HTTP %d %s", err, q.StatusCode(), q.Body)
	}
	want := "people/" + id + "/qualifications/" + qid
	gq, err := c.PersonServiceGetQualificationWithResponse(ctx, id, qid)
	if err != nil || gq.JSON200 == nil || *gq.JSON200.Name != want || *gq.JSON200.Major != major {
		t.Fatalf("GetQualification(%s): %v, HTTP %d %s", want, err, gq.StatusCode(), gq.Body)
	}
	if gq.HTTPResponse.Request.URL.EscapedPath() != "/v1/"+want {
		t.Errorf("the client called %s, want /v1/%s", gq.HTTPResponse.Request.URL.EscapedPath(), want)
	}

	missing, err := c.PersonServiceGetPersonWithResponse(ctx, "nobody", nil)
	if err != nil || missing.StatusCode() != http.StatusNotFound || missing.JSONDefault == nil {
		t.Errorf("GetPerson(nobody): %v, HTTP %d %s; want 404 with a google.rpc.Status", err, missing.StatusCode(), missing.Body)
	}
}
