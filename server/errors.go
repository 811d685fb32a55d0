package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"

	"buf.build/go/protovalidate"
	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"

	"trithuc.gov.vn/trithuc/store"
)

// errInternal is all a client learns of a fault of ours; the cause goes to
// the log.
var errInternal = status.Error(codes.Internal, "internal error; it has been logged")

// grpcError turns an error from the store into a status the client can act
// on. It is the one place where store errors become gRPC codes.
func grpcError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, "the call was cancelled")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, "the call ran out of time")
	}
	if errors.Is(err, store.ErrBadKey) {
		return status.Error(codes.Unauthenticated, store.ErrBadKey.Error())
	}
	var inv store.Invalids
	if errors.As(err, &inv) {
		return badRequest(inv...)
	}
	var se *store.Error
	if !errors.As(err, &se) {
		slog.ErrorContext(ctx, "internal error", "err", err)
		return errInternal
	}
	if se.Withheld != "" && (scopeOf(ctx) != "" || se.NamesRestricted && restrictionApplies(ctx)) {
		// The message names someone a limited caller (or, restricted,
		// any caller but an admin) may not learn of.
		withheld := *se
		withheld.Message = withheld.Withheld
		se = &withheld
	}
	switch se.Code {
	case store.Invalid:
		return badRequest(se)
	case store.NotFound:
		return status.Error(codes.NotFound, se.Message)
	case store.AlreadyExists:
		return withField(codes.AlreadyExists, se)
	case store.Aborted:
		return withField(codes.Aborted, se)
	case store.FailedPrecondition:
		return status.Error(codes.FailedPrecondition, se.Message)
	case store.Unavailable:
		if se.RetryAfter > 0 {
			return withDetails(codes.Unavailable, se.Message, &errdetails.RetryInfo{RetryDelay: durationpb.New(se.RetryAfter)})
		}
		return status.Error(codes.Unavailable, se.Message)
	case store.DataLoss:
		slog.ErrorContext(ctx, "database damaged", "err", err)
		return status.Error(codes.DataLoss, se.Message)
	case store.ResourceExhausted:
		return status.Error(codes.ResourceExhausted, se.Message)
	}
	slog.ErrorContext(ctx, "internal error", "err", err)
	return errInternal
}

// badRequest is INVALID_ARGUMENT with a google.rpc.BadRequest naming every
// bad field (AIP-193).
func badRequest(errs ...*store.Error) error {
	br := &errdetails.BadRequest{}
	for _, e := range errs {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field:       e.Field,
			Description: e.Message,
		})
	}
	return withDetails(codes.InvalidArgument, summary(errs), br)
}

func summary(errs []*store.Error) string {
	msg := errs[0].Message
	if errs[0].Field != "" {
		msg = errs[0].Field + ": " + msg
	}
	if n := len(errs) - 1; n == 1 {
		msg += " (and 1 more problem)"
	} else if n > 1 {
		msg += " (and " + strconv.Itoa(n) + " more problems)"
	}
	return msg
}

// withField is a status that names the field it is about, for codes other
// than INVALID_ARGUMENT (a taken national ID, a stale etag).
func withField(code codes.Code, e *store.Error) error {
	if e.Field == "" {
		return status.Error(code, e.Message)
	}
	return withDetails(code, e.Field+": "+e.Message, &errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: e.Field, Description: e.Message}},
	})
}

// errorDomain is the domain of every google.rpc.ErrorInfo the API sends
// (AIP-193).
const errorDomain = "trithuc.gov.vn"

// The reasons of the API's ErrorInfo, the README's table: a client branches
// on them, never on messages. Most are the code's own name; a few codes
// have finer reasons.
const (
	reasonFieldInvalid    = "FIELD_INVALID"           // INVALID_ARGUMENT naming a field in a BadRequest
	reasonRequestInvalid  = "REQUEST_INVALID"         // INVALID_ARGUMENT about the whole request
	reasonEtagMismatch    = "ETAG_MISMATCH"           // ABORTED: the etag sent is stale
	reasonRateLimited     = "RATE_LIMITED"            // RESOURCE_EXHAUSTED with a RetryInfo: try again after its delay
	reasonRequestTooLarge = "REQUEST_TOO_LARGE"       // RESOURCE_EXHAUSTED: a request over the size limit (checkSize, tooLargeStatus)
	reasonDeniedRole      = "PERMISSION_DENIED_ROLE"  // the caller's role may not do this
	reasonDeniedScope     = "PERMISSION_DENIED_SCOPE" // outside the scope the caller's key is limited to
	reasonMethodNotFound  = "METHOD_NOT_FOUND"        // no such RPC (UNIMPLEMENTED) or REST path (404): a client of another version
)

// errorInfo is the ErrorInfo of reason.
func errorInfo(reason string) *errdetails.ErrorInfo {
	return &errdetails.ErrorInfo{Reason: reason, Domain: errorDomain}
}

// withErrorInfo is st with an ErrorInfo, unless it has one (a site that
// knows a finer reason, as denied does, sets its own) or is OK. It is the
// one place reasons come from: the chain's outermost link (errorInfoLink)
// and the gateway's own errors (gatewayError, writeStatus) call it, so
// every error over gRPC and REST carries one.
func withErrorInfo(st *status.Status) *status.Status {
	if st.Code() == codes.OK {
		return st
	}
	field, retry := "", false
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			return st
		case *errdetails.BadRequest:
			if vs := d.GetFieldViolations(); len(vs) > 0 && field == "" {
				field = vs[0].GetField()
			}
		case *errdetails.RetryInfo:
			retry = true
		}
	}
	// The code's name in google.rpc.Code: INVALID_ARGUMENT, CANCELLED.
	reason := rpccode.Code(st.Code()).String()
	switch st.Code() {
	case codes.InvalidArgument:
		reason = reasonRequestInvalid
		if field != "" {
			reason = reasonFieldInvalid
		}
	case codes.Aborted:
		if field == "etag" || strings.HasSuffix(field, ".etag") {
			reason = reasonEtagMismatch
		}
	case codes.ResourceExhausted:
		if retry {
			reason = reasonRateLimited
		}
	}
	if d, err := st.WithDetails(errorInfo(reason)); err == nil {
		return d
	}
	return st
}

// withErrorInfoErr is withErrorInfo for an error; one that is no status
// passes unchanged.
func withErrorInfoErr(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	return withErrorInfo(st).Err()
}

// errorInfoLink is the chain's outermost link: it gives every error a
// call ends with its ErrorInfo.
func errorInfoLink() interceptor {
	return interceptor{
		unary: func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			resp, err := handler(ctx, req)
			return resp, withErrorInfoErr(err)
		},
		stream: func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
			return withErrorInfoErr(handler(srv, ss))
		},
	}
}

// denied is PERMISSION_DENIED with the finer reason a client can branch
// on: the caller's role (reasonDeniedRole) or its key's scope
// (reasonDeniedScope).
func denied(reason, format string, args ...any) error {
	return withDetails(codes.PermissionDenied, fmt.Sprintf(format, args...), errorInfo(reason))
}

func withDetails(code codes.Code, msg string, details ...protoadapt.MessageV1) error {
	st := status.New(code, msg)
	if d, err := st.WithDetails(details...); err == nil {
		st = d
	}
	return st.Err()
}

// validationError turns protovalidate's violations of req into a
// BadRequest.
func validationError(req protoreflect.MessageDescriptor, err error) error {
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	errs := make([]*store.Error, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		msg := v.Proto.GetMessage()
		if m, ok := wildcardMessage(req, v, msg); ok {
			msg = m
		} else if m, ok := enumMessage(req, v); ok {
			msg = m
		} else if m, ok := oneofMessage(req, v); ok {
			msg = m
		} else if m, ok := countMessage(v); ok {
			msg = m
		} else if msg == "" {
			msg = "is not valid (" + v.Proto.GetRuleId() + ")"
		}
		errs = append(errs, &store.Error{
			Code:    store.Invalid,
			Field:   violationField(req, v),
			Message: msg,
		})
	}
	if len(errs) == 0 {
		return nil
	}
	return badRequest(errs...)
}

// violationField is the path of the field a violation is about. A rule of
// a whole message (a CEL rule comparing two fields) has none; its id names
// the field it reports on, `end_time.after_start_time`, as the ids of
// fields' own rules do, so that the BadRequest names a field (AIP-193).
func violationField(req protoreflect.MessageDescriptor, v *protovalidate.Violation) string {
	if f := protovalidate.FieldPathString(v.Proto.GetField()); f != "" {
		return f
	}
	id := v.Proto.GetRuleId()
	i := strings.LastIndexByte(id, '.')
	if i <= 0 {
		return ""
	}
	path := id[:i]
	// Only a path of req's fields: protovalidate's own ids (message.oneof)
	// name no field.
	md := req
	for name := range strings.SplitSeq(path, ".") {
		var fd protoreflect.FieldDescriptor
		if md != nil {
			fd = md.Fields().ByName(protoreflect.Name(name))
		}
		if fd == nil {
			return ""
		}
		md = fd.Message()
	}
	return path
}

// wildcardMessage words the refusal of a name with a "-" segment outside
// a List call: "-" stands for every parent (AIP-159), so it reads a
// collection, never one resource, which its pattern alone does not tell
// the caller who sent people/-/qualifications/x to GetQualification.
func wildcardMessage(req protoreflect.MessageDescriptor, v *protovalidate.Violation, msg string) (string, bool) {
	fd := v.FieldDescriptor
	if req == nil || fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() || !v.FieldValue.IsValid() {
		return "", false
	}
	if list := strings.HasPrefix(string(req.Name()), "List") || strings.HasPrefix(string(req.Name()), "Search"); list || fd.Name() != "name" && fd.Name() != "parent" {
		return "", false
	}
	if !slices.Contains(strings.Split(v.FieldValue.String(), "/"), "-") {
		return "", false
	}
	return `"-" (any parent, https://google.aip.dev/159) works only in the parent of a List call, to read across collections; ` + msg, true
}

// countMessage words the rules on a length or a number of items, which
// protovalidate words "must be at least 1 characters" and "must contain
// at least 1 item(s)".
func countMessage(v *protovalidate.Violation) (string, bool) {
	rule := v.Proto.GetRuleId()
	if rule != "string.min_len" && rule != "repeated.min_items" && rule != "repeated.max_items" || !v.RuleValue.IsValid() {
		return "", false
	}
	// These rules' values are uint64.
	n, ok := v.RuleValue.Interface().(uint64)
	if !ok {
		return "", false
	}
	switch rule {
	case "string.min_len":
		if n == 1 {
			return "must not be empty", true
		}
		return fmt.Sprintf("must be at least %d characters long", n), true
	case "repeated.min_items":
		if n == 1 {
			return "must hold at least one item", true
		}
		return fmt.Sprintf("must hold at least %d items", n), true
	case "repeated.max_items":
		return fmt.Sprintf("must hold at most %d items", n), true
	}
	return "", false
}

// oneofMessage words a required oneof left empty with the fields that
// can fill it: protovalidate's message names none.
func oneofMessage(req protoreflect.MessageDescriptor, v *protovalidate.Violation) (string, bool) {
	els := v.Proto.GetField().GetElements()
	if req == nil || v.Proto.GetRuleId() != "required" || v.FieldDescriptor != nil || len(els) != 1 {
		return "", false
	}
	o := req.Oneofs().ByName(protoreflect.Name(els[0].GetFieldName()))
	if o == nil {
		return "", false
	}
	var names []string
	for i := range o.Fields().Len() {
		names = append(names, string(o.Fields().Get(i).Name()))
	}
	return "required: set one of " + strings.Join(names, ", "), true
}

// enumMessage words a violation of enum.in, enum.not_in or
// enum.defined_only with the names of the enum's values, which a client
// sends and reads: protovalidate's message lists their numbers ("must be
// in list [2, 3]"), or none.
func enumMessage(req protoreflect.MessageDescriptor, v *protovalidate.Violation) (string, bool) {
	rule := v.Proto.GetRuleId()
	if rule != "enum.in" && rule != "enum.not_in" && rule != "enum.defined_only" || !v.RuleValue.IsValid() {
		return "", false
	}
	// The violation of an item of a list has no field descriptor: the
	// field is found by its path.
	fd := v.FieldDescriptor
	for _, el := range v.Proto.GetField().GetElements() {
		if req == nil {
			return "", false
		}
		fd = req.Fields().ByNumber(protoreflect.FieldNumber(el.GetFieldNumber()))
		if fd == nil {
			return "", false
		}
		req = fd.Message()
	}
	if fd == nil || fd.Enum() == nil {
		return "", false
	}
	if rule == "enum.defined_only" {
		// A number the client's copy of the contract has and the
		// server's lacks.
		return fmt.Sprintf("%d is not a value of %s; want one of %s", v.FieldValue.Enum(), fd.Enum().Name(), definedValues(fd.Enum())), true
	}
	listed := map[protoreflect.EnumNumber]bool{}
	for i, list := 0, v.RuleValue.List(); i < list.Len(); i++ {
		listed[protoreflect.EnumNumber(list.Get(i).Int())] = true
	}
	values := fd.Enum().Values()
	var want []string
	for i := 0; i < values.Len(); i++ {
		if ev := values.Get(i); listed[ev.Number()] == (rule == "enum.in") {
			want = append(want, string(ev.Name()))
		}
	}
	var got protoreflect.EnumNumber
	if v.FieldValue.IsValid() {
		got = v.FieldValue.Enum()
	}
	if got == 0 && !fd.IsList() {
		return "required: one of " + strings.Join(want, ", "), true
	}
	name := strconv.Itoa(int(got))
	if ev := values.ByNumber(got); ev != nil {
		name = string(ev.Name())
	}
	return fmt.Sprintf("%s is not allowed here; want one of %s", name, strings.Join(want, ", ")), true
}

// definedValues names an enum's values but the zero one, which stands for
// "unset" (AIP-126).
func definedValues(ed protoreflect.EnumDescriptor) string {
	var names []string
	for i := range ed.Values().Len() {
		if ev := ed.Values().Get(i); ev.Number() != 0 {
			names = append(names, string(ev.Name()))
		}
	}
	return strings.Join(names, ", ")
}
