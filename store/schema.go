package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"regexp"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store/filter"
	"trithuc.gov.vn/trithuc/vntext"
)

// What filters may name, per resource (AIP-160). Each path is the field's
// path in the resource as the API shows it; related rows (a person's
// qualifications, positions, fields) are reached through a Join, and
// comparisons joined by AND on one of them hold for the same row.

// enumValues maps an enum's value names to their numbers.
func enumValues(ed protoreflect.EnumDescriptor) map[string]int64 {
	m := map[string]int64{}
	vals := ed.Values()
	for i := 0; i < vals.Len(); i++ {
		m[string(vals.Get(i).Name())] = int64(vals.Get(i).Number())
	}
	return m
}

var (
	genderEnum       = enumValues(pb.Person_Gender(0).Descriptor())
	workLocationEnum = enumValues(pb.Person_WorkLocation(0).Descriptor())
	availabilityEnum = enumValues(pb.Person_Availability(0).Descriptor())
	expertRoleEnum   = enumValues(pb.Person_ExpertRole(0).Descriptor())
	qualKindEnum     = enumValues(pb.Qualification_Kind(0).Descriptor())
	studyModeEnum    = enumValues(pb.Qualification_StudyMode(0).Descriptor())
	verificationEnum = enumValues(pb.Verification_State(0).Descriptor())
	employmentEnum   = enumValues(pb.Position_EmploymentType(0).Descriptor())
	orgKindEnum      = enumValues(pb.Organization_Kind(0).Descriptor())
	workKindEnum     = enumValues(pb.Work_Kind(0).Descriptor())
	workRoleEnum     = enumValues(pb.Work_Role(0).Descriptor())
	workLevelEnum    = enumValues(pb.Work_Level(0).Descriptor())
)

var (
	joinFields = &filter.Join{From: "person_fields pf", On: "pf.person_pk = p.pk"}
	joinRoles  = &filter.Join{From: "person_expert_roles per", On: "per.person_pk = p.pk"}
	joinQuals  = &filter.Join{From: "qualifications q", On: "q.person_pk = p.pk"}
	joinPos    = &filter.Join{From: "positions pos LEFT JOIN organizations po ON po.pk = pos.organization_pk", On: "pos.person_pk = p.pk"}
	joinHonors = &filter.Join{From: "honors h", On: "h.person_pk = p.pk"}
	joinWorks  = &filter.Join{From: "works w", On: "w.person_pk = p.pk"}
	joinIDs    = &filter.Join{From: "person_identifiers pid", On: "pid.person_pk = p.pk"}
	// joinMemberships is a person's memberships of the associations that
	// are not deleted, as ListMemberships across associations has them.
	// A caller limited to a scope reaches only its people's (limitToScope,
	// scopedSchema), so the join itself needs no scope. It reads the
	// person's few memberships, then each one's association by its pk
	// (INDEXED BY, CROSS JOIN, NOT INDEXED): by the index of states,
	// SQLite read every active member for each person, more than 2 s a
	// page at 30,000 people with 6,000 members; by the index of codes,
	// every association for each membership.
	joinMemberships = &filter.Join{
		From: "memberships pm INDEXED BY memberships_person CROSS JOIN associations pma NOT INDEXED ON pma.pk = pm.association_pk AND pma.delete_time IS NULL",
		On:   "pm.person_pk = p.pk"}
	// joinCurPos is the current positions alone: what a person's BASIC
	// view shows of where they work, and so all a role that reads basic
	// views only may filter on (server/redact.go).
	joinCurPos = &filter.Join{From: "positions cpos LEFT JOIN organizations cpo ON cpo.pk = cpos.organization_pk",
		On: "cpos.person_pk = p.pk AND cpos.is_current"}
)

// positionAlias are the aliases of positions.* in filters, as
// current_positions.* spells them.
var positionAlias = regexp.MustCompile(`\b(pos|po)\.`)

// ranks are the ranks of the qualification levels and academic titles, as
// the reference lists have them now, so that "master or above" means
// something.
type ranks struct {
	levels, titles map[string]int64
}

func (tx *Tx) ranks(ctx context.Context) (ranks, error) {
	r := ranks{levels: map[string]int64{}, titles: map[string]int64{}}
	for table, m := range map[string]map[string]int64{"ref_qualification_levels": r.levels, "ref_academic_titles": r.titles} {
		rows, err := tx.QueryContext(ctx, `SELECT code, rank FROM `+table)
		if err != nil {
			return r, dbError(err)
		}
		for rows.Next() {
			var code string
			var rank int64
			if err := rows.Scan(&code, &rank); err != nil {
				rows.Close()
				return r, dbError(err)
			}
			m[code] = rank
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return r, dbError(err)
		}
	}
	return r, nil
}

// titleRank returns the rank of an academic title, or 0 when unknown.
func (tx *Tx) titleRank(ctx context.Context, code string) (int, error) {
	var rank int
	err := tx.QueryRowContext(ctx, `SELECT rank FROM ref_academic_titles WHERE code = ?`, code).Scan(&rank)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return rank, dbError(err)
}

// contactOnly is a contact detail as filters see it: empty where the
// person's CONTACT consent is absent or withdrawn, so that no filter, for
// any role, reveals what only an admin may read of them (0015_contact.sql).
func contactOnly(col string) string {
	return "(CASE WHEN p.contact_allowed != 0 THEN " + col + " ELSE '' END)"
}

// str is a text field kept as normText keeps it, a value compared with it
// tidied the same way, a prefix's last bare letter matching that letter
// with any marks (vntext.Prefixes).
func str(sql string) filter.Field {
	return filter.Field{Type: filter.String, SQL: sql, Fold: vntext.Tidy, Prefixes: vntext.Prefixes}
}

// name is a field of a person's name: equal to a value in any of its
// spellings (hoà and hòa, vntext.Spellings), and ordered by key, the
// Vietnamese sort key (vntext.SortKey) of the name, alone or first of a
// person's names.
func name(sql, key string) filter.Field {
	f := sorted(str(sql), key)
	f.Expand = func(s string) ([]string, error) { return vntext.Spellings(s), nil }
	return f
}

// sorted is f ordered by key, the Vietnamese sort key of its text (see
// name): < <= > >= compare in the order order_by sorts, and a prefix typed
// without marks matches the text that begins with it with any marks and
// in any case (vntext.KeyStarts), as a range of keys, which an index on
// the key column serves.
func sorted(f filter.Field, key string) filter.Field {
	f.Order = &filter.Order{SQL: key, Key: nameSortKey, Starts: vntext.KeyStarts, Loose: vntext.LooseKey}
	return f
}

// wholeKey is f, a name whose key column holds its key alone, so that
// an equality reads the index of the key as well (filter.Order.Whole).
func wholeKey(f filter.Field) filter.Field {
	o := *f.Order
	o.Whole = true
	f.Order = &o
	return f
}

// personFields are a person's own fields, over the alias p of people.
func personFields(r ranks, prefix string) filter.Schema {
	s := filter.Schema{
		// The sort keys of people's names begin with the family name's key
		// or the given name's; the middle and display names have keys of
		// their own (0045), which an equality reads too.
		"family_name":                 name("p.family_name", "p.family_key"),
		"middle_name":                 wholeKey(name("p.middle_name", "p.middle_key")),
		"given_name":                  name("p.given_name", "p.sort_key"),
		"display_name":                wholeKey(name("p.display_name", "p.display_key")),
		"gender":                      {Type: filter.Enum, SQL: "p.gender", Enum: genderEnum},
		"birth_date":                  {Type: filter.Date, SQL: "(p.birth_year * 10000 + p.birth_month * 100 + p.birth_day)"},
		"birth_date.year":             {Type: filter.Int, SQL: "p.birth_year"},
		"ethnicity":                   str("p.ethnicity"),
		"national_id":                 str("p.national_id"),
		"email":                       str(contactOnly("p.email")),
		"phone":                       str(contactOnly("p.phone")),
		"hometown":                    str("p.hometown"),
		"address":                     str(contactOnly("p.address")),
		"work_location":               {Type: filter.Enum, SQL: "p.work_location", Enum: workLocationEnum},
		"work_country":                str("p.work_country"),
		"availability":                {Type: filter.Enum, SQL: "p.availability", Enum: availabilityEnum},
		"highest_qualification_level": {Type: filter.Ranked, SQL: "p.highest_level_rank", Ranks: r.levels},
		"academic_title.title": {Type: filter.Ranked, Ranks: r.titles,
			SQL: "IFNULL((SELECT rank FROM ref_academic_titles WHERE code = p.academic_title), 0)"},
		"academic_title.year": {Type: filter.Int, SQL: "p.academic_title_year"},
		"create_time":         {Type: filter.Timestamp, SQL: "p.create_time"},
		"update_time":         {Type: filter.Timestamp, SQL: "p.update_time"},
	}
	// national_id is NULL when unknown; filters need a value.
	s["national_id"] = str("IFNULL(p.national_id, '')")
	if prefix == "" {
		return s
	}
	out := filter.Schema{}
	for k, v := range s {
		out[prefix+k] = v
	}
	return out
}

// personSchema is what ListPeople and SearchPeople filter on.
func personSchema(r ranks) filter.Schema {
	s := personFields(r, "")
	maps.Copy(s, filter.Schema{
		"fields.field":   {Type: filter.String, SQL: "pf.field", Join: joinFields, Repeated: true},
		"fields.code":    {Type: filter.String, SQL: "pf.code", Join: joinFields, Repeated: true},
		"fields.primary": {Type: filter.Bool, SQL: "pf.is_primary", Join: joinFields},
		"expert_roles":   {Type: filter.Enum, SQL: "per.role", Enum: expertRoleEnum, Join: joinRoles, Repeated: true},

		"qualifications.kind": {Type: filter.Enum, SQL: "q.kind", Enum: qualKindEnum, Join: joinQuals},
		// Degrees compare by rank; other kinds' levels by their codes.
		"qualifications.level": {Type: filter.Ranked, Ranks: r.levels, Join: joinQuals,
			SQL: "(CASE WHEN q.kind = 1 THEN q.level_rank ELSE -1 END)"},
		"qualifications.level_code":         {Type: filter.String, SQL: "q.level", Join: joinQuals},
		"qualifications.major":              str("q.major"),
		"qualifications.field":              {Type: filter.String, SQL: "q.field", Join: joinQuals},
		"qualifications.field_code":         {Type: filter.String, SQL: "q.field_code", Join: joinQuals},
		"qualifications.institution":        str("q.institution"),
		"qualifications.country":            {Type: filter.String, SQL: "q.country", Join: joinQuals},
		"qualifications.year":               {Type: filter.Int, SQL: "q.year", Join: joinQuals},
		"qualifications.mode_of_study":      {Type: filter.Enum, SQL: "q.mode_of_study", Enum: studyModeEnum, Join: joinQuals},
		"qualifications.language":           {Type: filter.String, SQL: "q.language", Join: joinQuals},
		"qualifications.verification.state": {Type: filter.Enum, SQL: "q.verification_state", Enum: verificationEnum, Join: joinQuals},

		"positions.organization":                     {Type: filter.String, SQL: "IFNULL('organizations/' || po.id, '')", Join: joinPos},
		"positions.organization.kind":                {Type: filter.Enum, SQL: "IFNULL(po.kind, 0)", Enum: orgKindEnum, Join: joinPos},
		"positions.organization.sector":              {Type: filter.String, SQL: "IFNULL(po.sector, '')", Join: joinPos, Fold: vntext.Tidy, Prefixes: vntext.Prefixes},
		"positions.organization.administrative_unit": {Type: filter.String, SQL: "IFNULL(po.administrative_unit, pos.administrative_unit)", Join: joinPos},
		"positions.administrative_unit":              {Type: filter.String, SQL: "IFNULL(po.administrative_unit, pos.administrative_unit)", Join: joinPos},
		"positions.country":                          {Type: filter.String, SQL: "IFNULL(po.country, pos.country)", Join: joinPos},
		"positions.title":                            {Type: filter.String, SQL: "pos.title", Join: joinPos, Fold: vntext.Tidy, Prefixes: vntext.Prefixes},
		"positions.employment_type":                  {Type: filter.Enum, SQL: "pos.employment_type", Enum: employmentEnum, Join: joinPos},
		"positions.current":                          {Type: filter.Bool, SQL: "pos.is_current", Join: joinPos},
		"positions.start":                            {Type: filter.Date, SQL: "pos.start_date", Join: joinPos},
		"positions.end":                              {Type: filter.Date, SQL: "pos.end_date", Join: joinPos},

		"honors.kind": {Type: filter.Enum, SQL: "h.kind", Enum: enumValues(pb.Honor_Kind(0).Descriptor()), Join: joinHonors},
		"honors.year": {Type: filter.Int, SQL: "h.year", Join: joinHonors},

		"works.kind":            {Type: filter.Enum, SQL: "w.kind", Enum: workKindEnum, Join: joinWorks},
		"works.year":            {Type: filter.Int, SQL: "w.year", Join: joinWorks},
		"works.role":            {Type: filter.Enum, SQL: "w.role", Enum: workRoleEnum, Join: joinWorks},
		"works.level":           {Type: filter.Enum, SQL: "w.level", Enum: workLevelEnum, Join: joinWorks},
		"works.doi":             {Type: filter.String, SQL: "w.doi", Join: joinWorks},
		"works.document_number": {Type: filter.String, SQL: "w.document_number", Join: joinWorks},
		"works.field":           {Type: filter.String, SQL: "w.field", Join: joinWorks},
		"orcid":                 {Type: filter.String, SQL: "pid.orcid", Join: joinIDs},
		// memberships.association = "associations/a" AND memberships.state
		// = ACTIVE: the association's active members (the console's
		// membership desk exports them so).
		"memberships.association": {Type: filter.String, SQL: "('associations/' || pma.id)", Join: joinMemberships},
		"memberships.state":       {Type: filter.Enum, SQL: "pm.state", Enum: membershipStateEnum, Join: joinMemberships},
		// With show_deleted, delete_time:* lists the deleted alone (the
		// console's "Hồ sơ đã xoá"); without it the listing holds none.
		"delete_time": {Type: filter.Timestamp, SQL: "IFNULL(p.delete_time, 0)"},
	})
	for _, k := range []string{"qualifications.major", "qualifications.institution"} {
		f := s[k]
		f.Join = joinQuals
		s[k] = f
	}
	for k, f := range s {
		if rest, ok := strings.CutPrefix(k, "positions."); ok && rest != "current" {
			f.SQL = positionAlias.ReplaceAllString(f.SQL, "c$1.")
			f.Join = joinCurPos
			s["current_positions."+rest] = f
		}
	}
	return s
}

// qualificationSchema is what ListQualifications filters on: the
// qualification's fields, and its holder's as person.*.
func qualificationSchema(r ranks) filter.Schema {
	s := personFields(r, "person.")
	maps.Copy(s, filter.Schema{
		"kind":               {Type: filter.Enum, SQL: "c.kind", Enum: qualKindEnum},
		"level":              {Type: filter.Ranked, Ranks: r.levels, SQL: "(CASE WHEN c.kind = 1 THEN c.level_rank ELSE -1 END)"},
		"level_code":         str("c.level"),
		"major":              str("c.major"),
		"degree_title":       str("c.degree_title"),
		"field":              str("c.field"),
		"field_code":         str("c.field_code"),
		"institution":        str("c.institution"),
		"country":            str("c.country"),
		"year":               {Type: filter.Int, SQL: "c.year"},
		"mode_of_study":      {Type: filter.Enum, SQL: "c.mode_of_study", Enum: studyModeEnum},
		"language":           str("c.language"),
		"verification.state": {Type: filter.Enum, SQL: "c.verification_state", Enum: verificationEnum},
		"create_time":        {Type: filter.Timestamp, SQL: "c.create_time"},
	})
	return s
}

// positionSchema is what ListPositions filters on.
func positionSchema(r ranks) filter.Schema {
	s := personFields(r, "person.")
	maps.Copy(s, filter.Schema{
		"organization":                     str("IFNULL('organizations/' || o.id, '')"),
		"organization_name":                str("IFNULL(o.display_name, c.organization_name)"),
		"organization.kind":                {Type: filter.Enum, SQL: "IFNULL(o.kind, 0)", Enum: orgKindEnum},
		"organization.sector":              str("IFNULL(o.sector, '')"),
		"organization.administrative_unit": str("IFNULL(o.administrative_unit, c.administrative_unit)"),
		"administrative_unit":              str("IFNULL(o.administrative_unit, c.administrative_unit)"),
		"country":                          str("IFNULL(o.country, c.country)"),
		"title":                            str("c.title"),
		"department":                       str("c.department"),
		"employment_type":                  {Type: filter.Enum, SQL: "c.employment_type", Enum: employmentEnum},
		"current":                          {Type: filter.Bool, SQL: "c.is_current"},
		"start":                            {Type: filter.Date, SQL: "c.start_date"},
		"end":                              {Type: filter.Date, SQL: "c.end_date"},
		"create_time":                      {Type: filter.Timestamp, SQL: "c.create_time"},
	})
	return s
}

// honorSchema is what ListHonors filters on.
func honorSchema(r ranks) filter.Schema {
	s := personFields(r, "person.")
	maps.Copy(s, filter.Schema{
		"kind":   {Type: filter.Enum, SQL: "c.kind", Enum: enumValues(pb.Honor_Kind(0).Descriptor())},
		"year":   {Type: filter.Int, SQL: "c.year"},
		"title":  str("c.title"),
		"issuer": str("c.issuer"),
	})
	return s
}

// workSchema is what ListWorks filters on.
func workSchema(r ranks) filter.Schema {
	s := personFields(r, "person.")
	maps.Copy(s, filter.Schema{
		"kind":            {Type: filter.Enum, SQL: "c.kind", Enum: workKindEnum},
		"year":            {Type: filter.Int, SQL: "c.year"},
		"role":            {Type: filter.Enum, SQL: "c.role", Enum: workRoleEnum},
		"level":           {Type: filter.Enum, SQL: "c.level", Enum: workLevelEnum},
		"title":           str("c.title"),
		"doi":             str("c.doi"),
		"document_number": str("c.document_number"),
		"venue":           str("c.venue"),
		"field":           str("c.field"),
	})
	return s
}

// organizationSchema is what ListOrganizations filters on.
func organizationSchema(ranks) filter.Schema {
	return filter.Schema{
		"display_name":        sorted(str("o.display_name"), "o.sort_key"),
		"short_name":          str("o.short_name"),
		"kind":                {Type: filter.Enum, SQL: "o.kind", Enum: orgKindEnum},
		"sector":              str("o.sector"),
		"administrative_unit": str("o.administrative_unit"),
		"country":             str("o.country"),
		"parent":              str("IFNULL('organizations/' || parent.id, '')"),
		"create_time":         {Type: filter.Timestamp, SQL: "o.create_time"},
		"update_time":         {Type: filter.Timestamp, SQL: "o.update_time"},
	}
}

// compileFilter compiles a request's filter against the schema that
// schemaOf makes; its mistakes are the caller's, named as the filter field.
// addFilter ANDs a listing's AIP-160 filter to its conditions.
func (tx *Tx) addFilter(ctx context.Context, l *listing, f string, schemaOf func(ranks) filter.Schema) error {
	where, args, err := tx.compileFilter(ctx, f, schemaOf)
	if err != nil || where == "" {
		return err
	}
	l.where, l.args = append(l.where, where), append(l.args, args...)
	return nil
}

func (tx *Tx) compileFilter(ctx context.Context, f string, schemaOf func(ranks) filter.Schema) (string, []any, error) {
	if f == "" {
		return "", nil, nil
	}
	r, err := tx.ranks(ctx)
	if err != nil {
		return "", nil, err
	}
	where, args, err := filter.Compile(f, schemaOf(r))
	var fe *filter.Error
	switch {
	case errors.As(err, &fe):
		return "", nil, errorf(Invalid, "filter", "%s", fe.Error())
	case err != nil:
		return "", nil, &Error{Code: Internal, Message: "filter schema", Err: err}
	}
	return where, args, nil
}
