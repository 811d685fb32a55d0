package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code says what kind of failure an Error is. The server maps each to a gRPC
// status code.
type Code int

const (
	Internal           Code = iota // a fault of ours, never of the caller
	Invalid                        // the request is wrong; Field says where
	NotFound                       // the resource does not exist (or is deleted)
	AlreadyExists                  // an id or unique value is taken
	Aborted                        // the etag is stale: someone changed it first
	FailedPrecondition             // the resource is not in a state that allows it
	Unavailable                    // try again later
	DataLoss                       // the database is damaged (health.go)
	ResourceExhausted              // the request costs more than one call may
)

func (c Code) String() string {
	switch c {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not found"
	case AlreadyExists:
		return "already exists"
	case Aborted:
		return "aborted"
	case FailedPrecondition:
		return "failed precondition"
	case Unavailable:
		return "unavailable"
	case DataLoss:
		return "data loss"
	case ResourceExhausted:
		return "resource exhausted"
	}
	return "internal"
}

// Error is a failure the store explains to the caller. Message is safe to
// show to clients; Err, when set, is the underlying cause for the logs only.
type Error struct {
	Code Code
	// Field is the path of the offending field within the resource, for
	// example "national_id" or "qualifications[2].year"; empty when the error
	// is not about one field.
	Field   string
	Message string
	// Withheld, when set, is the message for a caller limited to a scope:
	// Message names someone such a caller may not learn of.
	Withheld string
	// NamesRestricted says that Message names a restricted person: then
	// Withheld is for every caller but an admin.
	NamesRestricted bool
	// RetryAfter, when set, is how long a caller should wait before
	// trying again (an Unavailable write waiting behind an import).
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	s := e.Message
	if e.Field != "" {
		s = e.Field + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

func errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalids collects every invalid field of a request, so that the caller
// learns about all of them at once.
type Invalids []*Error

func (e Invalids) Error() string {
	if len(e) == 1 {
		return e[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", e[0].Error(), len(e)-1)
}

func (v *Invalids) add(field, format string, args ...any) {
	*v = append(*v, errorf(Invalid, field, format, args...))
}

// err returns nil when nothing was invalid.
func (v Invalids) err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// reprefix returns err with the field paths that start with from (a path
// ending in ".", such as "person.") made to start with to instead, for a
// resource that a request carries under another name: the person of a
// registration is its "new_person.", its second qualification
// "qualifications[1].". Errors of other kinds pass unchanged.
func reprefix(err error, from, to string) error {
	fix := func(e *Error) *Error {
		base := strings.TrimSuffix(from, ".")
		switch {
		case e.Field == base:
			c := *e
			c.Field = strings.TrimSuffix(to, ".")
			return &c
		case strings.HasPrefix(e.Field, from):
			c := *e
			c.Field = to + strings.TrimPrefix(e.Field, from)
			return &c
		}
		return e
	}
	var inv Invalids
	if errors.As(err, &inv) {
		out := make(Invalids, len(inv))
		for i, e := range inv {
			out[i] = fix(e)
		}
		return out
	}
	var se *Error
	if errors.As(err, &se) {
		return fix(se)
	}
	return err
}

// missingReference turns the NOT_FOUND of a resource a request's field
// refers to into INVALID_ARGUMENT naming the field, as RegisterMember's
// person and a position's organization are: a bare NOT_FOUND reads as if
// the resource the URL names were missing.
func missingReference(err error, field string) error {
	var se *Error
	if errors.As(err, &se) && se.Code == NotFound && se.Field == "" {
		return &Error{Code: Invalid, Field: field, Message: se.Message, Withheld: se.Withheld, NamesRestricted: se.NamesRestricted}
	}
	return err
}
