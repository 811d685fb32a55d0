package server

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/transfer"
)

// streamedBodyMarshaler writes the chunks of a streamed google.api.HttpBody
// (an export) back to back: the gateway would otherwise put a newline
// between them, which breaks an XLSX file. ExportPeople is the only
// server stream the REST API has.
type streamedBodyMarshaler struct{ runtime.HTTPBodyMarshaler }

func (streamedBodyMarshaler) Delimiter() []byte { return nil }

// rawBody decodes a request body as it is into a google.api.HttpBody: the
// file of an import, sent over REST with its own Content-Type. Its answers
// are JSON.
type rawBody struct {
	runtime.Marshaler
	contentType string
}

func (m rawBody) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		var body *httpbody.HttpBody
		switch v := v.(type) {
		case *httpbody.HttpBody:
			body = v
		case **httpbody.HttpBody:
			if *v == nil {
				*v = &httpbody.HttpBody{}
			}
			body = *v
		default:
			return status.Errorf(codes.InvalidArgument, "a %s body is accepted only as the file of an import", m.contentType)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		body.ContentType, body.Data = m.contentType, data
		return nil
	})
}

func uploadMarshalers() runtime.ServeMuxOption {
	json := &runtime.JSONPb{}
	return func(mux *runtime.ServeMux) {
		for _, ct := range uploadTypes {
			runtime.WithMarshalerOption(ct, rawBody{Marshaler: json, contentType: ct})(mux)
		}
	}
}

// uploadTypes are the Content-Types of a file sent as a REST import's
// body; octet-stream's format is told by its bytes.
var uploadTypes = []string{"text/csv", transfer.ContentTypeXLSX, "application/octet-stream"}

// importContentType refuses a REST import whose body is neither a file
// (uploadTypes) nor the JSON of the request: the gateway would read it as
// JSON and answer that it is not valid JSON, which sends a client who
// forgot the Content-Type (curl --data-binary sends a form's) looking in
// the wrong place.
func importContentType(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Content-Type")
		ct, _, err := mime.ParseMediaType(got)
		// An empty body goes on, to be refused for what else it lacks (a
		// credential, a file).
		if r.ContentLength == 0 || err == nil && (ct == "application/json" || slices.Contains(uploadTypes, ct)) {
			next.ServeHTTP(w, r)
			return
		}
		if got == "" {
			got = "none"
		}
		writeStatus(w, r, status.New(codes.InvalidArgument, fmt.Sprintf(
			"the body of an import is its file, with the file's Content-Type: text/csv, %s (an XLSX workbook) or application/octet-stream (told apart by its bytes); or the request as application/json; got Content-Type %s",
			transfer.ContentTypeXLSX, strings.ToValidUTF8(got, "\uFFFD"))), http.StatusUnsupportedMediaType)
	})
}

// requestSizeUnary holds every request to MaxRequestBytes: a gRPC message
// the transport let through (grpcRecvLimit: grpc-go refuses one over its
// own limit before any interceptor, with no ErrorInfo), and a request of
// REST's in-process path (inproc.go), which is a copy, not a message the
// transport's limit holds. ImportPeople alone may be larger in process:
// REST's import route admits a body up to the import limit.
func (s *Server) requestSizeUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := s.checkSize(ctx, info.FullMethod, req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (s *Server) requestSizeStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &sizedStream{ServerStream: ss, s: s, method: info.FullMethod})
}

type sizedStream struct {
	grpc.ServerStream
	s      *Server
	method string
}

func (ss *sizedStream) RecvMsg(m any) error {
	if err := ss.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return ss.s.checkSize(ss.Context(), ss.method, m)
}

// checkSize refuses a request over MaxRequestBytes (requestTooLarge).
func (s *Server) checkSize(ctx context.Context, method string, req any) error {
	msg, ok := req.(proto.Message)
	c := callFrom(ctx)
	if !ok || method == importMethod && (c.rest || c.console) {
		return nil
	}
	n := proto.Size(msg)
	if n <= s.cfg.MaxRequestBytes {
		return nil
	}
	return s.tooLarge(method, int64(n))
}

// operationsRoute is one REST route of google.longrunning.Operations.
type operationsRoute struct {
	method, pattern, rpc string
	input                protoreflect.MessageDescriptor
	call                 func(ctx context.Context, c longrunningpb.OperationsClient, params map[string]string, r *http.Request) (proto.Message, error)
}

// operationsRoutes are the REST routes of google.longrunning.Operations,
// which proto/longrunning.openapi.json documents. DeleteOperation has none:
// operations are kept, and over gRPC it answers UNIMPLEMENTED, as
// google.longrunning allows.
var operationsRoutes = []operationsRoute{
	{"GET", "/v1/operations/{operation}", "GetOperation", (&longrunningpb.GetOperationRequest{}).ProtoReflect().Descriptor(), func(ctx context.Context, c longrunningpb.OperationsClient, p map[string]string, r *http.Request) (proto.Message, error) {
		return c.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: "operations/" + p["operation"]})
	}},
	{"GET", "/v1/operations", "ListOperations", (&longrunningpb.ListOperationsRequest{}).ProtoReflect().Descriptor(), func(ctx context.Context, c longrunningpb.OperationsClient, p map[string]string, r *http.Request) (proto.Message, error) {
		req := &longrunningpb.ListOperationsRequest{}
		if err := runtime.PopulateQueryParameters(req, r.URL.Query(), utilities.NewDoubleArray(nil)); err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "%v", err)
		}
		if req.Name != "" {
			return nil, fieldError("name", "unknown query parameter: the listing is of operations")
		}
		req.Name = "operations"
		return c.ListOperations(ctx, req)
	}},
	{"POST", "/v1/operations/{operation}:cancel", "CancelOperation", (&longrunningpb.CancelOperationRequest{}).ProtoReflect().Descriptor(), func(ctx context.Context, c longrunningpb.OperationsClient, p map[string]string, r *http.Request) (proto.Message, error) {
		return c.CancelOperation(ctx, &longrunningpb.CancelOperationRequest{Name: "operations/" + p["operation"]})
	}},
}

// operationsGateway serves google.longrunning.Operations over REST. Its
// generated code is not ours to generate (the proto is Google's), so these
// few routes are written as the gateway writes them: a gRPC call over the
// same in-memory connection, through the same interceptors, with the query
// string read by the same strict parser; only the listing takes one
// (refuseQuery refuses one elsewhere, as for every route of contractRoutes).
func (s *Server) operationsGateway(gw *runtime.ServeMux) error {
	client := longrunningpb.NewOperationsClient(s.inproc)
	for _, rt := range operationsRoutes {
		err := gw.HandlePath(rt.method, rt.pattern, func(w http.ResponseWriter, r *http.Request, params map[string]string) {
			_, outbound := runtime.MarshalerForRequest(gw, r)
			ctx, err := runtime.AnnotateContext(r.Context(), gw, r, "/google.longrunning.Operations/"+rt.rpc, runtime.WithHTTPPathPattern(rt.pattern))
			if err != nil {
				runtime.HTTPError(r.Context(), gw, outbound, w, r, err)
				return
			}
			var md runtime.ServerMetadata
			ctx = runtime.NewServerMetadataContext(ctx, md)
			resp, err := rt.call(ctx, client, params, r)
			if err != nil {
				runtime.HTTPError(ctx, gw, outbound, w, r, err)
				return
			}
			runtime.ForwardResponseMessage(ctx, gw, outbound, w, r, resp)
		})
		if err != nil {
			return fmt.Errorf("server: gateway: operations: %w", err)
		}
	}
	return nil
}
