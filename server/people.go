package server

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

type personService struct {
	requests idempotency
	pb.UnimplementedPersonServiceServer
	db *store.DB
	// shown is what of memberships and consents the caller reads, whose
	// etag and update_time of a person its answers carry and an update's
	// etag is (holdings.go).
	shown func(ctx context.Context) store.Shown
}

func (s *personService) CreatePerson(ctx context.Context, req *pb.CreatePersonRequest) (*pb.Person, error) {
	return create(ctx, s.requests, "CreatePerson", req, req.GetPerson(), req.GetPersonId(), func(p *pb.Person, o store.CreateOptions) (*pb.Person, error) {
		return s.db.CreatePerson(ctx, p, o)
	})
}

func (s *personService) GetPerson(ctx context.Context, req *pb.GetPersonRequest) (*pb.Person, error) {
	out, err := s.db.GetPersonShown(ctx, req.GetName(), req.GetView(), s.shown(ctx))
	return out, grpcError(ctx, err)
}

func (s *personService) ListPeople(ctx context.Context, req *pb.ListPeopleRequest) (*pb.ListPeopleResponse, error) {
	q := listQuery(req)
	q.Scope = scopeOf(ctx)
	q.Shown = s.shown(ctx)
	people, page, err := s.db.ListPeople(ctx, q, req.GetView())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListPeopleResponse{
		People:        people,
		NextPageToken: page.NextPageToken,
		TotalSize:     int32(page.TotalSize),
	}, nil
}

func (s *personService) SearchPeople(ctx context.Context, req *pb.SearchPeopleRequest) (*pb.SearchPeopleResponse, error) {
	p := callFrom(ctx).principal
	people, page, err := s.db.SearchPeople(ctx, store.SearchQuery{
		Query:     req.GetQuery(),
		NamesOnly: p != nil && basicViewRoles[p.Role],
		ListQuery: store.ListQuery{
			PageSize:  int(req.GetPageSize()),
			PageToken: req.GetPageToken(),
			Filter:    req.GetFilter(),
			Scope:     scopeOf(ctx),
			Shown:     s.shown(ctx),
		},
	}, req.GetView())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.SearchPeopleResponse{People: people, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *personService) UpdatePerson(ctx context.Context, req *pb.UpdatePersonRequest) (*pb.Person, error) {
	return update(ctx, req.GetUpdateMask(), req.GetPerson(), req.GetValidateOnly(), func(name string, o store.WriteOptions, apply func(*pb.Person) error) (*pb.Person, error) {
		o.Shown = s.shown(ctx)
		return s.db.UpdatePerson(ctx, name, o, apply)
	})
}

func (s *personService) DeletePerson(ctx context.Context, req *pb.DeletePersonRequest) (*pb.Person, error) {
	out, err := s.db.DeletePerson(ctx, req.GetName(),
		store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *personService) UndeletePerson(ctx context.Context, req *pb.UndeletePersonRequest) (*pb.Person, error) {
	out, err := s.db.UndeletePerson(ctx, req.GetName(),
		store.WriteOptions{Audit: auditEvent(ctx), Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *personService) BatchGetPeople(ctx context.Context, req *pb.BatchGetPeopleRequest) (*pb.BatchGetPeopleResponse, error) {
	people, err := s.db.BatchGetPeople(ctx, req.GetNames(), req.GetView(), s.shown(ctx))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	// A restricted profile is the administrators' alone, as in GetPerson
	// (privacy.go); all or nothing, so one refuses the batch.
	if p := callFrom(ctx).principal; p != nil && p.Role != RoleAdmin {
		for i, person := range people {
			if person.GetRestricted() {
				return nil, status.Errorf(codes.PermissionDenied,
					"names[%d]: %s is restricted: the consent its processing rested on was withdrawn, or the person asked for restriction; only an admin may read it", i, person.GetName())
			}
		}
	}
	return &pb.BatchGetPeopleResponse{People: people}, nil
}
