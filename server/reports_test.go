package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// makeReport makes the yearly report as on 31 December 2025 as id (the
// server's id when empty), waiting for its operation.
func (e *statsEnv) makeReport(t *testing.T, id string) *pb.Report {
	t.Helper()
	op, err := e.client.Statistics.CreateReport(context.Background(), &pb.CreateReportRequest{ReportId: id,
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2025, 12, 31)}})
	if err != nil {
		t.Fatal(err)
	}
	op = e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), op)
	if op.GetError() != nil {
		t.Fatalf("operation failed: %v", op.GetError())
	}
	r := &pb.Report{}
	if err := op.GetResponse().UnmarshalTo(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// A report is made by an operation, frozen once made, listed, and exported
// as XLSX and CSV with suppression applied and explained.
func TestReports(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	st := e.client.Statistics
	r := e.makeReport(t, "nam-2025")
	if r.GetName() != "reports/nam-2025" || len(r.GetTables()) != 3 || len(r.GetIndicators().GetIndicators()) != 7 ||
		len(r.GetPreviousIndicators().GetIndicators()) != 7 {
		t.Fatalf("report %v", r)
	}
	if got := r.GetTables()[0].GetStatistics().GetTotal(); got != 15 {
		t.Errorf("the first table counts %d people, want 15", got)
	}

	// Frozen: a new person changes the figures, not the report.
	e.person(&pb.Person{FamilyName: "Trần", GivenName: "Mới", Gender: pb.Person_MALE})
	got, err := st.GetReport(ctx, &pb.GetReportRequest{Name: r.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(got, r) {
		t.Errorf("the report changed after it was made")
	}
	// The same date again gives the same figures: the new person was
	// registered after it.
	again := e.makeReport(t, "")
	for i, table := range again.GetTables() {
		if !proto.Equal(table, r.GetTables()[i]) {
			t.Errorf("table %d differs on the same date", i+1)
		}
	}
	_, err = st.CreateReport(ctx, &pb.CreateReportRequest{ReportId: "nam-2025",
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2024, 12, 31)}})
	wantCode(t, err, codes.AlreadyExists, "report_id")
	list, err := st.ListReports(ctx, &pb.ListReportsRequest{PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetReports()) != 1 || list.GetReports()[0].GetName() != again.GetName() || list.GetNextPageToken() == "" {
		t.Errorf("first page %v", list)
	}
	list, err = st.ListReports(ctx, &pb.ListReportsRequest{PageToken: list.GetNextPageToken()})
	if err != nil || len(list.GetReports()) != 1 || list.GetReports()[0].GetName() != r.GetName() || list.GetNextPageToken() != "" {
		t.Errorf("second page %v, %v", list, err)
	}

	// CSV: each table under its title, the marks explained.
	body, err := st.ExportReport(ctx, &pb.ExportReportRequest{Name: r.GetName(), Format: pb.ExportReportRequest_CSV})
	if err != nil {
		t.Fatal(err)
	}
	text := string(body.GetData())
	for _, want := range []string{"Trí thức theo trình độ, lĩnh vực và đơn vị hành chính", "<3", "Ghi chú: <3 là từ 1 đến 2 người", "Chỉ tiêu,Tử số"} {
		if !strings.Contains(text, want) {
			t.Errorf("the CSV file lacks %q", want)
		}
	}
	// Two professors, below the threshold: their number reads <3 under
	// the counts' header, not in a column of shares, where it would read
	// as under 3 percent.
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(text, utf8BOM)))
	cr.FieldsPerRecord = -1
	lines, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(lines, func(l []string) bool { return len(l) > 0 && l[0] == "Số giáo sư, phó giáo sư" })
	if got, want := strings.Join(lines[max(at-1, 0)], "|")+" / "+strings.Join(lines[max(at, 0)], "|"),
		"Chỉ tiêu|Số người|Số người năm trước|Thay đổi (người) / Số giáo sư, phó giáo sư|<3|<3|ẩn"; at < 0 || got != want {
		t.Errorf("the professors in the CSV file: %q, want %q", got, want)
	}
	if creator := r.GetCreator(); !strings.HasPrefix(creator, "key:") {
		t.Errorf("the report's creator is %q, want the key that made it", creator)
	}
	if got := list.GetReports()[0].GetCreator(); got != r.GetCreator() {
		t.Errorf("the list names the creator %q, want %q", got, r.GetCreator())
	}
	// XLSX: a sheet per table and one of the indicators.
	body, err = st.ExportReport(ctx, &pb.ExportReportRequest{Name: r.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Bảng 1|Bảng 2|Bảng 3|Chỉ tiêu" {
		t.Errorf("sheets %s", got)
	}
	if v, _ := f.GetCellValue("Bảng 1", "A3"); v != "Bảng 1. "+r.GetTables()[0].GetTitle() {
		t.Errorf("A3 is %q", v)
	}

	// Mistakes.
	_, err = st.CreateReport(ctx, &pb.CreateReportRequest{Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE}})
	wantCode(t, err, codes.InvalidArgument, "report.as_of")
	_, err = st.GetReport(ctx, &pb.GetReportRequest{Name: "reports/khong-co"})
	wantCode(t, err, codes.NotFound)
	_, err = st.ListReports(ctx, &pb.ListReportsRequest{PageToken: "x"})
	wantCode(t, err, codes.InvalidArgument, "page_token")
}

// The indicators of a report, exported: shares with the Vietnamese
// decimal comma in the CSV and as numbers in percent in the workbook; a
// share with no one to count (a year back, before anyone was registered)
// is "–", explained as no data, not "ẩn".
func TestReportIndicatorsExport(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	ctx := context.Background()
	st := e.client.Statistics
	// The workforce was registered on 2005-01-01: on 2004-06-30, nobody.
	op, err := st.CreateReport(ctx, &pb.CreateReportRequest{ReportId: "nam-2005",
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2005, 6, 30)}})
	if err != nil {
		t.Fatal(err)
	}
	if op = e.wait(longrunningpb.NewOperationsClient(e.client.Conn()), op); op.GetError() != nil {
		t.Fatalf("operation failed: %v", op.GetError())
	}

	body, err := st.ExportReport(ctx, &pb.ExportReportRequest{Name: "reports/nam-2005", Format: pb.ExportReportRequest_CSV})
	if err != nil {
		t.Fatal(err)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body.GetData(), []byte(utf8BOM))))
	cr.FieldsPerRecord = -1
	lines, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, l := range lines {
		if len(l) == 6 || len(l) == 4 {
			rows[l[0]] = strings.Join(l[1:], " | ")
		}
	}
	// The number of professors is a count: this year's, last year's and
	// the change, in people, not a share of everyone.
	for label, want := range map[string]string{
		"Tỷ lệ nữ":                "8 | 15 | 53,3% | – | –",
		"Số giáo sư, phó giáo sư": "0 | 0 | 0",
	} {
		if rows[label] != want {
			t.Errorf("CSV %s: got %q, want %q", label, rows[label], want)
		}
	}
	if text := string(body.GetData()); !strings.Contains(text, "– là không có dữ liệu") {
		t.Errorf("the CSV file does not say what – means:\n%s", text)
	}

	body, err = st.ExportReport(ctx, &pb.ExportReportRequest{Name: "reports/nam-2005"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body.GetData()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Chỉ tiêu"
	all, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(all, func(r []string) bool { return len(r) > 0 && r[0] == "Tỷ lệ nữ" })
	if at < 0 {
		t.Fatalf("no row of women in %q", all)
	}
	share, _ := excelize.CoordinatesToCellName(4, at+1)
	typ, _ := f.GetCellType(sheet, share)
	raw, _ := f.GetCellValue(sheet, share, excelize.Options{RawCellValue: true})
	shown, _ := f.GetCellValue(sheet, share)
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber || !strings.HasPrefix(raw, "0.5333") || shown != "53.3%" {
		t.Errorf("the women's share %s: type %v, value %q shown as %q; want the number 0.5333... in percent", share, typ, raw, shown)
	}
	if prev := all[at][4]; prev != "–" {
		t.Errorf("the women's share a year back reads %q, want –", prev)
	}
}

// A report id that is not one is refused naming report_id in words, as
// the ids of other resources are, never with the rule's regular
// expression.
func TestReportIDRefusedInWords(t *testing.T) {
	e := newEnv(t)
	st := e.client.Statistics
	for _, id := range []string{"Nam-2025", "2025", "nam_2025", "nam-", "-nam", strings.Repeat("a", 64)} {
		t.Run(id, func(t *testing.T) {
			_, err := st.CreateReport(context.Background(), &pb.CreateReportRequest{ReportId: id,
				Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2025, 12, 31)}})
			wantCode(t, err, codes.InvalidArgument, "report_id")
			msg := status.Convert(err).Message()
			if strings.Contains(msg, "regex") || !strings.Contains(msg, "lower-case letters, digits and hyphens") {
				t.Errorf("the refusal says %q", msg)
			}
		})
	}
}

// CreateReport with a request_id (AIP-155): a repeat, while the report is
// being made or after, answers the first operation and makes no second
// report, even when the first report has taken the report_id by then; the
// same id with another request is refused, and changes nothing.
func TestCreateReportIdempotent(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	st := e.client.Statistics
	ops := longrunningpb.NewOperationsClient(e.client.Conn())
	reports := func() []string {
		t.Helper()
		l, err := st.ListReports(ctx, &pb.ListReportsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range l.GetReports() {
			names = append(names, r.GetName())
		}
		return names
	}
	for _, c := range []struct{ name, reportID, requestID string }{
		{"ServerNamed", "", "bao-cao-2025:1"},
		{"Named", "nam-2025", "bao-cao-2025:2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(reports())
			req := &pb.CreateReportRequest{ReportId: c.reportID, RequestId: c.requestID,
				Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2025, 12, 31)}}
			first, err := st.CreateReport(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			again, err := st.CreateReport(ctx, req)
			if err != nil || !proto.Equal(again, first) {
				t.Fatalf("a repeat while the report is made: %v, %v; want the first operation %v", again, err, first)
			}
			done := e.wait(ops, first)
			if done.GetError() != nil {
				t.Fatalf("operation failed: %v", done.GetError())
			}
			again, err = st.CreateReport(ctx, req)
			if err != nil || again.GetName() != first.GetName() {
				t.Fatalf("a repeat once the report is made: %v, %v; want the first operation %s", again, err, first.GetName())
			}
			if got := reports(); len(got) != before+1 {
				t.Errorf("the request sent three times made %d reports, want 1: %v", len(got)-before, got)
			}

			changed := proto.Clone(req).(*pb.CreateReportRequest)
			changed.Report.AsOf = day(2024, 12, 31)
			changed.ReportId = ""
			_, err = st.CreateReport(ctx, changed)
			wantCode(t, err, codes.InvalidArgument, "request_id")
			if got := reports(); len(got) != before+1 {
				t.Errorf("a reused request_id made a report: %v", got)
			}
		})
	}

	for _, c := range []struct{ name, requestID string }{
		{"ErrTooLong", strings.Repeat("a", 65)},
		{"ErrSpace", "bao cao"},
		{"ErrDiacritics", "báo-cáo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.CreateReport(ctx, &pb.CreateReportRequest{RequestId: c.requestID,
				Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2025, 12, 31)}})
			wantCode(t, err, codes.InvalidArgument, "request_id")
		})
	}
}

// A report names its maker as a reader knows them: the key's display
// name, as it was when the report was made, to every reader of reports.
func TestReportNamesItsMaker(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	k, secret, err := e.db.CreateKey(ctx, "Báo cáo năm Sở Nội vụ", RoleHomeAffairs, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	maker := e.clientAs(secret)
	op, err := maker.Statistics.CreateReport(ctx, &pb.CreateReportRequest{ReportId: "nam-2025",
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: day(2025, 12, 31)}})
	if err != nil {
		t.Fatal(err)
	}
	if op = e.wait(longrunningpb.NewOperationsClient(maker.Conn()), op); op.GetError() != nil {
		t.Fatal(op.GetError())
	}
	_, reader := e.key(RoleHomeAffairs)
	for who, c := range map[string]*client.Client{"admin": e.client, "home affairs": e.clientAs(reader)} {
		r, err := c.Statistics.GetReport(ctx, &pb.GetReportRequest{Name: "reports/nam-2025"})
		if err != nil {
			t.Fatal(err)
		}
		list, err := c.Statistics.ListReports(ctx, &pb.ListReportsRequest{})
		if err != nil || len(list.GetReports()) != 1 {
			t.Fatalf("%s lists %v, %v", who, list, err)
		}
		for _, got := range []*pb.Report{r, list.GetReports()[0]} {
			if got.GetCreator() != "key:"+k.ID || got.GetCreatorDisplayName() != "Báo cáo năm Sở Nội vụ" {
				t.Errorf("%s reads the maker as %q, %q", who, got.GetCreator(), got.GetCreatorDisplayName())
			}
		}
	}
}
