package synth

import (
	"fmt"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Profile is a person with what is kept under them.
type Profile struct {
	Person         *pb.Person
	Qualifications []*pb.Qualification
	Positions      []*pb.Position
	Honors         []*pb.Honor
}

// OrgSeed is an organization of the province with the id it is created
// under, so that positions can refer to it.
type OrgSeed struct {
	ID           string
	Organization *pb.Organization
	// sector is the name of its sector, as majors name theirs; the
	// organization holds the code of its VSIC 2018 section.
	sector string
}

// vsicSections are the sections of VSIC 2018 (the codes of ListSectors)
// the sectors named here belong to.
var vsicSections = map[string]string{
	"Quản lý nhà nước": "O", "Giáo dục": "P", "Y tế": "Q", "Khoa học và công nghệ": "M",
	"Nông nghiệp": "A", "Thủy sản": "A", "Tài chính": "K", "Công nghiệp": "C", "Văn hóa": "R",
}

// Organizations returns the province's main workplaces: departments,
// universities and colleges, hospitals, schools, institutes, enterprises and
// associations, then n more schools and clinics of the communes, enough for
// realistic positions at any scale.
func Organizations(n int) []OrgSeed {
	var out []OrgSeed
	add := func(id, name, short string, kind pb.Organization_Kind, sector, unit string) {
		out = append(out, OrgSeed{ID: id, sector: sector,
			Organization: &pb.Organization{DisplayName: name, ShortName: short, Kind: kind, Sector: vsicSections[sector], AdministrativeUnit: unit}})
	}
	add("ubnd-tinh", "Ủy ban nhân dân tỉnh An Giang", "UBND tỉnh", pb.Organization_STATE_AGENCY, "Quản lý nhà nước", "30742")
	add("so-noi-vu", "Sở Nội vụ tỉnh An Giang", "SNV", pb.Organization_STATE_AGENCY, "Quản lý nhà nước", "30742")
	add("so-gd-dt", "Sở Giáo dục và Đào tạo tỉnh An Giang", "Sở GD&ĐT", pb.Organization_STATE_AGENCY, "Giáo dục", "30307")
	add("so-y-te", "Sở Y tế tỉnh An Giang", "SYT", pb.Organization_STATE_AGENCY, "Y tế", "30307")
	add("so-kh-cn", "Sở Khoa học và Công nghệ tỉnh An Giang", "Sở KH&CN", pb.Organization_STATE_AGENCY, "Khoa học và công nghệ", "30742")
	add("so-nn-mt", "Sở Nông nghiệp và Môi trường tỉnh An Giang", "Sở NN&MT", pb.Organization_STATE_AGENCY, "Nông nghiệp", "30742")
	add("so-tai-chinh", "Sở Tài chính tỉnh An Giang", "STC", pb.Organization_STATE_AGENCY, "Tài chính", "30307")
	add("dh-kien-giang", "Trường Đại học Kiên Giang", "KGU", pb.Organization_UNIVERSITY, "Giáo dục", "30742")
	add("dh-an-giang", "Trường Đại học An Giang, ĐHQG TP. Hồ Chí Minh", "AGU", pb.Organization_UNIVERSITY, "Giáo dục", "30307")
	add("cd-kien-giang", "Trường Cao đẳng Kiên Giang", "", pb.Organization_UNIVERSITY, "Giáo dục", "30742")
	add("cd-y-te", "Trường Cao đẳng Y tế Kiên Giang", "", pb.Organization_UNIVERSITY, "Y tế", "30742")
	add("bv-da-khoa-kg", "Bệnh viện Đa khoa tỉnh Kiên Giang", "", pb.Organization_HOSPITAL, "Y tế", "30742")
	add("bv-trung-tam-ag", "Bệnh viện Đa khoa Trung tâm An Giang", "", pb.Organization_HOSPITAL, "Y tế", "30307")
	add("bv-san-nhi", "Bệnh viện Sản - Nhi Kiên Giang", "", pb.Organization_HOSPITAL, "Y tế", "30760")
	add("bv-phu-quoc", "Bệnh viện Đa khoa Phú Quốc", "", pb.Organization_HOSPITAL, "Y tế", "31078")
	add("thpt-chuyen-hmd", "Trường THPT chuyên Huỳnh Mẫn Đạt", "", pb.Organization_SCHOOL, "Giáo dục", "30742")
	add("thpt-chuyen-tnh", "Trường THPT chuyên Thoại Ngọc Hầu", "", pb.Organization_SCHOOL, "Giáo dục", "30307")
	add("tt-ung-dung-khcn", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "", pb.Organization_PUBLIC_SERVICE_UNIT, "Khoa học và công nghệ", "30742")
	add("vien-lua-dbscl", "Viện Lúa Đồng bằng sông Cửu Long", "CLRRI", pb.Organization_RESEARCH_INSTITUTE, "Nông nghiệp", "")
	add("tt-giong-thuy-san", "Trung tâm Giống thủy sản", "", pb.Organization_PUBLIC_SERVICE_UNIT, "Thủy sản", "30769")
	add("cty-thuy-san", "Công ty Cổ phần Thủy sản Kiên Cường", "", pb.Organization_ENTERPRISE, "Thủy sản", "30766")
	add("cty-xi-mang", "Công ty Xi măng Kiên Lương", "", pb.Organization_ENTERPRISE, "Công nghiệp", "30787")
	add("ngan-hang-kg", "Ngân hàng TMCP Kiên Long", "Kienlongbank", pb.Organization_ENTERPRISE, "Tài chính", "30742")
	add("lien-hiep-hoi", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh An Giang", "LHH", pb.Organization_ASSOCIATION, "Khoa học và công nghệ", "30742")
	add("hoi-y-hoc", "Hội Y học tỉnh An Giang", "", pb.Organization_ASSOCIATION, "Y tế", "30742")
	for i := 0; i < n; i++ {
		unit := communeCodes[i%len(communeCodes)]
		if i%2 == 0 {
			add(fmt.Sprintf("thcs-%d", i), fmt.Sprintf("Trường THCS số %d", i+1), "", pb.Organization_SCHOOL, "Giáo dục", unit)
		} else {
			add(fmt.Sprintf("tyt-%d", i), fmt.Sprintf("Trạm Y tế số %d", i+1), "", pb.Organization_PUBLIC_SERVICE_UNIT, "Y tế", unit)
		}
	}
	return out
}

var communeCodes = func() []string {
	var codes []string
	for _, c := range communes {
		codes = append(codes, c.v)
	}
	return codes
}()

// A major, the S&T field it belongs to, and the sector where its graduates
// mostly work.
type major struct {
	name, field, sector string
}

var majors = []weighted[major]{
	{major{"Sư phạm Toán học", "vn2008-503", "Giáo dục"}, 6},
	{major{"Sư phạm Ngữ văn", "vn2008-503", "Giáo dục"}, 5},
	{major{"Giáo dục Tiểu học", "vn2008-503", "Giáo dục"}, 7},
	{major{"Sư phạm Tiếng Anh", "vn2008-503", "Giáo dục"}, 4},
	{major{"Kế toán", "vn2008-502", "Tài chính"}, 7},
	{major{"Quản trị kinh doanh", "vn2008-502", "Tài chính"}, 6},
	{major{"Kinh tế nông nghiệp", "vn2008-502", "Nông nghiệp"}, 3},
	{major{"Tài chính - Ngân hàng", "vn2008-502", "Tài chính"}, 4},
	{major{"Luật", "vn2008-505", "Quản lý nhà nước"}, 6},
	{major{"Hành chính học", "vn2008-506", "Quản lý nhà nước"}, 4},
	{major{"Y đa khoa", "vn2008-302", "Y tế"}, 5},
	{major{"Điều dưỡng", "vn2008-303", "Y tế"}, 4},
	{major{"Dược học", "vn2008-304", "Y tế"}, 2},
	{major{"Y tế công cộng", "vn2008-303", "Y tế"}, 1},
	{major{"Nuôi trồng thủy sản", "vn2008-405", "Thủy sản"}, 3},
	{major{"Khoa học cây trồng", "vn2008-401", "Nông nghiệp"}, 3},
	{major{"Chăn nuôi", "vn2008-402", "Nông nghiệp"}, 1},
	{major{"Công nghệ thông tin", "vn2008-102", "Khoa học và công nghệ"}, 5},
	{major{"Kỹ thuật xây dựng", "vn2008-201", "Công nghiệp"}, 3},
	{major{"Kỹ thuật điện", "vn2008-202", "Công nghiệp"}, 2},
	{major{"Khoa học môi trường", "vn2008-105", "Nông nghiệp"}, 2},
	{major{"Công nghệ thực phẩm", "vn2008-211", "Công nghiệp"}, 1},
	{major{"Ngôn ngữ Anh", "vn2008-602", "Giáo dục"}, 2},
	{major{"Văn hóa học", "vn2008-699", "Văn hóa"}, 1},
	{major{"Xã hội học", "vn2008-504", "Quản lý nhà nước"}, 1},
	{major{"Toán ứng dụng", "vn2008-101", "Khoa học và công nghệ"}, 1},
}

type institution struct {
	name, country string
}

var (
	vnInstitutions = []weighted[institution]{
		{institution{"Trường Đại học Cần Thơ", "VN"}, 30},
		{institution{"Trường Đại học Kiên Giang", "VN"}, 12},
		{institution{"Trường Đại học An Giang", "VN"}, 12},
		{institution{"Trường Đại học Kinh tế TP. Hồ Chí Minh", "VN"}, 8},
		{institution{"Trường Đại học Y Dược Cần Thơ", "VN"}, 6},
		{institution{"Trường Đại học Sư phạm TP. Hồ Chí Minh", "VN"}, 6},
		{institution{"Trường Đại học Bách khoa, ĐHQG TP. Hồ Chí Minh", "VN"}, 4},
		{institution{"Trường Đại học Luật TP. Hồ Chí Minh", "VN"}, 4},
		{institution{"Học viện Hành chính Quốc gia", "VN"}, 4},
		{institution{"Trường Đại học Nông Lâm TP. Hồ Chí Minh", "VN"}, 4},
		{institution{"Trường Đại học Quốc gia Hà Nội", "VN"}, 2},
	}
	foreignInstitutions = []weighted[institution]{
		{institution{"Kyoto University", "JP"}, 3},
		{institution{"Kasetsart University", "TH"}, 3},
		{institution{"Asian Institute of Technology", "TH"}, 3},
		{institution{"Wageningen University", "NL"}, 2},
		{institution{"University of Queensland", "AU"}, 2},
		{institution{"Université de Montpellier", "FR"}, 2},
		{institution{"Ghent University", "BE"}, 2},
		{institution{"Kyungpook National University", "KR"}, 2},
		{institution{"National Taiwan University", "TW"}, 1},
	}
	abroadCountries = []weighted[string]{{"JP", 4}, {"AU", 3}, {"US", 3}, {"KR", 2}, {"DE", 1}, {"FR", 1}, {"SG", 1}}
	// The 2024 Kiên Giang districts, for positions before the 2025 merger.
	oldDistricts = []string{"899", "900", "911", "902", "903", "904", "905", "906", "907", "908", "909", "910", "912", "913", "914"}
)

// highest degree of an intellectual: most hold a bachelor's, fewer a
// master's, few a doctorate.
var highestLevels = []weighted[string]{
	{"CAO_DANG", 4}, {"DAI_HOC", 76}, {"THAC_SI", 16}, {"TIEN_SI", 3.6}, {"TIEN_SI_KHOA_HOC", 0.05},
}

var degreeRank = map[string]int{"CAO_DANG": 5, "DAI_HOC": 6, "THAC_SI": 7, "TIEN_SI": 8, "TIEN_SI_KHOA_HOC": 9}

// Profile makes a whole profile; orgs are the organizations positions may
// refer to, by id.
func (g *Generator) Profile(orgs []OrgSeed) *Profile {
	r := g.r
	p := g.Person()
	prof := &Profile{Person: p}
	born := p.BirthDate.Year
	thisYear := int32(2026)

	m := pick(r, majors)
	top := pick(r, highestLevels)
	year := born + 22 + int32(r.IntN(3))
	for _, lvl := range []string{"CAO_DANG", "DAI_HOC", "THAC_SI", "TIEN_SI", "TIEN_SI_KHOA_HOC"} {
		if degreeRank[lvl] > degreeRank[top] || (lvl == "CAO_DANG" && top != "CAO_DANG") {
			continue
		}
		if year > thisYear {
			break
		}
		inst := pick(r, vnInstitutions)
		if lvl == "TIEN_SI" && r.Float64() < 0.4 || lvl == "THAC_SI" && r.Float64() < 0.15 {
			inst = pick(r, foreignInstitutions)
		}
		mode := pb.Qualification_FULL_TIME
		if lvl != "DAI_HOC" && r.Float64() < 0.3 {
			mode = pb.Qualification_PART_TIME
		}
		prof.Qualifications = append(prof.Qualifications, &pb.Qualification{
			Kind: pb.Qualification_DEGREE, Level: lvl, Major: m.name, Field: "fields/" + m.field,
			Institution: inst.name, Country: inst.country, Year: year, ModeOfStudy: mode,
			DocumentNumber: fmt.Sprintf("%c%07d", 'A'+rune(r.IntN(26)), r.IntN(10000000)),
		})
		year += 2 + int32(r.IntN(4))
	}
	p.Fields = []*pb.FieldOfExpertise{{Field: "fields/" + m.field, Primary: true}}

	if top == "TIEN_SI" || top == "TIEN_SI_KHOA_HOC" {
		if x := r.Float64(); x < 0.12 && born < 1975 {
			prof.Qualifications = append(prof.Qualifications, &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "PHO_GIAO_SU", Year: min(thisYear, born+45)})
			if x < 0.03 {
				prof.Qualifications = append(prof.Qualifications, &pb.Qualification{Kind: pb.Qualification_ACADEMIC_TITLE, Level: "GIAO_SU", Year: min(thisYear, born+52)})
			}
		}
	}
	if r.Float64() < 0.35 {
		prof.Qualifications = append(prof.Qualifications, &pb.Qualification{Kind: pb.Qualification_POLITICAL_THEORY,
			Level: one(r, []string{"TRUNG_CAP", "TRUNG_CAP", "CAO_CAP", "SO_CAP"}), Year: min(thisYear, born+30+int32(r.IntN(10)))})
	}
	if r.Float64() < 0.5 {
		prof.Qualifications = append(prof.Qualifications, &pb.Qualification{Kind: pb.Qualification_FOREIGN_LANGUAGE,
			Language: one(r, []string{"en", "en", "en", "fr", "ja", "zh", "km"}), Level: one(r, []string{"BAC_2", "BAC_3", "BAC_3", "BAC_4", "B1", "B2"}),
			Year: min(thisYear, born+23+int32(r.IntN(8)))})
	}

	// Where they work: mostly in the province, a few elsewhere or abroad.
	switch x := r.Float64(); {
	case x < 0.03:
		p.WorkLocation, p.WorkCountry = pb.Person_ABROAD, pick(r, abroadCountries)
	case x < 0.10:
		p.WorkLocation = pb.Person_ELSEWHERE_IN_VIETNAM
	default:
		p.WorkLocation = pb.Person_IN_PROVINCE
	}
	start := born + 23 + int32(r.IntN(3))
	if start < thisYear-1 && r.Float64() < 0.45 {
		// An earlier position, often in a district before the merger.
		end := min(thisYear-1, start+2+int32(r.IntN(8)))
		prof.Positions = append(prof.Positions, &pb.Position{
			OrganizationName:   "UBND " + one(r, []string{"huyện Giồng Riềng", "huyện Hòn Đất", "huyện Châu Thành", "huyện An Biên", "thành phố Rạch Giá"}),
			AdministrativeUnit: one(r, oldDistricts), Title: one(r, []string{"Chuyên viên", "Cán bộ", "Viên chức"}),
			EmploymentType: pb.Position_CIVIL_SERVANT,
			Start:          &date.Date{Year: start, Month: int32(1 + r.IntN(12))}, End: &date.Date{Year: end, Month: int32(1 + r.IntN(12))},
		})
		start = end + 1
	}
	if start > thisYear {
		start = thisYear
	}
	cur := &pb.Position{Start: &date.Date{Year: start, Month: int32(1 + r.IntN(12))}, Current: true,
		Title: title(r, m.sector, top), EmploymentType: pick(r, employment)}
	if start == thisYear {
		cur.Start.Month = 1
	}
	// The workplace fits the location, and the employment the workplace
	// (workplace.go); each takes the draws it took before.
	switch p.WorkLocation {
	case pb.Person_ABROAD:
		names := abroadOrganizations[p.WorkCountry]
		cur.OrganizationName, cur.Country = names[r.IntN(5)%len(names)], p.WorkCountry
		cur.EmploymentType = pb.Position_CONTRACT
	case pb.Person_ELSEWHERE_IN_VIETNAM:
		w := one(r, elsewhere)
		cur.OrganizationName, cur.Country = w.name, "VN"
		cur.EmploymentType = employmentAt(w.kind, cur.EmploymentType)
	default:
		o := orgFor(r, orgs, m.sector)
		cur.Organization = "organizations/" + o.ID
		cur.EmploymentType = employmentAt(o.Organization.GetKind(), cur.EmploymentType)
	}
	prof.Positions = append(prof.Positions, cur)

	if degreeRank[top] >= 7 && r.Float64() < 0.15 {
		p.ExpertRoles = []pb.Person_ExpertRole{pb.Person_CONSULTING}
		if r.Float64() < 0.5 {
			p.ExpertRoles = append(p.ExpertRoles, pb.Person_CRITIQUE)
		}
		p.Availability = pick(r, []weighted[pb.Person_Availability]{{pb.Person_AVAILABLE, 5}, {pb.Person_LIMITED, 3}, {pb.Person_NOT_AVAILABLE, 1}})
	}
	if r.Float64() < 0.03 {
		y := min(thisYear-1, max(born+30, 2015+int32(r.IntN(11))))
		prof.Honors = append(prof.Honors, &pb.Honor{Title: fmt.Sprintf("Trí thức tiêu biểu tỉnh năm %d", y), Kind: pb.Honor_PROVINCIAL_HONOR,
			Year: y, Issuer: "UBND tỉnh", DecisionNumber: fmt.Sprintf("%d/QĐ-UBND", 100+r.IntN(3000))})
	}
	if r.Float64() < 0.01 && born < 1975 {
		prof.Honors = append(prof.Honors, &pb.Honor{Title: one(r, []string{"Nhà giáo Ưu tú", "Thầy thuốc Ưu tú"}), Kind: pb.Honor_STATE_TITLE,
			Year: min(thisYear-1, born+50), Issuer: "Chủ tịch nước"})
	}
	// Draws that once chose a membership for the profile: LoadMemberships
	// registers members now, through the service's own code. They are
	// still drawn, so that every seed makes the people it made before.
	if x := r.Float64(); x < 0.15 || degreeRank[top] >= 7 && x < 0.4 {
		r.Float64() // its state
		r.IntN(21)  // its year
	}
	return prof
}

var employment = []weighted[pb.Position_EmploymentType]{
	{pb.Position_PUBLIC_EMPLOYEE, 55}, {pb.Position_CIVIL_SERVANT, 20}, {pb.Position_CONTRACT, 8},
	{pb.Position_PRIVATE_SECTOR, 14}, {pb.Position_SELF_EMPLOYED, 3},
}

func title(r interface{ Float64() float64 }, sector, top string) string {
	switch sector {
	case "Giáo dục":
		if degreeRank[top] >= 7 {
			return "Giảng viên"
		}
		return "Giáo viên"
	case "Y tế":
		if degreeRank[top] >= 7 {
			return "Bác sĩ chuyên khoa"
		}
		return "Bác sĩ"
	}
	if r.Float64() < 0.1 {
		return "Trưởng phòng"
	}
	return "Chuyên viên"
}

// orgFor picks a workplace in the major's sector when there is one.
func orgFor(r interface{ IntN(int) int }, orgs []OrgSeed, sector string) OrgSeed {
	for range 8 {
		o := orgs[r.IntN(len(orgs))]
		if o.sector == sector {
			return o
		}
	}
	return orgs[r.IntN(len(orgs))]
}
