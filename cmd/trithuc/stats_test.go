package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

func TestStatsCommand(t *testing.T) {
	addr, token, stop := serveDemo(t, t.TempDir())
	defer stop()
	c := []string{"--server", addr, "--token", token}

	out, err := cli(t, append([]string{"stats", "--by", "level,gender"}, c...)...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "Trình độ cao nhất  Giới tính  Số người") {
		t.Errorf("header %q", lines[0])
	}
	var total string
	for _, l := range lines {
		if strings.HasPrefix(l, "Tổng cộng") {
			total = l
		}
	}
	if !strings.HasSuffix(total, " 40") {
		t.Errorf("total line %q in\n%s", total, out)
	}
	// The date as Vietnamese writes it, day first.
	if !strings.Contains(out, "Đại học") || !strings.Contains(out, "Ngày tính: "+time.Now().In(store.Vietnam).Format("02/01/2006")+".") {
		t.Errorf("table:\n%s", out)
	}

	// As on a date: the demo's people count once registered, today in
	// Vietnam (a later day is refused as in the future).
	out, err = cli(t, append([]string{"stats", "--by", "level", "--as-of", time.Now().In(store.Vietnam).Format(time.DateOnly), "--csv"}, c...)...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "\ufeffMã trình độ cao nhất,Trình độ cao nhất,Số người\r\n") || !strings.Contains(out, "\r\nTổng cộng,,40\r\n") {
		t.Errorf("CSV:\n%q", out)
	}

	var xlsx, errOut bytes.Buffer
	if err := run(context.Background(), append([]string{"stats", "--by", "level", "--xlsx"}, c...), &xlsx, &errOut); err != nil {
		t.Fatalf("--xlsx: %v\n%s", err, errOut.String())
	}
	if f, err := excelize.OpenReader(bytes.NewReader(xlsx.Bytes())); err != nil {
		t.Errorf("--xlsx printed no workbook: %v", err)
	} else if v, _ := f.GetCellValue("Thống kê", "A1"); v != "Mã trình độ cao nhất" {
		t.Errorf("--xlsx: A1 is %q", v)
	}

	out, err = cli(t, append([]string{"stats", "indicators", "--filter", "gender = FEMALE"}, c...)...)
	if err != nil || !strings.Contains(out, "Tỷ lệ nữ") || !strings.Contains(out, "100,0%") {
		t.Errorf("indicators: %v\n%s", err, out)
	}
	if _, header := professors(out); !strings.Contains(header, "Số người") || strings.Contains(header, "Tỷ lệ") {
		t.Errorf("indicators: the professors are printed under %q, want a count's header:\n%s", header, out)
	}

	// The threshold: never below 3.
	_, err = cli(t, append([]string{"stats", "settings", "--threshold", "2"}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "INVALID_ARGUMENT") || !strings.Contains(err.Error(), "settings.suppression_threshold") {
		t.Errorf("threshold 2: %v", err)
	}
	out, err = cli(t, append([]string{"stats", "settings", "--threshold", "4"}, c...)...)
	if err != nil || !strings.Contains(out, ": 4") {
		t.Errorf("threshold 4: %v\n%s", err, out)
	}
	out, err = cli(t, append([]string{"stats", "--by", "unit", "--units", "2024", "--output", "json"}, c...)...)
	if err != nil || !strings.Contains(out, `"suppression_threshold": 4`) || !strings.Contains(out, `"total": 40`) {
		t.Errorf("json: %v\n%s", err, out)
	}

	for _, args := range [][]string{
		{"stats"},
		{"stats", "--by", "salary"},
		{"stats", "--by", "level", "--units", "1990"},
		{"stats", "--by", "level", "--as-of", "yesterday"},
		{"stats", "frobnicate"},
		{"stats", "indicators", "--by", "level"},
		{"stats", "--by", "level", "--threshold", "4"},
	} {
		_, err := cli(t, append(args, c...)...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	_, err = cli(t, append([]string{"stats", "--by", "level,level"}, c...)...)
	if err == nil || !strings.Contains(err.Error(), "INVALID_ARGUMENT") {
		t.Errorf("twice the same dimension: %v", err)
	}
}

// Flags that contradict each other are refused before any call, so no
// server is needed.
func TestStatsFlagMistakes(t *testing.T) {
	c := []string{"--server", "127.0.0.1:1", "--timeout", "1s"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ErrCSVAndXLSX", []string{"stats", "--by", "level", "--csv", "--xlsx"}, "--csv or --xlsx, not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cli(t, append(tt.args, c...)...)
			var ue usageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%q: %v, want a usage error saying %q", tt.args, err, tt.want)
			}
		})
	}
}

// A count hidden to protect another reads "ẩn", not "<5", and the legend
// says what each mark means, with the threshold, and what hiding does not
// do: it claims no one cannot be identified (an audit found files that did).
func TestPrintStatisticsMarks(t *testing.T) {
	n := int32(282)
	var b strings.Builder
	printStatistics(&b, &pb.ComputeStatisticsResponse{
		DimensionLabels: []string{"Dân tộc"}, SuppressionThreshold: 5, Total: &n,
		Rows: []*pb.StatisticsRow{
			{Labels: []string{"Kinh"}, Suppressed: true, SuppressionReason: pb.SuppressionReason_PROTECTS_ANOTHER},
			{Labels: []string{"Khmer"}, Suppressed: true, SuppressionReason: pb.SuppressionReason_BELOW_THRESHOLD},
		}})
	out := b.String()
	for _, want := range append([]string{"Kinh             ẩn", "Khmer            <5"}, legendWords...) {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// legendWords are what the legend of a table says with the threshold at
// 5: the two marks, and that hiding counts guarantees nothing more.
var legendWords = []string{"<5 là từ 1 đến 4 người, dưới ngưỡng công bố (5 người)",
	"ẩn là số không công bố để không suy ra được một số <5 từ các số khác bằng phép trừ",
	"không bảo đảm rằng không ai có thể bị nhận ra khi đối chiếu với nguồn thông tin khác"}

// professors is the line of the number of professors in printed
// indicators, with the header of its table.
func professors(out string) (line, header string) {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Chỉ tiêu") {
			header = l
		}
		if strings.HasPrefix(l, "Số giáo sư, phó giáo sư") {
			return l, header
		}
	}
	return "", ""
}

// The number of professors is a count (labels.Counts), not a share: it is
// printed apart under "Số người", so that its mark "<5" does not stand in
// the share column, where it would read as under 5 percent.
func TestPrintIndicatorsCounts(t *testing.T) {
	num, den, share := int32(12), int32(40), 0.3
	var b strings.Builder
	printIndicators(&b, &pb.GetIndicatorsResponse{SuppressionThreshold: 5, Indicators: []*pb.Indicator{
		{Kind: pb.Indicator_WOMEN, Label: "Tỷ lệ nữ", Numerator: &num, Denominator: &den, Share: &share},
		{Kind: pb.Indicator_PROFESSORS, Label: "Số giáo sư, phó giáo sư", Suppressed: true,
			SuppressionReason: pb.SuppressionReason_BELOW_THRESHOLD},
	}})
	out := b.String()
	line, header := professors(out)
	if got := strings.Fields(strings.TrimPrefix(line, "Số giáo sư, phó giáo sư")); strings.Join(got, "|") != "<5" ||
		strings.Join(strings.Fields(header), " ") != "Chỉ tiêu Số người" {
		t.Errorf("the professors read %q under %q, want <5 alone under Chỉ tiêu, Số người; in\n%s", line, header, out)
	}
	if !strings.Contains(out, "Tỷ lệ nữ") || !strings.Contains(out, "30,0%") {
		t.Errorf("the shares are gone:\n%s", out)
	}
	for _, want := range append(legendWords, "–: không có dữ liệu") {
		if !strings.Contains(out, want) {
			t.Errorf("the legend does not say %q:\n%s", want, out)
		}
	}
}
