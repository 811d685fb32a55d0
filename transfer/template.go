package transfer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// The template's other sheets.
const (
	InstructionsSheet = "Hướng dẫn"
	// ListsSheet holds the drop-down lists, hidden: a list typed into a
	// validation is limited to 255 characters, which the lists of units
	// and countries exceed by far.
	ListsSheet = "Danh mục"
)

// templateRows are the rows of the people sheet that get drop-downs and
// text cells.
const templateRows = 10000

// ListTitles are the reference lists a template offers, by the name a
// Column's List gives, with their headers on the lists sheet; a list the
// statistics count by says the dimension's word (labels).
var ListTitles = map[string]string{
	"gender":             labels.Of(pb.ComputeStatisticsRequest_GENDER),
	"ethnicity":          "Dân tộc",
	"unit":               "Đơn vị hành chính",
	"work_location":      labels.Of(pb.ComputeStatisticsRequest_WORK_LOCATION),
	"country":            "Quốc gia",
	"level":              "Trình độ",
	"field":              "Lĩnh vực",
	"organization":       "Cơ quan",
	"qualification_kind": "Loại bằng cấp",
	"honor_kind":         labels.Of(pb.ComputeStatisticsRequest_HONOR_KIND),
	"yes_no":             "Có/Không",
	"association":        "Hội",
	"membership_state":   labels.Of(pb.ComputeStatisticsRequest_MEMBERSHIP_STATE),
	"work_kind":          "Loại công trình",
	"study_mode":         "Hình thức đào tạo",
	"employment_type":    labels.Of(pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE),
	"work_role":          "Vai trò",
	"work_level":         "Cấp",
	"degree_title":       "Tên bằng",
}

// FixedLists are the lists that the API's enums give rather than the
// reference data.
func FixedLists() map[string][]string {
	return map[string][]string{
		"gender":             labels.List(pb.Person_Gender(0).Descriptor()),
		"work_location":      labels.List(pb.Person_WorkLocation(0).Descriptor()),
		"qualification_kind": labels.List(pb.Qualification_Kind(0).Descriptor()),
		"honor_kind":         labels.List(pb.Honor_Kind(0).Descriptor()),
		"yes_no":             {"Có", "Không"},
		"membership_state":   membershipStateLabels,
		"study_mode":         labels.List(pb.Qualification_StudyMode(0).Descriptor()),
		"employment_type":    labels.List(pb.Position_EmploymentType(0).Descriptor()),
		"work_kind":          labels.List(pb.Work_Kind(0).Descriptor()),
		"work_role":          labels.List(pb.Work_Role(0).Descriptor()),
		"work_level":         labels.List(pb.Work_Level(0).Descriptor()),
		"degree_title":       refdata.DegreeTitles(),
	}
}

// instructions are the lines of the instructions sheet.
var instructions = []string{
	"Mẫu nhập danh sách trí thức",
	"",
	"1. Nhập mỗi người một dòng ở trang \"" + PeopleSheet + "\", từ dòng 2. Không sửa dòng tiêu đề; có thể bỏ hoặc đổi thứ tự cột.",
	"2. Bắt buộc: Tên. Nên có Số CCCD hoặc Mã hồ sơ để đối chiếu người đã có trong cơ sở dữ liệu: thông tin còn thiếu được bổ sung, thông tin khác với dữ liệu đã có được báo là mâu thuẫn và không ghi đè.",
	"3. Mã hồ sơ: để trống khi thêm người mới; khi sửa, ghi đúng mã (people/...) như trong tệp xuất.",
	"4. Ngày sinh: dd/mm/yyyy, hoặc chỉ năm (ví dụ 1980).",
	"5. Số CCCD, Điện thoại: các ô đã định dạng văn bản để giữ số 0 ở đầu; không nhập dạng số.",
	"6. Dân tộc, Quê quán, Quốc gia làm việc, Giới tính, Nơi làm việc: chọn trong danh sách thả xuống, hoặc chỉ ghi mã (ví dụ 05) hay tên trong danh sách, có dấu hoặc không dấu (ví dụ Khmer, Nhat Ban); tên trùng với nhiều mục thì ghi mã.",
	"7. Quốc gia làm việc: chỉ khi Nơi làm việc là Nước ngoài.",
	"8. Gõ chữ bằng Unicode. Văn bản gõ bằng phông TCVN3 (ABC) hoặc VNI bị từ chối: chuyển mã bằng Unikey (Công cụ chuyển mã) trước khi nhập.",
	"9. Kiểm tra trước bằng chế độ chạy thử (validateOnly, hoặc trithuc import people TỆP --dry-run): mọi lỗi được báo theo trang, dòng và cột.",
	"10. Nhập lại cùng một tệp không thay đổi gì.",
	"11. Trang \"" + QualificationsSheet + "\", \"" + PositionsSheet + "\", \"" + HonorsSheet + "\", \"" + WorksSheet + "\": mỗi dòng một bằng cấp, chức vụ, khen thưởng hoặc công trình (công bố, nhiệm vụ KH&CN, sáng chế, sáng kiến) của một người, ghi Mã hồ sơ (người đã có) hoặc Số CCCD (người đã có, hoặc người thêm ở trang \"" + PeopleSheet + "\"). Trình độ của bằng cấp: chọn trong danh sách, hoặc ghi tên bằng (Cử nhân, Kỹ sư, Bác sĩ...), có thể kèm chuyên ngành (ví dụ Thạc sĩ Quản trị kinh doanh); tên bằng được giữ ở cột Tên bằng, trình độ tính là Đại học; chuyên khoa cấp I, II và bác sĩ nội trú không phải trình độ của bằng cấp: ghi ở dòng loại Chứng chỉ hành nghề.",
	"12. Trang \"" + MembershipsSheet + "\": mỗi dòng đăng ký một người vào một hội (như đăng ký hội viên qua API): ghi Mã hồ sơ hoặc Số CCCD của người đã có; người chưa có thì ghi Số CCCD cùng Họ, Tên đệm, Tên, Ngày sinh... để đăng ký mới. Trạng thái: Chờ duyệt (mặc định), Đang sinh hoạt (được duyệt, cấp số hội viên) hoặc Tạm đình chỉ (ghi Lý do). Số hội viên: do hội cấp khi duyệt; tệp xuất ghi số này, khi nhập chỉ dùng để đối chiếu. Văn bản đồng ý: phiên bản văn bản người đó đã đồng ý cho xử lý dữ liệu (ví dụ 2025-01), bắt buộc. Đồng ý liên hệ: ghi Có nếu người đó đồng ý để hội dùng email, điện thoại để liên hệ; dòng có Email hoặc Điện thoại mà không ghi Có bị từ chối (không có sự đồng ý này, cán bộ của hội không xem được chúng).",
	"13. Tài khoản chỉ được quản lý một hội chỉ nhập được trang \"" + MembershipsSheet + "\", với hội viên của hội đó (và các hội trực thuộc).",
	"14. Cơ quan (trang \"" + PositionsSheet + "\") và Hội (trang \"" + MembershipsSheet + "\"): chọn trong danh sách thả xuống, hoặc ghi tên đã đăng ký, có dấu hoặc không dấu (ví dụ So Khoa hoc va Cong nghe), hay tên viết tắt (ví dụ SYT; mã của hội, ví dụ HYH); tên trùng với nhiều cơ quan hay hội thì chọn trong danh sách.",
	"15. Ngày vào danh sách: ngày người đó có tên trong danh sách trí thức mà tệp được lập từ đó, dd/mm/yyyy (đủ ngày, tháng, năm), để số liệu và báo cáo tính đến một ngày đã qua (ví dụ báo cáo năm ngày 31/12) có người đó. Để trống thì là ngày chung ghi khi nhập (trithuc import people TỆP --registry-date dd/mm/yyyy), không có thì là ngày nhập. Chỉ dùng khi thêm người mới; người đã có giữ ngày của họ, không sửa được.",
}

// WriteTemplate writes the import template to w: the people sheet with its
// headers, widths and drop-downs, the instructions, and the lists (values
// as a drop-down shows them, "05 - Khmer", which an import reads back).
func WriteTemplate(w io.Writer, lists map[string][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", PeopleSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(InstructionsSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(ListsSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text, keeps leading zeros
	if err != nil {
		return err
	}

	// The lists, one column each, named by their title in row 1.
	listRange := map[string]string{}
	col := 0
	var listed []string
	for _, c := range PeopleColumns {
		listed = append(listed, c.List)
	}
	for _, rs := range RecordSheets {
		for _, c := range rs.Columns {
			listed = append(listed, c.List)
		}
	}
	for _, list := range listed {
		c := Column{List: list}
		values := lists[c.List]
		if c.List == "" || listRange[c.List] != "" || len(values) == 0 {
			continue
		}
		col++
		name, _ := excelize.ColumnNumberToName(col)
		title := ListTitles[c.List]
		if title == "" {
			title = c.List
		}
		if err := f.SetCellStr(ListsSheet, name+"1", title); err != nil {
			return err
		}
		for i, v := range values {
			if err := f.SetCellStr(ListsSheet, fmt.Sprintf("%s%d", name, i+2), v); err != nil {
				return err
			}
		}
		listRange[c.List] = fmt.Sprintf("'%s'!$%s$2:$%s$%d", ListsSheet, name, name, len(values)+1)
	}
	if err := f.SetSheetVisible(ListsSheet, false); err != nil {
		return err
	}

	// The people sheet.
	for i, c := range PeopleColumns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(PeopleSheet, name+"1", c.Header); err != nil {
			return err
		}
		if err := f.SetColWidth(PeopleSheet, name, name, c.Width); err != nil {
			return err
		}
		cells := fmt.Sprintf("%s2:%s%d", name, name, templateRows+1)
		if c.Field == "national_id" || c.Field == "phone" {
			if err := f.SetCellStyle(PeopleSheet, name+"2", fmt.Sprintf("%s%d", name, templateRows+1), text); err != nil {
				return err
			}
		}
		if r := listRange[c.List]; r != "" {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = cells
			dv.SetSqrefDropList(r)
			// A warning, not a refusal: a code typed alone ("05") is read
			// as well as the list's "05 - Khmer".
			dv.SetError(excelize.DataValidationErrorStyleWarning, c.Header, "Chọn một giá trị trong danh sách.")
			if err := f.AddDataValidation(PeopleSheet, dv); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(PeopleColumns))
	if err := f.SetCellStyle(PeopleSheet, "A1", last+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(PeopleSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	for _, rs := range RecordSheets {
		if err := writeRecordSheet(f, rs, listRange, bold, text); err != nil {
			return err
		}
	}

	for i, line := range instructions {
		if err := f.SetCellStr(InstructionsSheet, fmt.Sprintf("A%d", i+1), line); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(InstructionsSheet, "A", "A", 120); err != nil {
		return err
	}
	if err := f.SetCellStyle(InstructionsSheet, "A1", "A1", bold); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

// ListValue is an entry of a drop-down list as the template shows it:
// "05 - Khmer". ParseCode reads the code back.
func ListValue(code, label string) string {
	label = strings.TrimSpace(label)
	if label == "" {
		return code
	}
	return code + " - " + label
}

// Labels are the values of the template's lists of codes (ListValue's
// "05 - Khmer") by list and code: an export writes a code as the
// drop-down shows it, for people to read, and an import reads it back as
// the code. A code its list does not offer stays as it is.
type Labels map[string]map[string]string

// LabelsOf indexes the template's lists (server's templateLists).
func LabelsOf(lists map[string][]string) Labels {
	out := Labels{}
	for list, values := range lists {
		if _, coded := nameLists[list]; !coded {
			continue // the enums' words, written as they are
		}
		out[list] = map[string]string{}
		for _, v := range values {
			out[list][ParseCode(v)] = v
		}
	}
	return out
}

func (l Labels) label(list, cell string) string {
	if v, ok := l[list][cell]; ok {
		return v
	}
	return cell
}

// Cells is Cells with the codes as the drop-downs show them.
func (l Labels) Cells(cols []Column, p *pb.Person) []string {
	out := Cells(cols, p)
	for i, c := range cols {
		out[i] = l.label(c.List, out[i])
	}
	return out
}

// Record is a row of s (RecordSheet.Cells, MembershipCells) with the
// codes as the drop-downs show them.
func (l Labels) Record(s *RecordSheet, row []string) []string {
	for i, c := range s.Columns {
		row[2+i] = l.label(c.List, row[2+i])
	}
	return row
}

// writeRecordSheet adds a sheet of records: the person's key and national
// ID, then the kind's columns, with their drop-downs.
func writeRecordSheet(f *excelize.File, rs RecordSheet, listRange map[string]string, bold, text int) error {
	if _, err := f.NewSheet(rs.Name); err != nil {
		return err
	}
	cols := append([]RecordColumn{{Header: refHeader, Width: 24}, {Header: nidHeader, Width: 16}}, rs.Columns...)
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(rs.Name, name+"1", c.Header); err != nil {
			return err
		}
		if err := f.SetColWidth(rs.Name, name, name, c.Width); err != nil {
			return err
		}
		if c.Header == nidHeader || strings.HasSuffix(c.Field, "phone") {
			if err := f.SetCellStyle(rs.Name, name+"2", fmt.Sprintf("%s%d", name, templateRows+1), text); err != nil {
				return err
			}
		}
		if r := listRange[c.List]; r != "" {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = fmt.Sprintf("%s2:%s%d", name, name, templateRows+1)
			dv.SetSqrefDropList(r)
			dv.SetError(excelize.DataValidationErrorStyleWarning, c.Header, "Chọn một giá trị trong danh sách.")
			if err := f.AddDataValidation(rs.Name, dv); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(rs.Name, "A1", last+"1", bold); err != nil {
		return err
	}
	return f.SetPanes(rs.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}
