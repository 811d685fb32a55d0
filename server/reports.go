package server

import (
	"bytes"
	"context"
	"fmt"
	"strconv"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// Reports: made by an operation, kept frozen, listed, and exported for a
// spreadsheet with the marks of the statistics CSV.

// reportOperationKind is the kind of a CreateReport operation.
const reportOperationKind = store.ReportOperationKind

func (s *statisticsService) CreateReport(ctx context.Context, req *pb.CreateReportRequest) (*longrunningpb.Operation, error) {
	if err := s.db.CheckReport(ctx, req.GetReport(), req.GetReportId()); err != nil {
		return nil, grpcError(ctx, err)
	}
	meta := &pb.CreateReportMetadata{CreateTime: timestamppb.Now()}
	if id := req.GetReportId(); id != "" {
		meta.Report = "reports/" + id
	}
	op := &store.Operation{ID: store.NewOperationID(), Kind: reportOperationKind, Principal: principal(ctx).ID}
	op.Metadata, _ = proto.Marshal(meta)
	out := &longrunningpb.Operation{Name: "operations/" + op.ID}
	out.Metadata, _ = anypb.New(meta)
	// A repeat of a request_id is answered the first operation, which
	// makes (or made) the report, and starts none.
	started, err := s.db.StartReport(ctx, op, out, store.CreateOptions{ID: req.GetReportId(),
		Request: s.requests.key(ctx, "CreateReport", req.GetRequestId(), req), Audit: auditEvent(ctx)})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	if !started {
		return out, nil
	}
	report := proto.Clone(req.GetReport()).(*pb.Report)
	runCtx := context.WithoutCancel(ctx)
	// Its maker by name, as the audit trail names them: its readers
	// (home affairs, admins) may make reports too, and the maker of one
	// is one of them.
	maker := principal(ctx).Name
	go func() {
		r, err := s.db.MakeReport(runCtx, report, req.GetReportId())
		if err == nil {
			// Frozen with its labels, as it was presented when made.
			labelReport(r)
			r.CreatorDisplayName = maker
			err = s.db.FinishReport(runCtx, op, r)
		}
		if err != nil {
			op.Response = nil
			op.Error, _ = proto.Marshal(status.Convert(grpcError(runCtx, err)).Proto())
			s.db.FinishOperation(runCtx, op, nil)
		}
	}()
	return out, nil
}

func (s *statisticsService) GetReport(ctx context.Context, req *pb.GetReportRequest) (*pb.Report, error) {
	out, err := s.db.GetReport(ctx, req.GetName())
	return out, grpcError(ctx, err)
}

func (s *statisticsService) ListReports(ctx context.Context, req *pb.ListReportsRequest) (*pb.ListReportsResponse, error) {
	reports, next, err := s.db.ListReports(ctx, int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	return &pb.ListReportsResponse{Reports: reports, NextPageToken: next}, nil
}

func (s *statisticsService) ExportReport(ctx context.Context, req *pb.ExportReportRequest) (*httpbody.HttpBody, error) {
	r, err := s.db.GetReport(ctx, req.GetName())
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	if req.GetFormat() == pb.ExportReportRequest_CSV {
		var b bytes.Buffer
		b.WriteString(utf8BOM)
		w := transfer.NewCSVWriter(&b, true)
		for _, line := range reportHeading(r) {
			w.Write([]string{line})
		}
		w.Write([]string{})
		for _, t := range r.GetTables() {
			w.Write([]string{t.GetTitle()})
			for _, line := range statsLines(t.GetStatistics()) {
				w.Write(line)
			}
			w.Write([]string{})
		}
		for _, line := range indicatorLines(r) {
			w.Write(line)
		}
		w.Flush()
		return &httpbody.HttpBody{ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}, nil
	}
	data, err := reportXLSX(r)
	if err != nil {
		return nil, grpcError(ctx, &store.Error{Code: store.Internal, Message: "report workbook", Err: err})
	}
	return &httpbody.HttpBody{ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: data}, nil
}

// The indicators of a report as cells: text and marks (string), counts
// (int), shares (share) and changes of a share (points), so that the CSV
// writes them as Vietnamese does and the workbook as numbers.
type (
	share  float64 // from 0 to 1, shown in percent
	points float64 // a change of a share, in percentage points
)

// noDataMark stands for a share with nobody to count: a denominator of 0
// (a year back, before anyone was registered), which is not a count
// withheld.
const noDataMark = "–"

// indicatorHeader begins the header rows of the indicators' tables.
const indicatorHeader = "Chỉ tiêu"

// indicatorRows are the indicators on as_of and a year before, with the
// change: the shares, then under a header of their own the counts
// (labels.Counts), whose values and change are numbers of people; then
// the legend of the marks: "<5" below the threshold, "ẩn" withheld to
// protect another count, "–" no one to count.
func indicatorRows(r *pb.Report) [][]any {
	shares := [][]any{{indicatorHeader, "Tử số", "Mẫu số", "Tỷ lệ", "Tỷ lệ năm trước", "Thay đổi (điểm %)"}}
	counts := [][]any{{indicatorHeader, "Số người", "Số người năm trước", "Thay đổi (người)"}}
	threshold := r.GetIndicators().GetSuppressionThreshold()
	below := labels.BelowMark(threshold)
	legendBelow, legendProtects, legendScope := labels.SuppressionLegend(threshold)
	mark := func(ind *pb.Indicator) string {
		if ind.GetSuppressionReason() == pb.SuppressionReason_BELOW_THRESHOLD {
			return below
		}
		// Withheld to protect another; a report made before indicators
		// said why reads so too.
		return labels.ProtectsMark
	}
	prev := map[pb.Indicator_Kind]*pb.Indicator{}
	for _, ind := range r.GetPreviousIndicators().GetIndicators() {
		prev[ind.GetKind()] = ind
	}
	count := func(ind *pb.Indicator, n *int32) any {
		switch {
		case n != nil:
			return int(*n)
		case !ind.GetSuppressed():
			return noDataMark // not in a report made before the indicator
		}
		return mark(ind)
	}
	noData := func(ind *pb.Indicator) bool { return ind.Share == nil && !ind.GetSuppressed() }
	shareOf := func(ind *pb.Indicator) any {
		switch {
		case ind.Share != nil:
			return share(ind.GetShare())
		case noData(ind):
			return noDataMark
		}
		return mark(ind)
	}
	for _, ind := range r.GetIndicators().GetIndicators() {
		p := prev[ind.GetKind()]
		if p == nil {
			p = &pb.Indicator{Kind: ind.GetKind()}
		}
		// Either figure, with the other, would tell a withheld one.
		var change any = labels.ProtectsMark
		if labels.Counts(ind.GetKind()) {
			switch {
			case ind.Numerator != nil && p.Numerator != nil:
				change = int(ind.GetNumerator() - p.GetNumerator())
			case !ind.GetSuppressed() && ind.Numerator == nil || !p.GetSuppressed() && p.Numerator == nil:
				change = noDataMark
			}
			counts = append(counts, []any{ind.GetLabel(), count(ind, ind.Numerator), count(p, p.Numerator), change})
			continue
		}
		switch {
		case ind.Share != nil && p.Share != nil:
			change = points(100 * (ind.GetShare() - p.GetShare()))
		case noData(ind) || noData(p):
			change = noDataMark
		}
		shares = append(shares, []any{ind.GetLabel(), count(ind, ind.Numerator), count(ind, ind.Denominator), shareOf(ind), shareOf(p), change})
	}
	rows := shares
	if len(counts) > 1 {
		rows = append(append(rows, []any{}), counts...)
	}
	return append(rows, []any{}, []any{legendBelow + " " + legendProtects + " " + legendScope},
		[]any{noDataMark + " là không có dữ liệu: không có ai trong mẫu số, nên không có tỷ lệ."})
}

// indicatorText is a cell of indicatorRows as the CSV writes it.
func indicatorText(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case share:
		return labels.Share(float64(v))
	case points:
		return labels.Points(float64(v))
	}
	return v.(string)
}

// indicatorLines are indicatorRows as text.
func indicatorLines(r *pb.Report) [][]string {
	var lines [][]string
	for _, row := range indicatorRows(r) {
		line := make([]string, len(row))
		for i, v := range row {
			line[i] = indicatorText(v)
		}
		lines = append(lines, line)
	}
	return lines
}

// reportHeading is what a report's file says first: the template, the
// day its figures are as on and the day it was made, as Vietnamese writes
// dates, so that a printed page or a file passed on says what it counts.
func reportHeading(r *pb.Report) []string {
	made := ""
	if t := r.GetCreateTime(); t != nil {
		d := t.AsTime().In(store.Vietnam)
		made = " Lập ngày " + labels.Date(&date.Date{Year: int32(d.Year()), Month: int32(d.Month()), Day: int32(d.Day())}) + "."
	}
	return []string{"BÁO CÁO NĂM VỀ ĐỘI NGŨ TRÍ THỨC", asOfLine(r.GetAsOf()) + made}
}

// reportXLSX is a workbook: a sheet per table, laid out as the statistics'
// workbook (statsSheet) under the report's heading and the table's title,
// and one of the indicators.
func reportXLSX(r *pb.Report) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newSheetStyles(f)
	if err != nil {
		return nil, err
	}
	for i, t := range r.GetTables() {
		sheet := fmt.Sprintf("Bảng %d", i+1)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return nil, err
		}
		top, err := sheetHeading(f, st, sheet, r, fmt.Sprintf("Bảng %d. %s", i+1, t.GetTitle()))
		if err != nil {
			return nil, err
		}
		if err := statsSheet(f, st, sheet, top, t.GetStatistics(), ""); err != nil {
			return nil, err
		}
	}
	if err := indicatorSheet(f, st, r); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sheetHeading writes the report's heading and a title at the top of a
// sheet and returns the row its table starts at.
func sheetHeading(f *excelize.File, st sheetStyles, sheet string, r *pb.Report, title string) (int, error) {
	lines := append(reportHeading(r), title)
	for i, line := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellStr(sheet, cell, line); err != nil {
			return 0, err
		}
		if i != 1 {
			if err := f.SetCellStyle(sheet, cell, cell, st["title"]); err != nil {
				return 0, err
			}
		}
	}
	return len(lines) + 2, nil
}

// indicatorSheet writes the indicators' sheet: counts as numbers, shares
// as numbers shown in percent and changes as numbers of points, which the
// spreadsheet shows with the reader's decimal mark.
func indicatorSheet(f *excelize.File, st sheetStyles, r *pb.Report) error {
	const sheet = "Chỉ tiêu"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	top, err := sheetHeading(f, st, sheet, r, "Các chỉ tiêu")
	if err != nil {
		return err
	}
	percent, err := f.NewStyle(&excelize.Style{CustomNumFmt: &labels.ShareNumFmt})
	if err != nil {
		return err
	}
	decimal, err := f.NewStyle(&excelize.Style{CustomNumFmt: &labels.PointsNumFmt})
	if err != nil {
		return err
	}
	rows := indicatorRows(r)
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, top+i)
			style := 0
			switch x := v.(type) {
			case share:
				v, style = float64(x), percent
			case points:
				v, style = float64(x), decimal
			case int:
				style = st["count"]
			}
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
			if row[0] == indicatorHeader {
				style = st["header"] // the shares' header, and the counts'
			}
			if style != 0 {
				if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
					return err
				}
			}
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 48); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "F", 14); err != nil {
		return err
	}
	return transfer.PrintSetup(f, sheet, top)
}
