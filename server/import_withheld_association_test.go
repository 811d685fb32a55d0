package server

import (
	"fmt"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// Whether an import's problems and report are withheld from its caller
// turns on when the people it quotes came to withhold what it quotes. That
// was told by their latest write of any kind: a key limited to an
// association that imported its member's row (with the phone the member
// withholds) read its report until the member registered with another
// association, and was refused it after, so learning of the registration.
// Only a change of the profile (a restriction, contact details withheld)
// moves it now.
func TestAssociationKeysImportNotWithheldByAnothersRegistration(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	registry := func() *pb.Consent {
		return &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}
	}
	p := e.person(&pb.Person{FamilyName: "Võ", GivenName: "Nhàn", Gender: pb.Person_FEMALE, NationalId: "079190001234", Email: "nhan.vo@example.vn"})
	own := e.register(&pb.RegisterMemberRequest{Parent: f.hyh.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}, Consent: registry()})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: own.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	rows := map[string][][]any{transfer.MembershipsSheet: {membershipHeader,
		{p.Name, "079190001234", "Võ", "Nhàn", "", f.hyh.Name, "Đang sinh hoạt", "", "2025-01", "nhan.vo@example.vn", ""},
		{"", "", "Trần", "", "", f.hyh.Name, "Không rõ", "", "2025-01", "", ""}}}
	name := e.importAs(f.medicalTok, &pb.ImportPeopleRequest{ValidateOnly: true,
		File: &httpbody.HttpBody{Data: sheets(t, []string{transfer.MembershipsSheet}, rows)}})
	ops := longrunningpb.NewOperationsClient(f.medical.Conn())
	read := func() string {
		t.Helper()
		op, err := ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.medical.Transfer.GetImportReport(ctx, &pb.GetImportReportRequest{Name: name})
		code, _ := e.restAs(f.medicalTok, "GET", "/v1/"+name+":report", nil)
		return fmt.Sprintf("%s\nreport: %v, REST %d", protojson.Format(op), status.Code(err), code)
	}
	before := read()

	// The economists' association registers her, approves her, and she
	// withdraws the consent of that registration.
	other := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: p.Name}, Consent: registry()})
	if now := read(); now != before {
		t.Errorf("after a registration with another association the key reads\n%s\nbefore\n%s", now, before)
	}
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: other.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: other.Membership.GetConsent().GetName()}); err != nil {
		t.Fatal(err)
	}
	if now := read(); now != before {
		t.Errorf("after another association's approval and the withdrawal of its consent the key reads\n%s\nbefore\n%s", now, before)
	}
}
