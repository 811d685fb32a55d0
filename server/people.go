package server

import (
	"context"

	"go.einride.tech/aip/fieldbehavior"
	"go.einride.tech/aip/fieldmask"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"

	pb "trithuc/proto/trithuc/v1"
	"trithuc/store"
)

type personService struct {
	pb.UnimplementedPersonServiceServer
	db *store.DB
}

func (s *personService) CreatePerson(ctx context.Context, req *pb.CreatePersonRequest) (*pb.Person, error) {
	p := proto.Clone(req.GetPerson()).(*pb.Person)
	// Output-only fields and the name are the server's to set (AIP-133):
	// what a client sends there is ignored.
	fieldbehavior.ClearFields(p, annotations.FieldBehavior_OUTPUT_ONLY)
	p.Name = ""
	out, err := s.db.CreatePerson(ctx, p, store.CreateOptions{
		ID:           req.GetPersonId(),
		Request:      requestKey(ctx, "CreatePerson", req.GetRequestId(), req),
		ValidateOnly: req.GetValidateOnly(),
	})
	return out, grpcError(ctx, err)
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

func (s *personService) UpdatePerson(ctx context.Context, req *pb.UpdatePersonRequest) (*pb.Person, error) {
	if err := checkUpdateMask(req.GetUpdateMask(), req.GetPerson()); err != nil {
		return nil, err
	}
	out, err := s.db.UpdatePerson(ctx, req.GetPerson().GetName(),
		store.WriteOptions{Etag: req.GetPerson().GetEtag(), ValidateOnly: req.GetValidateOnly()},
		func(current *pb.Person) error {
			fieldmask.Update(req.GetUpdateMask(), current, req.GetPerson())
			return nil
		})
	return out, grpcError(ctx, err)
}

func (s *personService) DeletePerson(ctx context.Context, req *pb.DeletePersonRequest) (*pb.Person, error) {
	out, err := s.db.DeletePerson(ctx, req.GetName(),
		store.WriteOptions{Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}

func (s *personService) UndeletePerson(ctx context.Context, req *pb.UndeletePersonRequest) (*pb.Person, error) {
	out, err := s.db.UndeletePerson(ctx, req.GetName(),
		store.WriteOptions{Etag: req.GetEtag(), ValidateOnly: req.GetValidateOnly()})
	return out, grpcError(ctx, err)
}
