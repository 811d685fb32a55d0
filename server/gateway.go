package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// incomingHeader forwards no HTTP header as gRPC metadata: the gateway
// forwards the Authorization header by itself, and nothing else a client
// sends may reach the server as metadata (in particular nothing that could
// claim an identity).
func incomingHeader(key string) (string, bool) {
	return "", false
}

// outgoingHeader sends the call's request id as X-Request-Id and nothing
// else of the gRPC response metadata: Grpc-Metadata-* headers are the
// transport's business, not a REST client's.
func outgoingHeader(key string) (string, bool) {
	if key == requestIDHeader {
		return "X-Request-Id", true
	}
	return "", false
}

// outgoingTrailer sends no gRPC trailer as an HTTP trailer.
func outgoingTrailer(string) (string, bool) { return "", false }

// headAsGet answers a HEAD as the GET of the same path, without its body
// (RFC 9110 §9.3.2), which net/http leaves out for a HEAD: the gateway
// routes GETs only, and answered a monitor's or `curl -I`'s HEAD 405.
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		get := r.Clone(r.Context())
		get.Method = http.MethodGet
		next.ServeHTTP(w, get)
	})
}

// limitBody refuses bodies over max bytes: at once with tooLarge when the
// request says its length, and as the body is read when it does not (the
// reader's *http.MaxBytesError, which next answers, finding max in the
// request's context: bodyLimit).
func limitBody(next http.Handler, max int64, tooLarge func(w http.ResponseWriter, r *http.Request, max int64)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w, r, max)
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			// Nothing to hold to a limit (a GET): the reader, the context
			// and the request's copy were three allocations a read.
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), bodyLimitKey{}, max)))
	})
}

type bodyLimitKey struct{}

// bodyLimit is the limit limitBody held r's body to, 0 if none.
func bodyLimit(r *http.Request) int64 {
	max, _ := r.Context().Value(bodyLimitKey{}).(int64)
	return max
}

// bodyTooLarge is the API's answer to a body over the limit: 413 with
// RESOURCE_EXHAUSTED, the code gRPC gives a message over the limit.
func bodyTooLarge(w http.ResponseWriter, r *http.Request, max int64) {
	writeStatus(w, r, tooLargeStatus(r, max, r.ContentLength), http.StatusRequestEntityTooLarge)
}

// tooLargeStatus is the status of a REST body over max bytes, size when it
// said its length (-1 if not): gRPC's refusal (requestTooLarge). An
// import's file has its own, larger, limit, which UploadImport holds to
// as well: the message says to split the file.
func tooLargeStatus(r *http.Request, max, size int64) *status.Status {
	if r.Pattern == importRoute {
		return requestTooLarge("the import's file", size, max, "an import's own limit", adviceSplit)
	}
	return requestTooLarge("the request", size, max, "--max-request-bytes", adviceSendLess)
}

func writeStatus(w http.ResponseWriter, r *http.Request, st *status.Status, code int) {
	st = withErrorInfo(st)
	m := &runtime.JSONPb{}
	body, err := m.Marshal(st.Proto())
	if err != nil {
		body = []byte(`{"code":13,"message":"internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	retryAfter(w, st)
	w.WriteHeader(code)
	w.Write(body)
}

// strictQuery refuses query parameters that name no field of the request,
// as unknown JSON fields are refused: a misspelt "fitler" must not return
// everything as if no filter had been asked for. It refuses a value an enum
// parameter does not take with the values it does, which the gateway's
// parser does not name.
type strictQuery struct{ runtime.DefaultQueryParser }

func (q *strictQuery) Parse(msg proto.Message, values url.Values, filter *utilities.DoubleArray) error {
	md := msg.ProtoReflect().Descriptor()
	for key, vs := range values {
		param, fd, err := queryField(md, key)
		if err != nil {
			return err
		}
		if !fd.IsList() && fd.Kind() != protoreflect.StringKind && fd.Kind() != protoreflect.BytesKind && !slices.ContainsFunc(vs, func(v string) bool { return v != "" }) {
			// ?showDeleted= or ?asOf.year=, as a URL template or a form
			// leaves a parameter not given: unset, as an empty string
			// parameter is, not a value refused.
			delete(values, key)
			continue
		}
		if err := checkEnumParam(param, fd, vs); err != nil {
			return err
		}
		if fd.Message() != nil && fd.Message().FullName() == "google.protobuf.FieldMask" && !fd.IsList() && len(vs) > 1 {
			// ?updateMask=a&updateMask=b, as clients write a list (and
			// the OpenAPI document's form style allows): the paths of
			// both, which the gateway's parser refuses as "too many values".
			values[key] = []string{strings.Join(vs, ",")}
		}
	}
	if err := q.DefaultQueryParser.Parse(msg, values, filter); err != nil {
		// Only a refused query pays for finding the value refused.
		for key, vs := range values {
			param, fd, _ := queryField(md, key)
			if err := q.checkValueParam(msg, key, param, fd, vs, filter); err != nil {
				return err
			}
		}
		return err
	}
	snakeMasks(msg)
	return nil
}

// queryField is the field of md the query parameter key names, and its
// path by the fields' proto names.
func queryField(md protoreflect.MessageDescriptor, key string) (string, protoreflect.FieldDescriptor, error) {
	path, _, _ := strings.Cut(key, "[")
	m := md
	var fd protoreflect.FieldDescriptor
	var names []string
	for _, part := range strings.Split(path, ".") {
		if m == nil {
			return "", nil, fmt.Errorf("unknown query parameter %q", key)
		}
		fd = m.Fields().ByTextName(part)
		if fd == nil {
			fd = m.Fields().ByJSONName(part)
		}
		if fd == nil {
			return "", nil, fmt.Errorf("unknown query parameter %q", key)
		}
		names = append(names, fd.TextName())
		m = nil
		if fd.Message() != nil && !fd.IsList() && !fd.IsMap() {
			m = fd.Message()
		}
	}
	return strings.Join(names, "."), fd, nil
}

// checkValueParam refuses a value of the query parameter key that its
// type does not take, with the parameter's whole path and what it takes:
// the gateway's parser says "wrong type", and names asOf.year "year". The
// value is tried with the gateway's own parser, on a message of its own.
func (q *strictQuery) checkValueParam(msg proto.Message, key, param string, fd protoreflect.FieldDescriptor, vs []string, filter *utilities.DoubleArray) error {
	if fd.Enum() != nil || fd.IsMap() || fd.Message() != nil && !wellKnownParam[fd.Message().FullName()] {
		return nil
	}
	for _, v := range vs {
		if q.DefaultQueryParser.Parse(msg.ProtoReflect().New().Interface(), url.Values{key: {v}}, filter) == nil {
			continue
		}
		if len(v) > 64 {
			v = v[:64] + "…"
		}
		return fmt.Errorf("query parameter %s must be %s, not %q", param, kindText(fd), strings.ToValidUTF8(v, "\uFFFD"))
	}
	return nil
}

// wellKnownParam are the messages a query parameter gives as one value.
var wellKnownParam = map[protoreflect.FullName]bool{
	"google.protobuf.Timestamp": true,
	"google.protobuf.Duration":  true,
}

// checkEnumParam refuses a value of the enum query parameter fd, which the
// gateway takes by name or number, that names none of the enum's values.
func checkEnumParam(param string, fd protoreflect.FieldDescriptor, vs []string) error {
	if fd.Enum() == nil || fd.IsMap() {
		return nil
	}
	values := fd.Enum().Values()
	for _, v := range vs {
		if values.ByName(protoreflect.Name(v)) != nil {
			continue
		}
		if n, err := strconv.ParseInt(v, 10, 32); err == nil && values.ByNumber(protoreflect.EnumNumber(n)) != nil {
			continue
		}
		if len(v) > 64 {
			v = v[:64] + "…"
		}
		return fmt.Errorf("query parameter %s must be one of %s, not %q", param, definedValues(fd.Enum()), strings.ToValidUTF8(v, "\uFFFD"))
	}
	return nil
}

// refuseMisrouted answers a request the router gave a handler the
// contract has no binding for: an id with a custom verb (GET
// people/abc:undelete) matches the GET, PATCH or DELETE of the resource,
// whose id cannot hold a ":", and was refused as a malformed name. It is
// 405 with the methods the path allows, or 404 when none does, as for a
// path the router matched to nothing.
func refuseMisrouted(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if path := r.URL.EscapedPath(); strings.Contains(path[strings.LastIndexByte(path, '/')+1:], ":") && len(matchingRoutes(r.Method, path)) == 0 {
			routingError(r.Context(), nil, nil, w, r, http.StatusMethodNotAllowed)
			return
		}
		next(w, r, params)
	}
}

// refuseQuery refuses a query string on the bindings whose generated
// handler reads none (a body of "*", or a path that takes every field): the
// gateway would drop it silently, and ?validateOnly=true on an undelete
// would undelete.
func refuseQuery(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if r.URL.RawQuery == "" || !slices.ContainsFunc(shapeRoutes(r.Method, r.URL.EscapedPath()), func(rt route) bool { return !rt.query }) {
			// Whatever binding matched reads the query, if one did.
			next(w, r, params)
			return
		}
		routes := matchingRoutes(r.Method, r.URL.EscapedPath())
		for _, rt := range routes {
			if rt.query {
				next(w, r, params)
				return
			}
		}
		if len(routes) == 0 {
			// Not a route of the API: the router answers it.
			next(w, r, params)
			return
		}
		key := firstQueryKey(r)
		text := noQuery
		if rt := routes[0]; rt.body == "*" && (rt.input.Fields().ByJSONName(key) != nil || rt.input.Fields().ByTextName(key) != nil) {
			text = "goes in the request body: this method takes no query parameters"
		}
		writeStatus(w, r, status.Convert(badRequestField(key, text)), http.StatusBadRequest)
	}
}

const noQuery = "unknown query parameter: this method takes no query parameters"

// firstQueryKey is the first parameter of a request's query string, by
// name.
func firstQueryKey(r *http.Request) string {
	if keys := slices.Sorted(maps.Keys(r.URL.Query())); len(keys) > 0 {
		return keys[0]
	}
	return r.URL.RawQuery
}

// refuseRename refuses a PATCH whose body names another resource than its
// URL: the gateway would put the URL's name over it and update the URL's
// resource. The body may repeat the URL's name, as a resource read back
// and sent whole does: it is dropped, so that it does not reach the mask
// the gateway makes of the body's fields, where a name is refused.
func refuseRename(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		field, want := "", ""
		for k, v := range params {
			if strings.HasSuffix(k, ".name") {
				field, want = k, v
			}
		}
		if r.Method != http.MethodPatch || field == "" || r.Body == nil {
			next(w, r, params)
			return
		}
		body, err := io.ReadAll(r.Body)
		// The gateway reads the body again, and reports what is wrong with it.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		var fields map[string]json.RawMessage
		var name string
		if err != nil || json.Unmarshal(body, &fields) != nil || string(fields["name"]) == "null" || json.Unmarshal(fields["name"], &name) != nil {
			next(w, r, params)
			return
		}
		if name != want {
			writeStatus(w, r, status.Convert(badRequestField(field, fmt.Sprintf(
				"is %q but the URL names %s: a resource's name cannot be changed", name, want))), http.StatusBadRequest)
			return
		}
		delete(fields, "name")
		if body, err = json.Marshal(fields); err == nil {
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		}
		next(w, r, params)
	}
}

// plainStreamError gives a streaming call that fails before its first
// message the google.rpc.Status body of every other error: the gateway
// wraps it as {"error": ...}, the form of an error in the middle of a
// stream, after a 200.
func plainStreamError(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if !slices.ContainsFunc(shapeRoutes(r.Method, r.URL.EscapedPath()), func(rt route) bool { return rt.stream }) {
			next(w, r, params)
			return
		}
		for _, rt := range matchingRoutes(r.Method, r.URL.EscapedPath()) {
			if rt.stream {
				w = &streamError{ResponseWriter: w}
				break
			}
		}
		next(w, r, params)
	}
}

type streamError struct {
	http.ResponseWriter
	failed, wrote bool
}

func (w *streamError) WriteHeader(code int) {
	w.failed = !w.wrote && code >= 400
	w.ResponseWriter.WriteHeader(code)
}

func (w *streamError) Write(b []byte) (int, error) {
	first := !w.wrote
	w.wrote = true
	var chunk map[string]json.RawMessage
	if first && w.failed && json.Unmarshal(b, &chunk) == nil && len(chunk) == 1 && chunk["error"] != nil {
		if _, err := w.ResponseWriter.Write(chunk["error"]); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets the gateway flush the stream's messages.
func (w *streamError) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// errReader fails with err, or ends when it is nil.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

var (
	unknownParamRE  = regexp.MustCompile(`^unknown query parameter "([^"]+)"`)
	unknownFieldRE  = regexp.MustCompile(`unknown field "([^"]+)"`)
	syntaxErrorRE   = regexp.MustCompile(`syntax error \(line (\d+):(\d+)\)`)
	typeMismatchRE  = regexp.MustCompile(`^type mismatch, parameter: ([^,]+), error: `)
	parsingFieldRE  = regexp.MustCompile(`^parsing (?:field|list) "([^"]+)": `)
	paramValueRE    = regexp.MustCompile(`^query parameter (\S+) must be `)
	protoPositionRE = regexp.MustCompile(`^proto:[\s\x{a0}]*(\(line \d+:\d+\):[\s\x{a0}]*)?`)
)

// gatewayError rewrites the errors the gateway makes itself while decoding a
// request, whose messages come from Go libraries, into messages that say
// what to fix and name the field; errors from the server pass unchanged.
func gatewayError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	st := status.Convert(err)
	if st.Code() == codes.InvalidArgument && strings.Contains(st.Message(), "request body too large") {
		// The body was cut as it was read (limitBody).
		st := status.New(codes.ResourceExhausted, "the request body is over the size limit")
		if max := bodyLimit(r); max > 0 {
			st = tooLargeStatus(r, max, -1)
		}
		runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: http.StatusRequestEntityTooLarge,
			Err: withErrorInfo(st).Err()})
		return
	}
	if st.Code() == codes.InvalidArgument && len(st.Details()) == 0 {
		st = friendlyDecodeError(st.Message(), bodyFieldOf(r))
	}
	st = withErrorInfo(st)
	if st.Code() == codes.Aborted && r.Header.Get("If-Match") != "" {
		w = preconditionFailed{w}
	}
	if st.Code() == codes.Unauthenticated {
		w = bearerChallenge{ResponseWriter: w, invalid: r.Header.Get("Authorization") != ""}
	}
	retryAfter(w, st)
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, st.Err())
}

// retryAfter tells an HTTP client when to try again, in the header HTTP
// clients and proxies read (RFC 9110, 10.2.3), when st carries a
// RetryInfo: a refusal under load, a throttled address, a write behind
// an import.
func retryAfter(w http.ResponseWriter, st *status.Status) {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			secs := int64(math.Ceil(ri.GetRetryDelay().AsDuration().Seconds()))
			w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 1), 10))
			return
		}
	}
}

// bodyFieldOf is the request field that r's body holds, or "" when the
// body is the whole request.
func bodyFieldOf(r *http.Request) string {
	if routes := matchingRoutes(r.Method, r.URL.EscapedPath()); len(routes) > 0 && routes[0].body != "*" {
		return routes[0].body
	}
	return ""
}

func friendlyDecodeError(msg, bodyField string) *status.Status {
	// summary is the status's message, when it is more than text, the
	// field violation's description.
	field, text, summary := "", msg, ""
	switch {
	case bodyFieldRE.MatchString(msg):
		// Worded by explainBody, with the path within the body.
		field = joinPath(bodyField, bodyFieldRE.FindStringSubmatch(msg)[1])
		text = strings.TrimPrefix(msg, bodyFieldRE.FindString(msg))
		summary = field + ": " + text
	case strings.HasSuffix(msg, "i/o timeout"):
		// The HTTP server's ReadTimeout cut a body that came too slowly.
		text = "the request body did not arrive in time: send the whole request at once"
	case unknownParamRE.MatchString(msg):
		field = unknownParamRE.FindStringSubmatch(msg)[1]
		text = fmt.Sprintf("unknown query parameter %q; check its spelling against the API reference (/openapi.json)", field)
	case unknownFieldRE.MatchString(msg):
		field = unknownFieldRE.FindStringSubmatch(msg)[1]
		text = fmt.Sprintf("unknown field %q in the request body; check its spelling against the API reference (/openapi.json)", field)
	case syntaxErrorRE.MatchString(msg):
		p := syntaxErrorRE.FindStringSubmatch(msg)
		text = fmt.Sprintf("the request body is not valid JSON: syntax error at line %s, column %s", p[1], p[2])
	case typeMismatchRE.MatchString(msg):
		field = typeMismatchRE.FindStringSubmatch(msg)[1]
		text = fmt.Sprintf("query parameter %s has a value of the wrong type", field)
	case paramValueRE.MatchString(msg):
		// Worded by checkEnumParam or checkValueParam.
		field = paramValueRE.FindStringSubmatch(msg)[1]
	case parsingFieldRE.MatchString(msg):
		field = parsingFieldRE.FindStringSubmatch(msg)[1]
		text = fmt.Sprintf("query parameter %s has a value of the wrong type", field)
	case strings.HasPrefix(msg, "proto:"):
		text = protoPositionRE.ReplaceAllString(msg, "")
		text = "the request body is not valid: " + text
	default:
		return status.New(codes.InvalidArgument, msg)
	}
	if summary == "" {
		summary = text
	}
	st := status.New(codes.InvalidArgument, summary)
	if field != "" {
		if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: field, Description: text},
		}}); err == nil {
			st = d
		}
	}
	return st
}

// routingError answers paths and methods the API does not have with a
// google.rpc.Status body like every other error.
func routingError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	var st *status.Status
	// The path goes into the message, which must be UTF-8 to be sent.
	path := strings.ToValidUTF8(r.URL.Path, "\uFFFD")
	allowed := allowedMethods(r.URL.Path)
	if httpStatus == http.StatusMethodNotAllowed && len(allowed) == 0 {
		// The gateway's router took a custom verb for part of an id
		// (POST people/x:bogus matched GET people/{id}): no method of the
		// contract has this path.
		httpStatus = http.StatusNotFound
	}
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		st = status.New(codes.Unimplemented, fmt.Sprintf("%s is not allowed on %s; allowed: %s",
			strings.ToValidUTF8(r.Method, "\uFFFD"), path, strings.Join(allowed, ", ")))
	case http.StatusNotFound:
		st = status.New(codes.NotFound, fmt.Sprintf("no such path: %s; the API reference is at /openapi.json", path))
		// METHOD_NOT_FOUND, as over gRPC: a client tells a path of
		// another version of the API from a resource that is not there.
		if d, err := st.WithDetails(errorInfo(reasonMethodNotFound)); err == nil {
			st = d
		}
	default:
		st = status.New(codes.InvalidArgument, http.StatusText(httpStatus))
	}
	writeStatus(w, r, st, httpStatus)
}

// bearerChallenge answers a 401 with the challenge RFC 6750 defines, in
// place of the gateway's, which repeats the free-text message: a client
// library reads the scheme and the error code from it.
type bearerChallenge struct {
	http.ResponseWriter
	invalid bool // a credential was sent, and refused
}

func (w bearerChallenge) WriteHeader(code int) {
	if code == http.StatusUnauthorized {
		v := `Bearer realm="trithuc"`
		if w.invalid {
			v += `, error="invalid_token", error_description="the API key is unknown, revoked, expired or malformed"`
		}
		w.Header().Set("WWW-Authenticate", v)
	}
	w.ResponseWriter.WriteHeader(code)
}
