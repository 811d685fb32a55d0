package console

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"trithuc.gov.vn/trithuc/store"
)

func newFormToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// labels are the Vietnamese words for the contract's enum values.
var labels = map[string]string{
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
	"EMAIL": "Trùng email", "NAME_AND_BIRTH_DATE": "Trùng họ tên và ngày sinh",
	"REGISTRY": "Lưu trong cơ sở dữ liệu", "CONTACT": "Liên hệ", "PUBLICATION": "Công bố",
	"HIGHEST_QUALIFICATION_LEVEL": "Trình độ cao nhất", "FIELD": "Lĩnh vực", "ADMINISTRATIVE_UNIT": "Đơn vị hành chính",
	"ORGANIZATION_KIND": "Loại cơ quan", "EMPLOYMENT_TYPE": "Loại hình công tác", "WORK_LOCATION": "Nơi làm việc",
	"GENDER": "Giới tính", "AGE_BAND": "Nhóm tuổi", "ETHNICITY": "Dân tộc", "MEMBERSHIP_STATE": "Trạng thái hội viên",
	"TASK": "Nhiệm vụ KH&CN", "PATENT": "Sáng chế, giải pháp hữu ích", "INITIATIVE": "Sáng kiến",
	"LEAD": "Chủ trì, tác giả chính", "MEMBER": "Tham gia, đồng tác giả",
	"NATIONAL": "Cấp quốc gia", "MINISTRY": "Cấp bộ, ngành", "PROVINCE": "Cấp tỉnh", "INSTITUTION": "Cấp cơ sở",
	"BELOW_THRESHOLD": "dưới ngưỡng công bố", "PROTECTS_ANOTHER": "ẩn để bảo vệ ô khác",
}

// label is the Vietnamese word for an enum value, or its name.
func label(v any) string {
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
	if l, ok := labels[name]; ok {
		return l
	}
	return name
}

func formatDate(d *date.Date) string {
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

func formatTime(t any) string {
	var tt time.Time
	switch v := t.(type) {
	case *timestamppb.Timestamp:
		if v == nil {
			return ""
		}
		tt = v.AsTime()
	case time.Time:
		tt = v
	}
	if tt.IsZero() {
		return ""
	}
	return tt.In(store.Vietnam).Format("02/01/2006 15:04")
}

// idOf is the last part of a resource name: people/abc → abc.
func idOf(name string) string {
	return name[strings.LastIndex(name, "/")+1:]
}

var funcs = template.FuncMap{
	"label":     label,
	"date":      formatDate,
	"time":      formatTime,
	"id":        idOf,
	"join":      strings.Join,
	"add":       func(a, b int) int { return a + b },
	"pct":       func(f float64) float64 { return f * 100 },
	"rowLabels": rowLabels,
	"field":     func(fields map[string]string, name string) string { return fields[name] },
	"refName":   refName,
	"role":      roleLabel,
	"selected": func(a, b any) template.HTMLAttr {
		if fmt.Sprint(a) == fmt.Sprint(b) {
			return "selected"
		}
		return ""
	},
	"checked": func(b bool) template.HTMLAttr {
		if b {
			return "checked"
		}
		return ""
	},
}
