package console

import (
	"context"
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// Profiles hold reference codes (THAC_SI, GIAO_SU, fields/vn2008-502, 05,
// VN, 30742); people read the reference list's Vietnamese names. A page
// looks up the codes it shows through ReferenceService and passes them to
// its template as refNames, by resource name; the template's refName falls
// back to the code when the list does not know it.

// refNames are Vietnamese names by reference resource name, for example
// "qualificationLevels/THAC_SI" → "Thạc sĩ".
type refNames map[string]string

// Reference collections, as the template's refName takes them.
const (
	refLevels    = "qualificationLevels/"
	refTitles    = "academicTitles/"
	refEthnic    = "ethnicGroups/"
	refCountries = "countries/"
	refUnits     = "administrativeUnits/"
)

// refAssociations are associations, which a person's memberships name.
const refAssociations = "associations/"

// frameworkLevel is the Vietnamese name of a framework's level, or "".
func frameworkLevel(code string) string {
	for _, l := range refdata.FrameworkLevels {
		if l.Code == code {
			return l.NameVi
		}
	}
	return ""
}

// refName is the Vietnamese name of a code of a collection, or the code.
func refName(names refNames, collection, code string) string {
	if code == "" {
		return ""
	}
	if n := names[collection+code]; n != "" {
		return n
	}
	return code
}

// lookup gets the names of the given reference resources, each once. A
// name that cannot be read is left out: the page shows its code.
func (h *Handler) lookup(ctx context.Context, names refNames, resources []string) {
	for _, r := range resources {
		if _, done := names[r]; done || r == "" {
			continue
		}
		names[r] = ""
		var vi string
		var err error
		switch {
		case strings.HasPrefix(r, refLevels):
			// A qualification's level, as the edit form's list has it:
			// a degree's, a framework's or an academic title.
			var m *pb.QualificationLevel
			m, err = h.ref.GetQualificationLevel(ctx, &pb.GetQualificationLevelRequest{Name: r})
			vi = m.GetNameVi()
			if err != nil {
				code := strings.TrimPrefix(r, refLevels)
				if vi = frameworkLevel(code); vi != "" {
					err = nil
				} else {
					var t *pb.AcademicTitle
					t, err = h.ref.GetAcademicTitle(ctx, &pb.GetAcademicTitleRequest{Name: refTitles + code})
					vi = t.GetNameVi()
				}
			}
		case strings.HasPrefix(r, refTitles):
			var m *pb.AcademicTitle
			m, err = h.ref.GetAcademicTitle(ctx, &pb.GetAcademicTitleRequest{Name: r})
			vi = m.GetNameVi()
		case strings.HasPrefix(r, "fields/"):
			var m *pb.Field
			m, err = h.ref.GetField(ctx, &pb.GetFieldRequest{Name: r})
			vi = m.GetNameVi()
		case strings.HasPrefix(r, refEthnic):
			var m *pb.EthnicGroup
			m, err = h.ref.GetEthnicGroup(ctx, &pb.GetEthnicGroupRequest{Name: r})
			vi = m.GetNameVi()
		case strings.HasPrefix(r, refCountries):
			var m *pb.Country
			m, err = h.ref.GetCountry(ctx, &pb.GetCountryRequest{Name: r})
			vi = m.GetNameVi()
		case strings.HasPrefix(r, refUnits):
			var m *pb.AdministrativeUnit
			m, err = h.ref.GetAdministrativeUnit(ctx, &pb.GetAdministrativeUnitRequest{Name: r})
			vi = m.GetDisplayName()
		case strings.HasPrefix(r, refAssociations):
			var m *pb.Association
			m, err = h.members.GetAssociation(ctx, &pb.GetAssociationRequest{Name: r})
			vi = m.GetDisplayName()
		}
		if err == nil {
			names[r] = vi
		}
	}
}

// profileNames looks up every reference code a full profile shows.
func (h *Handler) profileNames(ctx context.Context, p *pb.Person) refNames {
	var rs []string
	add := func(collection, code string) {
		if code != "" {
			rs = append(rs, collection+code)
		}
	}
	add(refLevels, p.GetHighestQualificationLevel())
	add(refTitles, p.GetAcademicTitle().GetTitle())
	add(refEthnic, p.GetEthnicity())
	add(refCountries, p.GetWorkCountry())
	add(refUnits, p.GetHometown())
	for _, f := range p.GetFields() {
		rs = append(rs, f.GetField())
	}
	for _, q := range p.GetQualifications() {
		add(refLevels, q.GetLevel())
		add(refCountries, q.GetCountry())
		rs = append(rs, q.GetField())
	}
	for _, w := range p.GetWorks() {
		rs = append(rs, w.GetField())
	}
	for _, m := range p.GetMemberships() {
		rs = append(rs, associationOf(m.GetName()))
	}
	names := refNames{}
	h.lookup(ctx, names, rs)
	return names
}

// searchNames are the names of the levels and titles the search form
// lists already: the results show no other codes.
func searchNames(d *searchData) refNames {
	names := refNames{}
	for _, o := range d.Levels {
		names[refLevels+o.Value] = o.Label
	}
	for _, o := range d.Titles {
		names[refTitles+o.Value] = o.Label
	}
	return names
}

// associationOf is the association of a membership's name:
// associations/a/memberships/m → associations/a.
func associationOf(membership string) string {
	a, _, _ := strings.Cut(membership, "/memberships/")
	return a
}
