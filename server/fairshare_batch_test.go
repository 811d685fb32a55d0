package server

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/emptypb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// BatchGetPeople and BatchGetOrganizations read up to 1000 resources
// each, in full view, but "BatchGet" was no read verb: they took no slot of
// the read pool, so one key could run any number of them beside its share
// (and hold every read connection). They take a slot as every read does.
func TestBatchGetsShareTheReadPool(t *testing.T) {
	e := newEnvWith(t, func(c *Config) {
		c.ReadSlots = 2 // one principal may run one read at once
		c.MaxReadWait = 200 * time.Millisecond
	})
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}
	h := &hold{started: make(chan struct{}), release: make(chan struct{})}
	e.stop()
	e.start(func(s *Server) {
		s.grpc.RegisterService(&holdDesc, h)
		s.allow("/trithuc.test.Hold/GetHold", RoleHomeAffairs)
	})
	_, hostileKey := e.key(RoleHomeAffairs)
	hostile := e.clientAs(hostileKey)
	held := make(chan error, 1)
	go func() {
		held <- hostile.Conn().Invoke(ctx, "/trithuc.test.Hold/GetHold", &emptypb.Empty{}, &emptypb.Empty{})
	}()
	<-h.started
	defer func() {
		close(h.release)
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	}()

	_, err = hostile.People.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: []string{p.Name}})
	wantCode(t, err, codes.ResourceExhausted)
	_, err = hostile.Organizations.BatchGetOrganizations(ctx, &pb.BatchGetOrganizationsRequest{Names: []string{"organizations/none"}})
	wantCode(t, err, codes.ResourceExhausted)
}
