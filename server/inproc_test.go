package server

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestMoveMessage checks that an in-process answer reaches the gateway
// whole: moved when it is of the reply's type, copied when it is not,
// replacing whatever the reply held.
func TestMoveMessage(t *testing.T) {
	r := &pb.Person{Name: "people/a", FamilyName: "Nguyễn", GivenName: "A", Etag: "e1",
		CreateTime: timestamppb.Now(), Qualifications: []*pb.Qualification{{Major: "Toán"}}}
	want := proto.Clone(r)
	out := &pb.Person{Name: "people/old", MiddleName: "x"}
	moveMessage(out, r)
	if !proto.Equal(out, want) {
		t.Errorf("moved: %v, want %v", out, want)
	}
	// An answer of another Go type (here a dynamic message) is copied.
	dyn := dynamicpb.NewMessage(r.ProtoReflect().Descriptor())
	proto.Merge(dyn, want)
	out = &pb.Person{Name: "people/old", MiddleName: "x"}
	moveMessage(out, dyn)
	if !proto.Equal(out, want) {
		t.Errorf("copied: %v, want %v", out, want)
	}
}
