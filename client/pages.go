package client

import (
	"context"
	"iter"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// All iterates over every item of a List or Search call, page after page
// (https://google.aip.dev/158): req is the first page's request, whose
// page_token All sets for the following ones, call the client method, and
// items the answer's list. An error ends the iteration after it is yielded.
//
//	for p, err := range client.All(ctx, &pb.ListPeopleRequest{Filter: f}, c.People.ListPeople, (*pb.ListPeopleResponse).GetPeople) {
//		if err != nil { ... }
//	}
func All[Req, Resp proto.Message, T any](ctx context.Context, req Req,
	call func(context.Context, Req, ...grpc.CallOption) (Resp, error), items func(Resp) []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		req := proto.Clone(req).(Req)
		token := req.ProtoReflect().Descriptor().Fields().ByName("page_token")
		for {
			resp, err := call(ctx, req)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items(resp) {
				if !yield(it, nil) {
					return
				}
			}
			next := nextPageToken(resp.ProtoReflect())
			if next == "" || token == nil {
				return
			}
			req.ProtoReflect().Set(token, protoreflect.ValueOfString(next))
		}
	}
}

func nextPageToken(m protoreflect.Message) string {
	if fd := m.Descriptor().Fields().ByName("next_page_token"); fd != nil {
		return m.Get(fd).String()
	}
	return ""
}
