package server

import (
	"context"
	"net/http"
	"strings"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/store"
)

// ifMatchMetadata carries a REST request's If-Match header to the server,
// where it becomes the request's etag (AIP-154): HTTP clients and caches
// speak in headers, the contract in fields, and both must mean the same.
const ifMatchMetadata = "x-trithuc-if-match"

// ifMatchAnnotator forwards the If-Match header as metadata.
func ifMatchAnnotator(_ context.Context, r *http.Request) metadata.MD {
	if v := r.Header.Values("If-Match"); len(v) > 0 {
		return metadata.Pairs(ifMatchMetadata, strings.Join(v, ","))
	}
	return nil
}

// etagHeaders sends a resource's etag as the ETag header of every REST
// answer that has one, and marks every answer as not to be stored by a
// cache: answers hold personal data.
func etagHeaders(_ context.Context, w http.ResponseWriter, m proto.Message) error {
	w.Header().Set("Cache-Control", "no-store")
	// A streamed answer (an export) is first announced with no message.
	if m == nil {
		return nil
	}
	if tag := etagOf(m.ProtoReflect()); tag != "" {
		w.Header().Set("ETag", `"`+tag+`"`)
	}
	return nil
}

// etagOf is the value of m's own etag field, "" when it has none.
func etagOf(m protoreflect.Message) string {
	fd := m.Descriptor().Fields().ByName("etag")
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() {
		return ""
	}
	return m.Get(fd).String()
}

// preconditionHook makes an If-Match header the etag of the request: the
// request's own etag field (deletes, state changes) or that of the resource
// it carries (updates). "*" asks only that the resource exists, which the
// method checks anyway. A header that disagrees with an etag in the body is
// the client's mistake. Reads have no etag to compare, so there the header
// is ignored.
func (s *Server) preconditionHook() hook {
	return hook{request: func(ctx context.Context, _ string, req any) error {
		// One key's values, not a copy of all the metadata.
		vals := metadata.ValueFromIncomingContext(ctx, ifMatchMetadata)
		msg, ok := req.(proto.Message)
		if len(vals) == 0 || !ok {
			return nil
		}
		tag, any, err := parseIfMatch(strings.Join(vals, ","))
		if err != nil || any {
			return err
		}
		target := etagTarget(msg.ProtoReflect())
		if target == nil {
			return nil
		}
		fd := target.Descriptor().Fields().ByName("etag")
		if have := target.Get(fd).String(); have != "" && have != tag {
			return badRequestField("etag", "the If-Match header and the etag in the request differ; send one of them")
		}
		target.Set(fd, protoreflect.ValueOfString(tag))
		return nil
	}}
}

// etagTarget is the message whose etag field a precondition sets: the
// request's own, or else the one resource message it carries.
func etagTarget(m protoreflect.Message) protoreflect.Message {
	if fd := m.Descriptor().Fields().ByName("etag"); fd != nil && fd.Kind() == protoreflect.StringKind && !fd.IsList() {
		return m
	}
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsList() || fd.IsMap() || !m.Has(fd) {
			continue
		}
		sub := m.Get(fd).Message()
		if efd := sub.Descriptor().Fields().ByName("etag"); efd != nil && efd.Kind() == protoreflect.StringKind {
			return m.Mutable(fd).Message()
		}
	}
	return nil
}

// parseIfMatch reads an If-Match header (RFC 9110, 13.1.1): "*", or one
// strong entity tag. Our resources have one current etag, so a list of
// several can only be matched by one of them; it is refused as ambiguous
// rather than guessed at. A weak tag never matches (If-Match compares
// strongly), so it is refused with the reason.
func parseIfMatch(h string) (tag string, any bool, err error) {
	h = strings.TrimSpace(h)
	switch {
	case h == "*":
		return "", true, nil
	case strings.HasPrefix(h, "W/"):
		return "", false, badRequestField("If-Match", "a weak entity tag (W/...) never matches under If-Match; send the ETag header of the resource as it is")
	case strings.Contains(h, ","):
		return "", false, badRequestField("If-Match", "send one entity tag, the ETag header of the resource you read")
	case len(h) < 2 || h[0] != '"' || h[len(h)-1] != '"' || strings.Contains(h[1:len(h)-1], `"`):
		return "", false, badRequestField("If-Match", `an entity tag is written in double quotes, as the ETag header gives it: If-Match: "<etag>"`)
	}
	return h[1 : len(h)-1], false, nil
}

func badRequestField(field, msg string) error {
	return badRequest(&store.Error{Code: store.Invalid, Field: field, Message: msg})
}

// preconditionFailed turns the gateway's 409 for a stale etag into 412
// Precondition Failed when the etag came in an If-Match header, as HTTP
// says it must.
type preconditionFailed struct {
	http.ResponseWriter
}

func (w preconditionFailed) WriteHeader(code int) {
	if code == http.StatusConflict {
		code = http.StatusPreconditionFailed
	}
	w.ResponseWriter.WriteHeader(code)
}
