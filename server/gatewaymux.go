package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// serviceMuxes sends a REST request to a gateway ServeMux holding only
// the routes of the one service its path can belong to, and any other
// request to the ServeMux holding every route. The gateway's router tries
// its routes one by one, in order, until one matches, and each route
// tried and missed costs allocations (an error value, a stack): a
// GetPerson tried about 70 routes before its own, 15 µs and 120
// allocations a call, a fifth of what REST cost over gRPC (BENCHMARKS.md).
//
// The service is told by the contract's routes of the request's method
// and path shape (routesByShape): every route that can match the path
// has that shape. When they are one service's, the answer is the one the
// whole router would give, since the routes of other services cannot
// match; otherwise, and for the operations' routes, which no service
// holds, the whole router answers. A path the service's router matches
// to nothing is handed to the whole router, so that what it answers
// (404, 405) stays its own.
type serviceMuxes struct {
	all      *runtime.ServeMux
	services map[string]*runtime.ServeMux // by the service's full name
	byShape  map[string]*runtime.ServeMux // by method and shape (shapeOf)
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

// newServiceMuxes makes a ServeMux with opts for each service, its routes
// registered on conn; all already holds every route.
func newServiceMuxes(all *runtime.ServeMux, opts []runtime.ServeMuxOption, services []gatewayService, conn grpc.ClientConnInterface) (*serviceMuxes, error) {
	m := &serviceMuxes{all: all, services: map[string]*runtime.ServeMux{}, byShape: map[string]*runtime.ServeMux{}}
	opts = append(opts[:len(opts):len(opts)], runtime.WithRoutingErrorHandler(
		func(_ context.Context, _ *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, _ int) {
			all.ServeHTTP(w, r)
		}))
	for _, svc := range services {
		mux := runtime.NewServeMux(opts...)
		if err := svc.register(context.Background(), mux, conn); err != nil {
			return nil, err
		}
		m.services[svc.name] = mux
	}
	for key, routes := range routesByShape {
		if mux := m.serviceOf(routes); mux != nil {
			m.byShape[key] = mux
		}
	}
	return m, nil
}

// serviceOf is the ServeMux of the service that holds every one of
// routes, or nil when they are not all one registered service's.
func (m *serviceMuxes) serviceOf(routes []route) *runtime.ServeMux {
	var mux *runtime.ServeMux
	for _, rt := range routes {
		svc, _, _ := strings.Cut(strings.TrimPrefix(rt.rpc, "/"), "/")
		s := m.services[svc]
		if s == nil || mux != nil && s != mux {
			return nil
		}
		mux = s
	}
	return mux
}

func (m *serviceMuxes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.muxFor(r.Method, r.URL.EscapedPath()).ServeHTTP(w, r)
}

// muxFor is the ServeMux that answers method on path.
func (m *serviceMuxes) muxFor(method, path string) *runtime.ServeMux {
	shape := shapeOf(path)
	mux := m.byShape[method+" "+shape]
	if mux == nil {
		return m.all
	}
	if verb := strings.LastIndexByte(shape, ' '); verb < len(shape)-1 {
		// A route without a custom verb takes a last segment with a colon
		// (people/abc:x) for an id: the routes of that shape must be the
		// same service's too.
		plain := method + " " + shape[:verb+1]
		if _, ok := routesByShape[plain]; ok && m.byShape[plain] != mux {
			return m.all
		}
	}
	return mux
}
