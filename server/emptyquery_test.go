package server

import (
	"net/http"
	"testing"
)

// A query parameter sent empty (?showDeleted=, as a URL template or a
// form leaves it, and as the README's table of routes writes them) is
// unset, as an empty string parameter always was; a value that is not
// empty is still checked.
func TestEmptyQueryParameterIsUnset(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/v1/people?pageSize=&pageToken=&orderBy=&showDeleted=",
		"/v1/people?view=",
		"/v1/associations?filter=&orderBy=&showDeleted=",
		"/v1/administrativeUnits/91?asOf.year=&asOf.month=&asOf.day=",
		"/v1/auditEvents?principal=&resource=&method=&startTime=&endTime=",
	} {
		if code, body := e.rest("GET", path, nil); code != http.StatusOK {
			t.Errorf("GET %s: HTTP %d %v, want 200", path, code, body)
		}
	}
	for _, c := range []struct{ path, field string }{
		{"/v1/people?pageSize=many", "page_size"},
		{"/v1/people?showDeleted=maybe", "show_deleted"},
		{"/v1/people?view=WHOLE", "view"},
		{"/v1/people?pageSize=1&pageSize=", "page_size"},
	} {
		code, body := e.rest("GET", c.path, nil)
		wantREST(t, code, body, http.StatusBadRequest, c.field)
	}
}
