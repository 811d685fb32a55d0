package synth

import pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"

// Workplaces consistent with the positions held there (issue 21): a
// position abroad is at an organization of that country, and an employment
// type occurs only at the kinds of organization that have it (no civil
// servant at a company, no private-sector employee at a state agency).

// abroadOrganizations are workplaces abroad, by country (abroadCountries).
var abroadOrganizations = map[string][]string{
	"JP": {"University of Tokyo", "Kyoto University", "Tohoku University"},
	"AU": {"University of Sydney", "Monash University", "CSIRO"},
	"US": {"University of California, Davis", "Cornell University", "Intel Corporation"},
	"KR": {"Seoul National University", "KAIST", "Samsung Electronics"},
	"DE": {"Technische Universität München", "Universität Hohenheim"},
	"FR": {"Université de Montpellier", "Institut Pasteur"},
	"SG": {"National University of Singapore", "Nanyang Technological University"},
}

// elsewhere are workplaces in Vietnam outside the province, with their kind.
var elsewhere = []struct {
	name string
	kind pb.Organization_Kind
}{
	{"Trường Đại học Cần Thơ", pb.Organization_UNIVERSITY},
	{"Bệnh viện Chợ Rẫy", pb.Organization_HOSPITAL},
	{"Viện Khoa học Nông nghiệp miền Nam", pb.Organization_RESEARCH_INSTITUTE},
	{"Công ty FPT Software", pb.Organization_ENTERPRISE},
}

// EmploymentFits reports whether an employment type occurs at a kind of
// organization.
func EmploymentFits(kind pb.Organization_Kind, e pb.Position_EmploymentType) bool {
	switch kind {
	case pb.Organization_STATE_AGENCY:
		return e == pb.Position_CIVIL_SERVANT || e == pb.Position_CONTRACT
	case pb.Organization_ENTERPRISE:
		return e == pb.Position_PRIVATE_SECTOR || e == pb.Position_CONTRACT
	case pb.Organization_ASSOCIATION:
		return e == pb.Position_CONTRACT || e == pb.Position_PUBLIC_EMPLOYEE
	case pb.Organization_UNIVERSITY, pb.Organization_HOSPITAL, pb.Organization_SCHOOL,
		pb.Organization_RESEARCH_INSTITUTE, pb.Organization_PUBLIC_SERVICE_UNIT:
		return e == pb.Position_PUBLIC_EMPLOYEE || e == pb.Position_CONTRACT
	}
	return true
}

// employmentAt is the drawn type when it occurs at the kind, else the
// kind's usual one: the draw is kept either way, so that a seed makes the
// people it made before.
func employmentAt(kind pb.Organization_Kind, drawn pb.Position_EmploymentType) pb.Position_EmploymentType {
	if EmploymentFits(kind, drawn) {
		return drawn
	}
	switch kind {
	case pb.Organization_STATE_AGENCY:
		return pb.Position_CIVIL_SERVANT
	case pb.Organization_ENTERPRISE:
		return pb.Position_PRIVATE_SECTOR
	case pb.Organization_ASSOCIATION:
		return pb.Position_CONTRACT
	}
	return pb.Position_PUBLIC_EMPLOYEE
}
