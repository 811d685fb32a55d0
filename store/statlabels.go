package store

// The Vietnamese labels an answer of ComputeStatistics and GetIndicators
// carries (the contract has them in the response, so that a CSV file or a
// report needs no second lookup). Labels of reference codes are the lists'
// own names, read with the counts.

import pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"

// dimensionHeaders are the dimensions' Vietnamese names, for column headers.
var dimensionHeaders = map[Dimension]string{
	pb.ComputeStatisticsRequest_HIGHEST_QUALIFICATION_LEVEL: "Trình độ cao nhất",
	pb.ComputeStatisticsRequest_ACADEMIC_TITLE:              "Học hàm",
	pb.ComputeStatisticsRequest_FIELD:                       "Lĩnh vực KH&CN",
	pb.ComputeStatisticsRequest_ADMINISTRATIVE_UNIT:         "Đơn vị hành chính",
	pb.ComputeStatisticsRequest_ORGANIZATION_KIND:           "Loại hình tổ chức",
	pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE:             "Loại hình công tác",
	pb.ComputeStatisticsRequest_WORK_LOCATION:               "Nơi làm việc",
	pb.ComputeStatisticsRequest_GENDER:                      "Giới tính",
	pb.ComputeStatisticsRequest_AGE_BAND:                    "Nhóm tuổi",
	pb.ComputeStatisticsRequest_ETHNICITY:                   "Dân tộc",
	pb.ComputeStatisticsRequest_MEMBERSHIP_STATE:            "Trạng thái hội viên",
	pb.ComputeStatisticsRequest_ORGANIZATION:                "Tổ chức",
	pb.ComputeStatisticsRequest_ASSOCIATION:                 "Hội",
	pb.ComputeStatisticsRequest_HONOR_KIND:                  "Loại khen thưởng",
	pb.ComputeStatisticsRequest_HONOR_YEAR:                  "Năm khen thưởng",
	pb.ComputeStatisticsRequest_EXPERT_ROLE:                 "Vai trò chuyên gia",
	pb.ComputeStatisticsRequest_SECTOR:                      "Ngành kinh tế",
}

// Vietnamese names of enum values, by value name; "" is not recorded.
var (
	genderLabels = map[string]string{"MALE": "Nam", "FEMALE": "Nữ", "": "Chưa ghi nhận"}
	workLabels   = map[string]string{"IN_PROVINCE": "Trong tỉnh", "ELSEWHERE_IN_VIETNAM": "Nơi khác trong nước",
		"ABROAD": "Nước ngoài", "": "Chưa ghi nhận"}
	orgKindLabels = map[string]string{"STATE_AGENCY": "Cơ quan nhà nước", "PUBLIC_SERVICE_UNIT": "Đơn vị sự nghiệp công lập",
		"UNIVERSITY": "Trường đại học, cao đẳng", "RESEARCH_INSTITUTE": "Viện nghiên cứu", "HOSPITAL": "Bệnh viện",
		"SCHOOL": "Trường phổ thông", "ENTERPRISE": "Doanh nghiệp", "ASSOCIATION": "Hội, tổ chức xã hội - nghề nghiệp",
		"FOREIGN": "Tổ chức nước ngoài", "OTHER_KIND": "Loại hình khác", "": "Không có hoặc chưa ghi nhận"}
	employmentLabels = map[string]string{"CIVIL_SERVANT": "Công chức", "PUBLIC_EMPLOYEE": "Viên chức",
		"CONTRACT": "Hợp đồng lao động", "PRIVATE_SECTOR": "Khu vực tư nhân", "SELF_EMPLOYED": "Tự làm chủ",
		"OTHER_EMPLOYMENT": "Hình thức khác", "": "Không có hoặc chưa ghi nhận"}
	membershipLabels = map[string]string{"ACTIVE": "Đang sinh hoạt", "PENDING": "Chờ duyệt", "SUSPENDED": "Tạm đình chỉ",
		"WITHDRAWN": "Đã rút", "REJECTED": "Bị từ chối", "": "Không là hội viên"}
)

// Age bands, youngest first.
var ageBands = []struct {
	code, label string
	below       int // ages below this (and at or above the previous band's)
}{
	{"UNDER_35", "Dưới 35 tuổi", 35},
	{"35_44", "Từ 35 đến 44 tuổi", 45},
	{"45_54", "Từ 45 đến 54 tuổi", 55},
	{"55_AND_OVER", "Từ 55 tuổi trở lên", 1 << 30},
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
