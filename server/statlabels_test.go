package server

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// labelsGolden are the headers and labels of every dimension on the
// workforce, as the store made them before they moved to the server
// (commit ad68ba5): moving them changed nothing. Organizations and units
// are in their names' Vietnamese order since.
const labelsGolden = `HIGHEST_QUALIFICATION_LEVEL Trình độ cao nhất: CAO_DANG=Cao đẳng DAI_HOC=Đại học THAC_SI=Thạc sĩ TIEN_SI=Tiến sĩ =Chưa có văn bằng
ACADEMIC_TITLE Học hàm: PHO_GIAO_SU=Phó giáo sư GIAO_SU=Giáo sư =Không có học hàm
FIELD Lĩnh vực KH&CN: fields/vn2008-1=Khoa học tự nhiên fields/vn2008-3=Khoa học y, dược fields/vn2008-5=Khoa học xã hội =Chưa ghi lĩnh vực
ADMINISTRATIVE_UNIT Đơn vị hành chính: 31078=Đặc khu Phú Quốc 30742=Phường Rạch Giá 30760=Phường Vĩnh Thông =Chưa ghi nhận
ADMINISTRATIVE_UNIT Đơn vị hành chính: 911=Thành phố Phú Quốc 899=Thành phố Rạch Giá =Không xác định được huyện (2024)
ORGANIZATION_KIND Loại hình tổ chức: STATE_AGENCY=Cơ quan nhà nước UNIVERSITY=Trường đại học, cao đẳng HOSPITAL=Bệnh viện ENTERPRISE=Doanh nghiệp =Không có hoặc chưa ghi nhận
EMPLOYMENT_TYPE Loại hình công tác: CIVIL_SERVANT=Công chức PUBLIC_EMPLOYEE=Viên chức CONTRACT=Hợp đồng lao động PRIVATE_SECTOR=Khu vực tư nhân =Không có hoặc chưa ghi nhận
WORK_LOCATION Nơi làm việc: IN_PROVINCE=Trong tỉnh ELSEWHERE_IN_VIETNAM=Nơi khác trong nước ABROAD=Nước ngoài =Chưa ghi nhận
GENDER Giới tính: MALE=Nam FEMALE=Nữ
AGE_BAND Nhóm tuổi: UNDER_35=Dưới 35 tuổi 35_44=Từ 35 đến 44 tuổi 45_54=Từ 45 đến 54 tuổi 55_AND_OVER=Từ 55 tuổi trở lên =Chưa rõ ngày sinh
ETHNICITY Dân tộc: 01=Kinh 05=Khmer 06=Hoa =Chưa ghi nhận
MEMBERSHIP_STATE Trạng thái hội viên: =Không là hội viên
ORGANIZATION Tổ chức: organizations/bv=Bệnh viện Đa khoa tỉnh Kiên Giang organizations/dn=Công ty Cổ phần Thủy sản Kiên Cường organizations/snv=Sở Nội vụ organizations/kgu=Trường Đại học Kiên Giang =Không có hoặc ngoài danh mục
ASSOCIATION Hội: =Không là hội viên
HONOR_KIND Loại khen thưởng: =Chưa được khen thưởng
HONOR_YEAR Năm khen thưởng: =Không có hoặc chưa rõ năm
EXPERT_ROLE Vai trò chuyên gia: =Không có vai trò chuyên gia
SECTOR Ngành kinh tế: =Không có hoặc chưa ghi nhận
MASTER_OR_HIGHER Tỷ lệ có trình độ thạc sĩ trở lên
DOCTORATE Tỷ lệ có trình độ tiến sĩ
PROFESSORS Số giáo sư, phó giáo sư
WOMEN Tỷ lệ nữ
UNDER_35 Tỷ lệ dưới 35 tuổi
ETHNIC_MINORITY Tỷ lệ người dân tộc thiểu số
WORKING_OUTSIDE_PROVINCE Tỷ lệ làm việc ngoài tỉnh (nơi khác trong nước hoặc nước ngoài)
`

// Every dimension's header and value labels, as the store gave them
// before the labels moved to where answers are presented.
func TestStatisticsLabelsUnchanged(t *testing.T) {
	e := newStatsEnv(t)
	e.setThreshold(3)
	var b strings.Builder
	for n := int32(1); ; n++ {
		if _, ok := pb.ComputeStatisticsRequest_Dimension_name[n]; !ok {
			break
		}
		d := pb.ComputeStatisticsRequest_Dimension(n)
		for _, v := range []pb.ComputeStatisticsRequest_UnitVintage{0, pb.ComputeStatisticsRequest_HISTORY_2024} {
			if v != 0 && d != dUnit {
				continue
			}
			r := e.stats(&pb.ComputeStatisticsRequest{Dimensions: []dim{d}, UnitVintage: v, AsOf: day(2025, 3, 10)})
			fmt.Fprintf(&b, "%v %s:", d, strings.Join(r.GetDimensionLabels(), "|"))
			for _, row := range r.GetRows() {
				fmt.Fprintf(&b, " %s=%s", row.GetValues()[0], row.GetLabels()[0])
			}
			b.WriteString("\n")
		}
	}
	ind, err := e.client.Statistics.GetIndicators(t.Context(), &pb.GetIndicatorsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ind.GetIndicators() {
		fmt.Fprintf(&b, "%v %s\n", i.GetKind(), i.GetLabel())
	}
	if got := b.String(); got != labelsGolden {
		t.Errorf("got:\n%s", got)
	}
}

// Labels of values the workforce does not hold, as the store wrote them.
func TestStatisticsValueLabels(t *testing.T) {
	for _, c := range []struct {
		d    statsDim
		v    string
		want string
	}{
		{pb.ComputeStatisticsRequest_EXPERT_ROLE, "CONSULTING+CRITIQUE", "Tư vấn + Phản biện"},
		{pb.ComputeStatisticsRequest_EXPERT_ROLE, "CONSULTING+ROLE_9", "Tư vấn + ROLE_9"},
		{pb.ComputeStatisticsRequest_HONOR_YEAR, "2020", "Năm 2020"},
		{pb.ComputeStatisticsRequest_HONOR_KIND, "STATE_TITLE", "Danh hiệu vinh dự nhà nước"},
		{pb.ComputeStatisticsRequest_ORGANIZATION, "~other", "Các tổ chức khác"},
		{pb.ComputeStatisticsRequest_MEMBERSHIP_STATE, "SUSPENDED", "Tạm đình chỉ"},
		{pb.ComputeStatisticsRequest_GENDER, "99", "99"},
		{pb.ComputeStatisticsRequest_AGE_BAND, "", "Chưa rõ ngày sinh"},
	} {
		if got := valueLabel(c.d, c.v, 0); got != c.want {
			t.Errorf("%v %q: %q, want %q", c.d, c.v, got, c.want)
		}
	}
}

// A value of an enum has the word the console and the spreadsheets give it
// (the labels package's), not a word of the statistics' own.
func TestStatisticsSayTheConsolesWords(t *testing.T) {
	for _, c := range []struct {
		d statsDim
		v protoreflect.Enum
	}{
		{pb.ComputeStatisticsRequest_HONOR_KIND, pb.Honor_PROVINCIAL_HONOR},
		{pb.ComputeStatisticsRequest_HONOR_KIND, pb.Honor_ORDER_OR_MEDAL},
		{pb.ComputeStatisticsRequest_HONOR_KIND, pb.Honor_OTHER_HONOR},
		{pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE, pb.Position_CONTRACT},
		{pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE, pb.Position_OTHER_EMPLOYMENT},
		{pb.ComputeStatisticsRequest_WORK_LOCATION, pb.Person_ELSEWHERE_IN_VIETNAM},
		{pb.ComputeStatisticsRequest_ORGANIZATION_KIND, pb.Organization_ASSOCIATION},
	} {
		name := string(c.v.Descriptor().Values().ByNumber(c.v.Number()).Name())
		if got, want := valueLabel(c.d, name, 0), labels.Of(c.v); got != want {
			t.Errorf("%v %s: %q, the console says %q", c.d, name, got, want)
		}
	}
}
