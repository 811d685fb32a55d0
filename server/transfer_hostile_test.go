package server

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// handmadeXLSX is a workbook as a tool other than Excel may write one: the
// people sheet's rows (sheetData's content, inline strings) and no styles
// part, unless extra adds parts (name → content; a sharedStrings or
// styles part is declared).
func handmadeXLSX(t *testing.T, rows string, extra map[string]string) []byte {
	t.Helper()
	ct := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`
	rels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	for name := range extra {
		kind := strings.TrimSuffix(strings.TrimPrefix(name, "xl/"), ".xml")
		ct += fmt.Sprintf(`<Override PartName="/%s" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.%s+xml"/>`, name, kind)
		rels += fmt.Sprintf(`<Relationship Id="rId%s" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/%s" Target="%s.xml"/>`, kind, kind, kind)
	}
	parts := []struct{ name, text string }{
		{"[Content_Types].xml", ct + `</Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + transfer.PeopleSheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", rels + `</Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`},
	}
	for name, text := range extra {
		parts = append(parts, struct{ name, text string }{name, text})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// inlineRow is a row of inline strings from column A; a cell may be
// given as "REF=text" to sit elsewhere.
func inlineRow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		ref := fmt.Sprintf("%c%d", 'A'+i, n)
		if r, text, ok := strings.Cut(c, "="); ok {
			ref, c = r, text
		}
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, c)
	}
	return b.String() + "</row>"
}

var handmadeHeader = inlineRow(1, "Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh")

// postImport sends a file to the REST import as the holder of token and
// returns the answer's status and body.
func (e *env) postImport(token, query string, data []byte) (int, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.base+"/v1/people:import"+query, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", transfer.ContentTypeXLSX)
	res, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

// waitREST polls an operation over REST until it is done.
func (e *env) waitREST(token string, op map[string]any) map[string]any {
	e.t.Helper()
	// No deadline of its own, as wait's: on a loaded machine several
	// imports of 20,000 rows took longer than 30 s, and a hang is the test
	// binary's -timeout to report, with every goroutine's stack.
	for op["done"] != true {
		time.Sleep(20 * time.Millisecond)
		code, body := e.restAs(token, "GET", "/v1/"+op["name"].(string), nil)
		if code != http.StatusOK {
			e.t.Fatalf("GET operation: %d %v", code, body)
		}
		op = body
	}
	return op
}

// A workbook without a usable styles part (none, an empty one, one with
// cell formats alone) and a bad row: the dry run ends with the row's
// problem and a report to download, and the server goes on serving (the
// report's styles once killed the process).
func TestImportWorkbookWithoutStyles(t *testing.T) {
	e := newEnv(t)
	_, registrar := e.key("registrar")
	rows := handmadeHeader + inlineRow(2, "Trần", "Văn", "Bình", "Nam", "99/99/1980")
	for name, extra := range map[string]map[string]string{
		"NoStylesPart":    nil,
		"EmptyStyleSheet": {"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`},
		"OnlyCellXfs":     {"xl/styles.xml": `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="1"><xf numFmtId="99999" fontId="77" fillId="88" borderId="99"/></cellXfs></styleSheet>`},
	} {
		t.Run(name, func(t *testing.T) {
			code, op := e.postImport(registrar, "?validateOnly=true", handmadeXLSX(t, rows, extra))
			if code != http.StatusOK {
				t.Fatalf("POST: %d %v", code, op)
			}
			op = e.waitREST(registrar, op)
			errBody, _ := op["error"].(map[string]any)
			if errBody == nil || errBody["code"] != float64(codes.InvalidArgument) || !strings.Contains(fmt.Sprint(errBody), "E (Ngày sinh)") {
				t.Fatalf("the dry run ended %v", op)
			}
			report, err := pb.NewTransferServiceClient(e.clientAs(registrar).Conn()).GetImportReport(context.Background(),
				&pb.GetImportReportRequest{Name: op["name"].(string)})
			if err != nil || len(report.Data) == 0 {
				t.Fatalf("the report: %v", err)
			}
			if code, _ := e.rest("GET", "/v1/people", nil); code != http.StatusOK {
				t.Fatalf("the server after the import: %d", code)
			}
		})
	}
}

// A panic in an import's run ends its operation INTERNAL, logged with its
// stack, and the process goes on.
func TestImportPanicEndsTheOperation(t *testing.T) {
	e := newEnv(t)
	ts := e.srv.transfers
	op := &store.Operation{ID: store.NewOperationID(), Kind: "import_people", Principal: "test"}
	if err := e.db.CreateOperation(context.Background(), op, nil); err != nil {
		t.Fatal(err)
	}
	run := &importRun{meta: &pb.ImportPeopleMetadata{RowsRead: 3}}
	code := ts.guard(context.Background(), op, run, func() codes.Code { panic("a fault of a library") })
	if code != codes.Internal {
		t.Errorf("the run's code is %v", code)
	}
	got, err := longrunningpb.NewOperationsClient(e.client.Conn()).GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: "operations/" + op.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Done || codes.Code(got.GetError().GetCode()) != codes.Internal || strings.Contains(got.GetError().GetMessage(), "library") {
		t.Errorf("the operation after a panic: %v", got)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "a fault of a library") || !strings.Contains(logs, "guard") {
		t.Errorf("the panic is not logged with its stack: %s", logs)
	}
}

// A workbook whose cells lie past the last column or row a spreadsheet has
// is the sender's mistake: INVALID_ARGUMENT saying where and what to do,
// not INTERNAL, nor "the file is empty".
func TestImportCellsPastTheSheet(t *testing.T) {
	e := newEnv(t)
	good := inlineRow(2, "Trần", "Văn", "Bình", "Nam", "15/03/1980")

	// Read as the run reaches it: the operation ends with the row's place.
	code, op := e.postImport(e.token, "?validateOnly=true", handmadeXLSX(t, handmadeHeader+good+inlineRow(3, "ZZZZZ3=x"), nil))
	if code != http.StatusOK {
		t.Fatalf("POST: %d %v", code, op)
	}
	op = e.waitREST(e.token, op)
	errBody, _ := op["error"].(map[string]any)
	msg, _ := errBody["message"].(string)
	if errBody["code"] != float64(codes.InvalidArgument) || !strings.Contains(msg, "row 3") || !strings.Contains(msg, "column XFD") || !strings.Contains(msg, transfer.PeopleSheet) {
		t.Errorf("a cell past the last column: %v", op)
	}

	// Before the header can be read: the answer says why.
	code, body := e.postImport(e.token, "", handmadeXLSX(t, handmadeHeader+strings.ReplaceAll(good, "2\"", "2000000\""), nil))
	if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "1,048,576") {
		t.Errorf("a row past the last row: %d %v", code, body)
	}
}

// A small workbook that expands to millions of shared strings is refused
// before they are indexed: INVALID_ARGUMENT saying what to do, at once.
func TestImportSharedStringsBomb(t *testing.T) {
	e := newEnv(t)
	var sst strings.Builder
	sst.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Họ</t></si><si><t>Tên</t></si>`)
	sst.WriteString(strings.Repeat("<si/>", 3_000_000))
	sst.WriteString(`</sst>`)
	rows := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2999999</v></c></row>`
	data := handmadeXLSX(t, rows, map[string]string{"xl/sharedStrings.xml": sst.String()})
	if len(data) > 100<<10 {
		t.Fatalf("the bomb is %d bytes", len(data))
	}
	code, body := e.postImport(e.token, "?validateOnly=true", data)
	if code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body), "expands to too much") || !strings.Contains(fmt.Sprint(body), "save it again") {
		t.Errorf("the bomb: %d %v", code, body)
	}
}

// A small workbook with one very long text is refused before excelize
// holds it (a 400 MB cell took 3 GB): INVALID_ARGUMENT naming the cell.
func TestImportLongText(t *testing.T) {
	e := newEnv(t)
	data := handmadeXLSX(t, handmadeHeader+inlineRow(2, "Trần", strings.Repeat("a", 8<<20)), nil)
	if len(data) > 100<<10 {
		t.Fatalf("the workbook is %d bytes", len(data))
	}
	code, body := e.postImport(e.token, "?validateOnly=true", data)
	if msg := fmt.Sprint(body); code != http.StatusBadRequest || !strings.Contains(msg, "cell B2") || !strings.Contains(msg, "64 KB") || !strings.Contains(msg, transfer.PeopleSheet) {
		t.Errorf("a long text: %d %v", code, body)
	}
}

// Imports beyond the few the server runs at once are refused with
// RESOURCE_EXHAUSTED and when to retry; a slot is free again once an
// import ends.
func TestImportsAtOnceAreBounded(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("Họ;Tên;Số CCCD\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "Nguyễn;An;0010800%05d\n", i)
	}
	post := func() (int, map[string]any) {
		req, _ := http.NewRequest("POST", e.base+"/v1/people:import?validateOnly=true", strings.NewReader(b.String()))
		req.Header.Set("Authorization", "Bearer "+e.token)
		req.Header.Set("Content-Type", "text/csv")
		res, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	var ops []map[string]any
	for range maxImportsAtOnce {
		code, op := post()
		if code != http.StatusOK {
			t.Fatalf("import %d: %d %v", len(ops)+1, code, op)
		}
		ops = append(ops, op)
	}
	code, body := post()
	if code != http.StatusTooManyRequests || !strings.Contains(fmt.Sprint(body), "RetryInfo") {
		t.Errorf("an import beyond the bound: %d %v", code, body)
	}
	for _, op := range ops {
		e.waitREST(e.token, op)
	}
	if code, op := post(); code != http.StatusOK {
		t.Errorf("an import after the others ended: %d %v", code, op)
	} else {
		e.waitREST(e.token, op)
	}
}

// A dry run does not hold the writer for its whole run: a write made while
// it runs is done before it ends, and the dry run still checks every row
// and changes nothing.
func TestDryRunLetsWritesIn(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("Họ;Tên;Ngày sinh;Số CCCD\n")
	const n = 20000
	for i := range n - 1 {
		fmt.Fprintf(&b, "Nguyễn;An;15/03/1980;0010800%05d\n", i)
	}
	b.WriteString("Trần;Bình;31/02/1980;\n") // the last row is bad
	op, err := e.client.UploadImport(context.Background(), &pb.ImportPeopleRequest{ValidateOnly: true,
		File: &httpbody.HttpBody{ContentType: "text/csv", Data: []byte(b.String())}})
	if err != nil {
		t.Fatal(err)
	}
	waitRowsRead(t, e, op.Name)
	if _, err := e.client.People.CreatePerson(context.Background(), &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Khách"}}); err != nil {
		t.Fatal(err)
	}
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	got, err := ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: op.Name})
	if err != nil {
		t.Fatal(err)
	}
	meta := &pb.ImportPeopleMetadata{}
	got.Metadata.UnmarshalTo(meta)
	if got.Done || meta.RowsRead == n {
		t.Errorf("the write waited for the dry run to read every row: %v", meta)
	}
	got = e.wait(ops, got)
	resp := &pb.ImportPeopleResponse{}
	for _, d := range status.FromProto(got.GetError()).Details() {
		if r, ok := d.(*pb.ImportPeopleResponse); ok {
			resp = r
		}
	}
	if resp.Created != n-1 || resp.Refused != 1 || len(resp.Problems) != 1 || resp.Problems[0].Row != n+1 {
		t.Errorf("the dry run: created %d, refused %d, problems %v", resp.Created, resp.Refused, resp.Problems)
	}
	if c := e.count(); c != 1 {
		t.Errorf("%d people after the dry run; want the one created beside it", c)
	}
}

// waitRowsRead waits until the import op, a dry run, has read a row: it
// holds the writer then. Ended before is a failure: no write was tried.
func waitRowsRead(t *testing.T, e *env, op string) {
	t.Helper()
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	for {
		got, err := ops.GetOperation(context.Background(), &longrunningpb.GetOperationRequest{Name: op})
		if err != nil {
			t.Fatal(err)
		}
		meta := &pb.ImportPeopleMetadata{}
		if err := got.Metadata.UnmarshalTo(meta); err != nil {
			t.Fatal(err)
		}
		if got.Done {
			t.Fatalf("the dry run ended before a write was tried: %v", got)
		}
		if meta.RowsRead > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
