package transfer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/vntext"
)

// The sheets of records kept under a person. Their rows name the person by
// the people sheet's key column (Mã hồ sơ) or by national ID.
const (
	QualificationsSheet = "Bằng cấp"
	PositionsSheet      = "Chức vụ"
	HonorsSheet         = "Khen thưởng"
	WorksSheet          = "Công trình"
)

// RecordColumn is one column of a sheet of records: how a cell becomes
// the record's field, and back for an export.
type RecordColumn struct {
	Header, Field, List string
	Width               float64
	parse               func(rec any, cell string) error
	format              func(rec any) string
	date                bool // as Column's
}

// RecordSheet is a sheet of records of one kind.
type RecordSheet struct {
	Name    string
	Kind    string // the API's message field in errors: "qualification"
	Columns []RecordColumn
	// New makes an empty record: the API's message (*pb.Qualification),
	// or a *MembershipRecord.
	New func() any
}

// The person columns every sheet of records starts with.
const (
	refHeader = "Mã hồ sơ"
	nidHeader = "Số CCCD"
)

func rtext[T any](header, field string, width float64, get func(T) *string) RecordColumn {
	return RecordColumn{Header: header, Field: field, Width: width, parse: func(m any, cell string) error {
		s, err := ParseText(cell)
		*get(m.(T)) = s
		return err
	}, format: func(m any) string { return *get(m.(T)) }}
}

func rcode[T any](header, field, list string, get func(T) *string) RecordColumn {
	return RecordColumn{Header: header, Field: field, List: list, Width: 22, parse: func(m any, cell string) error {
		s, err := ParseText(cell) // Names.read took the code from "code - name"
		*get(m.(T)) = s
		return err
	}, format: func(m any) string { return *get(m.(T)) }}
}

// maxYear is the API's bound on a record's year.
const maxYear = 2200

// ParseYear reads a year alone: "2015", or 2015 as a spreadsheet's number.
func ParseYear(cell string) (int32, error) {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(cell, ".0"), 10, 32)
	if err != nil || n < 0 || n > 9999 {
		return 0, fmt.Errorf("%s is not a year: write it as 2015", quote(cell))
	}
	if n > maxYear {
		// Said here, once: the API's bound would say it too, in its own
		// words, beside the store's.
		return 0, fmt.Errorf("%d is in the future", n)
	}
	return int32(n), nil
}

func ryear[T any](get func(T) *int32) RecordColumn {
	return RecordColumn{Header: "Năm", Field: "year", Width: 8, parse: func(m any, cell string) (err error) {
		*get(m.(T)), err = ParseYear(cell)
		return err
	}, format: func(m any) string {
		if y := *get(m.(T)); y != 0 {
			return strconv.Itoa(int(y))
		}
		return ""
	}}
}

// rchoice is a column of a drop-down list of an enum's values (labels'
// words); an export writes the word of a value, an import reads it, an
// earlier word or the API name, for the values the list offers.
func rchoice[T any, E interface {
	~int32
	protoreflect.Enum
}](header, field, list string, get func(T) *E) RecordColumn {
	var zero E
	values := labels.Reader[E](zero.Descriptor())
	offered := map[string]bool{}
	for _, l := range FixedLists()[list] {
		offered[l] = true
	}
	for k, v := range values {
		if !offered[labels.Of(v)] {
			delete(values, k)
		}
	}
	return RecordColumn{Header: header, Field: field, List: list, Width: 20, parse: func(m any, cell string) (err error) {
		*get(m.(T)), err = choice(cell, values)
		return err
	}, format: func(m any) string { return labels.Of(*get(m.(T))) }}
}

func rdate[T any](header, field string, get func(T) **date.Date) RecordColumn {
	return RecordColumn{Header: header, Field: field, Width: 14, date: true, parse: func(m any, cell string) (err error) {
		*get(m.(T)), err = ParseDate(cell)
		return err
	}, format: func(m any) string { return FormatDate(*get(m.(T))) }}
}

// yesNo reads a yes/no cell.
var yesNo = map[string]yes{"có": 1, "không": 0, "x": 1}

// yes is a yes/no cell: 1 for yes.
type yes int32

// RecordSheets are the sheets of records, in the template's order.
var RecordSheets = []RecordSheet{
	{Name: QualificationsSheet, Kind: "qualification", New: func() any { return &pb.Qualification{} }, Columns: []RecordColumn{
		rchoice("Loại", "kind", "qualification_kind", func(q *pb.Qualification) *pb.Qualification_Kind { return &q.Kind }),
		rcode("Trình độ", "level", "level", func(q *pb.Qualification) *string { return &q.Level }),
		rtext("Chuyên ngành", "major", 24, func(q *pb.Qualification) *string { return &q.Major }),
		rcode("Lĩnh vực", "field", "field", func(q *pb.Qualification) *string { return &q.Field }),
		rtext("Cơ sở đào tạo", "institution", 28, func(q *pb.Qualification) *string { return &q.Institution }),
		rcode("Quốc gia", "country", "country", func(q *pb.Qualification) *string { return &q.Country }),
		ryear(func(q *pb.Qualification) *int32 { return &q.Year }),
		rtext("Số văn bằng", "document_number", 16, func(q *pb.Qualification) *string { return &q.DocumentNumber }),
		rchoice("Hình thức đào tạo", "mode_of_study", "study_mode", func(q *pb.Qualification) *pb.Qualification_StudyMode { return &q.ModeOfStudy }),
		withWidth(10, rcode("Ngôn ngữ", "language", "language", func(q *pb.Qualification) *string { return &q.Language })),
		// Last, so that the columns of files made before it keep their
		// places. A title written in Trình độ ("Kỹ sư") is kept here too
		// (degreeTitle).
		withList("degree_title", rtext(degreeTitleHeader, "degree_title", 14, func(q *pb.Qualification) *string { return &q.DegreeTitle })),
	}},
	{Name: PositionsSheet, Kind: "position", New: func() any { return &pb.Position{} }, Columns: []RecordColumn{
		organizationColumn(),
		rtext("Tên cơ quan", "organization_name", 28, func(p *pb.Position) *string { return &p.OrganizationName }),
		rtext("Chức vụ", "title", 20, func(p *pb.Position) *string { return &p.Title }),
		rtext("Phòng ban", "department", 20, func(p *pb.Position) *string { return &p.Department }),
		rchoice("Loại hình", "employment_type", "employment_type", func(p *pb.Position) *pb.Position_EmploymentType { return &p.EmploymentType }),
		rcode("Quốc gia", "country", "country", func(p *pb.Position) *string { return &p.Country }),
		rcode("Đơn vị hành chính", "administrative_unit", "unit", func(p *pb.Position) *string { return &p.AdministrativeUnit }),
		rdate("Từ ngày", "start", func(p *pb.Position) **date.Date { return &p.Start }),
		rdate("Đến ngày", "end", func(p *pb.Position) **date.Date { return &p.End }),
		{Header: "Hiện tại", Field: "current", List: "yes_no", Width: 10, parse: func(m any, cell string) error {
			v, err := choice(cell, yesNo)
			m.(*pb.Position).Current = v == 1
			return err
		}, format: func(m any) string {
			if m.(*pb.Position).Current {
				return "Có"
			}
			return ""
		}},
	}},
	{Name: HonorsSheet, Kind: "honor", New: func() any { return &pb.Honor{} }, Columns: []RecordColumn{
		rtext("Danh hiệu", "title", 30, func(h *pb.Honor) *string { return &h.Title }),
		rchoice("Loại", "kind", "honor_kind", func(h *pb.Honor) *pb.Honor_Kind { return &h.Kind }),
		ryear(func(h *pb.Honor) *int32 { return &h.Year }),
		rtext("Cơ quan trao", "issuer", 24, func(h *pb.Honor) *string { return &h.Issuer }),
		rtext("Số quyết định", "decision_number", 16, func(h *pb.Honor) *string { return &h.DecisionNumber }),
	}},
	MembershipsSheetDef,
	{Name: WorksSheet, Kind: "work", New: func() any { return &pb.Work{} }, Columns: []RecordColumn{
		rchoice("Loại", "kind", "work_kind", func(w *pb.Work) *pb.Work_Kind { return &w.Kind }),
		rtext("Tên công trình", "title", 40, func(w *pb.Work) *string { return &w.Title }),
		ryear(func(w *pb.Work) *int32 { return &w.Year }),
		rchoice("Vai trò", "role", "work_role", func(w *pb.Work) *pb.Work_Role { return &w.Role }),
		rchoice("Cấp", "level", "work_level", func(w *pb.Work) *pb.Work_Level { return &w.Level }),
		rtext("DOI", "doi", 22, func(w *pb.Work) *string { return &w.Doi }),
		rtext("Số bằng, quyết định", "document_number", 18, func(w *pb.Work) *string { return &w.DocumentNumber }),
		rtext("Nơi công bố, cơ quan phê duyệt", "venue", 28, func(w *pb.Work) *string { return &w.Venue }),
		rcode("Lĩnh vực", "field", "field", func(w *pb.Work) *string { return &w.Field }),
	}},
}

func withWidth(w float64, c RecordColumn) RecordColumn {
	c.Width = w
	return c
}

func withList(list string, c RecordColumn) RecordColumn {
	c.List = list
	return c
}

// organizationColumn is a position's registered organization, by name
// (organizations/...) or the drop-down's "organizations/x - Tên".
func organizationColumn() RecordColumn {
	c := rcode("Cơ quan", "organization", "organization", func(p *pb.Position) *string { return &p.Organization })
	parse := c.parse
	c.parse = func(m any, cell string) error {
		err := parse(m, cell)
		if p := m.(*pb.Position); p.Organization != "" {
			p.Organization = "organizations/" + strings.TrimPrefix(p.Organization, "organizations/")
		}
		return err
	}
	return c
}

// RecordSheetNamed returns the sheet of records a workbook's sheet name
// names, or nil.
func RecordSheetNamed(name string) *RecordSheet {
	n := vntext.Fold(strings.TrimSpace(name))
	for i := range RecordSheets {
		if vntext.Fold(RecordSheets[i].Name) == n {
			return &RecordSheets[i]
		}
	}
	return nil
}

// RecordMapping says which column of a sheet of records holds what; -1 is
// the person's key, -2 the national ID, -3 unknown.
type RecordMapping struct {
	sheet    *RecordSheet
	headers  []string
	cols     []int
	date1904 bool
	names    Names
}

// SetDate1904 says the workbook counts serial dates from 1904.
func (m *RecordMapping) SetDate1904(on bool) { m.date1904 = on }

// SetNames is Mapping.SetNames for a sheet of records.
func (m *RecordMapping) SetNames(n Names) { m.names = n }

// MapRecordHeader reads the header row of a sheet of records.
func (s *RecordSheet) MapHeader(header []string) (*RecordMapping, []CellError) {
	m := &RecordMapping{sheet: s, headers: header, cols: make([]int, len(header))}
	var errs []CellError
	seen := map[int]bool{}
	for i, h := range header {
		m.cols[i] = -3
		f := vntext.Fold(strings.TrimSpace(h))
		if f == "" || isErrorsHeader(h) || isNumberingHeader(h) {
			continue
		}
		j := -3
		switch f {
		case vntext.Fold(refHeader), "person":
			j = -1
		case vntext.Fold(nidHeader), "national_id":
			j = -2
		default:
			for k, c := range s.Columns {
				if f == vntext.Fold(c.Header) || f == c.Field {
					j = k
				}
			}
		}
		switch {
		case j == -3:
			var all []string
			for _, c := range s.Columns {
				all = append(all, c.Header)
			}
			errs = append(errs, CellError{Column: h, Index: i, Msg: fmt.Sprintf("unknown column %s of sheet %q; its columns are: %s, %s, %s", quote(h), s.Name, refHeader, nidHeader, strings.Join(all, ", "))})
		case seen[j]:
			errs = append(errs, CellError{Column: h, Index: i, Msg: fmt.Sprintf("column %s appears twice", quote(h))})
		default:
			seen[j] = true
			m.cols[i] = j
		}
	}
	if !seen[-1] && !seen[-2] {
		errs = append(errs, CellError{Index: -1, Msg: fmt.Sprintf("sheet %q has neither a column %q nor %q: each row must say whose record it is", s.Name, refHeader, nidHeader)})
	}
	return m, errs
}

// Headers is the header row the mapping was made from.
func (m *RecordMapping) Headers() []string { return m.headers }

// Record reads a row: the person's key and national ID, the record, and
// every cell it could not read (or read with a Warning).
func (m *RecordMapping) Record(cells []string) (ref, nationalID string, rec any, errs []CellError) {
	rec = m.sheet.New()
	for i, cell := range cells {
		if i >= len(m.cols) {
			if strings.TrimSpace(cell) != "" {
				errs = append(errs, CellError{Index: i, Msg: "a value in a column without a header"})
			}
			continue
		}
		var err error
		field := ""
		switch j := m.cols[i]; j {
		case -3:
			continue
		case -1:
			field = "person.name"
			ref, err = ParseText(cell)
		case -2:
			field = "person.national_id"
			nationalID, err = ParseNationalID(cell)
		default:
			c := m.sheet.Columns[j]
			field = m.sheet.Kind + "." + c.Field
			if c.date && m.date1904 {
				cell = from1904(cell)
			}
			if cell, err = m.names.read(c.List, cell); err == nil {
				err = c.parse(rec, cell)
			}
		}
		if err != nil {
			errs = append(errs, cellError(m.headers[i], i, field, err))
		}
	}
	keepTitle(m, cells, rec)
	if e := degreeTitle(m, cells, rec); e != nil && !slices.ContainsFunc(errs, func(c CellError) bool { return c.Index == e.Index }) {
		errs = append(errs, *e)
	}
	if e := contactWithoutConsent(m, cells, rec); e != nil && !slices.ContainsFunc(errs, func(c CellError) bool { return c.Index == e.Index }) {
		errs = append(errs, *e)
	}
	return ref, nationalID, rec, errs
}

// keepTitle keeps as written a degree's title (Cử nhân) in the level of
// a qualification of another kind: the title names a level of the
// national framework (refdata.LevelAliases), which a political theory
// certificate's Cử nhân is not.
func keepTitle(m *RecordMapping, cells []string, rec any) {
	q, ok := rec.(*pb.Qualification)
	if !ok {
		return
	}
	switch q.Kind {
	case pb.Qualification_KIND_UNSPECIFIED, pb.Qualification_DEGREE, pb.Qualification_ACADEMIC_TITLE:
		return
	}
	if i := m.ColumnOf("qualification.level"); i >= 0 && i < len(cells) && refdata.IsLevelAlias(cells[i]) {
		if s, err := ParseText(cells[i]); err == nil {
			q.Level = s
		}
	}
}

// ColumnOf returns the index in the file of an API field path such as
// "qualification.year" or "person.national_id", or -1.
func (m *RecordMapping) ColumnOf(field string) int {
	for i, j := range m.cols {
		switch {
		case j == -1 && field == "person.name", j == -2 && field == "person.national_id":
			return i
		case j >= 0:
			f := m.sheet.Kind + "." + m.sheet.Columns[j].Field
			if field == f || strings.HasPrefix(field, f+".") {
				return i
			}
		}
	}
	return -1
}

// Header is the sheet's header row: the person's key and national ID,
// then the kind's columns.
func (s *RecordSheet) Header() []string {
	h := []string{refHeader, nidHeader}
	for _, c := range s.Columns {
		h = append(h, c.Header)
	}
	return h
}

// Cells is a record as a row under Header, which MapHeader and Record
// read back as the same record.
func (s *RecordSheet) Cells(person, nationalID string, rec any) []string {
	out := []string{person, nationalID}
	for _, c := range s.Columns {
		out = append(out, c.format(rec))
	}
	return out
}
