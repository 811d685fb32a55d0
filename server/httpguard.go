package server

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
)

// What the HTTP side does before the gateway reads a request: time limits,
// routes exactly as the contract declares them, and text that is not UTF-8
// refused as the client's mistake. (No body is read without a valid
// credential: gate.go.)

// limitHTTP sets the HTTP server's time and stream limits. ReadTimeout
// covers the whole request, body included, so a body sent a byte at a time
// cannot hold a connection (over HTTP/2 it applies to each stream).
func (s *Server) limitHTTP(srv *http.Server) {
	srv.ReadTimeout = s.cfg.HTTPReadTimeout
	srv.WriteTimeout = s.cfg.HTTPWriteTimeout
	srv.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: s.cfg.MaxStreamsPerConn}
}

// gatewayRouting makes a REST route exactly the one the contract declares:
// an encoded slash (%2F) stays inside its path segment, so that
// people/x%2Fqualifications is a person's invalid id and not another
// method's path; a POST stays a POST (no X-HTTP-Method-Override, no POST
// form answered by a GET route).
func (s *Server) gatewayRouting() []runtime.ServeMuxOption {
	return []runtime.ServeMuxOption{
		runtime.WithUnescapingMode(runtime.UnescapingModeAllExceptSlash),
		runtime.WithDisableHTTPMethodOverride(),
		runtime.WithDisablePathLengthFallback(),
		runtime.WithMiddlewares(invalidTextParams),
		// invalidTextMetadata is among gatewayAnnotations.
	}
}

// invalidTextMetadata carries the names of the REST parameters that were
// not UTF-8 from the gateway to the server, which refuses the call with
// INVALID_ARGUMENT naming them (refusedText). The gateway cannot send the
// text itself: a protobuf string must be UTF-8.
const invalidTextMD = "x-trithuc-invalid-text-bin"

type invalidTextKey struct{}

// invalidTextParams takes the path and query parameters that are not UTF-8
// out of a REST request (a path parameter has its bad bytes replaced, a
// query parameter is dropped) and notes their names, so that the call
// still reaches the server, through authentication, logging, metrics and
// audit, and is refused there.
func invalidTextParams(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, pathParams map[string]string) {
		var bad []string
		for k, v := range pathParams {
			if !utf8.ValidString(v) {
				bad = append(bad, k)
				pathParams[k] = strings.ToValidUTF8(v, "\uFFFD")
			}
		}
		if mayHoldInvalidText(r.URL.RawQuery) {
			q, err := url.ParseQuery(r.URL.RawQuery)
			changed := false
			for k, vs := range q {
				for _, v := range vs {
					if !utf8.ValidString(k) || !utf8.ValidString(v) {
						bad = append(bad, strings.ToValidUTF8(k, "\uFFFD"))
						delete(q, k)
						changed = true
						break
					}
				}
			}
			// A query that does not parse is left for the gateway to refuse.
			if changed && err == nil {
				r.URL.RawQuery = q.Encode()
			}
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			r = r.WithContext(context.WithValue(r.Context(), invalidTextKey{}, bad))
		}
		next(w, r, pathParams)
	}
}

// mayHoldInvalidText reports whether a raw query could decode to text that
// is not UTF-8: only an escape or a byte outside ASCII can. Most queries
// (view=PERSON_VIEW_FULL) are neither, and are not parsed here a second
// time (issue 19).
func mayHoldInvalidText(rawQuery string) bool {
	for i := 0; i < len(rawQuery); i++ {
		if c := rawQuery[i]; c == '%' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func invalidTextMetadata(ctx context.Context, r *http.Request) metadata.MD {
	bad, _ := r.Context().Value(invalidTextKey{}).([]string)
	if len(bad) == 0 {
		return nil
	}
	md := metadata.MD{}
	for _, name := range bad {
		md.Append(invalidTextMD, name)
	}
	return md
}

// refusedText is INVALID_ARGUMENT for a REST call whose parameters were not
// UTF-8, naming each; nil for any other call. Only the gateway's calls are
// believed: from the network the metadata means nothing.
func refusedText(ctx context.Context) error {
	if !callFrom(ctx).rest {
		return nil
	}
	names := metadata.ValueFromIncomingContext(ctx, invalidTextMD)
	if len(names) == 0 {
		return nil
	}
	br := &errdetails.BadRequest{}
	for _, n := range names {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field:       n,
			Description: "not valid UTF-8 text: percent-encode the text's UTF-8 bytes",
		})
	}
	return withDetails(codes.InvalidArgument,
		"parameter "+strings.Join(names, ", ")+" is not valid UTF-8 text: percent-encode the text's UTF-8 bytes", br)
}
