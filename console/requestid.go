package console

import (
	"regexp"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// A form that creates something (a registration, a person, a qualification, a
// position, a work, an honour, a yearly report, an import) carries a request
// id (AIP-155) made when the form was shown, so that the same form sent twice
// — a double click, the browser sending it again after Back or a reload —
// creates one thing: the server answers the repeat with what the first
// created.

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// formRequestID is the request id a create form posted, or a new one for a
// form being shown, or posted without one (a page older than the field).
func (q *request) formRequestID() string {
	if q.r.Method == "POST" {
		if id := q.r.PostFormValue("request_id"); requestIDRE.MatchString(id) {
			return id
		}
	}
	return newFormToken()
}

// requestIDReused tells whether err refuses a request id sent before with
// other values: the form was saved, then sent again changed (after Back).
// The form shown again then takes a new id, so that saving it once more
// creates a second one, as its message says.
func requestIDReused(err error) bool {
	st, _ := status.FromError(err)
	if st.Code() != codes.InvalidArgument {
		return false
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				if v.GetField() == "request_id" {
					return true
				}
			}
		}
	}
	return false
}

// refuseCreate puts a create form's refusal on its page p: the message,
// its status, and each field's message next to its box, the new
// resource's id (idField in the request) next to the form's "id"; it
// returns the request id the form is shown again with (requestID, or a
// new one when the server refused it as spent: requestIDReused).
func (p *page) refuseCreate(err error, idField, requestID string) string {
	msg, bad, code := explain(err)
	p.Error, p.Status = msg, code
	for k, m := range bad {
		if k == idField {
			k = "id"
		}
		p.Fields[k] = m
	}
	if requestIDReused(err) {
		return newFormToken()
	}
	return requestID
}
