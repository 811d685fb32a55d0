package console

import (
	"context"
	"regexp"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/vntext"
)

// Edit forms offer reference codes as choices of Vietnamese names: people
// do not know that a master's degree is THAC_SI. Short lists are selects;
// long ones (fields of expertise, administrative units) are a text box
// with a datalist, whose entries read "Tên (mã)" (a field's "mã Tên",
// entry). What is typed there is
// read back to a code (readChoice); anything else goes to the server as
// typed, and the server's validation says what is wrong with it.

// refLists are the reference lists of the string fields of the forms, by
// the field's name. A field of another kind with the same name (a work's
// level is an enum) is not a reference.
var refLists = map[string]string{
	"ethnicity":           "ethnic",
	"work_country":        "countries",
	"country":             "countries",
	"level":               "levels",
	"field":               "fields",
	"organization":        "organizations",
	"administrative_unit": "units",
	"hometown":            "units",
}

// datalists are the lists too long for a select.
var datalists = map[string]bool{"fields": true, "units": true}

// withOther are the select fields that also take text of their own: a
// qualification's level is a code for a degree or an academic title, and
// free text for a certificate, a language or political theory (the
// contract's Qualification.Kind), so beside the select a text box takes
// what the list does not hold.
var withOther = map[string]bool{"level": true}

// choices are the reference lists a form needs, read once per page.
type choices map[string][]option

// refList is the reference list of field fd of a form, or "".
func refList(fd protoreflect.FieldDescriptor) string {
	if isFieldList(fd) {
		return "fields"
	}
	if fd.Kind() != protoreflect.StringKind || fd.IsList() {
		return ""
	}
	return refLists[string(fd.Name())]
}

// loadChoices reads the lists the form's fields of m name. A list that
// cannot be read is left out: its field stays a text box.
func (h *Handler) loadChoices(ctx context.Context, m proto.Message, form []formField) choices {
	ch := choices{}
	fields := m.ProtoReflect().Descriptor().Fields()
	for _, f := range form {
		list := refList(fields.ByName(protoreflect.Name(f.Name)))
		if list == "" {
			continue
		}
		if _, done := ch[list]; done {
			continue
		}
		if opts, err := h.readList(ctx, list); err == nil {
			ch[list] = opts
		}
	}
	return ch
}

// readList reads one reference list as options: the code a profile holds,
// and its Vietnamese name.
func (h *Handler) readList(ctx context.Context, list string) ([]option, error) {
	var out []option
	switch list {
	case "levels":
		// A qualification's level: a degree's level, an academic title,
		// or a level of a framework (political theory, languages, ...).
		r, err := h.ref.ListQualificationLevels(ctx, &pb.ListQualificationLevelsRequest{PageSize: 5000})
		if err != nil {
			return nil, err
		}
		for _, l := range r.GetQualificationLevels() {
			out = append(out, option{Value: l.GetCode(), Label: l.GetNameVi()})
		}
		titles, err := h.readList(ctx, "titles")
		if err != nil {
			return nil, err
		}
		out = append(out, titles...)
		// The frameworks' levels, by kind, but those the list holds.
		have := map[string]bool{}
		for _, o := range out {
			have[o.Value] = true
		}
		for _, l := range refdata.FrameworkLevels {
			if !have[l.Code] {
				out = append(out, option{Value: l.Code, Label: l.Label()})
			}
		}
	case "titles":
		r, err := h.ref.ListAcademicTitles(ctx, &pb.ListAcademicTitlesRequest{PageSize: 5000})
		if err != nil {
			return nil, err
		}
		for _, t := range r.GetAcademicTitles() {
			out = append(out, option{Value: t.GetCode(), Label: t.GetNameVi()})
		}
	case "ethnic":
		r, err := h.ref.ListEthnicGroups(ctx, &pb.ListEthnicGroupsRequest{PageSize: 5000})
		if err != nil {
			return nil, err
		}
		for _, g := range r.GetEthnicGroups() {
			out = append(out, option{Value: g.GetCode(), Label: g.GetNameVi()})
		}
	case "countries":
		r, err := h.ref.ListCountries(ctx, &pb.ListCountriesRequest{PageSize: 5000})
		if err != nil {
			return nil, err
		}
		for _, c := range r.GetCountries() {
			out = append(out, option{Value: c.GetCode(), Label: c.GetNameVi()})
		}
		byName(out, option.label)
	case "sectors":
		r, err := h.ref.ListSectors(ctx, &pb.ListSectorsRequest{PageSize: 5000})
		if err != nil {
			return nil, err
		}
		for _, s := range r.GetSectors() {
			out = append(out, option{Value: s.GetCode(), Label: s.GetNameVi()})
		}
	case "fields":
		token := ""
		for {
			r, err := h.ref.ListFields(ctx, &pb.ListFieldsRequest{PageSize: 5000, PageToken: token})
			if err != nil {
				return nil, err
			}
			for _, f := range r.GetFields() {
				out = append(out, option{Value: f.GetName(), Label: fieldEntry(f)})
			}
			if token = r.GetNextPageToken(); token == "" {
				break
			}
		}
	case "units":
		// The province's units today, its districts before the 2025
		// reform, which positions begun then name, and the country's
		// provinces, for a hometown or workplace elsewhere.
		for _, group := range [][]*pb.ListAdministrativeUnitsRequest{
			{{ParentCode: provinceCode}},
			{{ParentCode: provinceCode, AsOf: &date.Date{Year: 2024, Month: 12, Day: 31}}},
			{{Kind: pb.AdministrativeUnit_PROVINCE}, {Kind: pb.AdministrativeUnit_MUNICIPALITY}},
		} {
			var units []option
			for _, q := range group {
				q.PageSize = 5000
				r, err := h.ref.ListAdministrativeUnits(ctx, q)
				if err != nil {
					return nil, err
				}
				for _, u := range r.GetAdministrativeUnits() {
					units = append(units, option{Value: u.GetCode(), Label: u.GetDisplayName()})
				}
			}
			byName(units, option.label)
			out = append(out, units...)
		}
	case "organizations":
		token := ""
		for {
			r, err := h.orgs.ListOrganizations(ctx, &pb.ListOrganizationsRequest{PageSize: 1000, PageToken: token, OrderBy: "display_name"})
			if err != nil {
				return nil, err
			}
			for _, o := range r.GetOrganizations() {
				out = append(out, option{Value: o.GetName(), Label: o.GetDisplayName()})
			}
			if token = r.GetNextPageToken(); token == "" {
				break
			}
		}
		byName(out, option.label)
	}
	return out, nil
}

// byName puts a list keyed by names (countries, units, organizations,
// associations) in the Vietnamese order of its names, which is how people
// look for them: by code, "Đức" comes 57th and "Hoa Kỳ" 233rd. Numbers in
// names compare as numbers ("Trạm Y tế số 2" before "số 10"), which the
// server's order by display_name does not do, so the console sorts every
// list of names itself, with vntext.Sort. Lists whose codes have an order
// of their own (levels by rank, fields, ethnic groups and sectors as the
// official lists number them) keep it.
func byName[T any](list []T, name func(T) string) { vntext.Sort(list, name) }

func (o option) label() string { return o.Label }

// entry is how a datalist of list shows an option, and how a text box
// holding its code shows it again: "Tên (mã)", since units' names repeat
// (a district of 2024 and a commune of 2025, a Xã Châu Thành in several
// provinces). A field's entry is unique without its resource name
// (fieldEntry), which means nothing to a clerk.
func entry(list string, o option) string {
	if list == "fields" {
		return o.Label
	}
	return o.Label + " (" + o.Value + ")"
}

// fieldEntry is a field as the forms offer it: the classification's code
// and Vietnamese name ("102 Khoa học máy tính và thông tin"), and for a
// scheme other than the default the scheme's year, since the six areas
// are in every scheme by the same codes and names ("1 Khoa học tự nhiên
// (danh mục 2025)").
func fieldEntry(f *pb.Field) string {
	s := f.GetCode() + " " + f.GetNameVi()
	if f.GetScheme() != store.DefaultFieldScheme {
		s += " (danh mục " + strings.TrimPrefix(f.GetScheme(), "vn") + ")"
	}
	return s
}

// choiceView makes v, a text field holding a code, a select or a datalist
// of the list's names with the code chosen. A code the list does not hold
// is kept as a choice of its own, so that saving the form does not lose it.
func choiceView(v *fieldView, list string, opts []option) {
	if datalists[list] {
		v.Kind, v.List = "datalist", "list-"+list
		v.Options = nil
		for _, o := range opts {
			if o.Value == v.Value {
				v.Value = entry(list, o)
			}
			v.Options = append(v.Options, option{Value: entry(list, o)})
		}
		return
	}
	v.Kind = "enum"
	v.Options = []option{{Value: "", Label: "—"}}
	found := v.Value == ""
	for _, o := range opts {
		o.Selected = o.Value == v.Value
		found = found || o.Selected
		v.Options = append(v.Options, o)
	}
	switch {
	case withOther[v.Name]:
		v.Other = true
		if !found {
			v.OtherValue = v.Value
		}
	case !found:
		v.Options = append(v.Options, option{Value: v.Value, Label: v.Value, Selected: true})
	}
}

var trailingCode = regexp.MustCompile(`\(([^()]+)\)\s*$`)

// readChoice turns what a person chose or typed into the list's code:
// "Tên (mã)" as the datalist offers it, a name as the list writes it, or
// the code itself. Anything else is returned as typed, for the server to
// judge.
func readChoice(s string, opts []option) string {
	if m := trailingCode.FindStringSubmatch(s); m != nil {
		for _, o := range opts {
			if o.Value == m[1] {
				return o.Value
			}
		}
	}
	for _, o := range opts {
		if o.Value == s || strings.EqualFold(o.Label, s) {
			return o.Value
		}
	}
	// A name typed without its accents, which the browser's suggestions
	// do not match ("khoa hoc may tinh"), as the import reads one
	// (refdata.Lookup): the one entry it names, with or without its
	// leading code ("102 Khoa học máy tính…"), a unit's without the word
	// of its kind ("Long Xuyên"). Two alike are for the person to choose.
	entries := make([]refdata.Entry, len(opts))
	for i, o := range opts {
		entries[i] = refdata.Entry{Code: o.Value, Names: []string{o.Label}}
		if code, rest, ok := strings.Cut(o.Label, " "); ok && strings.Trim(code, "0123456789.") == "" {
			entries[i].Names = append(entries[i].Names, rest)
		}
		if short := refdata.UnitShortName(o.Label); short != "" {
			entries[i].Names = append(entries[i].Names, short)
		}
	}
	if found := refdata.Lookup(s, entries); len(found) == 1 {
		return found[0].Code
	}
	return s
}
