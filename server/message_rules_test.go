package server

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Every rule of a whole message, and every rule of a oneof, has no field of
// its own, yet its BadRequest names the field to fix (AIP-193): a request
// breaking each, and a check that the table covers every such rule the
// protos declare.
func TestMessageRulesNameTheirField(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now()
	cases := []struct {
		name  string
		rule  string // the message, and the rule's id or the oneof's name
		call  func() error
		field string
		says  string
	}{
		{"EndBeforeStart", "trithuc.v1.ListAuditEventsRequest end_time.after_start_time", func() error {
			_, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{StartTime: timestamppb.New(now), EndTime: timestamppb.New(now.Add(-time.Hour))})
			return err
		}, "end_time", "end_time: must be after start_time"},
		{"EndAtStart", "trithuc.v1.ListAuditEventsRequest end_time.after_start_time", func() error {
			_, err := e.client.Audit.ListAuditEvents(ctx, &pb.ListAuditEventsRequest{StartTime: timestamppb.New(now), EndTime: timestamppb.New(now)})
			return err
		}, "end_time", "end_time: must be after start_time"},
		{"NoApplicant", "trithuc.v1.RegisterMemberRequest applicant", func() error {
			_, err := e.client.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: "associations/hyh", Consent: consent()})
			return err
		}, "applicant", "applicant: required: set one of new_person, person"},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.rule] = true
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			wantCode(t, err, codes.InvalidArgument, c.field)
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("%v: want it to say %q", err, c.says)
			}
		})
	}
	t.Run("REST", func(t *testing.T) {
		code, body := e.rest("GET", "/v1/auditEvents?startTime=2026-02-01T00:00:00Z&endTime=2026-01-01T00:00:00Z", nil)
		wantREST(t, code, body, http.StatusBadRequest, "end_time")
	})

	var declared []string
	protoregistry.GlobalFiles.RangeFilesByPackage("trithuc.v1", func(f protoreflect.FileDescriptor) bool {
		var walk func(protoreflect.MessageDescriptors)
		walk = func(ms protoreflect.MessageDescriptors) {
			for i := range ms.Len() {
				m := ms.Get(i)
				rules, _ := proto.GetExtension(m.Options(), validate.E_Message).(*validate.MessageRules)
				for _, r := range rules.GetCel() {
					declared = append(declared, string(m.FullName())+" "+r.GetId())
				}
				for _, x := range rules.GetCelExpression() {
					declared = append(declared, string(m.FullName())+" "+x)
				}
				if len(rules.GetOneof()) > 0 {
					declared = append(declared, string(m.FullName())+" message.oneof")
				}
				for j := range m.Oneofs().Len() {
					o := m.Oneofs().Get(j)
					if r, _ := proto.GetExtension(o.Options(), validate.E_Oneof).(*validate.OneofRules); r.GetRequired() {
						declared = append(declared, string(m.FullName())+" "+string(o.Name()))
					}
				}
				walk(m.Messages())
			}
		}
		walk(f.Messages())
		return true
	})
	if len(declared) == 0 {
		t.Fatal("no rule of a whole message found: the walk reads nothing")
	}
	for _, d := range declared {
		if !covered[d] {
			t.Errorf("%s: no case breaks this rule; add one naming the field it reports on", d)
		}
	}
	for rule := range covered {
		if !slices.Contains(declared, rule) {
			t.Errorf("%s: the protos declare no such rule", rule)
		}
	}
}
