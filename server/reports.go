package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Reports: made by an operation, kept frozen, listed, and exported for a
// spreadsheet with the marks of the statistics CSV.

// reportOperationKind is the kind of a CreateReport operation.
const reportOperationKind = store.ReportOperationKind

func (s *statisticsService) CreateReport(ctx context.Context, req *pb.CreateReportRequest) (*longrunningpb.Operation, error) {
	if err := s.db.CheckReport(req.GetReport(), req.GetReportId()); err != nil {
		return nil, grpcError(ctx, err)
	}
	if id := req.GetReportId(); id != "" {
		if _, err := s.db.GetReport(ctx, "reports/"+id); err == nil {
			return nil, grpcError(ctx, &store.Error{Code: store.AlreadyExists, Field: "report_id",
				Message: "reports/" + id + " exists; reports are frozen: choose another id"})
		}
	}
	meta := &pb.CreateReportMetadata{CreateTime: timestamppb.Now()}
	op := &store.Operation{ID: store.NewOperationID(), Kind: reportOperationKind, Principal: principal(ctx).ID}
	op.Metadata, _ = proto.Marshal(meta)
	if err := s.db.CreateOperation(ctx, op, auditEvent(ctx)); err != nil {
		return nil, grpcError(ctx, err)
	}
	report := proto.Clone(req.GetReport()).(*pb.Report)
	runCtx := context.WithoutCancel(ctx)
	go func() {
		r, err := s.db.MakeReport(runCtx, report, req.GetReportId())
		if err == nil {
			// Frozen with its labels, as it was presented when made.
			labelReport(r)
			err = s.db.FinishReport(runCtx, op, r)
		}
		if err != nil {
			op.Response = nil
			op.Error, _ = proto.Marshal(status.Convert(grpcError(runCtx, err)).Proto())
			s.db.FinishOperation(runCtx, op, nil)
		}
	}()
	out := &longrunningpb.Operation{Name: "operations/" + op.ID}
	out.Metadata, _ = anypb.New(meta)
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
		for _, t := range r.GetTables() {
			writeLines(&b, [][]string{{t.GetTitle()}})
			b.Write(bytes.TrimPrefix(statisticsCSV(t.GetStatistics()), []byte(utf8BOM)))
			writeLines(&b, [][]string{{}})
		}
		writeLines(&b, indicatorLines(r))
		return &httpbody.HttpBody{ContentType: "text/csv; charset=utf-8", Data: b.Bytes()}, nil
	}
	data, err := reportXLSX(r)
	if err != nil {
		return nil, grpcError(ctx, &store.Error{Code: store.Internal, Message: "report workbook", Err: err})
	}
	return &httpbody.HttpBody{ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: data}, nil
}

func writeLines(b *bytes.Buffer, lines [][]string) {
	w := csv.NewWriter(b)
	w.UseCRLF = true
	w.WriteAll(lines)
}

// indicatorLines are the indicators on as_of and a year before, with the
// change; a suppressed figure reads "ẩn".
func indicatorLines(r *pb.Report) [][]string {
	lines := [][]string{{"Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ", "Tỷ lệ năm trước", "Thay đổi (điểm %)"}}
	prev := map[pb.Indicator_Kind]*pb.Indicator{}
	for _, ind := range r.GetPreviousIndicators().GetIndicators() {
		prev[ind.GetKind()] = ind
	}
	share := func(ind *pb.Indicator) string {
		if ind == nil || ind.Share == nil {
			return protectsMark
		}
		return strconv.FormatFloat(100*ind.GetShare(), 'f', 2, 64) + "%"
	}
	num := func(n *int32) string {
		if n == nil {
			return protectsMark
		}
		return strconv.Itoa(int(*n))
	}
	for _, ind := range r.GetIndicators().GetIndicators() {
		p := prev[ind.GetKind()]
		change := protectsMark
		if ind.Share != nil && p != nil && p.Share != nil {
			change = strconv.FormatFloat(100*(ind.GetShare()-p.GetShare()), 'f', 2, 64)
		}
		lines = append(lines, []string{ind.GetLabel(), num(ind.Numerator), num(ind.Denominator), share(ind), share(p), change})
	}
	return append(lines, []string{}, []string{"Ghi chú: " + protectsMark + " là số không công bố (dưới ngưỡng " +
		strconv.Itoa(int(r.GetIndicators().GetSuppressionThreshold())) + " người, hoặc để không suy ra được số đó)."})
}

// reportXLSX is a workbook: a sheet per table, as the statistics CSV reads,
// and one of the indicators.
func reportXLSX(r *pb.Report) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	put := func(sheet string, lines [][]string) error {
		for i, line := range lines {
			cells := make([]any, len(line))
			for j, c := range line {
				cells[j] = c
				if n, err := strconv.Atoi(c); err == nil {
					cells[j] = n
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
				return err
			}
		}
		return nil
	}
	for i, t := range r.GetTables() {
		sheet := fmt.Sprintf("Bảng %d", i+1)
		if i == 0 {
			f.SetSheetName("Sheet1", sheet)
		} else if _, err := f.NewSheet(sheet); err != nil {
			return nil, err
		}
		cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(statisticsCSV(t.GetStatistics()), []byte(utf8BOM))))
		cr.FieldsPerRecord = -1
		lines, err := cr.ReadAll()
		if err != nil {
			return nil, err
		}
		if err := put(sheet, append([][]string{{t.GetTitle()}}, lines...)); err != nil {
			return nil, err
		}
	}
	if _, err := f.NewSheet("Chỉ tiêu"); err != nil {
		return nil, err
	}
	if err := put("Chỉ tiêu", indicatorLines(r)); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
