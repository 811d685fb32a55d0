package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// importReport is the annotated copy of an imported file, or nil when the
// import found no problem. A report that cannot be made is logged, not
// fatal: the problems are in the operation's answer all the same.
func importReport(file *httpbody.HttpBody, sheet string, resp *pb.ImportPeopleResponse) []byte {
	problems := resp.GetProblems()
	if len(problems) == 0 {
		return nil
	}
	// Every sheet's problems are marked in the copy, in Vietnamese, as the
	// console says them: the report is for the people who correct the
	// file, the operation's problems keep the API's English.
	var marks []transfer.Problem
	for _, p := range problems {
		letter, _, _ := strings.Cut(p.GetColumn(), " ")
		msg := vimsg.Problem(p)
		if p.GetColumn() != "" {
			msg = p.GetColumn() + ": " + msg
		}
		if p.GetKind() != pb.ImportProblem_ERROR {
			msg = fmt.Sprintf("[%s] %s", labels.Of(p.GetKind()), msg)
		}
		marks = append(marks, transfer.Problem{Sheet: p.GetSheet(), Row: int(p.GetRow()), Column: letter, Message: msg})
	}
	if len(marks) == 0 {
		return nil
	}
	if note := cappedNote(resp); note != "" {
		// Under the errors header of the first sheet marked, which the
		// file has.
		marks = append(marks, transfer.Problem{Sheet: problems[0].GetSheet(), Row: 1, Message: note})
	}
	data := file.GetData()
	format := transfer.Sniff(file.GetContentType(), data)
	if format == transfer.XLSX {
		// Streamed, so that a large workbook's report does not hold its
		// every cell; Report remains for what it cannot read.
		out, err := transfer.MarkWorkbook(data, sheet, marks)
		if err == nil {
			return out
		}
		slog.Warn("import: marking the workbook as a stream", "err", err)
	}
	out, err := transfer.Report(data, format, sheet, marks)
	if err != nil {
		slog.Error("import: making the report", "err", err)
		return nil
	}
	return out
}

// GetImportReport returns the report of an import: only its caller (and an
// admin) may read it, as its operation.
func (t *transferService) GetImportReport(ctx context.Context, req *pb.GetImportReportRequest) (*httpbody.HttpBody, error) {
	id, err := operationID(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	owner, report, err := t.db.GetOperationReport(ctx, id)
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	if p := principal(ctx); p.Role != RoleAdmin && p.ID != owner {
		return nil, status.Errorf(codes.NotFound, "%s does not exist", req.GetName())
	}
	if report == nil {
		return nil, status.Errorf(codes.NotFound, "%s has no report: the import found no problem, or has not ended, or its report was removed after the retention period (--import-result-retention)", req.GetName())
	}
	if restrictionApplies(ctx) {
		op, err := t.db.GetOperation(ctx, id)
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		withheld, err := t.db.ImportWithholds(ctx, op, report)
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		if withheld {
			return nil, status.Errorf(codes.PermissionDenied, "the report of %s names or quotes a person whose data is now restricted, or whose contact details are withheld; only an admin may read it", req.GetName())
		}
	}
	return &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: report}, nil
}

// maxNotedCounts bounds the counts a report's note names.
const maxNotedCounts = 10

// cappedNote says, in a report of an import that found more problems than
// it lists, that only the first are marked and how many there are of
// each kind in each column; "" for one that lists them all.
func cappedNote(resp *pb.ImportPeopleResponse) string {
	counts := resp.GetProblemCounts()
	if len(counts) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Chỉ đánh dấu %d vấn đề đầu tiên trong %d vấn đề của tệp. Theo cột:", len(resp.GetProblems()), resp.GetProblemsFound())
	for i, c := range counts {
		if i == maxNotedCounts {
			fmt.Fprintf(&b, "\n… (%d cột khác; xem kết quả nhập)", len(counts)-i)
			break
		}
		where := c.GetColumn()
		if where == "" {
			where = "cả dòng"
		}
		if c.GetSheet() != "" {
			where = fmt.Sprintf("trang %q, %s", c.GetSheet(), where)
		}
		fmt.Fprintf(&b, "\n%s: %d (%s, từ dòng %d: %s)", where, c.GetCount(), labels.Of(c.GetKind()), c.GetFirstRow(),
			sayCountVi(c))
	}
	return b.String()
}

// sayCountVi is the first problem of a count in Vietnamese.
func sayCountVi(c *pb.ImportProblemCount) string {
	return vimsg.Problem(&pb.ImportProblem{Kind: c.GetKind(), Column: c.GetColumn(), Field: c.GetField(), Message: c.GetFirstMessage()})
}
