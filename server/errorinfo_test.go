package server

import (
	"context"
	"net/http"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// reasonOf is the reason of err's ErrorInfo, failing unless there is
// exactly one, of the API's domain.
func reasonOf(t *testing.T, err error) string {
	t.Helper()
	var infos []*errdetails.ErrorInfo
	for _, d := range status.Convert(err).Details() {
		if i, ok := d.(*errdetails.ErrorInfo); ok {
			infos = append(infos, i)
		}
	}
	if len(infos) != 1 || infos[0].GetDomain() != "trithuc.gov.vn" {
		t.Fatalf("%v: ErrorInfo %v, want one of domain trithuc.gov.vn", err, infos)
	}
	return infos[0].GetReason()
}

// restReasonOf is the reason of a REST error body's ErrorInfo.
func restReasonOf(t *testing.T, body map[string]any) string {
	t.Helper()
	details, _ := body["details"].([]any)
	var reasons []string
	for _, d := range details {
		dm, _ := d.(map[string]any)
		if dm["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			if dm["domain"] != "trithuc.gov.vn" {
				t.Errorf("ErrorInfo of domain %v", dm["domain"])
			}
			r, _ := dm["reason"].(string)
			reasons = append(reasons, r)
		}
	}
	if len(reasons) != 1 {
		t.Fatalf("error body %v: want one ErrorInfo", body)
	}
	return reasons[0]
}

// Every error, over gRPC and REST, carries a google.rpc.ErrorInfo whose
// reason a client can branch on (AIP-193; the README's table), beside the
// details it had: the BadRequest naming the field, the RetryInfo.
func TestErrorInfoReasons(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	p := e.person(&pb.Person{FamilyName: "Trần", GivenName: "An"})
	_, serviceTok := e.key(RoleService)
	service := e.clientAs(serviceTok)
	stranger := e.clientAs("tt_nobody_0000000000000000000000000000")

	grpcCases := []struct {
		name   string
		reason string
		call   func() error
	}{
		{"FieldInvalid", "FIELD_INVALID", func() error {
			_, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "persons/x"})
			return err
		}},
		{"NotFound", "NOT_FOUND", func() error {
			_, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/nobody"})
			return err
		}},
		{"AlreadyExists", "ALREADY_EXISTS", func() error {
			_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: p.GetName()[len("people/"):],
				Person: &pb.Person{FamilyName: "Lê", GivenName: "Bình"}})
			return err
		}},
		{"EtagMismatch", "ETAG_MISMATCH", func() error {
			_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
				Person: &pb.Person{Name: p.GetName(), GivenName: "Bình", Etag: "0000000000000000"}, UpdateMask: mask("given_name")})
			return err
		}},
		{"Unauthenticated", "UNAUTHENTICATED", func() error {
			_, err := stranger.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.GetName()})
			return err
		}},
		{"DeniedRole", "PERMISSION_DENIED_ROLE", func() error {
			_, err := service.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Bình"}})
			return err
		}},
		{"DeniedRoleFilter", "PERMISSION_DENIED_ROLE", func() error {
			_, err := service.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `email = "an@example.vn"`})
			return err
		}},
		{"DeniedScope", "PERMISSION_DENIED_SCOPE", func() error {
			_, err := f.medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: f.outsider.GetName()})
			return err
		}},
	}
	for _, c := range grpcCases {
		t.Run("gRPC/"+c.name, func(t *testing.T) {
			err := c.call()
			if err == nil {
				t.Fatal("the call succeeded")
			}
			if got := reasonOf(t, err); got != c.reason {
				t.Errorf("%v: reason %s, want %s", err, got, c.reason)
			}
			if got := client.Reason(err); got != c.reason {
				t.Errorf("client.Reason: %q, want %s", got, c.reason)
			}
		})
	}
	// The BadRequest is still there beside the ErrorInfo.
	_, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "persons/x"})
	wantCode(t, err, codes.InvalidArgument, "name")

	restCases := []struct {
		name, token, method, path string
		body                      any
		http                      int
		reason                    string
	}{
		{"FieldInvalid", e.token, "POST", "/v1/people", map[string]any{"familyName": "Lê"}, 400, "FIELD_INVALID"},
		{"UnknownParameter", e.token, "GET", "/v1/people?fitler=x", nil, 400, "FIELD_INVALID"},
		{"NotJSON", e.token, "POST", "/v1/people", "{", 400, "REQUEST_INVALID"},
		{"NotFound", e.token, "GET", "/v1/people/nobody", nil, 404, "NOT_FOUND"},
		{"NoSuchPath", e.token, "GET", "/v1/nothing-here", nil, 404, "METHOD_NOT_FOUND"},
		{"MethodNotAllowed", e.token, "PUT", "/v1/people", nil, 405, "UNIMPLEMENTED"},
		{"AlreadyExists", e.token, "POST", "/v1/people?personId=" + p.GetName()[len("people/"):], map[string]any{"familyName": "Lê", "givenName": "Bình"}, 409, "ALREADY_EXISTS"},
		{"EtagMismatch", e.token, "PATCH", "/v1/" + p.GetName(), map[string]any{"givenName": "Bình", "etag": "0000000000000000"}, 409, "ETAG_MISMATCH"},
		{"Unauthenticated", "tt_nobody_0000000000000000000000000000", "GET", "/v1/" + p.GetName(), nil, 401, "UNAUTHENTICATED"},
		{"UnauthenticatedWithBody", "", "POST", "/v1/people", map[string]any{"familyName": "Lê"}, 401, "UNAUTHENTICATED"},
		{"DeniedRole", serviceTok, "POST", "/v1/people", map[string]any{"familyName": "Lê", "givenName": "Bình"}, 403, "PERMISSION_DENIED_ROLE"},
		{"DeniedScope", f.medicalTok, "GET", "/v1/" + f.outsider.GetName(), nil, 403, "PERMISSION_DENIED_SCOPE"},
	}
	for _, c := range restCases {
		t.Run("REST/"+c.name, func(t *testing.T) {
			code, body := e.restAs(c.token, c.method, c.path, c.body)
			if code != c.http {
				t.Fatalf("HTTP %d %v, want %d", code, body, c.http)
			}
			if got := restReasonOf(t, body); got != c.reason {
				t.Errorf("%v: reason %s, want %s", body, got, c.reason)
			}
		})
	}
}

// A call refused by the rate limit is RATE_LIMITED, beside its RetryInfo,
// over gRPC and REST.
func TestErrorInfoRateLimited(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.RateLimit = 0.001; c.RateBurst = 1 })
	c, err := client.Dial(e.srv.GRPCAddr(), client.Options{Token: e.token, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	_, err = c.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	wantCode(t, err, codes.ResourceExhausted)
	if got := reasonOf(t, err); got != "RATE_LIMITED" {
		t.Errorf("reason %s, want RATE_LIMITED", got)
	}
	if _, ok := retryInfo(status.Convert(err)); !ok {
		t.Errorf("the RetryInfo is gone: %v", status.Convert(err).Details())
	}
	code, body := e.rest("GET", "/v1/people", nil)
	if got := restReasonOf(t, body); code != http.StatusTooManyRequests || got != "RATE_LIMITED" {
		t.Errorf("REST: HTTP %d reason %s, want 429 RATE_LIMITED", code, got)
	}
}

func retryInfo(st *status.Status) (*errdetails.RetryInfo, bool) {
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			return r, true
		}
	}
	return nil, false
}

// The error an import's operation ends with carries an ErrorInfo too,
// beside the import's answer with its problems.
func TestErrorInfoOfOperation(t *testing.T) {
	e := newEnv(t)
	rows := [][]any{peopleHeader, {"Trần", "", "An", "Nam", "32/01/1980", "", "", ""}}
	op, err := e.client.UploadImport(context.Background(), &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t, rows...)}})
	if err != nil {
		t.Fatal(err)
	}
	op = e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), op)
	st := status.FromProto(op.GetError())
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("the import ended %v, want INVALID_ARGUMENT", st)
	}
	if got := reasonOf(t, st.Err()); got != "REQUEST_INVALID" {
		t.Errorf("reason %s, want REQUEST_INVALID", got)
	}
	var answer bool
	for _, d := range st.Details() {
		_, ok := d.(*pb.ImportPeopleResponse)
		answer = answer || ok
	}
	if !answer {
		t.Errorf("the import's answer is gone from the error's details: %v", st.Details())
	}
}
