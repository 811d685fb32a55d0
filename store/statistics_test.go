package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	pb "trithuc/proto/trithuc/v1"
)

// A stand-in for the contract's Membership.State, until it has one.
func fakeMembershipState(t *testing.T) protoreflect.EnumDescriptor {
	t.Helper()
	var values []*descriptorpb.EnumValueDescriptorProto
	for i, name := range []string{"STATE_UNSPECIFIED", "PENDING", "ACTIVE", "SUSPENDED", "WITHDRAWN", "REJECTED"} {
		values = append(values, &descriptorpb.EnumValueDescriptorProto{Name: proto.String(name), Number: proto.Int32(int32(i))})
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name:    proto.String("fake/membership.proto"),
		Package: proto.String("fake"),
		Syntax:  proto.String("proto3"),
		MessageType: []*descriptorpb.DescriptorProto{{
			Name:     proto.String("Membership"),
			EnumType: []*descriptorpb.EnumDescriptorProto{{Name: proto.String("State"), Value: values}},
		}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().Get(0).Enums().Get(0)
}

// MEMBERSHIP_STATE is refused until the registry keeps memberships, and
// counts each person under their most advanced membership once it does.
func TestMembershipStateDimension(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_GENDER, pb.ComputeStatisticsRequest_MEMBERSHIP_STATE}}
	_, err = db.ComputeStatistics(ctx, q)
	var se *Error
	if !errors.As(err, &se) || se.Code != Invalid || se.Field != "dimensions[1]" || !strings.Contains(se.Message, "not available yet") {
		t.Fatalf("before memberships: %v", err)
	}

	for range 12 {
		if _, err := db.CreatePerson(ctx, &pb.Person{GivenName: "A", Gender: pb.Person_FEMALE}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// A table of the shape the membership work is expected to add: people
	// 1-6 active (person 1 also withdrawn elsewhere), 7-9 pending, 10
	// rejected, 11 with a deleted membership only, 12 with none.
	_, err = db.writer.ExecContext(ctx, `CREATE TABLE memberships (pk INTEGER PRIMARY KEY, person_pk INTEGER NOT NULL, state INTEGER NOT NULL, delete_time INTEGER);
		INSERT INTO memberships(person_pk, state) VALUES (1, 2), (1, 4), (2, 2), (3, 2), (4, 2), (5, 2), (6, 2), (7, 1), (8, 1), (9, 1), (10, 5);
		INSERT INTO memberships(person_pk, state, delete_time) VALUES (11, 2, 1);`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ComputeStatistics(ctx, q)
	if !errors.As(err, &se) || se.Field != "dimensions[1]" {
		t.Fatalf("without the enum in the contract: %v", err)
	}
	defer func(f func() protoreflect.EnumDescriptor) { membershipStateEnum = f }(membershipStateEnum)
	enum := fakeMembershipState(t)
	membershipStateEnum = func() protoreflect.EnumDescriptor { return enum }
	if _, err := db.UpdateStatisticsSettings(ctx, statisticsSettingsName, WriteOptions{}, func(s *pb.StatisticsSettings) error {
		s.SuppressionThreshold = 3
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r, err := db.ComputeStatistics(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range r.GetRows() {
		n := "*"
		if row.Count != nil {
			n = itoa(int64(row.GetCount()))
		}
		got = append(got, strings.Join(row.GetValues(), "/")+"="+n+" "+row.GetLabels()[1])
	}
	// PENDING 3 is shown; REJECTED 1 is hidden, and with it the smallest
	// other, "" (2: no membership, or a deleted one).
	want := "FEMALE/ACTIVE=6 Đang sinh hoạt, FEMALE/PENDING=3 Chờ duyệt, FEMALE/REJECTED=* Bị từ chối, FEMALE/=* Không là hội viên"
	if strings.Join(got, ", ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, ", "), want)
	}
}
