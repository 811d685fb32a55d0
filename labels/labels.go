// Package labels holds the Vietnamese words for the contract's enum
// values, for what people read: the console's pages and the documents the
// server writes for a person. Spreadsheets and statistics keep their own
// tables, which also read the words back or name the empty value.
package labels

import (
	"fmt"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// words are the Vietnamese words for the contract's enum values.
var words = map[string]string{
	"MALE": "Nam", "FEMALE": "Nữ",
	"IN_PROVINCE": "Trong tỉnh", "ELSEWHERE_IN_VIETNAM": "Nơi khác trong nước", "ABROAD": "Nước ngoài",
	"CONSULTING": "Tư vấn", "CRITIQUE": "Phản biện", "SOCIAL_ASSESSMENT": "Giám định xã hội",
	"AVAILABLE": "Sẵn sàng", "LIMITED": "Hạn chế", "NOT_AVAILABLE": "Không sẵn sàng",
	"DEGREE": "Văn bằng", "ACADEMIC_TITLE": "Học hàm", "PROFESSIONAL_CERTIFICATE": "Chứng chỉ nghề nghiệp",
	"VOCATIONAL_CERTIFICATE": "Chứng chỉ nghề", "POLITICAL_THEORY": "Lý luận chính trị", "STATE_MANAGEMENT": "Quản lý nhà nước",
	"FOREIGN_LANGUAGE": "Ngoại ngữ", "IT_SKILL": "Tin học",
	"FULL_TIME": "Chính quy", "PART_TIME": "Vừa làm vừa học", "DISTANCE": "Từ xa", "OTHER_MODE": "Khác",
	"UNVERIFIED": "Chưa xác minh", "VERIFIED": "Đã xác minh",
	"CIVIL_SERVANT": "Công chức", "PUBLIC_EMPLOYEE": "Viên chức", "CONTRACT": "Hợp đồng", "PRIVATE_SECTOR": "Khu vực tư nhân",
	"SELF_EMPLOYED": "Tự làm chủ", "OTHER_EMPLOYMENT": "Khác",
	"PROVINCIAL_HONOR": "Danh hiệu của tỉnh", "STATE_TITLE": "Danh hiệu nhà nước", "AWARD": "Giải thưởng",
	"ORDER_OR_MEDAL": "Huân, huy chương", "CERTIFICATE_OF_MERIT": "Bằng khen", "OTHER_HONOR": "Khác",
	"PENDING": "Chờ duyệt", "ACTIVE": "Đang sinh hoạt", "SUSPENDED": "Tạm đình chỉ", "WITHDRAWN": "Đã rút", "REJECTED": "Bị từ chối",
	"INACTIVE": "Tạm không mời", "SUBMITTED": "Đã đề cử", "SHORTLISTED": "Vào danh sách xét chọn", "SELECTED": "Được chọn",
	"EMAIL": "Trùng email", "NAME_AND_BIRTH_DATE": "Trùng họ tên và ngày sinh",
	"REGISTRY": "Lưu trong cơ sở dữ liệu", "CONTACT": "Liên hệ", "PUBLICATION": "Công bố", "STATISTICS": "Thống kê",
	"CONSENT": "Sự đồng ý", "PUBLIC_DUTY": "Nhiệm vụ công",
	"ACCESS": "Xem dữ liệu", "CORRECTION": "Chỉnh sửa", "ERASURE": "Xóa", "RESTRICTION": "Hạn chế xử lý", "OBJECTION": "Phản đối xử lý",
	"RECEIVED": "Đã tiếp nhận", "IN_PROGRESS": "Đang xử lý", "COMPLETED": "Đã hoàn thành", "REFUSED": "Bị từ chối",
	"HIGHEST_QUALIFICATION_LEVEL": "Trình độ cao nhất", "FIELD": "Lĩnh vực", "ADMINISTRATIVE_UNIT": "Đơn vị hành chính",
	"ORGANIZATION_KIND": "Loại cơ quan", "EMPLOYMENT_TYPE": "Loại hình công tác", "WORK_LOCATION": "Nơi làm việc",
	"GENDER": "Giới tính", "AGE_BAND": "Nhóm tuổi", "ETHNICITY": "Dân tộc", "MEMBERSHIP_STATE": "Trạng thái hội viên",
	"TASK": "Nhiệm vụ KH&CN", "PATENT": "Sáng chế, giải pháp hữu ích", "INITIATIVE": "Sáng kiến",
	"LEAD": "Chủ trì, tác giả chính", "MEMBER": "Tham gia, đồng tác giả",
	"NATIONAL": "Cấp quốc gia", "MINISTRY": "Cấp bộ, ngành", "PROVINCE": "Cấp tỉnh", "INSTITUTION": "Cấp cơ sở",
	"BELOW_THRESHOLD": "dưới ngưỡng công bố", "PROTECTS_ANOTHER": "ẩn để bảo vệ ô khác",
}

// Of is the Vietnamese word for an enum value (a protoreflect.Enum or its
// name), or the name when there is none; "" for an enum's zero value.
func Of(v any) string {
	var name string
	switch e := v.(type) {
	case protoreflect.Enum:
		if e.Number() == 0 {
			return ""
		}
		d := e.Descriptor().Values().ByNumber(e.Number())
		if d == nil {
			return fmt.Sprint(e.Number())
		}
		name = string(d.Name())
	case string:
		name = e
	default:
		return fmt.Sprint(v)
	}
	if l, ok := words[name]; ok {
		return l
	}
	return name
}
