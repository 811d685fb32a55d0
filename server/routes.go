package server

import (
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// route is one REST binding of the contract: a method and a path template.
type route struct {
	method string
	path   *regexp.Regexp
	// query says whether the gateway reads the query string for this
	// binding; body is the binding's body field ("*" for the whole request).
	query bool
	body  string
	input protoreflect.MessageDescriptor
	// stream is set for a method that streams its answer.
	stream bool
	// shape is what every path it matches has in common (shapeOf).
	shape string
	// rpc is the gRPC method it calls (/trithuc.v1.PersonService/GetPerson).
	rpc string
	// template is the binding's path template (/v1/{name=people/*}).
	template string
}

// contractRoutes are the REST bindings the .proto files declare, read from
// their google.api.http options, and the operations' routes written by hand
// (operationsRoutes), so that the HTTP side can answer what the gateway's
// router does not say: which methods a path allows (the Allow header of a
// 405, and CORS preflights).
var contractRoutes = func() []route {
	var out []route
	for _, r := range operationsRoutes {
		out = append(out, route{method: r.method, path: templateRegexp(r.pattern),
			query: r.rpc == "ListOperations", input: r.input, shape: templateShape(r.pattern), template: r.pattern})
	}
	protoregistry.GlobalFiles.RangeFilesByPackage("trithuc.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := 0; i < fd.Services().Len(); i++ {
			svc := fd.Services().Get(i)
			methods := svc.Methods()
			for j := 0; j < methods.Len(); j++ {
				rule, _ := proto.GetExtension(methods.Get(j).Options(), annotations.E_Http).(*annotations.HttpRule)
				if rule == nil {
					continue
				}
				for _, r := range append([]*annotations.HttpRule{rule}, rule.GetAdditionalBindings()...) {
					if m, tmpl := httpRule(r); m != "" {
						in := methods.Get(j).Input()
						out = append(out, route{method: m, path: templateRegexp(tmpl),
							query: readsQuery(in, r.GetBody(), tmpl), body: r.GetBody(), input: in,
							stream: methods.Get(j).IsStreamingServer(), shape: templateShape(tmpl),
							rpc: "/" + string(svc.FullName()) + "/" + string(methods.Get(j).Name()), template: tmpl})
					}
				}
			}
		}
		return true
	})
	return out
}()

func httpRule(r *annotations.HttpRule) (method, template string) {
	switch p := r.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		return http.MethodGet, p.Get
	case *annotations.HttpRule_Post:
		return http.MethodPost, p.Post
	case *annotations.HttpRule_Patch:
		return http.MethodPatch, p.Patch
	case *annotations.HttpRule_Delete:
		return http.MethodDelete, p.Delete
	case *annotations.HttpRule_Put:
		return http.MethodPut, p.Put
	}
	return "", ""
}

// readsQuery says whether the generated gateway handler of a binding parses
// the query string, by the generator's own rule (HasQueryParam): not when
// the body is the whole request, nor when the path and the body take every
// top-level field of the request.
func readsQuery(in protoreflect.MessageDescriptor, body, tmpl string) bool {
	if body == "*" {
		return false
	}
	left := map[string]bool{}
	for i := 0; i < in.Fields().Len(); i++ {
		left[string(in.Fields().Get(i).Name())] = true
	}
	delete(left, body)
	for _, v := range templateVar.FindAllString(tmpl, -1) {
		field, _, _ := strings.Cut(strings.Trim(v, "{}"), "=")
		delete(left, field)
	}
	return len(left) > 0
}

// templateShape is shapeOf the paths a template matches: its variables
// stand for the segments they match (the contract has no "**").
func templateShape(tmpl string) string {
	path := templateVar.ReplaceAllStringFunc(tmpl, func(v string) string {
		if _, sub, ok := strings.Cut(strings.Trim(v, "{}"), "="); ok {
			return sub
		}
		return "*"
	})
	return shapeOf(path)
}

var templateVar = regexp.MustCompile(`\{[^}=]+(=([^}]*))?\}`)

// templateRegexp turns a path template (/v1/{name=people/*}:undelete) into
// an anchored regular expression: * is one segment, ** any number.
func templateRegexp(tmpl string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range templateVar.FindAllStringSubmatchIndex(tmpl, -1) {
		b.WriteString(regexp.QuoteMeta(tmpl[last:m[0]]))
		sub := "*"
		if m[4] >= 0 {
			sub = tmpl[m[4]:m[5]]
		}
		b.WriteString(segmentsRegexp(sub))
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(tmpl[last:]))
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func segmentsRegexp(sub string) string {
	parts := strings.Split(sub, "/")
	for i, p := range parts {
		switch p {
		case "*":
			parts[i] = "[^/:]+"
		case "**":
			parts[i] = ".+"
		default:
			parts[i] = regexp.QuoteMeta(p)
		}
	}
	return strings.Join(parts, "/")
}

// matchingRoutes are the bindings of the contract for method on path.
func matchingRoutes(method, path string) []route {
	var out []route
	for _, r := range byShape(routesByShape, method, path) {
		if r.path.MatchString(path) {
			out = append(out, r)
		}
	}
	return out
}

// shapeRoutes are the bindings of method whose paths have path's shape:
// every binding matchingRoutes can give, and maybe more, without a
// regular expression run.
func shapeRoutes(method, path string) []route {
	return byShape(routesByShape, method, path)
}

// byShape is m's entry for method and shapeOf(path), looked up without
// making the key a string: every REST request asks three times
// (serviceMuxes, refuseQuery, plainStreamError), and the strings were
// three allocations a request.
func byShape[T any](m map[string]T, method, path string) T {
	var buf [64]byte
	key := append(append(buf[:0], method...), ' ')
	return m[string(appendShape(key, path))]
}

// routesByShape are the contract's bindings by method and the shape of
// their paths (shapeOf), so that the gateway's middlewares, which ask of
// every request, try the binding or two of its shape and not all 135
// (5 µs a request).
var routesByShape = func() map[string][]route {
	out := map[string][]route{}
	for _, r := range contractRoutes {
		k := r.method + " " + r.shape
		out[k] = append(out[k], r)
	}
	return out
}()

// shapeOf is what every path a binding matches has in common: the first
// segment after /v1/, the number of segments, and the custom verb
// (people 1 undelete for /v1/people/abc:undelete).
func shapeOf(path string) string {
	return string(appendShape(nil, path))
}

// appendShape appends shapeOf(path) to b.
func appendShape(b []byte, path string) []byte {
	rest, _ := strings.CutPrefix(path, "/v1/")
	first, verb := rest, ""
	if i := strings.IndexAny(rest, "/:"); i >= 0 {
		first = rest[:i]
	}
	last := rest[strings.LastIndexByte(rest, '/')+1:]
	if i := strings.IndexByte(last, ':'); i >= 0 {
		verb = last[i+1:]
	}
	b = append(append(b, first...), ' ')
	b = append(strconv.AppendInt(b, int64(strings.Count(rest, "/")), 10), ' ')
	return append(b, verb...)
}

// allowedMethods lists the methods the contract allows on path, sorted.
func allowedMethods(path string) []string {
	seen := map[string]bool{}
	for _, r := range contractRoutes {
		if r.path.MatchString(path) {
			seen[r.method] = true
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
