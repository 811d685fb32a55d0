package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestQueryOnMethodsWithoutQuery: a binding whose generated handler reads
// no query string (a body of "*", or a path that takes every field) refuses
// one, naming the parameter, and changes nothing; before, the gateway
// dropped it, and ?validateOnly=true on an undelete undeleted.
func TestQueryOnMethodsWithoutQuery(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Organizations.DeleteOrganization(ctx, &pb.DeleteOrganizationRequest{Name: org.GetName()}); err != nil {
		t.Fatal(err)
	}
	p := e.createPerson(anh())
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.GetName()}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"ErrUndeleteValidateOnly", "POST", "/v1/" + org.GetName() + ":undelete?validateOnly=true", map[string]any{}, "validateOnly"},
		{"ErrUndeleteEtag", "POST", "/v1/" + p.GetName() + ":undelete?etag=bogus&validateOnly=true", map[string]any{}, "etag"},
		{"ErrListConsents", "GET", "/v1/" + p.GetName() + "/consents?filter=((&orderBy=zzz&pageSize=-1&fitler=1", nil, "filter"},
		{"ErrGetAcademicTitle", "GET", "/v1/academicTitles/GIAO_SU?fitler=1", nil, "fitler"},
		{"ErrImportReport", "GET", "/v1/operations/abc:report?format=BOGUS", nil, "format"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest(c.method, c.path, c.body)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
		})
	}
	if o, err := e.client.Organizations.GetOrganization(ctx, &pb.GetOrganizationRequest{Name: org.GetName()}); err != nil || o.GetDeleteTime() == nil {
		t.Errorf("a refused undelete undeleted the organization: %v %v", o, err)
	}
	if got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.GetName()}); err != nil || got.GetDeleteTime() == nil {
		t.Errorf("a refused undelete undeleted the person: %v %v", got, err)
	}
	// Bindings that read the query string still do.
	for _, ok := range []string{"/v1/people?pageSize=1&showDeleted=true", "/v1/" + p.GetName() + "?view=PERSON_VIEW_FULL", "/v1/academicTitles?pageSize=1"} {
		if code, body := e.rest("GET", ok, nil); code != http.StatusOK {
			t.Errorf("GET %s: HTTP %d %v", ok, code, body)
		}
	}
	if code, body := e.rest("POST", "/v1/"+org.GetName()+":undelete", map[string]any{"validateOnly": true}); code != http.StatusOK {
		t.Errorf("validateOnly in the body: HTTP %d %v", code, body)
	}
}

// TestErrorBodies: every REST error has the google.rpc.Status body, a
// streaming call's too when it fails before its first message (a body over
// the limit: TestRESTOversizeSaysTheLimit).
func TestErrorBodies(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, path string
		field      string
	}{
		{"ErrExportColumns", "/v1/people:export?columns=bogus", "columns"},
		{"ErrExportOrderBy", "/v1/people:export?orderBy=zzz", "order_by"},
		{"ErrExportFilter", "/v1/people:export?filter=((", "filter"},
		{"ErrWatchFilter", "/v1/changes:watch?filter=bogus%3D1", "filter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest("GET", c.path, nil)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
			if body["code"] != float64(codes.InvalidArgument) {
				t.Errorf("code %v, want %d", body["code"], codes.InvalidArgument)
			}
		})
	}
}

// TestEnumMessages: a value an enum rule refuses is explained with the
// values' names, which a client sends, not their numbers.
func TestEnumMessages(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, method, path string
		body               any
		field, want        string
	}{
		{"Verify", "POST", "/v1/people/p1/qualifications/q1:verify", map[string]any{}, "state", "VERIFIED, REJECTED"},
		{"Review", "POST", "/v1/honorCampaigns/c1/nominations/n1:review", map[string]any{"decision": "SELECTED"}, "decision", "SELECTED is not allowed"},
		{"Transition", "POST", "/v1/dataSubjectRequests/r1:transition", map[string]any{"state": "RECEIVED"}, "state", "RECEIVED is not allowed"},
		{"Template", "POST", "/v1/reports", map[string]any{"template": 0, "asOf": map[string]any{"year": 2025, "month": 1, "day": 1}}, "report.template", "YEARLY_WORKFORCE"},
		{"ExpertRoles", "POST", "/v1/people", map[string]any{"givenName": "A", "expertRoles": []any{0}}, "person.expert_roles[0]", "CRITIQUE"},
		{"PoolRoles", "POST", "/v1/associations/a1/expertPools", map[string]any{"displayName": "P", "roles": []any{0}}, "expert_pool.roles[0]", "CRITIQUE"},
		{"Purposes", "POST", "/v1/people/p1/consents", map[string]any{"purposes": []any{0}, "textVersion": "1"}, "consent.purposes[0]", "REGISTRY"},
		{"Dimensions", "GET", "/v1/statistics:compute?dimensions=0", nil, "dimensions[0]", "GENDER"},
		{"UndefinedNumber", "POST", "/v1/people", map[string]any{"givenName": "A", "gender": 99}, "person.gender", "99 is not a value of Gender; want one of MALE, FEMALE"},
		{"UndefinedNumberInList", "POST", "/v1/people", map[string]any{"givenName": "A", "expertRoles": []any{1, 99}}, "person.expert_roles[1]", "CONSULTING"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest(c.method, c.path, c.body)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
			msg, _ := body["message"].(string)
			if strings.Contains(msg, "list [") || !strings.Contains(msg, c.want) {
				t.Errorf("message %q, want the names of the values (%s)", msg, c.want)
			}
		})
	}
}

// TestOperationsInputs: the operations' routes, written by hand, check
// their input as the generated ones do.
func TestOperationsInputs(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, path, field string
	}{
		{"ErrNegativePageSize", "/v1/operations?pageSize=-1", "page_size"},
		{"ErrPageSizeNotANumber", "/v1/operations?pageSize=abc", "page_size"},
		{"ErrUnknownParameter", "/v1/operations?fitler=x", "fitler"},
		{"ErrParameterOfGet", "/v1/operations/abc?view=FULL", "view"},
		{"ErrLongName", "/v1/operations/" + strings.Repeat("a", 3000), "name"},
		{"ErrDotsReport", "/v1/operations/..:report", "name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest("GET", c.path, nil)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
		})
	}
	_, err := longrunningpb.NewOperationsClient(e.client.Conn()).ListOperations(context.Background(),
		&longrunningpb.ListOperationsRequest{Name: "operations", PageSize: -1})
	wantCode(t, err, codes.InvalidArgument, "page_size")
	for _, ok := range []string{"/v1/operations?pageSize=2000", "/v1/operations?page_size=1&filter="} {
		if code, body := e.rest("GET", ok, nil); code != http.StatusOK {
			t.Errorf("GET %s: HTTP %d %v", ok, code, body)
		}
	}
}

// TestJSONBodies: a body is one JSON value in UTF-8, or refused with a
// message that says what is wrong and where, and nothing is made.
func TestJSONBodies(t *testing.T) {
	e := newEnv(t)
	p := e.createPerson(&pb.Person{GivenName: "Ánh"})
	for _, c := range []struct{ name, method, path, body, says string }{
		{"ErrTrailingWord", "POST", "/v1/people", `{"givenName":"A"} x`, "at byte 18"},
		{"ErrTwoValues", "POST", "/v1/people", `{"givenName":"A"}{"x":1}`, "at byte 17"},
		{"ErrCutShort", "POST", "/v1/people", `{`, "at byte 1"},
		{"ErrTrailingComma", "POST", "/v1/people", `{"givenName":"A",}`, "at byte 17"},
		{"ErrByteOrderMark", "POST", "/v1/people", "\uFEFF" + `{"givenName":"A"}`, "byte order mark"},
		{"ErrNotUTF8", "POST", "/v1/people", "{\"givenName\":\"A\xff\"}", "not UTF-8, at byte 15"},
		{"ErrPatchTrailing", "PATCH", "/v1/" + p.Name, `{"givenName":"B"} x`, "at byte 18"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest(c.method, c.path, c.body)
			wantREST(t, code, body, http.StatusBadRequest)
			if msg, _ := body["message"].(string); !strings.HasPrefix(msg, "the request body is not valid JSON") || !strings.Contains(msg, c.says) {
				t.Errorf("message %q, want one that says %q", msg, c.says)
			}
		})
	}
	if got := e.count(); got != 1 {
		t.Errorf("refused bodies left %d people, want 1", got)
	}
	if _, got := e.rest("GET", "/v1/"+p.Name, nil); got["givenName"] != "Ánh" {
		t.Errorf("a refused PATCH changed the person: %v", got)
	}
	if code, body := e.rest("POST", "/v1/people", "{\"givenName\":\"A\"}\n"); code != http.StatusOK {
		t.Errorf("a body ending in a newline: HTTP %d %v", code, body)
	}
}

// TestEnumQueryParameters: a query parameter of an enum type given a value
// the enum does not have is refused with the parameter's name and the
// values it takes, read from the enum, whatever the parameter.
func TestEnumQueryParameters(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, path, field string
		want              []string
	}{
		{"ErrGetView", "/v1/people/p1?view=FULL", "view", []string{"PERSON_VIEW_BASIC, PERSON_VIEW_FULL", `"FULL"`}},
		{"ErrListView", "/v1/people?view=full", "view", []string{"PERSON_VIEW_BASIC, PERSON_VIEW_FULL"}},
		{"ErrDimensionName", "/v1/statistics:compute?dimensions=GENDER&dimensions=SEX", "dimensions", []string{"GENDER", "ACADEMIC_TITLE", `"SEX"`}},
		{"ErrDimensionNumber", "/v1/statistics:compute?dimensions=999", "dimensions", []string{"GENDER", `"999"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest("GET", c.path, nil)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
			msg, _ := body["message"].(string)
			if !strings.Contains(msg, "query parameter "+c.field) || strings.Contains(msg, "UNSPECIFIED") {
				t.Errorf("message %q, want one naming %s and no UNSPECIFIED value", msg, c.field)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q, want it to say %s", msg, w)
				}
			}
		})
	}
}
