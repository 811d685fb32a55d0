package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

const statsUsage = `Usage:
  trithuc stats --by DIMENSIONS [--filter FILTER] [--as-of YYYY-MM-DD|DD/MM/YYYY] [--field-level 1-4] [--field-scheme vn2008|vn2025] [--units current|2024] [--csv|--xlsx]
  trithuc stats indicators [--filter FILTER] [--as-of YYYY-MM-DD|DD/MM/YYYY]
  trithuc stats settings [--threshold N]

Figures on the workforce from a running server (StatisticsService): counts
of the people a filter selects (as for "people list --filter"), broken down
by one to three dimensions, comma-separated:

  level       highest qualification level     org         kind of organization
  title       academic title                  employment  employment type
  field       S&T field (--field-level 1-4)   location    in the province, elsewhere, abroad
  unit        administrative unit (--units)   gender
  age         age band on --as-of             ethnicity
  membership  membership state of an association
  workplace   registered organization         association the ACTIVE membership's
  honor       kind of the latest honour       honor-year  its year
  roles       expert roles                    sector      VSIC section of the workplace

Counts below the suppression threshold N (5 unless an administrator set
another) are shown as "<N" ("<5"), and others withheld so that those
cannot be worked out as "ẩn" (they may be of any size); a legend says so.
--csv prints the same answer as a CSV file for a spreadsheet (UTF-8 with a
byte-order mark, Vietnamese headers), --xlsx as a workbook with the two
kinds of hidden count shaded apart and a legend. "stats indicators" prints the plan's
indicators; "stats settings --threshold N" sets the threshold (never below
3; administrators only).

Flags:
`

// dimensionNames are the short names of the dimensions on the command
// line; their enum names work too.
var dimensionNames = map[string]pb.ComputeStatisticsRequest_Dimension{
	"level":       pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL,
	"title":       pb.ComputeStatisticsRequest_ACADEMIC_TITLE,
	"field":       pb.ComputeStatisticsRequest_FIELD,
	"unit":        pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT,
	"org":         pb.ComputeStatisticsRequest_ORGANIZATION_KIND,
	"employment":  pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE,
	"location":    pb.ComputeStatisticsRequest_WORK_LOCATION,
	"gender":      pb.ComputeStatisticsRequest_GENDER,
	"age":         pb.ComputeStatisticsRequest_AGE_BAND,
	"ethnicity":   pb.ComputeStatisticsRequest_ETHNICITY,
	"membership":  pb.ComputeStatisticsRequest_MEMBERSHIP_STATE,
	"workplace":   pb.ComputeStatisticsRequest_ORGANIZATION,
	"association": pb.ComputeStatisticsRequest_ASSOCIATION,
	"honor":       pb.ComputeStatisticsRequest_HONOR_KIND,
	"honor-year":  pb.ComputeStatisticsRequest_HONOR_YEAR,
	"roles":       pb.ComputeStatisticsRequest_EXPERT_ROLE,
	"sector":      pb.ComputeStatisticsRequest_SECTOR,
}

func parseDimensions(s string) ([]pb.ComputeStatisticsRequest_Dimension, error) {
	var out []pb.ComputeStatisticsRequest_Dimension
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		d, ok := dimensionNames[strings.ToLower(name)]
		if !ok {
			n, found := pb.ComputeStatisticsRequest_Dimension_value[strings.ToUpper(strings.ReplaceAll(name, "-", "_"))]
			if !found || n == 0 {
				return nil, fmt.Errorf("unknown dimension %q; dimensions: level, title, field, unit, org, employment, location, gender, age, ethnicity, membership", name)
			}
			d = pb.ComputeStatisticsRequest_Dimension(n)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--by is required: one to three dimensions, for example --by level,unit")
	}
	return out, nil
}

// parseDay reads --as-of as YYYY-MM-DD or as Vietnamese writes a date,
// DD/MM/YYYY, the form of the console, the files and import's
// --registry-date, which an officer types from the report's heading.
func parseDay(s string) (*date.Date, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t, err = time.Parse("2/1/2006", s)
	}
	if err != nil {
		return nil, fmt.Errorf("--as-of: want a date YYYY-MM-DD or DD/MM/YYYY (31/12/2025), not %q", s)
	}
	return &date.Date{Year: int32(t.Year()), Month: int32(t.Month()), Day: int32(t.Day())}, nil
}

// statsOptions are the flags of stats, the same for its verbs.
type statsOptions struct {
	client                clientFlags
	by, filter, asOf      string
	fieldLevel, threshold int
	fieldScheme, units    string
	csv, xlsx             bool
}

// register adds the flags of stats to fs (completion too).
func (o *statsOptions) register(fs *flag.FlagSet) {
	o.client.register(fs)
	// Tables by default here: figures are for reading.
	o.client.output = "table"
	fs.Lookup("output").DefValue = "table"
	fs.StringVar(&o.by, "by", "", "the `dimensions` to break the counts down by, comma-separated")
	fs.StringVar(&o.filter, "filter", "", "count only the people this `filter` selects")
	fs.StringVar(&o.asOf, "as-of", "", "the `date` of ages and of historical units (default today)")
	fs.IntVar(&o.fieldLevel, "field-level", 1, "for field: 1 for the six areas, 2 to 4 for the levels below, where the scheme has them")
	fs.StringVar(&o.fieldScheme, "field-scheme", "", "for field: the scheme to count in, vn2008 (the default) or vn2025; fields coded in the other count through the crosswalk")
	fs.StringVar(&o.units, "units", "current", "for unit: `current` workplaces, or 2024 for the districts before the 2025 reform")
	fs.BoolVar(&o.csv, "csv", false, "print a CSV file for a spreadsheet instead of a table")
	fs.BoolVar(&o.xlsx, "xlsx", false, "write an XLSX workbook instead of a table (> thongke.xlsx)")
	fs.IntVar(&o.threshold, "threshold", 0, "with settings: the new suppression threshold (3 or more)")
}

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	verb := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		verb, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("trithuc stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, statsUsage)
		fs.PrintDefaults()
	}
	var o statsOptions
	o.register(fs)
	cf := &o.client
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("stats: unexpected arguments %q", fs.Args()))
	}
	if err := cf.checkOutput(); err != nil {
		return err
	}
	if o.csv && o.xlsx {
		return usageError("stats: give --csv or --xlsx, not both: each is a file of its own")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	day, err := parseDay(o.asOf)
	if err != nil {
		return usageError(err.Error())
	}

	switch verb {
	case "":
	case "indicators", "settings":
		if set["by"] || set["csv"] || set["xlsx"] || set["field-level"] || set["field-scheme"] || set["units"] {
			return usageError("stats " + verb + " takes no --by, --csv, --xlsx, --field-level, --field-scheme or --units")
		}
	default:
		return usageError(fmt.Sprintf("stats: unknown verb %q; say indicators or settings, or give --by", verb))
	}
	if verb != "settings" && set["threshold"] {
		return usageError("--threshold goes with stats settings")
	}
	var req *pb.ComputeStatisticsRequest
	if verb == "" {
		dims, err := parseDimensions(o.by)
		if err != nil {
			return usageError(err.Error())
		}
		req = &pb.ComputeStatisticsRequest{Dimensions: dims, Filter: o.filter, AsOf: day, FieldLevel: int32(o.fieldLevel), FieldScheme: o.fieldScheme}
		switch o.units {
		case "current":
		case "2024":
			req.UnitVintage = pb.ComputeStatisticsRequest_HISTORY_2024
		default:
			return usageError("--units must be current or 2024")
		}
	}

	cl, err := cf.dial()
	if err != nil {
		return err
	}
	defer cl.Close()
	cctx, cancel := context.WithTimeout(ctx, cf.timeout)
	defer cancel()
	stats := cl.Statistics

	switch {
	case verb == "settings":
		var s *pb.StatisticsSettings
		if set["threshold"] {
			s, err = stats.UpdateStatisticsSettings(cctx, &pb.UpdateStatisticsSettingsRequest{
				Settings:   &pb.StatisticsSettings{Name: "statisticsSettings", SuppressionThreshold: int32(o.threshold)},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"suppression_threshold"}},
			})
		} else {
			s, err = stats.GetStatisticsSettings(cctx, &pb.GetStatisticsSettingsRequest{Name: "statisticsSettings"})
		}
		if err != nil {
			return callError(err)
		}
		if cf.output == "json" {
			return printJSON(stdout, s)
		}
		fmt.Fprintf(stdout, "Ngưỡng ẩn số liệu (suppression threshold): %d\n", s.GetSuppressionThreshold())
		return nil

	case verb == "indicators":
		r, err := stats.GetIndicators(cctx, &pb.GetIndicatorsRequest{Filter: o.filter, AsOf: day})
		if err != nil {
			return callError(err)
		}
		if cf.output == "json" {
			return printJSON(stdout, r)
		}
		printIndicators(stdout, r)
		return nil

	case o.csv || o.xlsx:
		format := pb.SpreadsheetFormat_CSV
		if o.xlsx {
			format = pb.SpreadsheetFormat_XLSX
		}
		r, err := stats.ExportStatistics(cctx, &pb.ExportStatisticsRequest{Dimensions: req.Dimensions, Filter: req.Filter,
			AsOf: req.AsOf, FieldLevel: req.FieldLevel, FieldScheme: req.FieldScheme, UnitVintage: req.UnitVintage, Format: format})
		if err != nil {
			return callError(err)
		}
		_, err = stdout.Write(r.GetData())
		return err
	}
	r, err := stats.ComputeStatistics(cctx, req)
	if err != nil {
		return callError(err)
	}
	if cf.output == "json" {
		return printJSON(stdout, r)
	}
	printStatistics(stdout, r)
	return nil
}

func printJSON(w io.Writer, m proto.Message) error {
	return printResult(w, io.Discard, "json", "", []proto.Message{m})
}

// printStatistics prints an answer as an aligned table: the values' names,
// then the count, right-aligned; a count below the threshold reads "<5",
// one hidden only to protect another "ẩn" (it may be of any size).
func printStatistics(w io.Writer, r *pb.ComputeStatisticsResponse) {
	hidden := labels.BelowMark(r.GetSuppressionThreshold())
	count := func(n *int32, reason pb.SuppressionReason) string {
		switch {
		case n != nil:
			return strconv.Itoa(int(*n))
		case reason == pb.SuppressionReason_PROTECTS_ANOTHER:
			return labels.ProtectsMark
		}
		return hidden
	}
	header := append(append([]string(nil), r.GetDimensionLabels()...), "Số người")
	rows := [][]string{header}
	for _, row := range r.GetRows() {
		rows = append(rows, append(append([]string(nil), row.GetLabels()...), count(row.Count, row.GetSuppressionReason())))
	}
	total := make([]string, len(header))
	total[0] = "Tổng cộng"
	total[len(total)-1] = count(r.Total, r.GetTotalSuppressionReason())
	rows = append(rows, total)
	printTable(w, rows, len(header)-1)
	if note := labels.StatisticsNote(r); note != "" {
		fmt.Fprintln(w, note)
	}
	fmt.Fprintf(w, "\nNgày tính: %s.\n", labels.Date(r.GetAsOf()))
	printLegend(w, r.GetSuppressionThreshold())
}

// printIndicators prints the indicators as a table, shares in percent,
// then apart the counts (labels.Counts) under a header of their own, as a
// report's files lay them out: a count's mark "<5" in the share column
// would read as under 5 percent.
func printIndicators(w io.Writer, r *pb.GetIndicatorsResponse) {
	shares := [][]string{{"Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ"}}
	counts := [][]string{{"Chỉ tiêu", "Số người"}}
	below := labels.BelowMark(r.GetSuppressionThreshold())
	for _, ind := range r.GetIndicators() {
		mark := below
		if ind.GetSuppressionReason() == pb.SuppressionReason_PROTECTS_ANOTHER {
			mark = labels.ProtectsMark
		}
		num, den, share := mark, mark, mark
		if ind.Numerator != nil {
			num = strconv.Itoa(int(ind.GetNumerator()))
		}
		if labels.Counts(ind.GetKind()) {
			counts = append(counts, []string{ind.GetLabel(), num})
			continue
		}
		if ind.Denominator != nil {
			den = strconv.Itoa(int(ind.GetDenominator()))
		}
		switch {
		case ind.Share != nil:
			share = labels.Share(ind.GetShare())
		case !ind.GetSuppressed():
			share = "–" // a denominator of 0
		}
		shares = append(shares, []string{ind.GetLabel(), num, den, share})
	}
	printTable(w, shares, 1)
	if len(counts) > 1 {
		fmt.Fprintln(w)
		printTable(w, counts, 1)
	}
	fmt.Fprintf(w, "\nNgày tính: %s.\n", labels.Date(r.GetAsOf()))
	printLegend(w, r.GetSuppressionThreshold())
	fmt.Fprintln(w, "–: không có dữ liệu (không có ai trong mẫu số).")
}

// printLegend says what the marks of hidden counts mean, in the words of
// the files (labels.SuppressionLegend).
func printLegend(w io.Writer, threshold int32) {
	below, protects, scope := labels.SuppressionLegend(threshold)
	fmt.Fprintln(w, below)
	fmt.Fprintln(w, protects)
	fmt.Fprintln(w, scope)
}

// printTable aligns columns by their width in characters; the columns from
// numbersFrom on are right-aligned.
func printTable(w io.Writer, rows [][]string, numbersFrom int) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i >= numbersFrom {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
