package server

import (
	"context"

	pb "trithuc/proto/trithuc/v1"
	"trithuc/store"
)

type personService struct {
	pb.UnimplementedPersonServiceServer
	db *store.DB
}

func (s *personService) CreatePerson(ctx context.Context, req *pb.CreatePersonRequest) (*pb.Person, error) {
	return create(ctx, "CreatePerson", req, req.GetPerson(), req.GetPersonId(), func(p *pb.Person, o store.CreateOptions) (*pb.Person, error) {
		return s.db.CreatePerson(ctx, p, o)
	})
}

func (s *personService) GetPerson(ctx context.Context, req *pb.GetPersonRequest) (*pb.Person, error) {
	out, err := s.db.GetPerson(ctx, req.GetName(), req.GetView())
	return out, grpcError(ctx, err)
}

func (s *personService) ListPeople(ctx context.Context, req *pb.ListPeopleRequest) (*pb.ListPeopleResponse, error) {
	people, page, err := s.db.ListPeople(ctx, listQuery(req), req.GetView())
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
	people, page, err := s.db.SearchPeople(ctx, store.SearchQuery{
		Query: req.GetQuery(),
		ListQuery: store.ListQuery{
			PageSize:  int(req.GetPageSize()),
			PageToken: req.GetPageToken(),
			Filter:    req.GetFilter(),
		},
	}, req.GetView())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.SearchPeopleResponse{People: people, NextPageToken: page.NextPageToken, TotalSize: int32(page.TotalSize)}, nil
}

func (s *personService) UpdatePerson(ctx context.Context, req *pb.UpdatePersonRequest) (*pb.Person, error) {
	return update(ctx, req.GetUpdateMask(), req.GetPerson(), req.GetValidateOnly(), func(name string, o store.WriteOptions, apply func(*pb.Person) error) (*pb.Person, error) {
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
