package server

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vimsg"
)

// A cell with one mistake gets one message, the one that says what to
// do: a country code typed in lower case is the code ("xy" is unknown,
// not also not in capitals), an administrative unit code of six digits is
// no unit's (not also of the wrong length), and a year past the API's
// bound is in the future (not also out of its range), on every sheet.
// A cell with two mistakes still gets both: a language that is no code,
// on a degree, which has none.
func TestImportSaysACellsProblemOnce(t *testing.T) {
	e := newEnv(t)
	names := []string{transfer.PeopleSheet, transfer.QualificationsSheet, transfer.PositionsSheet, transfer.HonorsSheet, transfer.WorksSheet}
	header := []any{"Họ", "Tên", "Ngày sinh", "Số CCCD", "Quê quán", "Nơi làm việc", "Quốc gia làm việc"}
	rows := map[string][][]any{
		transfer.PeopleSheet: {header,
			{"Nguyễn", "An", "15/03/1980", "001080000001", "", "Trong tỉnh", ""},
			{"Trần", "Bình", "15/03/1980", "001080000002", "123456", "Nước ngoài", "xy"}, // 3
		},
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Quốc gia", "Năm", "Ngôn ngữ"},
			{"001080000001", "Bằng cấp", "DAI_HOC", "xy", 2999, ""},          // 2
			{"001080000001", "Bằng cấp", "DAI_HOC", "", "", "Tiếng Klingon"}, // 3: two mistakes
		},
		transfer.PositionsSheet: {{"Số CCCD", "Tên cơ quan", "Chức vụ", "Quốc gia", "Đơn vị hành chính"},
			{"001080000001", "Công ty A", "Kỹ sư", "xy", "123456"}, // 2
		},
		transfer.HonorsSheet: {{"Số CCCD", "Danh hiệu", "Năm"}, {"001080000001", "Chiến sĩ thi đua", 2999}},
		transfer.WorksSheet:  {{"Số CCCD", "Loại", "Tên công trình", "Năm"}, {"001080000001", "Bài báo", "Về đất", 2999}},
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}, SkipInvalid: true})
	if st != nil {
		t.Fatalf("import: %v, %v", st, resp)
	}
	said := map[string][]string{}
	for _, p := range resp.Problems {
		k := fmt.Sprintf("%s/%d/%s", p.Sheet, p.Row, p.Column)
		said[k] = append(said[k], p.Message+" / "+vimsg.Problem(p))
	}
	unknownCountry := `unknown country code "XY"`
	noUnit := `no administrative unit has the code or name "123456"`
	future := "2999 is in the future / không thể là một năm trong tương lai"
	for cell, want := range map[string][]string{
		transfer.PeopleSheet + "/3/E (Quê quán)":             {noUnit},
		transfer.PeopleSheet + "/3/G (Quốc gia làm việc)":    {unknownCountry},
		transfer.QualificationsSheet + "/2/D (Quốc gia)":     {unknownCountry},
		transfer.QualificationsSheet + "/2/E (Năm)":          {future},
		transfer.QualificationsSheet + "/3/F (Ngôn ngữ)":     {"ISO 639-1", "only a FOREIGN_LANGUAGE qualification has a language"},
		transfer.PositionsSheet + "/2/D (Quốc gia)":          {unknownCountry},
		transfer.PositionsSheet + "/2/E (Đơn vị hành chính)": {noUnit},
		transfer.HonorsSheet + "/2/C (Năm)":                  {future},
		transfer.WorksSheet + "/2/D (Năm)":                   {future},
	} {
		got := said[cell]
		if len(got) != len(want) {
			t.Errorf("%s: %d messages, want %d: %q", cell, len(got), len(want), got)
			continue
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: %q lacks %q", cell, got[i], w)
			}
		}
	}
}
