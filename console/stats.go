package console

import (
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// dimensions are the statistics' dimensions the form offers, in order.
var dimensions = []pb.ComputeStatisticsRequest_Dimension{
	pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL, pb.ComputeStatisticsRequest_ACADEMIC_TITLE,
	pb.ComputeStatisticsRequest_FIELD, pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
	pb.ComputeStatisticsRequest_ORGANIZATION_KIND, pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE,
	pb.ComputeStatisticsRequest_WORK_LOCATION, pb.ComputeStatisticsRequest_GENDER,
	pb.ComputeStatisticsRequest_AGE_BAND, pb.ComputeStatisticsRequest_ETHNICITY,
	pb.ComputeStatisticsRequest_MEMBERSHIP_STATE,
}

type statsData struct {
	Dims      [3][]option
	Level     []option
	Gender    []option
	Work      []option
	AsOf      string
	Vintage   []option
	Resp      *pb.ComputeStatisticsResponse
	Chart     *chart
	CSVURL    string
	XLSXURL   string
	Computed  bool
	Threshold int32
}

// statsRequest reads the form: one to three dimensions, a coarse filter
// and a date.
func statsRequest(v url.Values) (*pb.ComputeStatisticsRequest, error) {
	req := &pb.ComputeStatisticsRequest{}
	for _, k := range []string{"d1", "d2", "d3"} {
		if s := v.Get(k); s != "" {
			if n, ok := pb.ComputeStatisticsRequest_Dimension_value[s]; ok && n != 0 {
				req.Dimensions = append(req.Dimensions, pb.ComputeStatisticsRequest_Dimension(n))
			}
		}
	}
	var and []string
	if s := v.Get("level"); s != "" {
		and = append(and, "highest_qualification_level >= "+quote(s))
	}
	if s := v.Get("gender"); s == "MALE" || s == "FEMALE" {
		and = append(and, "gender = "+s)
	}
	if s := v.Get("work"); s == "IN_PROVINCE" || s == "ELSEWHERE_IN_VIETNAM" || s == "ABROAD" {
		and = append(and, "work_location = "+s)
	}
	req.Filter = strings.Join(and, " AND ")
	if s := strings.TrimSpace(v.Get("as_of")); s != "" {
		d, err := parseDate(s)
		if err != nil {
			return nil, invalid("as_of", err.Error())
		}
		req.AsOf = d
	}
	if v.Get("vintage") == "HISTORY_2024" {
		req.UnitVintage = pb.ComputeStatisticsRequest_HISTORY_2024
	}
	return req, nil
}

// notForStatsRoles refuses the statistics and the reports to the roles
// that may not make them (registrars: server's permissions), before they
// fill a form every sending of which the server refuses, and says whose
// pages these are; it reports whether it did.
func (q *request) notForStatsRoles(h *Handler, what string) bool {
	if r := q.sess.Account.Role; r == "admin" || r == "home_affairs" {
		return false
	}
	q.refuse(h, what, "trang này dành cho cán bộ Sở Nội vụ và quản trị viên: vai trò của tài khoản không cho phép xem hay lập thống kê, báo cáo. Nếu bạn cần số liệu, hãy liên hệ Sở Nội vụ.")
	return true
}

func (h *Handler) statistics(q *request) {
	if q.notForStatsRoles(h, "Thống kê") {
		return
	}
	ctx := q.ctx()
	v := q.r.URL.Query()
	d := &statsData{AsOf: v.Get("as_of")}
	for i, k := range []string{"d1", "d2", "d3"} {
		for _, dim := range dimensions {
			// A unit's account reads no memberships, nor counts by them
			// (the server refuses it).
			if dim == pb.ComputeStatisticsRequest_MEMBERSHIP_STATE && q.sess.Account.Organization != "" {
				continue
			}
			d.Dims[i] = append(d.Dims[i], option{Value: dim.String(), Label: labels.Of(dim), Selected: v.Get(k) == dim.String()})
		}
	}
	d.Gender = enumOpts(v.Get("gender"), pb.Person_MALE, pb.Person_FEMALE)
	d.Work = enumOpts(v.Get("work"), pb.Person_IN_PROVINCE, pb.Person_ELSEWHERE_IN_VIETNAM, pb.Person_ABROAD)
	d.Vintage = opts(v.Get("vintage"), "CURRENT", "Đơn vị hiện nay", "HISTORY_2024", "Huyện năm 2024")
	if r, err := h.ref.ListQualificationLevels(ctx, &pb.ListQualificationLevelsRequest{PageSize: 5000}); err == nil {
		for _, l := range r.GetQualificationLevels() {
			d.Level = append(d.Level, option{Value: l.GetCode(), Label: "Từ " + l.GetNameVi(), Selected: l.GetCode() == v.Get("level")})
		}
	}
	p := &page{Data: d}
	// The form sends its three boxes, chosen or not: a table by the second
	// box alone is a table by one dimension, and none chosen is the
	// server's refusal, said in Vietnamese, not a page that silently
	// computes nothing.
	if v.Has("d1") || v.Has("d2") || v.Has("d3") {
		req, err := statsRequest(v)
		if err == nil {
			d.Resp, err = h.stats.ComputeStatistics(ctx, req)
		}
		if err != nil {
			p.Error, p.Fields, p.Status = explain(err)
		} else {
			d.Computed, d.Threshold = true, d.Resp.GetSuppressionThreshold()
			d.Chart = drawChart(d.Resp)
			d.CSVURL = "/stats.csv?" + v.Encode()
			d.XLSXURL = "/stats.xlsx?" + v.Encode()
		}
	}
	q.show(h, "stats", "stats", "Thống kê", p)
}

// statisticsCSV and statisticsXLSX download the table as the server
// exports it: the XLSX marks suppressed cells and holds the legend.
func (h *Handler) statisticsCSV(q *request) {
	h.statisticsFile(q, pb.SpreadsheetFormat_CSV, "thong-ke.csv")
}

func (h *Handler) statisticsXLSX(q *request) {
	h.statisticsFile(q, pb.SpreadsheetFormat_XLSX, "thong-ke.xlsx")
}

func (h *Handler) statisticsFile(q *request, format pb.SpreadsheetFormat, filename string) {
	if q.notForStatsRoles(h, "Thống kê") {
		return
	}
	req, err := statsRequest(q.r.URL.Query())
	if err != nil {
		q.fail(h, err)
		return
	}
	body, err := h.stats.ExportStatistics(q.ctx(), &pb.ExportStatisticsRequest{Filter: req.Filter, Dimensions: req.Dimensions,
		AsOf: req.AsOf, FieldLevel: req.FieldLevel, UnitVintage: req.UnitVintage, Format: format})
	if err != nil {
		q.fail(h, err)
		return
	}
	ct := body.GetContentType()
	if ct == "" {
		ct = "text/csv; charset=utf-8"
	}
	q.w.Header().Set("Content-Type", ct)
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	q.w.Write(body.GetData())
}

// indicatorsData is the indicators' page: the form's date as typed, and
// the answer (nil when the date was refused, next to its box).
type indicatorsData struct {
	AsOf string
	Resp *pb.GetIndicatorsResponse
}

// indicators shows the plan's indicators on a day the form chooses (today
// when empty), as a yearly report's are on its day.
func (h *Handler) indicators(q *request) {
	if q.notForStatsRoles(h, "Các chỉ tiêu") {
		return
	}
	d := &indicatorsData{AsOf: q.r.URL.Query().Get("as_of")}
	p := &page{Data: d}
	var asOf *date.Date
	var err error
	if s := strings.TrimSpace(d.AsOf); s != "" {
		if asOf, err = parseDate(s); err != nil {
			err = invalid("as_of", err.Error())
		}
	}
	if err == nil {
		d.Resp, err = h.stats.GetIndicators(q.ctx(), &pb.GetIndicatorsRequest{AsOf: asOf})
	}
	if err != nil {
		p.Error, p.Fields, p.Status = explain(err)
	}
	q.show(h, "indicators", "stats", "Chỉ tiêu", p)
}

// chart is a horizontal bar chart of a statistics answer, drawn on the
// server as SVG: one bar per row, suppressed rows marked instead.
type chart struct {
	Width, Height int
	Bars          []bar
}

type bar struct {
	Y, W, TextY         int
	Label, Value        string
	Suppressed          bool
	ValueX, LabelWidthX int
}

func drawChart(resp *pb.ComputeStatisticsResponse) *chart {
	if len(resp.GetRows()) == 0 {
		return nil // no section of an empty chart: the note says why
	}
	const labelW, barMax, rowH = 260, 420, 22
	max := int32(1)
	for _, r := range resp.GetRows() {
		if r.GetCount() > max {
			max = r.GetCount()
		}
	}
	c := &chart{Width: labelW + barMax + 80}
	for i, r := range resp.GetRows() {
		b := bar{Y: i*rowH + 4, TextY: i*rowH + 19, Label: strings.Join(rowLabels(r), " · "), LabelWidthX: labelW - 8}
		if len([]rune(b.Label)) > 40 {
			b.Label = string([]rune(b.Label)[:39]) + "…"
		}
		if r.GetSuppressed() || r.Count == nil {
			b.Suppressed, b.Value, b.ValueX = true, "ẩn", labelW+4
		} else {
			b.W = int(int64(r.GetCount()) * barMax / int64(max))
			b.Value, b.ValueX = fmt.Sprint(r.GetCount()), labelW+b.W+6
		}
		c.Bars = append(c.Bars, b)
	}
	c.Height = len(c.Bars)*rowH + 10
	return c
}

func rowLabels(r *pb.StatisticsRow) []string {
	out := make([]string, len(r.GetValues()))
	for i, v := range r.GetValues() {
		out[i] = v
		if i < len(r.GetLabels()) && r.GetLabels()[i] != "" {
			out[i] = r.GetLabels()[i]
		}
	}
	return out
}
