package console

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/longrunning/autogen/longrunningpb"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// The yearly report (StatisticsService's reports): the list of reports
// made, the form that makes one, the operation's progress, and a report's
// page with its downloads. The server allows them to admins and home
// affairs without a unit; the menu offers them to those alone.

const reportsTitle = "Báo cáo năm"

// reportsPageSize is how many reports a page of the list shows.
const reportsPageSize = 50

type reportsData struct {
	// The form's values, kept when it is shown again.
	AsOf, ReportID string
	// RequestID is the form's request id (formRequestID): the form sent
	// twice makes one report.
	RequestID string

	Reports []reportRow
	NextURL string
}

type reportRow struct {
	R       *pb.Report
	Creator string
}

// madeBy is who made a report as a person reads it, by the names it was
// made under: an account's name and email, a key's display name; a report
// made before reports kept names, the account's email or the key's id.
func madeBy(r *pb.Report) string {
	who, name := r.GetCreator(), r.GetCreatorDisplayName()
	email, account := strings.CutPrefix(who, "user:")
	switch {
	case account && name != "":
		return name + " (" + email + ")"
	case account:
		return email
	case strings.HasPrefix(who, "key:") && name != "":
		return "Khoá API " + name
	case name != "":
		return name
	}
	return who
}

// reports lists the reports made, the latest first, under the form that
// makes one.
func (h *Handler) reports(q *request) {
	if q.notForUnits(h, reportsTitle) || q.notForStatsRoles(h, reportsTitle) {
		return
	}
	// The year just ended: what the yearly report is usually about.
	last := time.Now().In(store.Vietnam).Year() - 1
	d := &reportsData{AsOf: fmt.Sprintf("31/12/%d", last), RequestID: q.formRequestID()}
	p := &page{Data: d}
	if q.r.Method == "POST" {
		d.AsOf, d.ReportID = strings.TrimSpace(q.r.PostFormValue("as_of")), strings.TrimSpace(q.r.PostFormValue("report_id"))
		op, err := h.startReport(q, d)
		if err == nil {
			q.redirect("/reports/operations/"+strings.TrimPrefix(op, "operations/"), "")
			return
		}
		p.Error, p.Fields, p.Status = explainReport(err)
		if requestIDReused(err) {
			d.RequestID = newFormToken()
		}
	}
	if !h.listReports(q, d) {
		return
	}
	q.show(h, "reports", "reports", reportsTitle, p)
}

// startReport starts CreateReport with the form's date and id and returns
// the operation's name.
func (h *Handler) startReport(q *request, d *reportsData) (string, error) {
	var asOf *date.Date
	if d.AsOf != "" {
		var err error
		if asOf, err = parseDate(d.AsOf); err != nil {
			return "", invalid("as_of", err.Error())
		}
	}
	op, err := h.stats.CreateReport(q.ctx(), &pb.CreateReportRequest{ReportId: d.ReportID, RequestId: d.RequestID,
		Report: &pb.Report{Template: pb.Report_YEARLY_WORKFORCE, AsOf: asOf}})
	if err != nil {
		return "", err
	}
	return op.GetName(), nil
}

// listReports fills d with a page of the reports; it shows the error page
// and reports false when the server refuses them.
func (h *Handler) listReports(q *request, d *reportsData) bool {
	v := q.r.URL.Query()
	resp, err := h.stats.ListReports(q.ctx(), &pb.ListReportsRequest{PageSize: reportsPageSize, PageToken: v.Get("page")})
	if err != nil {
		q.fail(h, err)
		return false
	}
	for _, r := range resp.GetReports() {
		d.Reports = append(d.Reports, reportRow{R: r, Creator: madeBy(r)})
	}
	d.NextURL = nextPage("/reports", v, resp.GetNextPageToken())
	return true
}

// explainReport is explain for CreateReport: a date before anyone was
// registered (FAILED_PRECONDITION, which names report.as_of in its words,
// not in a BadRequest) is said next to the date's box too.
func explainReport(err error) (string, map[string]string, int) {
	msg, fields, code := explain(err)
	st, _ := status.FromError(err)
	if st.Code() == codes.FailedPrecondition && strings.HasPrefix(st.Message(), "report.as_of:") {
		if why, ok := sayReportDay(st.Message()); ok {
			fields = map[string]string{"as_of": why}
		}
	}
	return msg, fields, code
}

type runData struct {
	Started string
	Failed  string
}

// reportRun shows a CreateReport operation, reloading itself until it is
// done, then sends the browser on to the report, or says why it failed.
func (h *Handler) reportRun(q *request) {
	if q.notForUnits(h, reportsTitle) || q.notForStatsRoles(h, reportsTitle) {
		return
	}
	op, err := h.ops.GetOperation(q.ctx(), &longrunningpb.GetOperationRequest{Name: "operations/" + q.r.PathValue("op")})
	meta := &pb.CreateReportMetadata{}
	if err == nil && op.GetMetadata().UnmarshalTo(meta) != nil {
		// Another kind of operation (an import) is no report's.
		err = status.Error(codes.NotFound, "not a report's operation")
	}
	if err != nil {
		q.fail(h, err)
		return
	}
	d := &runData{Started: formatTime(meta.GetCreateTime())}
	p := &page{Data: d}
	switch {
	case !op.GetDone():
		p.Refresh = 2
	case op.GetError() != nil:
		d.Failed, _, _ = explainReport(status.FromProto(op.GetError()).Err())
	default:
		r := &pb.Report{}
		if err := op.GetResponse().UnmarshalTo(r); err != nil {
			q.fail(h, err)
			return
		}
		q.redirect("/"+r.GetName(), "report-made")
		return
	}
	q.show(h, "reportrun", "reports", "Đang lập báo cáo", p)
}

// cell is a figure of a report's page: its text, and, when suppressed,
// why (the statistics page's "ẩn*" with the reason on hover).
type cell struct {
	Text       string
	Suppressed bool
	Why        string
}

type reportData struct {
	R         *pb.Report
	Creator   string
	Shares    [][]cell // label, numerator, denominator, share, a year before, change
	Counts    [][]cell // label, count, a year before, change
	Threshold int32    // the suppression threshold the legend names
	XLSXURL   string
	CSVURL    string
}

// report shows a report's tables and indicators, or downloads it when
// the address ends in .xlsx or .csv.
func (h *Handler) report(q *request) {
	if q.notForUnits(h, reportsTitle) || q.notForStatsRoles(h, reportsTitle) {
		return
	}
	id := q.r.PathValue("id")
	for ext, format := range map[string]pb.ExportReportRequest_Format{".xlsx": pb.ExportReportRequest_XLSX, ".csv": pb.ExportReportRequest_CSV} {
		if name, ok := strings.CutSuffix(id, ext); ok {
			h.reportFile(q, name, ext, format)
			return
		}
	}
	r, err := h.stats.GetReport(q.ctx(), &pb.GetReportRequest{Name: "reports/" + id})
	if err != nil {
		q.fail(h, err)
		return
	}
	d := &reportData{R: r, Creator: madeBy(r), Threshold: r.GetIndicators().GetSuppressionThreshold(),
		XLSXURL: "/reports/" + url.PathEscape(id) + ".xlsx", CSVURL: "/reports/" + url.PathEscape(id) + ".csv"}
	d.Shares, d.Counts = indicatorCells(r)
	q.show(h, "report", "reports", reportsTitle+" tính đến "+labels.Date(r.GetAsOf()), &page{Data: d})
}

func (h *Handler) reportFile(q *request, id, ext string, format pb.ExportReportRequest_Format) {
	body, err := h.stats.ExportReport(q.ctx(), &pb.ExportReportRequest{Name: "reports/" + id, Format: format})
	if err != nil {
		q.fail(h, err)
		return
	}
	q.w.Header().Set("Content-Type", body.GetContentType())
	q.w.Header().Set("Content-Disposition", `attachment; filename="bao-cao-`+id+ext+`"`)
	q.w.Write(body.GetData())
}

// indicatorCells are a report's indicators as its files lay them out: the
// shares with a year before and the change in points, and apart the
// counts (labels.Counts) with the change in people.
func indicatorCells(r *pb.Report) (shares, counts [][]cell) {
	prev := map[pb.Indicator_Kind]*pb.Indicator{}
	for _, ind := range r.GetPreviousIndicators().GetIndicators() {
		prev[ind.GetKind()] = ind
	}
	hidden := func(ind *pb.Indicator) cell {
		return cell{Text: "ẩn*", Suppressed: true, Why: labels.Of(ind.GetSuppressionReason())}
	}
	// A change would tell a figure withheld on either side.
	protects := cell{Text: "ẩn*", Suppressed: true, Why: labels.Of(pb.SuppressionReason_PROTECTS_ANOTHER)}
	num := func(ind *pb.Indicator, n *int32) cell {
		switch {
		case n != nil:
			return cell{Text: fmt.Sprint(*n)}
		case ind.GetSuppressed():
			return hidden(ind)
		}
		return cell{Text: "–"}
	}
	shareOf := func(ind *pb.Indicator) cell {
		switch {
		case ind.Share != nil:
			return cell{Text: labels.Share(ind.GetShare())}
		case ind.GetSuppressed():
			return hidden(ind)
		}
		return cell{Text: "–"}
	}
	for _, ind := range r.GetIndicators().GetIndicators() {
		p := prev[ind.GetKind()]
		if p == nil {
			p = &pb.Indicator{Kind: ind.GetKind()}
		}
		change := protects
		if labels.Counts(ind.GetKind()) {
			switch {
			case ind.Numerator != nil && p.Numerator != nil:
				change = cell{Text: fmt.Sprint(ind.GetNumerator() - p.GetNumerator())}
			case ind.Numerator == nil && !ind.GetSuppressed() || p.Numerator == nil && !p.GetSuppressed():
				change = cell{Text: "–"}
			}
			counts = append(counts, []cell{{Text: ind.GetLabel()}, num(ind, ind.Numerator), num(p, p.Numerator), change})
			continue
		}
		switch {
		case ind.Share != nil && p.Share != nil:
			change = cell{Text: labels.Points(100 * (ind.GetShare() - p.GetShare()))}
		case ind.Share == nil && !ind.GetSuppressed() || p.Share == nil && !p.GetSuppressed():
			change = cell{Text: "–"}
		}
		shares = append(shares, []cell{{Text: ind.GetLabel()}, num(ind, ind.Numerator), num(ind, ind.Denominator), shareOf(ind), shareOf(p), change})
	}
	return shares, counts
}
