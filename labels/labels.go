// Package labels holds the Vietnamese words for the contract's enum
// values: the one place the console's pages, the spreadsheets (the
// template's drop-downs, exports, and the words imports read back), the
// statistics and the documents the server writes for a person take them
// from, so that one value has one word everywhere.
package labels

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// words are the Vietnamese words for the contract's enum values, by the
// value's name.
var words = map[string]string{
	"MALE": "Nam", "FEMALE": "Nữ",
	"IN_PROVINCE": "Trong tỉnh", "ELSEWHERE_IN_VIETNAM": "Nơi khác trong nước", "ABROAD": "Nước ngoài",
	"CONSULTING": "Tư vấn", "CRITIQUE": "Phản biện", "SOCIAL_ASSESSMENT": "Giám định xã hội",
	"AVAILABLE": "Sẵn sàng", "LIMITED": "Hạn chế", "NOT_AVAILABLE": "Không sẵn sàng",
	"DEGREE": "Văn bằng", "ACADEMIC_TITLE": "Học hàm", "PROFESSIONAL_CERTIFICATE": "Chứng chỉ hành nghề",
	"VOCATIONAL_CERTIFICATE": "Chứng chỉ nghề", "POLITICAL_THEORY": "Lý luận chính trị", "STATE_MANAGEMENT": "Quản lý nhà nước",
	"FOREIGN_LANGUAGE": "Ngoại ngữ", "IT_SKILL": "Tin học",
	"FULL_TIME": "Chính quy", "PART_TIME": "Vừa làm vừa học", "DISTANCE": "Từ xa", "OTHER_MODE": "Hình thức khác",
	"UNVERIFIED": "Chưa xác minh", "VERIFIED": "Đã xác minh",
	"CIVIL_SERVANT": "Công chức", "PUBLIC_EMPLOYEE": "Viên chức", "CONTRACT": "Hợp đồng lao động", "PRIVATE_SECTOR": "Khu vực tư nhân",
	"SELF_EMPLOYED": "Tự làm chủ", "OTHER_EMPLOYMENT": "Hình thức khác",
	"PROVINCIAL_HONOR": "Trí thức tiêu biểu của tỉnh", "STATE_TITLE": "Danh hiệu vinh dự nhà nước", "AWARD": "Giải thưởng",
	"ORDER_OR_MEDAL": "Huân chương, huy chương", "CERTIFICATE_OF_MERIT": "Bằng khen", "OTHER_HONOR": "Hình thức khác",
	"PENDING": "Chờ duyệt", "ACTIVE": "Đang sinh hoạt", "SUSPENDED": "Tạm đình chỉ", "WITHDRAWN": "Đã rút", "REJECTED": "Bị từ chối",
	"INACTIVE": "Tạm không mời", "SUBMITTED": "Đã đề cử", "SHORTLISTED": "Vào danh sách xét chọn", "SELECTED": "Được chọn",
	"EMAIL": "Trùng email", "NAME_AND_BIRTH_DATE": "Trùng họ tên và ngày sinh",
	"REGISTRY": "Lưu trong cơ sở dữ liệu", "CONTACT": "Liên hệ", "PUBLICATION": "Công bố", "STATISTICS": "Thống kê",
	"CONSENT": "Sự đồng ý", "PUBLIC_DUTY": "Nhiệm vụ công",
	"ACCESS": "Xem dữ liệu", "CORRECTION": "Chỉnh sửa", "ERASURE": "Xóa", "RESTRICTION": "Hạn chế xử lý", "OBJECTION": "Phản đối xử lý",
	"RECEIVED": "Đã tiếp nhận", "IN_PROGRESS": "Đang xử lý", "COMPLETED": "Đã hoàn thành", "REFUSED": "Bị từ chối",
	"TASK": "Nhiệm vụ KH&CN", "PATENT": "Sáng chế, giải pháp hữu ích", "INITIATIVE": "Sáng kiến",
	"LEAD": "Chủ trì, tác giả chính", "MEMBER": "Tham gia, đồng tác giả",
	"NATIONAL": "Cấp quốc gia", "MINISTRY": "Cấp bộ, ngành", "PROVINCE": "Cấp tỉnh", "INSTITUTION": "Cấp cơ sở",
	"BELOW_THRESHOLD": "dưới ngưỡng công bố", "PROTECTS_ANOTHER": "ẩn để bảo vệ ô khác",
}

// qualified are the words for values whose name means something else in
// another enum (a work's PUBLICATION is not a consent's), by full name.
var qualified = map[protoreflect.FullName]string{
	"trithuc.v1.Work.PUBLICATION": "Công bố khoa học",

	// A qualification checked and found wrong is not a refused request.
	"trithuc.v1.Verification.REJECTED": "Xác minh không đúng",

	"trithuc.v1.Organization.STATE_AGENCY":        "Cơ quan nhà nước",
	"trithuc.v1.Organization.PUBLIC_SERVICE_UNIT": "Đơn vị sự nghiệp công lập",
	"trithuc.v1.Organization.UNIVERSITY":          "Trường đại học, cao đẳng",
	"trithuc.v1.Organization.RESEARCH_INSTITUTE":  "Viện nghiên cứu",
	"trithuc.v1.Organization.HOSPITAL":            "Bệnh viện",
	"trithuc.v1.Organization.SCHOOL":              "Trường phổ thông",
	"trithuc.v1.Organization.ENTERPRISE":          "Doanh nghiệp",
	"trithuc.v1.Organization.ASSOCIATION":         "Hội, tổ chức xã hội - nghề nghiệp",
	"trithuc.v1.Organization.FOREIGN":             "Tổ chức nước ngoài",
	"trithuc.v1.Organization.OTHER_KIND":          "Loại hình khác",

	// The statistics' dimensions: the console's picker, and the headers
	// of the answers, the CSV and XLSX files and the reports.
	"trithuc.v1.ComputeStatisticsRequest.HIGHEST_QUALIFICATION_LEVEL": "Trình độ cao nhất",
	"trithuc.v1.ComputeStatisticsRequest.ACADEMIC_TITLE":              "Học hàm",
	"trithuc.v1.ComputeStatisticsRequest.FIELD":                       "Lĩnh vực KH&CN",
	"trithuc.v1.ComputeStatisticsRequest.ADMINISTRATIVE_UNIT":         "Đơn vị hành chính",
	"trithuc.v1.ComputeStatisticsRequest.ORGANIZATION_KIND":           "Loại hình tổ chức",
	"trithuc.v1.ComputeStatisticsRequest.EMPLOYMENT_TYPE":             "Loại hình công tác",
	"trithuc.v1.ComputeStatisticsRequest.WORK_LOCATION":               "Nơi làm việc",
	"trithuc.v1.ComputeStatisticsRequest.GENDER":                      "Giới tính",
	"trithuc.v1.ComputeStatisticsRequest.AGE_BAND":                    "Nhóm tuổi",
	"trithuc.v1.ComputeStatisticsRequest.ETHNICITY":                   "Dân tộc",
	"trithuc.v1.ComputeStatisticsRequest.MEMBERSHIP_STATE":            "Trạng thái hội viên",
	"trithuc.v1.ComputeStatisticsRequest.ORGANIZATION":                "Tổ chức",
	"trithuc.v1.ComputeStatisticsRequest.ASSOCIATION":                 "Hội",
	"trithuc.v1.ComputeStatisticsRequest.HONOR_KIND":                  "Loại khen thưởng",
	"trithuc.v1.ComputeStatisticsRequest.HONOR_YEAR":                  "Năm khen thưởng",
	"trithuc.v1.ComputeStatisticsRequest.EXPERT_ROLE":                 "Vai trò chuyên gia",
	"trithuc.v1.ComputeStatisticsRequest.SECTOR":                      "Ngành kinh tế",

	// The kinds of an import's problems: its page and its report.
	"trithuc.v1.ImportProblem.ERROR":              "Lỗi",
	"trithuc.v1.ImportProblem.CONFLICT":           "Khác với dữ liệu đã có",
	"trithuc.v1.ImportProblem.POSSIBLE_DUPLICATE": "Có thể trùng",
	"trithuc.v1.ImportProblem.WARNING":            "Cảnh báo",

	// The templates of reports: the console's list of reports.
	"trithuc.v1.Report.YEARLY_WORKFORCE": "Báo cáo năm về đội ngũ trí thức",
}

// former are the words that spreadsheets and pages of earlier versions
// wrote for a value, by full name: an import reads them still, so that a
// file exported then imports now.
var former = map[protoreflect.FullName][]string{
	"trithuc.v1.Person.ELSEWHERE_IN_VIETNAM":            {"Ngoài tỉnh"},
	"trithuc.v1.Qualification.DEGREE":                   {"Bằng cấp"},
	"trithuc.v1.Qualification.PROFESSIONAL_CERTIFICATE": {"Chứng chỉ chuyên môn", "Chứng chỉ nghề nghiệp"},
	"trithuc.v1.Qualification.OTHER_MODE":               {"Khác"},
	"trithuc.v1.Position.CONTRACT":                      {"Hợp đồng"},
	"trithuc.v1.Position.OTHER_EMPLOYMENT":              {"Loại hình khác", "Khác"},
	"trithuc.v1.Honor.PROVINCIAL_HONOR":                 {"Danh hiệu của tỉnh"},
	"trithuc.v1.Honor.STATE_TITLE":                      {"Danh hiệu nhà nước"},
	"trithuc.v1.Honor.ORDER_OR_MEDAL":                   {"Huân, huy chương"},
	"trithuc.v1.Honor.OTHER_HONOR":                      {"Khác"},
	"trithuc.v1.Work.PUBLICATION":                       {"Công bố"},
	"trithuc.v1.Work.LEAD":                              {"Chủ trì"},
	"trithuc.v1.Work.MEMBER":                            {"Tham gia"},
	"trithuc.v1.Work.NATIONAL":                          {"Quốc gia"},
	"trithuc.v1.Work.MINISTRY":                          {"Bộ, ngành"},
	"trithuc.v1.Work.PROVINCE":                          {"Tỉnh"},
	"trithuc.v1.Work.INSTITUTION":                       {"Cơ sở"},
}

// Of is the Vietnamese word for an enum value (a protoreflect.Enum, its
// descriptor, or its name), or the name when there is none; "" for an
// enum's zero value.
func Of(v any) string {
	switch e := v.(type) {
	case protoreflect.Enum:
		if e.Number() == 0 {
			return ""
		}
		d := e.Descriptor().Values().ByNumber(e.Number())
		if d == nil {
			return fmt.Sprint(e.Number())
		}
		return Of(d)
	case protoreflect.EnumValueDescriptor:
		if e.Number() == 0 {
			return ""
		}
		if l, ok := qualified[e.FullName()]; ok {
			return l
		}
		return Of(string(e.Name()))
	case string:
		if l, ok := words[e]; ok {
			return l
		}
		return e
	default:
		return fmt.Sprint(v)
	}
}

// List is the words of an enum's values, in the contract's order, the
// zero value left out: the choices of a drop-down.
func List(e protoreflect.EnumDescriptor) []string {
	var out []string
	vals := e.Values()
	for i := 0; i < vals.Len(); i++ {
		if vals.Get(i).Number() != 0 {
			out = append(out, Of(vals.Get(i)))
		}
	}
	return out
}

// Reader maps what a cell may hold for a value of e, in lower case (as
// vntext.Lower gives it), to the value: its word, the words earlier
// versions wrote (former), and its API name.
func Reader[T ~int32](e protoreflect.EnumDescriptor) map[string]T {
	out := map[string]T{}
	vals := e.Values()
	for i := 0; i < vals.Len(); i++ {
		d := vals.Get(i)
		if d.Number() == 0 {
			continue
		}
		out[strings.ToLower(string(d.Name()))] = T(d.Number())
		for _, w := range former[d.FullName()] {
			out[vntext.Lower(w)] = T(d.Number())
		}
	}
	// Today's words win over an earlier word that another value had.
	for i := 0; i < vals.Len(); i++ {
		if d := vals.Get(i); d.Number() != 0 {
			out[vntext.Lower(Of(d))] = T(d.Number())
		}
	}
	return out
}

// Date is a date as a person in Vietnam writes it, day first (05/12/2026),
// with what it has of month and day; "" for none.
func Date(d *date.Date) string {
	switch {
	case d == nil || d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprint(d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%02d/%d", d.Month, d.Year)
	}
	return fmt.Sprintf("%02d/%02d/%d", d.Day, d.Month, d.Year)
}

// Decimal is a number as Vietnamese writes it, with places decimals after
// a decimal comma: 36,4.
func Decimal(x float64, places int) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', places, 64), ".", ",", 1)
}

// SharePlaces is how many decimals a share in percent, and a change of
// shares in points, are shown with wherever they are shown: the console's
// pages, the report's files, `trithuc stats indicators`. One rule, so
// that a share reads the same on the page and in the file.
const SharePlaces = 1

// Share is a share (from 0 to 1) in percent, as Vietnamese writes it:
// 0.3636 is 36,4%.
func Share(share float64) string { return Decimal(100*share, SharePlaces) + "%" }

// Points is a change of shares in percentage points, as Vietnamese
// writes it: -1.254 is -1,3.
func Points(points float64) string { return Decimal(points, SharePlaces) }

// ShareNumFmt and PointsNumFmt are the number formats of a workbook's
// shares and changes in points: SharePlaces decimals, with the reader's
// decimal mark.
var (
	ShareNumFmt  = "0." + strings.Repeat("0", SharePlaces) + "%"
	PointsNumFmt = "0." + strings.Repeat("0", SharePlaces)
)

// Counts says whether an indicator is a number of people (Số giáo sư, phó
// giáo sư) rather than a share: tables show it among counts, never in a
// column of shares, where its mark "<5" would read as under 5 percent.
func Counts(k pb.Indicator_Kind) bool { return k == pb.Indicator_PROFESSORS }

// StatisticsNote says, for an answer of ComputeStatistics without rows,
// why a reader sees none: no one counted, the rows left out because no
// suppression of them would protect the small counts (only the total is
// published), or the total itself withheld, and for which reason. It is
// "" for an answer with rows. The console's pages, the CLI and the files
// say it under the table, where an empty table would otherwise read as a
// fault, or as nobody.
func StatisticsNote(r *pb.ComputeStatisticsResponse) string {
	if len(r.GetRows()) > 0 {
		return ""
	}
	threshold := int(r.GetSuppressionThreshold())
	switch {
	case r.GetTotalSuppressed() && r.GetTotalSuppressionReason() == pb.SuppressionReason_PROTECTS_ANOTHER:
		return "Không công bố số liệu của bảng này: những người được chọn gồm cả người thuộc một ô mà bảng không lọc " +
			"(cùng chiều thống kê) đã ẩn, nên công bố sẽ làm lộ ô đó. Hãy bỏ bớt điều kiện lọc."
	case r.GetTotalSuppressed():
		return fmt.Sprintf("Không công bố số liệu của bảng này: chỉ có từ 1 đến %d người được chọn, dưới ngưỡng công bố (%d người).",
			threshold-1, threshold)
	case r.GetTotal() == 0:
		return "Không có ai được đếm: vào ngày tính chưa có ai trong danh sách, hoặc không ai khớp điều kiện lọc."
	}
	return fmt.Sprintf("Chỉ công bố tổng số, không công bố từng dòng của bảng này: với số liệu hiện có, dù ẩn ô nào "+
		"thì một số dưới %d người vẫn suy ra được từ các số đã công bố (ở bảng này hoặc bảng cùng người theo đơn vị "+
		"hành chính khác thời kỳ). Hãy thống kê theo ít chiều hơn, hoặc lọc theo một nhóm (ví dụ theo giới tính).", threshold)
}
