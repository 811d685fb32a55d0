package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// bigCSV is a CSV file of two people a little over size bytes: the second
// after blank lines that make it large, so that only the whole file
// imports both.
func bigCSV(size int) []byte {
	head := "\xEF\xBB\xBFHọ;Tên;Ngày sinh;Số CCCD\nNguyễn;An;15/03/1980;001080000001\n"
	tail := "Trần;Bình;16/04/1981;001081000002\n"
	return []byte(head + strings.Repeat("\n", size) + tail)
}

func TestUploadImportLargeFile(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MaxRequestBytes = DefaultMaxRequestBytes })
	file := bigCSV(DefaultMaxRequestBytes + 1<<20)
	req := &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: file}}

	// In one message, over gRPC: refused by the transport, unread.
	_, err := e.client.Transfer.ImportPeople(context.Background(), req, grpc.MaxCallSendMsgSize(len(file)+1<<20))
	wantCode(t, err, codes.ResourceExhausted)

	// In chunks: the whole file imports.
	op, err := e.client.UploadImport(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	op = e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), op)
	resp := &pb.ImportPeopleResponse{}
	if op.GetError() != nil {
		t.Fatalf("the import ended with %v", status.FromProto(op.GetError()))
	}
	if err := op.GetResponse().UnmarshalTo(resp); err != nil {
		t.Fatal(err)
	}
	if resp.Created != 2 {
		t.Errorf("the import of a %d-byte file created %d people, want 2: %v", len(file), resp.Created, resp)
	}
}

func TestUploadImportRefused(t *testing.T) {
	const limit = 2 << 20
	e := newEnvWith(t, func(c *Config) { c.MaxRequestBytes = DefaultMaxRequestBytes; c.MaxImportBytes = limit })
	_, registrar := e.key("registrar")
	upload := func(token string, msgs ...*pb.UploadImportRequest) error {
		ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+token)
		conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		stream, err := pb.NewTransferServiceClient(conn).UploadImport(ctx)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if stream.Send(m) != nil {
				break
			}
		}
		_, err = stream.CloseAndRecv()
		return err
	}
	request := func(data []byte) *pb.UploadImportRequest {
		return &pb.UploadImportRequest{Part: &pb.UploadImportRequest_Request{Request: &pb.ImportPeopleRequest{ValidateOnly: true,
			File: &httpbody.HttpBody{ContentType: "text/csv", Data: data}}}}
	}
	chunk := func(n int) *pb.UploadImportRequest {
		return &pb.UploadImportRequest{Part: &pb.UploadImportRequest_Chunk{Chunk: make([]byte, n)}}
	}
	for _, tc := range []struct {
		name  string
		msgs  []*pb.UploadImportRequest
		code  codes.Code
		field string
		text  string
	}{
		{"ErrEmpty", nil, codes.InvalidArgument, "request", ""},
		{"ErrChunkFirst", []*pb.UploadImportRequest{chunk(10)}, codes.InvalidArgument, "request", ""},
		{"ErrRequestTwice", []*pb.UploadImportRequest{request(nil), request(nil)}, codes.InvalidArgument, "request", ""},
		{"ErrChunkTooLarge", []*pb.UploadImportRequest{request(nil), chunk(maxChunkBytes + 1)}, codes.InvalidArgument, "chunk", ""},
		{"ErrFileTooLarge", []*pb.UploadImportRequest{request(nil), chunk(maxChunkBytes), chunk(maxChunkBytes), chunk(1)},
			codes.ResourceExhausted, "", fmt.Sprint(limit)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := upload(registrar, tc.msgs...)
			if tc.field != "" {
				wantCode(t, err, tc.code, tc.field)
			} else {
				wantCode(t, err, tc.code)
			}
			if !strings.Contains(status.Convert(err).Message(), tc.text) {
				t.Errorf("%v does not name %q", err, tc.text)
			}
		})
	}
	t.Run("ErrServiceRole", func(t *testing.T) {
		_, service := e.key("service")
		wantCode(t, upload(service, request(bigCSV(100))), codes.PermissionDenied)
	})
}

// Over gRPC no method receives a message larger than MaxRequestBytes, with
// a credential or without: grpc refuses it from its length prefix, unread.
func TestLargeMessagesRefusedUnread(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.MaxRequestBytes = DefaultMaxRequestBytes })
	conn, err := grpc.NewClient(e.srv.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(2*bigMessage), grpc.ForceCodec(rawCodec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	health, err := proto.Marshal(&healthpb.HealthCheckRequest{Service: strings.Repeat("a", bigMessage)})
	if err != nil {
		t.Fatal(err)
	}
	person, err := proto.Marshal(&pb.CreatePersonRequest{Person: &pb.Person{FamilyName: strings.Repeat("a", bigMessage)}})
	if err != nil {
		t.Fatal(err)
	}
	auth := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+e.token)
	stop := heapPeak()
	var reply []byte
	for i := 0; i < 4; i++ {
		wantCode(t, conn.Invoke(context.Background(), "/grpc.health.v1.Health/Check", health, &reply), codes.ResourceExhausted)
		wantCode(t, conn.Invoke(auth, "/trithuc.v1.PersonService/CreatePerson", person, &reply), codes.ResourceExhausted)
	}
	grew := stop()
	t.Logf("heap grew by %d MB", grew>>20)
	if grew > heapBound {
		t.Errorf("the heap grew by %d MB for messages over the limit; they were read", grew>>20)
	}
}
