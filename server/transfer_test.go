package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// workbook makes an XLSX file of people as a user would fill in the
// template.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", transfer.PeopleSheet)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(transfer.PeopleSheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var peopleHeader = []any{"Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh", "Dân tộc", "Số CCCD", "Email"}

// badWorkbook has two good rows and one row of each kind of mistake.
func badWorkbook(t *testing.T) []byte {
	return workbook(t, peopleHeader,
		[]any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "01 - Kinh", "001080000001", "an@example.vn"},
		[]any{"Sơn", "Thị", "Sà Rết", "Nữ", 1975, "05", "", ""},
		[]any{"Trần", "", "Bình", "Nam", "31/02/1980", "", "", ""}, // row 4: no such date
		[]any{"NguyÔn", "V¨n", "C­êng", "Nam", "1980", "", "", ""}, // row 5: TCVN3
		[]any{"Lê", "", "Dũng", "Nam", "1980", "", "12345", ""},    // row 6: national ID format (protovalidate)
		[]any{"Phạm", "", "", "Nữ", "1980", "", "", ""},            // row 7: no given name (the store)
		[]any{"Võ", "", "Em", "Nữ", "1980", "99", "", ""},          // row 8: no such ethnic group (the store)
	)
}

// wait polls an operation until it is done.
func (e *env) wait(ops longrunningpb.OperationsClient, op *longrunningpb.Operation) *longrunningpb.Operation {
	e.t.Helper()
	for !op.Done {
		time.Sleep(20 * time.Millisecond)
		var err error
		if op, err = ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: op.Name}); err != nil {
			e.t.Fatal(err)
		}
	}
	return op
}

func (e *env) importFile(req *pb.ImportPeopleRequest) (*pb.ImportPeopleResponse, *status.Status) {
	e.t.Helper()
	conn := e.client.Conn()
	// A file that fits in a message goes whole, a larger one in chunks.
	var op *longrunningpb.Operation
	var err error
	if proto.Size(req) < e.srv.cfg.MaxRequestBytes-1<<10 {
		op, err = pb.NewTransferServiceClient(conn).ImportPeople(context.Background(), req)
	} else {
		op, err = e.client.UploadImport(context.Background(), req)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if op.Done {
		// Answered before its run began: a done answer would promise
		// rows a read may not see yet.
		e.t.Fatalf("ImportPeople answered with an operation already done: %v", op)
	}
	op = e.wait(longrunningpb.NewOperationsClient(conn), op)
	meta := &pb.ImportPeopleMetadata{}
	if err := op.Metadata.UnmarshalTo(meta); err != nil {
		e.t.Fatal(err)
	}
	resp := &pb.ImportPeopleResponse{}
	if st := op.GetError(); st != nil {
		s := status.FromProto(st)
		for _, d := range s.Details() {
			if r, ok := d.(*pb.ImportPeopleResponse); ok {
				resp = r
			}
		}
		return resp, s
	}
	if err := op.GetResponse().UnmarshalTo(resp); err != nil {
		e.t.Fatal(err)
	}
	if meta.RowsRead != meta.RowsAccepted+meta.RowsRefused {
		e.t.Errorf("metadata %v does not add up", meta)
	}
	return resp, nil
}

func problemsAt(resp *pb.ImportPeopleResponse) map[int32]string {
	out := map[int32]string{}
	for _, p := range resp.Problems {
		if p.Kind == pb.ImportProblem_ERROR {
			out[p.Row] += p.Column + ": " + p.Message + "; "
		}
	}
	return out
}

func TestImportPeopleModes(t *testing.T) {
	e := newEnv(t)
	file := &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: badWorkbook(t)}

	// All or nothing: every problem reported by row and column, nothing
	// imported.
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: file})
	if st == nil || st.Code() != codes.InvalidArgument || resp.Applied {
		t.Fatalf("all or nothing with bad rows: %v, %v", st, resp)
	}
	got := problemsAt(resp)
	for row, want := range map[int32]string{4: "E (Ngày sinh)", 5: "TCVN3", 6: "G (Số CCCD)", 7: "C (Tên)", 8: "ethnic"} {
		if !strings.Contains(got[row], want) {
			t.Errorf("row %d: problems %q, want one about %q", row, got[row], want)
		}
	}
	if !strings.Contains(got[5], "Nguyễn") {
		t.Errorf("the TCVN3 problem does not say how the text reads: %q", got[5])
	}
	if len(got) != 5 || resp.Refused != 5 {
		t.Errorf("problems on rows %v, refused %d; want rows 4 to 8", got, resp.Refused)
	}
	if n := e.count(); n != 0 {
		t.Fatalf("a refused import created %d people", n)
	}

	// A dry run of the good rows reports and changes nothing.
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, ValidateOnly: true, SkipInvalid: true})
	if st != nil || resp.Applied || resp.Created != 2 {
		t.Fatalf("dry run: %v %v", st, resp)
	}
	if n := e.count(); n != 0 {
		t.Fatalf("a dry run created %d people", n)
	}

	// Skip invalid: the good rows are imported, the bad ones listed.
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || !resp.Applied || resp.Created != 2 || resp.Refused != 5 {
		t.Fatalf("skip invalid: %v %v", st, resp)
	}
	if n := e.count(); n != 2 {
		t.Fatalf("%d people after importing 2", n)
	}

	// The same file again changes nothing.
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true})
	if st != nil || resp.Created != 0 || resp.Updated != 0 || resp.Unchanged != 2 {
		t.Fatalf("second import: %v %v", st, resp)
	}

	// A national ID already registered fills in what is empty and lists a
	// different value as a conflict.
	again := workbook(t, peopleHeader, []any{"Nguyễn", "Văn", "An", "Nữ", "15/03/1980", "", "001080000001", "an@example.vn"},
		[]any{"", "", "An", "", "", "", "001080000001", "khac@example.vn"})
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: again}})
	if st != nil || resp.Updated != 0 || len(resp.Problems) != 2 || resp.Problems[0].Kind != pb.ImportProblem_CONFLICT {
		t.Fatalf("conflicting import: %v %v", st, resp)
	}
	if n := e.count(); n != 2 {
		t.Fatalf("%d people after a matching import", n)
	}
}

func TestImportPeopleOverREST(t *testing.T) {
	e := newEnv(t)
	csv := "\xEF\xBB\xBFHọ;Tên;Ngày sinh;Số CCCD\nNguyễn;An;15/03/1980;001080000001\nTrần;Bình;32/01/1980;\n"
	post := func(query string) map[string]any {
		req, _ := http.NewRequest("POST", e.base+"/v1/people:import"+query, strings.NewReader(csv))
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("Content-Type", "text/csv; charset=utf-8")
		res, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var op map[string]any
		json.NewDecoder(res.Body).Decode(&op)
		if res.StatusCode != 200 {
			t.Fatalf("POST: %d %v", res.StatusCode, op)
		}
		for op["done"] != true {
			time.Sleep(20 * time.Millisecond)
			code, body := e.rest("GET", "/v1/"+op["name"].(string), nil)
			if code != 200 {
				t.Fatalf("GET operation: %d %v", code, body)
			}
			op = body
		}
		return op
	}
	op := post("")
	if op["error"] == nil || !strings.Contains(op["error"].(map[string]any)["message"].(string), "nothing was imported") {
		t.Fatalf("all or nothing over REST: %v", op)
	}
	op = post("?skipInvalid=true")
	resp := op["response"].(map[string]any)
	if resp["created"] != "1" || resp["refused"] != "1" {
		t.Fatalf("skip invalid over REST: %v", op)
	}
	// Without a credential the upload is refused like every other call.
	req, _ := http.NewRequest("POST", e.base+"/v1/people:import", strings.NewReader(csv))
	req.Header.Set("Content-Type", "text/csv")
	res, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous import: %d", res.StatusCode)
	}
	// The service role may not import.
	_, svc := e.key("service")
	code, _ := e.restAs(svc, "GET", "/v1/people:export", nil)
	if code != http.StatusForbidden {
		t.Errorf("service export: %d", code)
	}
}

func (e *env) export(token string, req *pb.ExportPeopleRequest) []byte {
	e.t.Helper()
	stream, err := pb.NewTransferServiceClient(e.clientAs(token).Conn()).ExportPeople(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	var buf bytes.Buffer
	for {
		chunk, err := stream.Recv()
		if err == io.EOF {
			return buf.Bytes()
		}
		if err != nil {
			e.t.Fatal(err)
		}
		buf.Write(chunk.Data)
	}
}

func TestExportRoundTripAndRedaction(t *testing.T) {
	e := newEnv(t)
	file := &httpbody.HttpBody{Data: badWorkbook(t)}
	if _, st := e.importFile(&pb.ImportPeopleRequest{File: file, SkipInvalid: true}); st != nil {
		t.Fatal(st)
	}
	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}})
	if st != nil || resp.Unchanged != 2 || resp.Created+resp.Updated != 0 || len(resp.Problems) != 0 {
		t.Fatalf("re-importing an export: %v %v", st, resp)
	}
	// Over REST the XLSX arrives whole.
	req, _ := http.NewRequest("GET", e.base+"/v1/people:export?format=XLSX", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	res, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if _, err := transfer.Open(body, transfer.XLSX); err != nil || res.Header.Get("Content-Type") != transfer.ContentTypeXLSX {
		t.Fatalf("REST export: %v %q", err, res.Header.Get("Content-Type"))
	}

	_, ha := e.key("home_affairs")
	csv := string(e.export(ha, &pb.ExportPeopleRequest{Columns: []string{"family_name", "national_id", "birth_date"}}))
	if strings.Contains(csv, "001080000001") || strings.Contains(csv, "15/03/1980") || !strings.Contains(csv, "Nguyễn,,1980") {
		t.Errorf("home affairs export not redacted:\n%s", csv)
	}
}

// noSheets is an XLSX file whose workbook lists no sheets.
func noSheets(t *testing.T) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(workbook(t, peopleHeader)), int64(len(workbook(t, peopleHeader))))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		r, _ := f.Open()
		data, _ := io.ReadAll(r)
		r.Close()
		if f.Name == "xl/workbook.xml" {
			data = regexp.MustCompile(`<sheets>.*</sheets>`).ReplaceAll(data, []byte("<sheets/>"))
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportWorkbookWithoutSheets(t *testing.T) {
	e := newEnv(t)
	_, err := pb.NewTransferServiceClient(e.client.Conn()).ImportPeople(context.Background(),
		&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: noSheets(t)}})
	wantCode(t, err, codes.InvalidArgument, "file")
	if !strings.Contains(status.Convert(err).Message(), "the workbook has no sheets") {
		t.Errorf("the refusal does not say why: %q", status.Convert(err).Message())
	}
}

// A new person with a national ID of their own is created, though another
// has the same name and birth date; a row without a national ID or Mã hồ
// sơ that resembles someone is listed, not created.
func TestImportNationalIDIsNotALookAlike(t *testing.T) {
	e := newEnv(t)
	first := workbook(t, peopleHeader, []any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "", "001080000001", ""})
	if _, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: first}}); st != nil {
		t.Fatal(st)
	}
	file := workbook(t, peopleHeader,
		[]any{"Nguyễn", "Văn", "An", "Nam", "15/03/1980", "", "001080000002", ""}, // someone else
		[]any{"Nguyễn", "Văn", "An", "Nam", "1980", "", "001080000003", ""},       // someone else, the year alone
		[]any{"Nguyễn", "Văn", "An", "Nữ", "15/03/1980", "", "", ""})              // no key: a look-alike
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, SkipInvalid: true})
	if st != nil || resp.Created != 2 || resp.PossibleDuplicates != 1 {
		t.Fatalf("created %d, look-alikes %d (%v): want 2 created and the row without a key listed", resp.GetCreated(), resp.GetPossibleDuplicates(), st)
	}
	for _, p := range resp.Problems {
		if p.Row != 4 {
			t.Errorf("row %d with its own national ID: %v", p.Row, p)
		}
	}
}

// Names and places in other languages import and export as they are; text
// in a legacy font is refused as that font, though a word of Unicode or a
// dash stands beside it.
func TestImportLegacyTextByWord(t *testing.T) {
	e := newEnv(t)
	header := []any{"Họ", "Tên", "Địa chỉ"}
	good := workbook(t, header,
		[]any{"Müller", "Jürgen", "Technische Universität München"},
		[]any{"Peña", "José", "Søndre gate 5, Trondheim"})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: good}})
	if st != nil || resp.Created != 2 {
		t.Fatalf("foreign names: %v %v", st, resp)
	}
	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	if resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}}); st != nil || resp.Unchanged != 2 {
		t.Fatalf("re-importing the export: %v %v", st, resp)
	}
	bad := workbook(t, header,
		[]any{"NguyÔn Văn", "An", ""},
		[]any{"Trần", "Bình", "Sè 5 ®\u00adêng Lª Lîi – TP Long Xuyªn"},
		[]any{"Lê", "Ngäc", ""})
	resp, st = e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: bad}})
	if st == nil {
		t.Fatalf("legacy text imported: %v", resp)
	}
	got := problemsAt(resp)
	for row, want := range map[int32]string{2: "Nguyễn Văn", 3: "Số 5 đường Lê Lợi", 4: "Ngọc"} {
		if !strings.Contains(got[row], "TCVN3") || !strings.Contains(got[row], want) {
			t.Errorf("row %d: %q, want it refused as TCVN3 reading %q", row, got[row], want)
		}
	}
}

// A national ID kept as a number, shown with its leading zeros, imports as
// shown. A phone kept as a number has lost its leading 0: a Vietnamese
// mobile (9 digits left, 3, 5, 7, 8 or 9 first) or landline (10 left, 2
// first) imports with its 0 and a warning, in Vietnamese in the report; a
// number too short is as typed; any other that lost its 0 is refused with
// why. The registered phone is that number typed otherwise: no conflict.
func TestImportNumbersWithLeadingZeros(t *testing.T) {
	e := newEnv(t)
	e.person(&pb.Person{FamilyName: "Võ", GivenName: "Em", NationalId: "001080000006", Phone: "0977 111 222"})
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", transfer.PeopleSheet)
	f.SetSheetRow(transfer.PeopleSheet, "A1", &[]any{"Họ", "Tên", "Số CCCD", "Điện thoại"})
	f.SetSheetRow(transfer.PeopleSheet, "A2", &[]any{"Nguyễn", "An", 1230000602, "0912345678"})
	f.SetSheetRow(transfer.PeopleSheet, "A3", &[]any{"Trần", "Bình", "001080000002", 912345678})
	f.SetSheetRow(transfer.PeopleSheet, "A4", &[]any{"Lê", "Cúc", "001080000003", 2963841234})
	f.SetSheetRow(transfer.PeopleSheet, "A5", &[]any{"Phạm", "Dũng", "001080000004", 123456789})
	f.SetSheetRow(transfer.PeopleSheet, "A6", &[]any{"Hồ", "Giang", "001080000005", 12345678})
	f.SetSheetRow(transfer.PeopleSheet, "A7", &[]any{"Võ", "Em", "001080000006", 977111222})
	zeros := "000000000000"
	style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &zeros})
	f.SetCellStyle(transfer.PeopleSheet, "C2", "C2", style)
	var buf bytes.Buffer
	f.WriteTo(&buf)
	name := e.importAs(e.token, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: buf.Bytes()}, SkipInvalid: true})
	op, err := longrunningpb.NewOperationsClient(e.client.Conn()).GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	resp := &pb.ImportPeopleResponse{}
	if err := op.GetResponse().UnmarshalTo(resp); err != nil {
		t.Fatalf("%v: %v", op, err)
	}
	if resp.Created != 4 || resp.Refused != 1 || resp.Unchanged != 1 || e.personByNationalID("001230000602") == "" {
		t.Fatalf("the national ID shown with its zeros, the phones: %v", resp)
	}
	if got := problemsAt(resp); len(got) != 1 || !strings.Contains(got[5], "D (Điện thoại)") || !strings.Contains(got[5], "leading zero was probably lost") {
		t.Errorf("the errors: %q, want row 5's phone refused, that lost its zero", got)
	}
	for nid, want := range map[string]string{"001080000002": "0912345678", "001080000003": "02963841234", "001080000005": "12345678", "001080000006": "0977 111 222"} {
		if got := e.get(e.personByNationalID(nid), pb.PersonView_PERSON_VIEW_BASIC).Phone; got != want {
			t.Errorf("the phone of %s is %q, want %q", nid, got, want)
		}
	}
	warned := map[int32]string{}
	for _, p := range resp.Problems {
		if p.Kind == pb.ImportProblem_WARNING {
			warned[p.Row] = p.Column + " " + p.Field + ": " + p.Message
		}
		if p.Kind == pb.ImportProblem_CONFLICT {
			t.Errorf("a conflict: %v", p)
		}
	}
	for row, want := range map[int32]string{3: `"912345678" has lost its leading 0`, 4: `"2963841234" has lost its leading 0`, 7: `"977111222" has lost its leading 0`} {
		if !strings.HasPrefix(warned[row], "D (Điện thoại) person.phone: "+want) {
			t.Errorf("row %d warns %q, want %q", row, warned[row], want)
		}
	}
	if len(warned) != 3 {
		t.Errorf("warnings %q, want rows 3, 4 and 7 alone", warned)
	}
	// The report says it in Vietnamese, tagged as a warning.
	report := e.reportOf(e.token, name)
	for cell, want := range map[string]string{
		"E3": `[Cảnh báo] D (Điện thoại): "912345678" đã mất số 0 ở đầu (bảng tính bỏ số 0 ở đầu của một ô kiểu số): đã nhập thành "0912345678"`,
		"E4": `[Cảnh báo] D (Điện thoại): "2963841234" đã mất số 0 ở đầu`,
	} {
		if got, _ := report.GetCellValue(transfer.PeopleSheet, cell); !strings.HasPrefix(got, want) {
			t.Errorf("report %s: %q, want %q", cell, got, want)
		}
	}
}

// Dates read as the workbook counts them: a 1904 workbook's serials, a
// year kept as the number 1980.0; a number that is no plausible date is
// refused, not stored as a day of 1900.
func TestImportDatesAsTheWorkbookCounts(t *testing.T) {
	e := newEnv(t)
	f := excelize.NewFile()
	yes := true
	f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes})
	f.SetSheetName("Sheet1", transfer.PeopleSheet)
	f.SetSheetRow(transfer.PeopleSheet, "A1", &[]any{"Họ", "Tên", "Ngày sinh", "Số CCCD"})
	f.SetSheetRow(transfer.PeopleSheet, "A2", &[]any{"Nguyễn", "An", 27759, "001080000001"})
	f.SetSheetRow(transfer.PeopleSheet, "A3", &[]any{"Trần", "Bình", 1980.0, "001080000002"})
	f.SetSheetRow(transfer.PeopleSheet, "A4", &[]any{"Lê", "Chi", 15.3, "001080000003"})
	var buf bytes.Buffer
	f.WriteTo(&buf)
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: buf.Bytes()}, SkipInvalid: true})
	if st != nil || resp.Created != 2 || !strings.Contains(problemsAt(resp)[4], "C (Ngày sinh)") {
		t.Fatalf("%v %v", st, resp)
	}
	for nid, want := range map[string]string{"001080000001": "year:1980 month:1 day:1", "001080000002": "year:1980"} {
		p, err := e.client.People.GetPerson(context.Background(), &pb.GetPersonRequest{Name: e.personByNationalID(nid)})
		if err != nil || strings.Join(strings.Fields(p.GetBirthDate().String()), " ") != want {
			t.Errorf("%s was born %v, want %s (%v)", nid, p.GetBirthDate(), want, err)
		}
	}
}

// A row's problems are reported together: a cell that cannot be read does
// not hide what the request's rules and the store's checks find in the
// others.
func TestImportReportsARowsProblemsTogether(t *testing.T) {
	e := newEnv(t)
	header := []any{"Họ", "Tên", "Ngày sinh", "Dân tộc", "Số CCCD", "Email"}
	file := workbook(t, header,
		[]any{"Lê", "", "31/02/1980", "5", "12345", "not-an-email"},
		[]any{"Lê", "", "1980", "99", "", "not-an-email"},
		[]any{"NguyÔn", "", "1980", "", "", ""})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}, ValidateOnly: true})
	if st == nil {
		t.Fatalf("imported: %v", resp)
	}
	got := problemsAt(resp)
	for row, want := range map[int32][]string{
		2: {"B (Tên)", "C (Ngày sinh)", "D (Dân tộc)", "E (Số CCCD)", "F (Email)"},
		3: {"B (Tên)", "D (Dân tộc)", "F (Email)"},
		4: {"A (Họ)", "B (Tên)"},
	} {
		for _, w := range want {
			if strings.Count(got[row], w+":") != 1 {
				t.Errorf("row %d: %q, want one problem in %s", row, got[row], w)
			}
		}
	}
	if resp.Refused != 3 {
		t.Errorf("refused %d rows, want 3", resp.Refused)
	}
}

// An export with chosen columns imports again when it has the people's
// names (Mã hồ sơ): it fills them in; without a name column it is refused
// saying which columns it needs.
func TestExportWithChosenColumnsRoundTrip(t *testing.T) {
	e := newEnv(t)
	file := workbook(t, []any{"Họ", "Tên", "Điện thoại"}, []any{"Lê", "An", "0912345678"}, []any{"Trần", "Bình", ""})
	if _, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}}); st != nil {
		t.Fatal(st)
	}
	csv := e.export(e.token, &pb.ExportPeopleRequest{Columns: []string{"name", "phone"}})
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeCSV, Data: csv}})
	if st != nil || resp.Unchanged != 2 || resp.Created+resp.Updated != 0 {
		t.Fatalf("re-importing name,phone: %v %v\n%s", st, resp, csv)
	}
	csv = e.export(e.token, &pb.ExportPeopleRequest{Columns: []string{"phone"}})
	_, err := pb.NewTransferServiceClient(e.client.Conn()).ImportPeople(context.Background(),
		&pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: transfer.ContentTypeCSV, Data: csv}})
	wantCode(t, err, codes.InvalidArgument)
	if msg := status.Convert(err).Message(); !strings.Contains(msg, "Mã hồ sơ") || !strings.Contains(msg, "chosen columns") {
		t.Errorf("the refusal does not explain: %q", msg)
	}
}
