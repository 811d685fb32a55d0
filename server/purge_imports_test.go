package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A purge takes the imports that held the person with it (their
// operations, problems and reports), and the person's name is never
// given again: a new person under it would inherit their trail and
// requests, and the used ERASURE request would purge them.
func TestPurgeTakesImportsAndName(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, registrarTok := e.key(RoleRegistrar)
	registrar := e.clientAs(registrarTok)
	hoa, err := registrar.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "le-thi-hoa", Person: &pb.Person{
		FamilyName: "Lê", MiddleName: "Thị", GivenName: "Hoa", NationalId: "079185004455", Email: "hoa.le@example.vn",
		Phone: "0987 654 321"}})
	if err != nil {
		t.Fatal(err)
	}
	// A dry run whose row matched her with another email (a conflict
	// naming her) beside a bad row (a report holding her row); an import
	// that filled in her gender (named with her in its audit event); a
	// refused row of someone else that holds her phone alone, typed with
	// the country code (the report holds it); and an import about someone
	// else.
	dryRun := e.importAs(registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t, peopleHeader,
		[]any{"Lê", "Thị", "Hoa", "Nữ", "", "", "079185004455", "hoa.khac@example.vn"},
		[]any{"Trần", "", "", "Nam", "32/01/1980", "", "", ""})}})
	filled := e.importAs(registrarTok, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: workbook(t, peopleHeader,
		[]any{"Lê", "Thị", "Hoa", "Nữ", "", "", "079185004455", ""})}})
	phoned := e.importAs(registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t,
		append(append([]any{}, peopleHeader...), "Điện thoại"),
		[]any{"Trần", "", "Bình", "Nam", "32/01/1980", "", "", "", "+84 987.654.321"})}})
	other := e.importAs(registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: workbook(t, peopleHeader,
		[]any{"Phạm", "", "Minh", "Nam", "15/03/1980", "", "001080000009", ""},
		[]any{"Trần", "", "", "Nam", "32/01/1980", "", "", ""})}})
	e.reportOf(registrarTok, dryRun)

	pv := e.client.Privacy
	erase, err := pv.CreateDataSubjectRequest(ctx, &pb.CreateDataSubjectRequestRequest{DataSubjectRequest: &pb.DataSubjectRequest{
		Kind: pb.DataSubjectRequest_ERASURE, Person: hoa.Name, Requester: "Lê Thị Hoa"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pv.TransitionDataSubjectRequest(ctx, &pb.TransitionDataSubjectRequestRequest{Name: erase.Name, State: pb.DataSubjectRequest_COMPLETED}); err != nil {
		t.Fatal(err)
	}
	res, err := pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: hoa.Name, DataSubjectRequest: erase.Name, Reason: "erasure"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Removed["operations"] != 3 {
		t.Errorf("removed %d operations, want 3 (%v)", res.Removed["operations"], res.Removed)
	}

	ops := longrunningpb.NewOperationsClient(registrar.Conn())
	for _, name := range []string{dryRun, filled, phoned} {
		_, err := ops.GetOperation(ctx, &longrunningpb.GetOperationRequest{Name: name})
		wantCode(t, err, codes.NotFound)
		_, err = e.client.Transfer.GetImportReport(ctx, &pb.GetImportReportRequest{Name: name})
		wantCode(t, err, codes.NotFound)
	}
	list, err := ops.ListOperations(ctx, &longrunningpb.ListOperationsRequest{Name: "operations"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Operations) != 1 || list.Operations[0].Name != other {
		t.Errorf("listed after the purge: %v, want %s alone", list.Operations, other)
	}
	e.reportOf(registrarTok, other)

	// The name is not given again, over REST as over gRPC; another is.
	code, body := e.restAs(registrarTok, "POST", "/v1/people?personId=le-thi-hoa", map[string]any{"familyName": "Lê", "givenName": "Hoa"})
	wantREST(t, code, body, http.StatusConflict, "person_id")
	if msg, _ := body["message"].(string); !strings.Contains(msg, "purged") {
		t.Errorf("the refusal does not say why: %q", msg)
	}
	_, err = registrar.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "le-thi-hoa", Person: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}})
	wantCode(t, err, codes.AlreadyExists, "person_id")
	if _, err := registrar.People.CreatePerson(ctx, &pb.CreatePersonRequest{PersonId: "le-thi-hoa-2", Person: &pb.Person{FamilyName: "Lê", GivenName: "Hoa"}}); err != nil {
		t.Fatal(err)
	}
	_, err = pv.PurgePerson(ctx, &pb.PurgePersonRequest{Name: hoa.Name, DataSubjectRequest: erase.Name, Reason: "again"})
	wantCode(t, err, codes.NotFound)
}
