package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestJSONBodyValues: a body that is valid JSON but holds a value its field
// does not take (a string for a number, an enum value the enum lacks, a
// date as a string) is refused naming the field by its path from the
// request, as every other bad field is, and saying what the field takes;
// not as JSON that is not valid, nor in protojson's words.
func TestJSONBodyValues(t *testing.T) {
	e := newEnv(t)
	p := e.createPerson(&pb.Person{GivenName: "Ánh"})
	for _, c := range []struct {
		name, method, path, body, field string
		says                            []string
	}{
		{"ErrEnumName", "POST", "/v1/people", `{"givenName":"A","gender":"MAN"}`, "person.gender", []string{"MALE", "FEMALE", `"MAN"`}},
		{"ErrRepeatedEnum", "POST", "/v1/people", `{"givenName":"A","expertRoles":["CRITIQUE","BOGUS"]}`, "person.expert_roles[1]", []string{"CONSULTING", `"BOGUS"`}},
		{"ErrDateAsString", "POST", "/v1/people", `{"givenName":"A","birthDate":"1980-01-02"}`, "person.birth_date", []string{`"year"`, `"1980-01-02"`}},
		{"ErrYearNotNumber", "POST", "/v1/people", `{"givenName":"A","birthDate":{"year":"x"}}`, "person.birth_date.year", []string{"whole number", `"x"`}},
		{"ErrBoolInList", "POST", "/v1/people", `{"givenName":"A","fields":[{"field":"fields/vn2008-502","primary":"yes"}]}`, "person.fields[0].primary", []string{"true or false", `"yes"`}},
		{"ErrNumberForString", "POST", "/v1/people", `{"givenName":"A","email":5}`, "person.email", []string{"a string", "5"}},
		{"ErrListForString", "PATCH", "/v1/" + p.Name, `{"givenName":["B"]}`, "person.given_name", []string{"a string", "a list"}},
		{"ErrStringForList", "PATCH", "/v1/" + p.Name, `{"expertRoles":"CRITIQUE"}`, "person.expert_roles", []string{"a list"}},
		{"ErrTwice", "PATCH", "/v1/" + p.Name, `{"givenName":"B","given_name":"C"}`, "person.given_name", []string{"twice"}},
		{"ErrWholeRequestBody", "POST", "/v1/" + p.Name + ":undelete", `{"validateOnly":"yes"}`, "validate_only", []string{"true or false"}},
		{"ErrTimestamp", "POST", "/v1/dataSubjectRequests", `{"kind":"ACCESS","person":"` + p.Name + `","dueTime":"tomorrow"}`, "data_subject_request.due_time", []string{"RFC 3339", `"tomorrow"`}},
		{"ErrNotAnObject", "POST", "/v1/people", `[{"givenName":"A"}]`, "", []string{"JSON object", "a list"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest(c.method, c.path, c.body)
			if c.field == "" {
				wantREST(t, code, body, http.StatusBadRequest)
			} else {
				wantREST(t, code, body, http.StatusBadRequest, c.field)
			}
			msg, _ := body["message"].(string)
			if strings.Contains(msg, "not valid JSON") || strings.Contains(msg, "proto") || strings.Contains(msg, "\u00a0") ||
				strings.Contains(msg, "UNSPECIFIED") || !strings.HasPrefix(msg, c.field) {
				t.Errorf("message %q, want one that begins with %q in the API's words", msg, c.field)
			}
			for _, s := range c.says {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q, want it to say %s", msg, s)
				}
			}
			if d := violationText(body); c.field != "" && (d == "" || strings.HasPrefix(d, c.field)) {
				t.Errorf("violation's description %q, want one without the field it names", d)
			}
		})
	}
	if got := e.count(); got != 1 {
		t.Errorf("refused bodies left %d people, want 1", got)
	}
	if _, got := e.rest("GET", "/v1/"+p.Name, nil); got["givenName"] != "Ánh" {
		t.Errorf("a refused PATCH changed the person: %v", got)
	}
}

// TestQueryParameterValues: a query parameter given a value its type does
// not take is refused naming the parameter by its whole path (asOf.year is
// as_of.year) and saying what it takes, with the value sent.
func TestQueryParameterValues(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, path, field string
		says              []string
	}{
		{"ErrPageSizeWord", "/v1/people?pageSize=abc", "page_size", []string{"whole number", `"abc"`}},
		{"ErrPageSizeFraction", "/v1/people?page_size=1.5", "page_size", []string{"whole number", `"1.5"`}},
		{"ErrBool", "/v1/people?showDeleted=maybe", "show_deleted", []string{"true or false", `"maybe"`}},
		{"ErrNestedYear", "/v1/administrativeUnits/906?asOf.year=x", "as_of.year", []string{"whole number", `"x"`}},
		{"ErrTimestamp", "/v1/auditEvents?startTime=yesterday", "start_time", []string{"RFC 3339", `"yesterday"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest("GET", c.path, nil)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
			msg, _ := body["message"].(string)
			for _, s := range c.says {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q, want it to say %s", msg, s)
				}
			}
		})
	}
	for _, ok := range []string{"/v1/people?pageSize=2&showDeleted=true", "/v1/administrativeUnits/906?asOf.year=2019&asOf.month=6&asOf.day=1",
		"/v1/auditEvents?startTime=2026-01-01T00:00:00Z"} {
		if code, body := e.rest("GET", ok, nil); code != http.StatusOK {
			t.Errorf("GET %s: HTTP %d %v", ok, code, body)
		}
	}
}

// violationText is the description of a REST error's first field violation.
func violationText(body map[string]any) string {
	details, _ := body["details"].([]any)
	for _, d := range details {
		dm, _ := d.(map[string]any)
		vs, _ := dm["fieldViolations"].([]any)
		for _, v := range vs {
			vm, _ := v.(map[string]any)
			s, _ := vm["description"].(string)
			return s
		}
	}
	return ""
}

// TestValidationWording: the length and count rules of the contract are
// worded for people, not as protovalidate's "at least 1 characters" and
// "1000 item(s)".
func TestValidationWording(t *testing.T) {
	e := newEnv(t)
	many := make([]string, 1001)
	for i := range many {
		many[i] = "names=people/p" + strconv.Itoa(i)
	}
	for _, c := range []struct {
		name, method, path string
		body               any
		field, want        string
	}{
		{"ErrEmptyQuery", "GET", "/v1/people:search", nil, "query", "must not be empty"},
		// A rule of another kind passes as protovalidate words it.
		{"ErrNegativePageSize", "GET", "/v1/people?pageSize=-1", nil, "page_size", "must be greater than or equal to 0"},
		{"ErrNoNames", "GET", "/v1/people:batchGet", nil, "names", "must hold at least one item"},
		{"ErrTooManyNames", "GET", "/v1/people:batchGet?" + strings.Join(many, "&"), nil, "names", "must hold at most 1000 items"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.rest(c.method, c.path, c.body)
			wantREST(t, code, body, http.StatusBadRequest, c.field)
			msg, _ := body["message"].(string)
			if !strings.Contains(msg, c.want) || strings.Contains(msg, "(s)") || strings.Contains(msg, "1 characters") {
				t.Errorf("message %q, want one that says %q", msg, c.want)
			}
		})
	}
}

// FuzzExplainBody: whatever valid JSON protojson refuses, explainBody
// answers without panicking, and names a field only with its message.
func FuzzExplainBody(f *testing.F) {
	for _, s := range []string{`{"gender":"MAN"}`, `{"birthDate":"1980"}`, `[1]`, `{"fields":[{"primary":"x"}]}`,
		`{"givenName":"A","given_name":"B"}`, "{\n\"expertRoles\":[1,\n\"X\"]}", `{"person":{"birthDate":{"year":"x"}}}`, `{"a":{"b":[{}]}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		if !json.Valid([]byte(data)) {
			return
		}
		for _, v := range []any{&pb.CreatePersonRequest{}, new(*pb.Person), &pb.UpdateStatisticsSettingsRequest{}} {
			err := protojson.Unmarshal([]byte(data), bodyDescriptorMessage(v))
			if err == nil {
				continue
			}
			got := explainBody([]byte(data), v, err)
			if got == nil || got.Error() == "" {
				t.Fatalf("explainBody(%q) = %v", data, got)
			}
		}
	})
}

// bodyDescriptorMessage is a message to decode into for v, as the gateway
// decodes into the request or the address of its body field.
func bodyDescriptorMessage(v any) proto.Message {
	if m, ok := v.(proto.Message); ok {
		return m
	}
	return dynamicpb.NewMessage(bodyDescriptor(v))
}
