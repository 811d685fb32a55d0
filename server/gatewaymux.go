package server

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// serviceMuxes sends a REST request to a gateway ServeMux holding only
// the bindings of its method and path shape (shapeOf), and any other
// request to the ServeMux holding every route. The gateway's router tries
// its routes one by one, in order, until one matches, and each route
// tried and missed costs allocations (an error value, a stack): a
// GetPerson tried about 70 routes in the whole router, and 11 in its
// service's (BENCHMARKS.md, "REST GetPerson").
//
// Every route that can match a path has the path's shape, or, for a path
// whose last segment has a colon (people/abc:undelete), the same shape
// without the custom verb, whose variable takes the colon (routesFor).
// When those routes are one service's, a ServeMux holding them, in the
// order the whole router holds them, gives the answer the whole router
// would; otherwise, and for the operations' routes, which no service
// holds, the whole router answers. A path the shape's router matches to
// nothing is handed to the whole router, so that what it answers (404,
// 405) stays its own.
type serviceMuxes struct {
	all     http.Handler
	byShape map[string]*runtime.ServeMux // by method and shape (shapeOf)
}

// gatewayService is a service's registration with a gateway ServeMux.
type gatewayService struct {
	name     string // the service's full name, trithuc.v1.PersonService
	register func(context.Context, *runtime.ServeMux, grpc.ClientConnInterface) error
}

// gatewayServices are the services the gateway serves, in the order
// their routes are registered.
func gatewayServices() []gatewayService {
	return []gatewayService{
		{pb.PersonService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterPersonServiceHandlerClient, pb.NewPersonServiceClient)},
		{pb.OrganizationService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterOrganizationServiceHandlerClient, pb.NewOrganizationServiceClient)},
		{pb.ChangeService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterChangeServiceHandlerClient, pb.NewChangeServiceClient)},
		{pb.ReferenceService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterReferenceServiceHandlerClient, pb.NewReferenceServiceClient)},
		{pb.MembershipService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterMembershipServiceHandlerClient, pb.NewMembershipServiceClient)},
		{pb.ExpertService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterExpertServiceHandlerClient, pb.NewExpertServiceClient)},
		{pb.HonorsService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterHonorsServiceHandlerClient, pb.NewHonorsServiceClient)},
		{pb.ReviewService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterReviewServiceHandlerClient, pb.NewReviewServiceClient)},
		{pb.AuditService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterAuditServiceHandlerClient, pb.NewAuditServiceClient)},
		{pb.AccountService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterAccountServiceHandlerClient, pb.NewAccountServiceClient)},
		{pb.StatisticsService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterStatisticsServiceHandlerClient, pb.NewStatisticsServiceClient)},
		{pb.TransferService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterTransferServiceHandlerClient, pb.NewTransferServiceClient)},
		{pb.PrivacyService_ServiceDesc.ServiceName, gatewayOf(pb.RegisterPrivacyServiceHandlerClient, pb.NewPrivacyServiceClient)},
	}
}

// newServiceMuxes makes a ServeMux with opts for each method and path
// shape whose routes are one service's, the services' handlers on conn;
// all already holds every route.
func newServiceMuxes(all http.Handler, opts []runtime.ServeMuxOption, services []gatewayService, conn grpc.ClientConnInterface) (*serviceMuxes, error) {
	m := &serviceMuxes{all: all, byShape: map[string]*runtime.ServeMux{}}
	opts = append(opts[:len(opts):len(opts)], runtime.WithRoutingErrorHandler(
		func(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, _ int) {
			all.ServeHTTP(w, r)
		}))
	handlers, err := bindingHandlers(opts, services, conn)
	if err != nil {
		return nil, err
	}
	for key := range routesByShape {
		routes := routesFor(key)
		if !oneService(routes, handlers) {
			continue
		}
		mux := runtime.NewServeMux(opts...)
		// In the contract's order, which is the generated registration's:
		// where two routes match, the one the whole router picks.
		for _, rt := range routes {
			if err := mux.HandlePath(rt.method, rt.template, handlers[bindingKey(rt)]); err != nil {
				return nil, fmt.Errorf("gateway route %s %s: %w", rt.method, rt.template, err)
			}
		}
		m.byShape[key] = mux
	}
	return m, nil
}

// routesFor are the contract's routes, in its order, that a path of the
// shape key (method and shapeOf) can match: those of its shape and, for
// a shape with a custom verb, those of the same shape without it, whose
// last variable takes "abc:verb" for an id.
func routesFor(key string) []route {
	plain := ""
	if verb := strings.LastIndexByte(key, ' '); verb < len(key)-1 {
		plain = key[:verb+1]
	}
	var out []route
	for _, rt := range contractRoutes {
		if k := rt.method + " " + rt.shape; k == key || k == plain {
			out = append(out, rt)
		}
	}
	return out
}

// oneService says whether routes are all one registered service's.
func oneService(routes []route, handlers map[string]runtime.HandlerFunc) bool {
	svc := ""
	for _, rt := range routes {
		s, _, _ := strings.Cut(strings.TrimPrefix(rt.rpc, "/"), "/")
		if handlers[bindingKey(rt)] == nil || svc != "" && s != svc {
			return false
		}
		svc = s
	}
	return svc != ""
}

// bindingHandlers are the generated gateway handlers of services' routes
// on conn, by bindingKey, before opts' middlewares. A handler answers
// through the ServeMux it was registered with (its marshalers, metadata,
// errors), which has opts for that. The generated code registers a service's
// bindings in the order of its methods and, within a method, its rule and
// then its additional bindings: the order of contractRoutes, which a
// registration is read against (TestShapeMuxesReachEachBinding calls
// every binding through them).
func bindingHandlers(opts []runtime.ServeMuxOption, services []gatewayService, conn grpc.ClientConnInterface) (map[string]runtime.HandlerFunc, error) {
	out := map[string]runtime.HandlerFunc{}
	for _, svc := range services {
		var got []runtime.HandlerFunc
		// The last middleware is given each handler as registered.
		capture := runtime.NewServeMux(append(opts[:len(opts):len(opts)], runtime.WithMiddlewares(func(next runtime.HandlerFunc) runtime.HandlerFunc {
			got = append(got, next)
			return next
		}))...)
		if err := svc.register(context.Background(), capture, conn); err != nil {
			return nil, err
		}
		var routes []route
		for _, rt := range contractRoutes {
			if strings.HasPrefix(rt.rpc, "/"+svc.name+"/") {
				routes = append(routes, rt)
			}
		}
		if len(routes) != len(got) {
			return nil, fmt.Errorf("gateway: %s registers %d routes, its contract has %d", svc.name, len(got), len(routes))
		}
		for i, rt := range routes {
			out[bindingKey(rt)] = got[i]
		}
	}
	return out, nil
}

func bindingKey(rt route) string { return rt.rpc + " " + rt.method + " " + rt.template }

func (m *serviceMuxes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.muxFor(r.Method, r.URL.EscapedPath()).ServeHTTP(w, r)
}

// muxFor is the ServeMux that answers method on path.
func (m *serviceMuxes) muxFor(method, path string) http.Handler {
	if mux := byShape(m.byShape, method, path); mux != nil {
		return mux
	}
	return m.all
}

// restFirst gives rest a request mux would give it (its "/" route)
// without asking mux: net/http's router walks its tree of the console's
// patterns for every REST call, 5 allocations (BENCHMARKS.md, "REST
// GetPerson, second pass"). Only a path under /v1/ that mux would take as
// it is goes this way: clean (mux redirects one that is not), with no
// escapes (mux matches the unescaped segments), and not the import's
// route, mux's own.
func restFirst(mux *http.ServeMux, rest http.Handler) http.Handler {
	importMethod, importPath, _ := strings.Cut(importRoute, " ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.EscapedPath(); strings.HasPrefix(p, "/v1/") && r.Method != http.MethodConnect &&
			!strings.ContainsRune(p, '%') && path.Clean(p) == p && !(r.Method == importMethod && p == importPath) {
			rest.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}
