package server

import (
	"context"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/store/filter"
)

// A statistics file says whom it counts: the figures of women with a
// master's or higher, passed on as "thong-ke.csv", read as everyone's
// without it. The filter is said in Vietnamese where it is an AND of
// comparisons on the fields statistics take (the console's form makes no
// other), each value by its reference name or enum word; any other
// filter is quoted as written.

// filterPaths are the Vietnamese names of the fields a statistics filter
// may name, with the enum of their values where they have one.
var filterPaths = map[string]struct {
	label string
	enum  protoreflect.EnumDescriptor
}{
	"gender":                        {"Giới tính", pb.Person_Gender(0).Descriptor()},
	"ethnicity":                     {"Dân tộc", nil},
	"work_location":                 {"Nơi làm việc", pb.Person_WorkLocation(0).Descriptor()},
	"availability":                  {"Sẵn sàng tham gia", pb.Person_Availability(0).Descriptor()},
	"hometown":                      {"Quê quán", nil},
	"highest_qualification_level":   {"Trình độ cao nhất", nil},
	"academic_title.title":          {"Học hàm", nil},
	"fields.field":                  {"Lĩnh vực KH&CN", nil},
	"expert_roles":                  {"Vai trò chuyên gia", pb.Person_ExpertRole(0).Descriptor()},
	"qualifications.kind":           {"Loại trình độ", pb.Qualification_Kind(0).Descriptor()},
	"qualifications.level":          {"Trình độ (văn bằng, chứng chỉ)", nil},
	"positions.current":             {"Đang công tác", nil},
	"positions.organization.kind":   {"Loại hình tổ chức", pb.Organization_Kind(0).Descriptor()},
	"positions.administrative_unit": {"Đơn vị hành chính nơi công tác", nil},
	"positions.organization.administrative_unit": {"Đơn vị hành chính của cơ quan", nil},
	"positions.employment_type":                  {"Loại hình công tác", pb.Position_EmploymentType(0).Descriptor()},
	"honors.kind":                                {"Hình thức khen thưởng", pb.Honor_Kind(0).Descriptor()},
}

// filterOps are the words of the operators, before the value.
var filterOps = map[string]string{"=": "", ":": "", "!=": "khác ", ">=": "từ ", "<=": "đến ", ">": "trên ", "<": "dưới "}

// filterLine is the line of a statistics file that says whom it counts,
// "" for no filter.
func filterLine(ctx context.Context, db *store.DB, f string, asOf *date.Date) string {
	f = strings.TrimSpace(f)
	if f == "" {
		return ""
	}
	verbatim := "Điều kiện lọc: " + f
	shape, err := filter.Describe(f)
	if err != nil || shape.OrNot {
		return verbatim
	}
	var parts []string
	for _, c := range shape.Comparisons {
		path := strings.Replace(c.Path, "current_positions.", "positions.", 1)
		p, ok := filterPaths[path]
		op, known := filterOps[c.Op]
		if !ok || !known {
			return verbatim
		}
		label := p.label
		if strings.HasPrefix(c.Path, "current_positions.") {
			label += " (hiện nay)"
		}
		parts = append(parts, label+": "+op+filterValue(ctx, db, path, p.enum, c.Value, asOf))
	}
	return "Điều kiện lọc: " + strings.Join(parts, "; ") + "."
}

// filterValue is a value of a filter's comparison by its Vietnamese name,
// or as written where it has none.
func filterValue(ctx context.Context, db *store.DB, path string, enum protoreflect.EnumDescriptor, v string, asOf *date.Date) string {
	if enum != nil {
		return cmpOr(enumLabel(enum, v), v)
	}
	var name string
	switch path {
	case "positions.current":
		name = map[string]string{"true": "có", "false": "không"}[v]
	case "highest_qualification_level", "qualifications.level":
		if l, err := db.GetQualificationLevel(ctx, "qualificationLevels/"+v); err == nil {
			name = l.GetNameVi()
		}
	case "academic_title.title":
		if l, err := db.GetAcademicTitle(ctx, "academicTitles/"+v); err == nil {
			name = l.GetNameVi()
		}
	case "fields.field":
		if l, err := db.GetField(ctx, v); err == nil {
			name = l.GetNameVi()
		}
	case "ethnicity":
		if l, err := db.GetEthnicGroup(ctx, "ethnicGroups/"+v); err == nil {
			name = l.GetNameVi()
		}
	case "hometown", "positions.administrative_unit", "positions.organization.administrative_unit":
		if l, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/"+strings.TrimPrefix(v, "administrativeUnits/"), asOf); err == nil {
			name = l.GetDisplayName()
		}
	}
	return cmpOr(name, v)
}
