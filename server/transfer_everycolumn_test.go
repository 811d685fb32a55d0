package server

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// Every column of the template lands in the registry and comes back: a
// file with the template's headers, each column filled on some row as an
// export writes it, exports again as it was (a code perhaps with another
// name beside it) (but for what the registry
// gives: the Mã hồ sơ, and the Số CCCD beside it on the sheets of
// records; a registered organization's name beside it in Tên cơ quan),
// and that export imports with no change.
func TestEveryTemplateColumnRoundTrips(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, hyh := e.associations()
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	const nid = "091080000001"
	// Each sheet's rows by header; a header no row fills fails the test.
	filled := map[string][]map[string]string{
		transfer.PeopleSheet: {{"Họ": "Nguyễn", "Tên đệm": "Văn", "Tên": "An", "Giới tính": "Nam", "Ngày sinh": "15/03/1980",
			"Dân tộc": "05 - Khmer", "Số CCCD": nid, "Email": "an@example.vn", "Điện thoại": "0912345678", "Quê quán": "30742 - Phường Rạch Giá",
			"Địa chỉ": "Số 1 Trần Phú, Phường Rạch Giá", "Nơi làm việc": "Nước ngoài", "Quốc gia làm việc": "JP - Nhật Bản",
			"Ngày vào danh sách": "01/06/2025"}},
		transfer.QualificationsSheet: {
			{"Số CCCD": nid, "Loại": "Văn bằng", "Trình độ": "THAC_SI - Thạc sĩ", "Chuyên ngành": "Kinh tế nông nghiệp",
				"Lĩnh vực": "fields/vn2008-502 - Kinh tế và kinh doanh", "Cơ sở đào tạo": "Trường Đại học Cần Thơ", "Quốc gia": "VN - Việt Nam",
				"Năm": "2008", "Số văn bằng": "A-0001", "Hình thức đào tạo": "Chính quy"},
			{"Số CCCD": nid, "Loại": "Ngoại ngữ", "Trình độ": "B2", "Năm": "2010", "Ngôn ngữ": "en"},
			{"Số CCCD": nid, "Loại": "Văn bằng", "Trình độ": "DAI_HOC - Đại học", "Chuyên ngành": "Xây dựng", "Năm": "2003", "Tên bằng": "Kỹ sư"}},
		transfer.PositionsSheet: {
			{"Số CCCD": nid, "Cơ quan": org.Name + " - Sở Y tế", "Tên cơ quan": "Sở Y tế", "Chức vụ": "Phó Giám đốc", "Phòng ban": "Ban Giám đốc",
				"Loại hình": "Công chức", "Quốc gia": "VN - Việt Nam", "Đơn vị hành chính": "30742 - Phường Rạch Giá",
				"Từ ngày": "01/09/2025", "Hiện tại": "Có"},
			{"Số CCCD": nid, "Tên cơ quan": "Đại học Tokyo", "Chức vụ": "Nghiên cứu viên", "Quốc gia": "JP - Nhật Bản",
				"Từ ngày": "01/09/2010", "Đến ngày": "31/08/2015"}},
		transfer.HonorsSheet: {{"Số CCCD": nid, "Danh hiệu": "Chiến sĩ thi đua cấp tỉnh", "Loại": "Bằng khen", "Năm": "2020",
			"Cơ quan trao": "UBND tỉnh", "Số quyết định": "QĐ 123/2020"}},
		transfer.MembershipsSheet: {{"Số CCCD": nid, "Họ": "Nguyễn", "Tên đệm": "Văn", "Tên": "An", "Giới tính": "Nam", "Ngày sinh": "15/03/1980",
			"Hội": hyh.Name + " - Hội Y học tỉnh Kiên Giang", "Trạng thái": "Tạm đình chỉ", "Lý do": "Chưa đóng hội phí",
			"Văn bản đồng ý": "2025-01", "Ghi chú": "Giới thiệu của chi hội", "Đồng ý liên hệ": "Có"}},
		transfer.WorksSheet: {{"Số CCCD": nid, "Loại": "Công bố khoa học", "Tên công trình": "Giống lúa chịu mặn", "Năm": "2015",
			"Vai trò": "Chủ trì, tác giả chính", "Cấp": "Cấp tỉnh", "DOI": "10.1000/abc", "Số bằng, quyết định": "QĐ 12/2015",
			"Nơi công bố, cơ quan phê duyệt": "Tạp chí Khoa học", "Lĩnh vực": "fields/vn2008-502 - Kinh tế và kinh doanh"}},
	}
	headers := map[string][]string{transfer.PeopleSheet: transfer.Header(transfer.PeopleColumns)}
	names := []string{transfer.PeopleSheet}
	for _, rs := range transfer.RecordSheets {
		headers[rs.Name] = rs.Header()
		names = append(names, rs.Name)
	}
	rows := map[string][][]any{}
	for _, sheet := range names {
		h := headers[sheet]
		rows[sheet] = [][]any{anys(h)}
		used := map[string]bool{}
		for _, r := range filled[sheet] {
			var row []any
			for _, c := range h {
				row = append(row, r[c])
				used[c] = used[c] || r[c] != ""
			}
			rows[sheet] = append(rows[sheet], row)
		}
		for _, c := range h {
			if !used[c] && c != "Mã hồ sơ" && !(sheet == transfer.MembershipsSheet && slices.Contains([]string{"Email", "Điện thoại", "Số hội viên"}, c)) {
				t.Errorf("%s: no row fills %s", sheet, c)
			}
		}
	}
	resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, names, rows)}})
	if st != nil || len(resp.Problems) != 0 {
		t.Fatalf("import: %v %v", st, resp)
	}

	xlsx := e.export(e.token, &pb.ExportPeopleRequest{Format: pb.SpreadsheetFormat_XLSX})
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sheet := range names {
		got, _ := f.GetRows(sheet)
		if len(got) != len(rows[sheet]) || !slices.Equal(got[0], headers[sheet]) {
			t.Errorf("%s: exported %q", sheet, got)
			continue
		}
		for i, r := range filled[sheet] {
			for j, c := range headers[sheet] {
				v := ""
				if j < len(got[i+1]) {
					v = got[i+1][j]
				}
				switch {
				case c == "Mã hồ sơ":
				case c == "Số hội viên" && v != "":
				case sheet != transfer.PeopleSheet && c == "Số CCCD" && v == nid:
				// A code may be written with another name beside it.
				case v != r[c] && transfer.ParseCode(v) != transfer.ParseCode(r[c]):
					t.Errorf("%s row %d, %s: exported %q, imported %q", sheet, i+2, c, v, r[c])
				}
			}
		}
	}
	again, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: xlsx}})
	if st != nil || again.Created+again.Updated != 0 || len(again.Problems) != 0 {
		t.Errorf("re-importing the export: %v %v", st, again)
	}
}

func anys(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
