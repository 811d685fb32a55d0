package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// importAs runs an import with token's key to its end and returns its
// operation's name.
func (e *env) importAs(token string, req *pb.ImportPeopleRequest) string {
	e.t.Helper()
	conn := e.clientAs(token).Conn()
	op, err := pb.NewTransferServiceClient(conn).ImportPeople(context.Background(), req)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.wait(longrunningpb.NewOperationsClient(conn), op).Name
}

// reportOf reads the error report of the import name, with token's key,
// as a workbook.
func (e *env) reportOf(token, name string) *excelize.File {
	e.t.Helper()
	report, err := e.clientAs(token).Transfer.GetImportReport(context.Background(), &pb.GetImportReportRequest{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(report.Data))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { f.Close() })
	return f
}

func TestImportReport(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	transferAs := func(token string) pb.TransferServiceClient { return e.clientAs(token).Transfer }
	name := e.importAs(registrar, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: badWorkbook(t)}})
	report, err := transferAs(registrar).GetImportReport(context.Background(), &pb.GetImportReportRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(report.Data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	get := func(cell string) string { v, _ := f.GetCellValue(transfer.PeopleSheet, cell); return v }
	red := func(cell string) bool {
		id, _ := f.GetCellStyle(transfer.PeopleSheet, cell)
		st, _ := f.GetStyle(id)
		return st != nil && len(st.Fill.Color) > 0
	}
	// badWorkbook's columns are A to H: the errors are in I.
	if get("I1") != transfer.ErrorsHeader || get("A2") != "Nguyễn" || get("I2") != "" || get("I3") != "" {
		t.Errorf("report: I1 %q, A2 %q, I2 %q, I3 %q", get("I1"), get("A2"), get("I2"), get("I3"))
	}
	// The problems are in Vietnamese, as the console says them: the
	// report is for the people who correct the file.
	for cell, want := range map[string]string{"I4": "E (Ngày sinh): \"31/02/1980\" không phải là ngày: tháng 2 không có ngày 31.",
		"I5": "bảng mã TCVN3", "I6": "G (Số CCCD): \"12345\" có 5 chữ số, không phải 12 (CCCD)", "I7": "C (Tên): cần điền thông tin này", "I8": `F (Dân tộc): Không có mã dân tộc "99"; hãy chọn trong danh sách dân tộc.`} {
		if !strings.Contains(get(cell), want) {
			t.Errorf("%s is %q, want it to say %q", cell, get(cell), want)
		}
		for _, english := range []string{"not a date", "looks typed", "must", "required", "ethnic", "value"} {
			if strings.Contains(get(cell), english) {
				t.Errorf("%s says %q in English: %q", cell, english, get(cell))
			}
		}
	}
	for cell, want := range map[string]bool{"E4": true, "G6": true, "F8": true, "E2": false, "E5": false} {
		if red(cell) != want {
			t.Errorf("%s marked %v, want %v", cell, red(cell), want)
		}
	}

	// Over REST, the same download.
	req, _ := http.NewRequest("GET", e.base+"/v1/"+name+":report", nil)
	req.Header.Set("Authorization", "Bearer "+registrar)
	res, err := e.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != transfer.ContentTypeXLSX || !bytes.Equal(body, report.Data) {
		t.Fatalf("REST report: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// A CSV file's report is a workbook of its rows; a problem that is
	// not an error says its kind, in Vietnamese too.
	lam := e.person(&pb.Person{FamilyName: "Đỗ", GivenName: "Lâm", BirthDate: &date.Date{Year: 1981, Month: 4, Day: 5}})
	csv := "Họ;Tên;Ngày sinh;Email\nNguyễn;An;15/03/1980\nTrần;Bình;32/01/1980\nĐỗ;Lâm;05/04/1981;lam@example.vn\n"
	name2 := e.importAs(registrar, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(csv)}, ValidateOnly: true})
	g := e.reportOf(registrar, name2)
	rows, _ := g.GetRows(transfer.PeopleSheet)
	if len(rows) != 4 || len(rows[3]) != 5 || len(rows[0]) != 5 || rows[0][4] != transfer.ErrorsHeader || !strings.Contains(rows[2][4], "C (Ngày sinh): \"32/01/1980\" không phải là ngày") || len(rows[1]) != 3 ||
		!strings.HasPrefix(rows[3][4], "[Có thể trùng] Giống người đã có "+lam.Name+" (trùng họ tên và ngày sinh") {
		t.Errorf("CSV report rows %q", rows)
	}

	// Another registrar's import is not found; an import without problems
	// has no report.
	_, other := e.key("registrar")
	_, err = transferAs(other).GetImportReport(context.Background(), &pb.GetImportReportRequest{Name: name})
	wantCode(t, err, codes.NotFound)
	clean := e.importAs(registrar, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: workbook(t, peopleHeader,
		[]any{"Lê", "", "Hà", "Nữ", "1990", "", "", ""})}})
	_, err = transferAs(registrar).GetImportReport(context.Background(), &pb.GetImportReportRequest{Name: clean})
	wantCode(t, err, codes.NotFound)
	_, err = transferAs(registrar).GetImportReport(context.Background(), &pb.GetImportReportRequest{Name: "people/x"})
	wantCode(t, err, codes.InvalidArgument, "name")
	_, ha := e.key("home_affairs")
	_, err = transferAs(ha).GetImportReport(context.Background(), &pb.GetImportReportRequest{Name: name})
	wantCode(t, err, codes.PermissionDenied)
}

// A report has its errors in a column of their own, past every value of
// the sheet, and imports again once corrected.
func TestImportReportImportsAgain(t *testing.T) {
	e := newEnv(t)
	file := workbook(t, []any{"Họ", "Tên", "Số CCCD"}, []any{"Lê", "", "001080000001", nil, "ghi chú"})
	name := e.importAs(e.token, &pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: file}})
	f := e.reportOf(e.token, name)
	get := func(cell string) string { v, _ := f.GetCellValue(transfer.PeopleSheet, cell); return v }
	if get("E2") != "ghi chú" || get("F1") != transfer.ErrorsHeader || !strings.Contains(get("F2"), "E: ") || !strings.Contains(get("F2"), "B (Tên)") {
		t.Fatalf("the report: E2 %q, F1 %q, F2 %q", get("E2"), get("F1"), get("F2"))
	}
	f.SetCellStr(transfer.PeopleSheet, "B2", "An")
	f.SetCellValue(transfer.PeopleSheet, "E2", nil)
	corrected, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: corrected.Bytes()}}); st != nil || resp.Created != 1 {
		t.Fatalf("the corrected report: %v %v", st, resp)
	}
}
