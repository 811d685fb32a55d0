package server

import (
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/durationpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import's problems and report quote what they met of people. Once a
// person it names is restricted, or one whose email or phone it quotes has
// withdrawn their consent to be contacted, its caller reads the operation
// with its counts but without its problems, and not its report, over gRPC
// (Get, List, Wait) and REST; an admin reads them whole. An import about
// someone else is not touched.
func TestImportOperationsWithholdPeople(t *testing.T) {
	header := append(append([]any{}, peopleHeader...), "Điện thoại")
	for _, tt := range []struct {
		name     string
		quoted   string // what the conflict quotes of the person
		row      []any  // their row, beside a bad one
		withhold func(t *testing.T, f *privacyFixture)
	}{
		{"restricted", "bao.lam@example.vn",
			[]any{"Lâm", "Quốc", "Bảo", "Nam", "", "", bao().NationalId, "khac@example.vn", ""},
			func(t *testing.T, f *privacyFixture) { f.restrict(t) }},
		{"contact withheld", "0912345678",
			[]any{"Lâm", "Quốc", "Bảo", "Nam", "", "", bao().NationalId, "", "0988 777 666"},
			func(t *testing.T, f *privacyFixture) { f.withholdContact(t) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newPrivacyFixture(t)
			e, ctx := f.e, f.ctx
			bad := []any{"Trần", "", "", "Nam", "32/01/1980", "", "", "", ""}
			quoting := e.importAs(f.registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true,
				File: &httpbody.HttpBody{Data: workbook(t, header, tt.row, bad)}})
			refused := e.importAs(f.registrarTok, &pb.ImportPeopleRequest{
				File: &httpbody.HttpBody{Data: workbook(t, header, tt.row, bad)}})
			other := e.importAs(f.registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true,
				File: &httpbody.HttpBody{Data: workbook(t, header, []any{"Phạm", "", "Minh", "Nam", "15/03/1980", "", "001080000009", "", ""}, bad)}})
			ops := longrunningpb.NewOperationsClient(f.registrar.Conn())
			text := func(op *longrunningpb.Operation) string {
				b, _ := protojson.Marshal(op)
				return string(b)
			}
			for _, name := range []string{quoting, refused} {
				op, err := ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
				if err != nil || !strings.Contains(text(op), tt.quoted) {
					t.Fatalf("%s before: %v %v, want it to quote %q", name, text(op), err, tt.quoted)
				}
			}

			tt.withhold(t, f)
			withheld := func(how, name string, op *longrunningpb.Operation) {
				t.Helper()
				s := text(op)
				if strings.Contains(s, tt.quoted) || strings.Contains(s, f.person.Name) || !strings.Contains(s, "withheld") ||
					!strings.Contains(s, `"refused":"1"`) {
					t.Errorf("%s %s as the registrar: %s", how, name, s)
				}
			}
			for _, name := range []string{quoting, refused} {
				op, err := ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
				if err != nil {
					t.Fatal(err)
				}
				withheld("GetOperation", name, op)
				op, err = ops.WaitOperation(ctx, &longrunningpb.WaitOperationRequest{Name: name, Timeout: durationpb.New(1)})
				if err != nil {
					t.Fatal(err)
				}
				withheld("WaitOperation", name, op)
				_, err = f.registrar.Transfer.GetImportReport(ctx, &pb.GetImportReportRequest{Name: name})
				wantCode(t, err, codes.PermissionDenied)
				code, body := e.restAs(f.registrarTok, "GET", "/v1/"+name, nil)
				if s := jsonText(body); code != http.StatusOK || strings.Contains(s, tt.quoted) || strings.Contains(s, f.person.Name) || !strings.Contains(s, "withheld") {
					t.Errorf("REST GET %s: %d %s", name, code, s)
				}
				code, body = e.restAs(f.registrarTok, "GET", "/v1/"+name+":report", nil)
				if s := jsonText(body); code != http.StatusForbidden || !strings.Contains(s, "admin") {
					t.Errorf("REST GET %s:report: %d %s", name, code, s)
				}

				// An admin reads them whole.
				op, err = longrunningpb.NewOperationsClient(e.client.Conn()).GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
				if err != nil || !strings.Contains(text(op), tt.quoted) {
					t.Errorf("%s as an admin: %v %v", name, text(op), err)
				}
				e.reportOf(e.token, name)
			}
			list, err := ops.ListOperations(ctx, &longrunningpb.ListOperationsRequest{Name: "operations"})
			if err != nil || len(list.Operations) != 3 {
				t.Fatalf("ListOperations: %v %v", list, err)
			}
			for _, op := range list.Operations {
				if op.Name != other {
					withheld("ListOperations", op.Name, op)
				} else if strings.Contains(text(op), "withheld") {
					t.Errorf("the import about someone else is withheld: %s", text(op))
				}
			}
			code, body := e.restAs(f.registrarTok, "GET", "/v1/operations", nil)
			if s := jsonText(body); code != http.StatusOK || strings.Contains(s, tt.quoted) || strings.Contains(s, f.person.Name) {
				t.Errorf("REST ListOperations: %d %s", code, s)
			}
			e.reportOf(f.registrarTok, other)
		})
	}
}

// An import that quotes a person who withholds their contact details by
// their phone alone, typed otherwise than it is registered, is withheld as
// well: a row of someone else carries the phone (a conflict naming the
// other person quotes it) beside a bad row (the report holds it).
func TestImportOperationWithheldByPhoneAlone(t *testing.T) {
	f := newPrivacyFixture(t) // f.person's phone is 0912345678
	e, ctx := f.e, f.ctx
	const typed = "+84 912.345.678"
	other, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{
		FamilyName: "Phạm", GivenName: "Minh", NationalId: "001080000009", Phone: "0900 000 001"}})
	if err != nil {
		t.Fatal(err)
	}
	header := append(append([]any{}, peopleHeader...), "Điện thoại")
	name := e.importAs(f.registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t, header,
		[]any{"Phạm", "", "Minh", "", "", "", "001080000009", "", typed},
		[]any{"Trần", "", "", "Nam", "32/01/1980", "", "", "", ""})}})
	ops := longrunningpb.NewOperationsClient(f.registrar.Conn())
	text := func(op *longrunningpb.Operation) string {
		b, _ := protojson.Marshal(op)
		return string(b)
	}
	op, err := ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
	if s := text(op); err != nil || !strings.Contains(s, typed) || !strings.Contains(s, other.Name) || strings.Contains(s, f.person.Name) {
		t.Fatalf("before: %s %v, want a conflict of %s quoting %q, and %s unnamed", s, err, other.Name, typed, f.person.Name)
	}

	f.withholdContact(t)
	op, err = ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
	if s := text(op); err != nil || strings.Contains(s, typed) || !strings.Contains(s, "withheld") {
		t.Errorf("GetOperation as the registrar: %s %v, want the problems withheld", s, err)
	}
	_, err = f.registrar.Transfer.GetImportReport(ctx, &pb.GetImportReportRequest{Name: name})
	wantCode(t, err, codes.PermissionDenied)
	code, body := e.restAs(f.registrarTok, "GET", "/v1/"+name+":report", nil)
	if s := jsonText(body); code != http.StatusForbidden || !strings.Contains(s, "admin") {
		t.Errorf("REST GET %s:report: %d %s", name, code, s)
	}

	// An admin reads them whole.
	op, err = longrunningpb.NewOperationsClient(e.client.Conn()).GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
	if err != nil || !strings.Contains(text(op), typed) {
		t.Errorf("as an admin: %s %v", text(op), err)
	}
	e.reportOf(e.token, name)
}
