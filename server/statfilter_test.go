package server

import (
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A statistics file says whom it counts: the filter, in Vietnamese where
// it is the console's kind (an AND of coarse fields), else as written.
// Without it, the women with a master's or higher, passed on as a file,
// read as the whole registry.
func TestStatisticsFileSaysWhomItCounts(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	for _, tc := range []struct {
		name, filter, want string
	}{
		{"ConsoleForm", `highest_qualification_level >= "THAC_SI" AND gender = FEMALE AND work_location = IN_PROVINCE`,
			"Điều kiện lọc: Trình độ cao nhất: từ Thạc sĩ; Giới tính: Nữ; Nơi làm việc: Trong tỉnh."},
		{"ReferenceNames", `fields.field = "fields/vn2008-5" AND positions.administrative_unit = "30742"`,
			"Điều kiện lọc: Lĩnh vực KH&CN: Khoa học xã hội; Đơn vị hành chính nơi công tác: Phường Rạch Giá."},
		{"AsWritten", `gender = FEMALE OR work_location = ABROAD`,
			"Điều kiện lọc: gender = FEMALE OR work_location = ABROAD"},
		{"Everyone", ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, format := range []pb.SpreadsheetFormat{pb.SpreadsheetFormat_CSV, pb.SpreadsheetFormat_XLSX} {
				text := exportedText(t, e.env, &pb.ExportStatisticsRequest{Filter: tc.filter, Dimensions: []dim{dLevel}, Format: format})
				if tc.want == "" {
					if strings.Contains(text, "Điều kiện lọc") {
						t.Errorf("%v of everyone names a filter:\n%s", format, text)
					}
					continue
				}
				if !strings.Contains(text, tc.want) {
					t.Errorf("%v does not say whom it counts (want %q):\n%s", format, tc.want, text)
				}
			}
		})
	}
}
