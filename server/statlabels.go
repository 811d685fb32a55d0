package server

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The Vietnamese labels of statistics, put on an answer where it is
// presented: the store counts and names values by the reference lists and
// the registry's own resources (a field's, a unit's, an organization's
// name); every other label, and the column headers, are the words here.
// Every answer the service gives (ComputeStatistics, ExportStatistics,
// GetIndicators, a report when it is made) goes through them, so that a
// CSV file or a report needs no second lookup.

type statsDim = pb.ComputeStatisticsRequest_Dimension

// valueLabels are the Vietnamese names of a dimension's values that
// neither a reference list nor an enum names; "" is a person without a
// value.
var valueLabels = map[statsDim]map[string]string{
	pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL: {"": "Chưa có văn bằng"},
	pb.ComputeStatisticsRequest_ACADEMIC_TITLE:              {"": "Không có học hàm"},
	pb.ComputeStatisticsRequest_ETHNICITY:                   {"": "Chưa ghi nhận"},
	pb.ComputeStatisticsRequest_FIELD:                       {"": "Chưa ghi lĩnh vực"},
	pb.ComputeStatisticsRequest_GENDER:                      {"": "Chưa ghi nhận"},
	pb.ComputeStatisticsRequest_WORK_LOCATION:               {"": "Chưa ghi nhận"},
	pb.ComputeStatisticsRequest_ORGANIZATION_KIND:           {"": "Không có hoặc chưa ghi nhận"},
	pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE:             {"": "Không có hoặc chưa ghi nhận"},
	pb.ComputeStatisticsRequest_MEMBERSHIP_STATE:            {"": "Không là hội viên"},
	pb.ComputeStatisticsRequest_AGE_BAND: {"UNDER_35": "Dưới 35 tuổi", "35_44": "Từ 35 đến 44 tuổi", "45_54": "Từ 45 đến 54 tuổi",
		"55_AND_OVER": "Từ 55 tuổi trở lên"},
	pb.ComputeStatisticsRequest_ORGANIZATION: {"": "Không có hoặc ngoài danh mục", "~other": "Các tổ chức khác"},
	pb.ComputeStatisticsRequest_ASSOCIATION:  {"": "Không là hội viên", "~other": "Các tổ chức khác"},
	pb.ComputeStatisticsRequest_HONOR_KIND:   {"": "Chưa được khen thưởng"},
	pb.ComputeStatisticsRequest_HONOR_YEAR:   {"": "Không có hoặc chưa rõ năm"},
	pb.ComputeStatisticsRequest_EXPERT_ROLE:  {"": "Không có vai trò chuyên gia"},
	pb.ComputeStatisticsRequest_SECTOR:       {"": "Không có hoặc chưa ghi nhận"},
}

// dimensionEnums are the enums whose values a dimension reports, named by
// the labels package as the console and the spreadsheets name them.
var dimensionEnums = map[statsDim]protoreflect.EnumDescriptor{
	pb.ComputeStatisticsRequest_GENDER:            pb.Person_Gender(0).Descriptor(),
	pb.ComputeStatisticsRequest_WORK_LOCATION:     pb.Person_WorkLocation(0).Descriptor(),
	pb.ComputeStatisticsRequest_ORGANIZATION_KIND: pb.Organization_Kind(0).Descriptor(),
	pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE:   pb.Position_EmploymentType(0).Descriptor(),
	pb.ComputeStatisticsRequest_MEMBERSHIP_STATE:  pb.Membership_State(0).Descriptor(),
	pb.ComputeStatisticsRequest_HONOR_KIND:        pb.Honor_Kind(0).Descriptor(),
}

// enumLabel is the word of a value of e by its name, "" when e has no such
// value.
func enumLabel(e protoreflect.EnumDescriptor, name string) string {
	if v := e.Values().ByName(protoreflect.Name(name)); v != nil {
		return labels.Of(v)
	}
	return ""
}

// indicatorLabels are the Vietnamese names of the indicators.
var indicatorLabels = map[pb.Indicator_Kind]string{
	pb.Indicator_MASTER_OR_HIGHER:         "Tỷ lệ có trình độ thạc sĩ trở lên",
	pb.Indicator_DOCTORATE:                "Tỷ lệ có trình độ tiến sĩ",
	pb.Indicator_PROFESSORS:               "Số giáo sư, phó giáo sư",
	pb.Indicator_WOMEN:                    "Tỷ lệ nữ",
	pb.Indicator_UNDER_35:                 "Tỷ lệ dưới 35 tuổi",
	pb.Indicator_ETHNIC_MINORITY:          "Tỷ lệ người dân tộc thiểu số",
	pb.Indicator_WORKING_OUTSIDE_PROVINCE: "Tỷ lệ làm việc ngoài tỉnh (nơi khác trong nước hoặc nước ngoài)",
}

// valueLabel is the label of a value the store did not name.
func valueLabel(d statsDim, v string, vintage pb.ComputeStatisticsRequest_UnitVintage) string {
	switch d {
	case pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:
		if v == "" {
			if vintage == pb.ComputeStatisticsRequest_HISTORY_2024 {
				return "Không xác định được huyện (2024)"
			}
			return "Chưa ghi nhận"
		}
	case pb.ComputeStatisticsRequest_AGE_BAND:
		if l, ok := valueLabels[d][v]; ok {
			return l
		}
		return "Chưa rõ ngày sinh"
	case pb.ComputeStatisticsRequest_HONOR_YEAR:
		if v != "" {
			return "Năm " + v
		}
	case pb.ComputeStatisticsRequest_EXPERT_ROLE:
		if v != "" {
			var ls []string
			for _, r := range strings.Split(v, "+") {
				ls = append(ls, cmpOr(enumLabel(pb.Person_ExpertRole(0).Descriptor(), r), r))
			}
			return strings.Join(ls, " + ")
		}
	}
	if l, ok := valueLabels[d][v]; ok {
		return l
	}
	if e, ok := dimensionEnums[d]; ok && v != "" {
		return cmpOr(enumLabel(e, v), v)
	}
	return v
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// labelStatistics puts the headers and the labels the store left empty on
// an answer. A label already there (a name from the reference data, or an
// answer labelled before, as a report made by an older binary is) stays.
func labelStatistics(r *pb.ComputeStatisticsResponse) {
	if r == nil {
		return
	}
	if len(r.DimensionLabels) != len(r.Dimensions) {
		r.DimensionLabels = make([]string, len(r.Dimensions))
	}
	for i, d := range r.Dimensions {
		if r.DimensionLabels[i] == "" {
			r.DimensionLabels[i] = labels.Of(d)
		}
	}
	for _, row := range r.Rows {
		for len(row.Labels) < len(row.Values) {
			row.Labels = append(row.Labels, "")
		}
		for i, v := range row.Values {
			if row.Labels[i] == "" && i < len(r.Dimensions) {
				row.Labels[i] = valueLabel(r.Dimensions[i], v, r.UnitVintage)
			}
		}
	}
}

// labelIndicators names the indicators of an answer.
func labelIndicators(r *pb.GetIndicatorsResponse) {
	for _, ind := range r.GetIndicators() {
		if ind.Label == "" {
			ind.Label = indicatorLabels[ind.Kind]
		}
	}
}

// labelReport labels a report's tables and indicators.
func labelReport(r *pb.Report) {
	for _, t := range r.GetTables() {
		labelStatistics(t.GetStatistics())
	}
	labelIndicators(r.GetIndicators())
	labelIndicators(r.GetPreviousIndicators())
}
