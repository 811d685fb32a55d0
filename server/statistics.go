package server

import (
	"bytes"
	"cmp"
	"context"
	"strconv"
	"unicode"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

type statisticsService struct {
	pb.UnimplementedStatisticsServiceServer
	db       *store.DB
	requests idempotency
}

func statsQuery(ctx context.Context, filter string, dims []pb.ComputeStatisticsRequest_Dimension, req interface {
	GetAsOf() *date.Date
	GetFieldLevel() int32
	GetFieldScheme() string
	GetUnitVintage() pb.ComputeStatisticsRequest_UnitVintage
}) store.StatsQuery {
	return store.StatsQuery{
		Filter:      filter,
		Dimensions:  dims,
		AsOf:        req.GetAsOf(),
		FieldLevel:  int(req.GetFieldLevel()),
		FieldScheme: req.GetFieldScheme(),
		UnitVintage: req.GetUnitVintage(),
		Scope:       scopeOf(ctx),
		MayFilter:   mayFilter(ctx),
	}
}

func (s *statisticsService) ComputeStatistics(ctx context.Context, req *pb.ComputeStatisticsRequest) (*pb.ComputeStatisticsResponse, error) {
	if err := unitMayCount(ctx, req.GetDimensions()); err != nil {
		return nil, err
	}
	out, err := s.db.ComputeStatistics(ctx, statsQuery(ctx, req.GetFilter(), req.GetDimensions(), req))
	labelStatistics(out)
	return out, grpcError(ctx, err)
}

// unitMayCount refuses a caller limited to an organization the
// dimensions of memberships: it reads none of its people's (README, "Keys
// and accounts limited to a unit"), and its list names whom two filters
// differ by, so its counts by association would tell a person's.
func unitMayCount(ctx context.Context, dims []pb.ComputeStatisticsRequest_Dimension) error {
	p := callFrom(ctx).principal
	if p == nil || p.Organization == "" {
		return nil
	}
	for i, d := range dims {
		if d == pb.ComputeStatisticsRequest_MEMBERSHIP_STATE || d == pb.ComputeStatisticsRequest_ASSOCIATION {
			return denied(reasonDeniedScope, "dimensions[%d]: the caller is limited to %s, which reads no memberships; "+
				"it may not count by %v", i, p.Organization, d)
		}
	}
	return nil
}

// ExportStatistics answers as ComputeStatistics does, as a CSV file or a
// workbook.
func (s *statisticsService) ExportStatistics(ctx context.Context, req *pb.ExportStatisticsRequest) (*httpbody.HttpBody, error) {
	if err := unitMayCount(ctx, req.GetDimensions()); err != nil {
		return nil, err
	}
	out, err := s.db.ComputeStatistics(ctx, statsQuery(ctx, req.GetFilter(), req.GetDimensions(), req))
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	labelStatistics(out)
	who := filterLine(ctx, s.db, req.GetFilter(), out.GetAsOf())
	if req.GetFormat() == pb.SpreadsheetFormat_XLSX {
		data, err := statisticsXLSX(out, who)
		if err != nil {
			return nil, grpcError(ctx, err)
		}
		return &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: data}, nil
	}
	return &httpbody.HttpBody{ContentType: "text/csv; charset=utf-8", Data: statisticsCSV(out, who)}, nil
}

func (s *statisticsService) GetIndicators(ctx context.Context, req *pb.GetIndicatorsRequest) (*pb.GetIndicatorsResponse, error) {
	out, err := s.db.GetIndicators(ctx, req.GetFilter(), scopeOf(ctx), mayFilter(ctx), req.GetAsOf())
	labelIndicators(out)
	return out, grpcError(ctx, err)
}

func (s *statisticsService) GetStatisticsSettings(ctx context.Context, req *pb.GetStatisticsSettingsRequest) (*pb.StatisticsSettings, error) {
	out, err := s.db.StatisticsSettings(ctx, cmp.Or(req.GetName(), statisticsSettingsName))
	return out, grpcError(ctx, err)
}

// statisticsSettingsName is the singleton's name, which its REST URL
// carries as a literal, so that a request may leave it empty.
const statisticsSettingsName = "statisticsSettings"

func (s *statisticsService) UpdateStatisticsSettings(ctx context.Context, req *pb.UpdateStatisticsSettingsRequest) (*pb.StatisticsSettings, error) {
	if req.GetSettings() != nil && req.GetSettings().GetName() == "" {
		req.GetSettings().Name = statisticsSettingsName
	}
	return update(ctx, req.GetUpdateMask(), req.GetSettings(), req.GetValidateOnly(),
		func(name string, o store.WriteOptions, apply func(*pb.StatisticsSettings) error) (*pb.StatisticsSettings, error) {
			return s.db.UpdateStatisticsSettings(ctx, name, o, apply)
		})
}

// utf8BOM starts the CSV file, so that Excel reads it as UTF-8 and shows
// Vietnamese as it is.
const utf8BOM = "\ufeff"

// statisticsCSV writes an answer of ComputeStatistics for a spreadsheet:
// for each dimension a column of codes and one of names, then the count;
// a count below the threshold reads "<5" (the threshold), one withheld to
// protect another reads "ẩn", which may stand for any number; then the
// total, and a legend of the two marks; who, when not "", says whom the
// figures count (filterLine). Lines end in CRLF, as RFC 4180 and Excel
// have them.
func statisticsCSV(r *pb.ComputeStatisticsResponse, who string) []byte {
	var b bytes.Buffer
	b.WriteString(utf8BOM)
	w := transfer.NewCSVWriter(&b, true)
	t := newStatsTable(r)
	t.who = who
	for _, line := range t.lines() {
		w.Write(line)
	}
	w.Flush()
	return b.Bytes()
}

// statsLines are the lines of statisticsCSV, as text.
func statsLines(r *pb.ComputeStatisticsResponse) [][]string { return newStatsTable(r).lines() }

func (t *statsTable) lines() [][]string {
	lines := [][]string{t.header}
	for _, row := range t.rows {
		line := append([]string(nil), row.labels...)
		lines = append(lines, append(line, row.count.text))
	}
	if t.note != "" {
		lines = append(lines, []string{t.note})
	}
	lines = append(lines, []string{}, []string{t.legendBelow + " " + t.legendProtects + " " + t.legendScope})
	if t.who != "" {
		lines = append(lines, []string{t.who})
	}
	if t.asOf != "" {
		lines = append(lines, []string{t.asOf})
	}
	return lines
}

// statsTable is an answer of ComputeStatistics laid out for a spreadsheet:
// for each dimension a column of codes and one of names, then the count;
// the last row is the total.
type statsTable struct {
	header []string
	rows   []statsRow
	// The legend of the two marks of a suppressed count, and what
	// suppression does not do (labels.SuppressionLegend).
	legendBelow, legendProtects, legendScope string
	// The date the figures are as on, as a line under the legend: a file
	// passed on says which day it counts.
	asOf string
	// who says whom the figures count (filterLine), as a line under
	// the legend; "" for everyone.
	who string
	// note says why a table has no rows (labels.StatisticsNote), under
	// its total; "" when it has.
	note string
}

type statsRow struct {
	labels []string
	count  statsCount
}

// statsCount is a count as a cell shows it: the number, "<5" below the
// threshold, or "ẩn" withheld to protect another.
type statsCount struct {
	n      *int32
	reason pb.SuppressionReason
	text   string
}

func newStatsTable(r *pb.ComputeStatisticsResponse) *statsTable {
	t := &statsTable{}
	for _, label := range r.GetDimensionLabels() {
		t.header = append(t.header, "Mã "+lowerFirst(label), label)
	}
	t.header = append(t.header, "Số người")
	below := labels.BelowMark(r.GetSuppressionThreshold())
	count := func(n *int32, reason pb.SuppressionReason) statsCount {
		switch {
		case n != nil:
			return statsCount{n: n, text: strconv.Itoa(int(*n))}
		case reason == pb.SuppressionReason_PROTECTS_ANOTHER:
			return statsCount{reason: reason, text: labels.ProtectsMark}
		}
		return statsCount{reason: pb.SuppressionReason_BELOW_THRESHOLD, text: below}
	}
	for _, row := range r.GetRows() {
		var line []string
		for i, v := range row.GetValues() {
			line = append(line, v, row.GetLabels()[i])
		}
		t.rows = append(t.rows, statsRow{labels: line, count: count(row.Count, row.GetSuppressionReason())})
	}
	total := make([]string, len(t.header)-1)
	total[0] = "Tổng cộng"
	t.rows = append(t.rows, statsRow{labels: total, count: count(r.Total, r.GetTotalSuppressionReason())})
	t.legendBelow, t.legendProtects, t.legendScope = labels.SuppressionLegend(r.GetSuppressionThreshold())
	t.asOf = asOfLine(r.GetAsOf())
	t.note = labels.StatisticsNote(r)
	return t
}

// asOfLine says the day figures are as on, as Vietnamese writes a date;
// "" when the answer has none.
func asOfLine(d *date.Date) string {
	if d.GetYear() == 0 {
		return ""
	}
	return "Số liệu tính đến ngày " + labels.Date(d) + "."
}

// lowerFirst lowers the first letter: "Trình độ" becomes "trình độ".
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
