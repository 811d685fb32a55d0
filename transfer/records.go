package transfer

import (
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// The sheets of records kept under a person. Their rows name the person by
// the people sheet's key column (Mã hồ sơ) or by national ID.
const (
	QualificationsSheet = "Bằng cấp"
	PositionsSheet      = "Chức vụ"
	HonorsSheet         = "Khen thưởng"
)

// RecordColumn is one column of a sheet of records.
type RecordColumn struct {
	Header, Field, List string
	Width               float64
	parse               func(m proto.Message, cell string) error
}

// RecordSheet is a sheet of records of one kind.
type RecordSheet struct {
	Name    string
	Kind    string // the API's message field in errors: "qualification"
	Columns []RecordColumn
	New     func() proto.Message
}

// The person columns every sheet of records starts with.
const (
	refHeader = "Mã hồ sơ"
	nidHeader = "Số CCCD"
)

func rtext[T proto.Message](header, field string, width float64, set func(T, string)) RecordColumn {
	return RecordColumn{Header: header, Field: field, Width: width, parse: func(m proto.Message, cell string) error {
		s, err := ParseText(cell)
		set(m.(T), s)
		return err
	}}
}

func rcode[T proto.Message](header, field, list string, set func(T, string)) RecordColumn {
	return RecordColumn{Header: header, Field: field, List: list, Width: 22, parse: func(m proto.Message, cell string) error {
		s, err := ParseText(ParseCode(cell))
		set(m.(T), s)
		return err
	}}
}

func ryear[T proto.Message](set func(T, int32)) RecordColumn {
	return RecordColumn{Header: "Năm", Field: "year", Width: 8, parse: func(m proto.Message, cell string) error {
		cell = strings.TrimSpace(cell)
		if cell == "" {
			return nil
		}
		n, err := strconv.Atoi(cell)
		if err != nil {
			return fmt.Errorf("%q is not a year: write it as 2015", cell)
		}
		set(m.(T), int32(n))
		return nil
	}}
}

func rchoice[T proto.Message, E ~int32](header, field, list string, values map[string]E, set func(T, E)) RecordColumn {
	return RecordColumn{Header: header, Field: field, List: list, Width: 20, parse: func(m proto.Message, cell string) error {
		v, err := choice(cell, values)
		set(m.(T), v)
		return err
	}}
}

func rdate[T proto.Message](header, field string, set func(T, string) error) RecordColumn {
	return RecordColumn{Header: header, Field: field, Width: 14, parse: func(m proto.Message, cell string) error {
		return set(m.(T), cell)
	}}
}

// Labels of the kinds, as the drop-downs offer them.
var (
	qualificationKinds = map[string]pb.Qualification_Kind{
		"bằng cấp": pb.Qualification_DEGREE, "học hàm": pb.Qualification_ACADEMIC_TITLE,
		"chứng chỉ chuyên môn": pb.Qualification_PROFESSIONAL_CERTIFICATE, "chứng chỉ nghề": pb.Qualification_VOCATIONAL_CERTIFICATE,
		"lý luận chính trị": pb.Qualification_POLITICAL_THEORY, "quản lý nhà nước": pb.Qualification_STATE_MANAGEMENT,
		"ngoại ngữ": pb.Qualification_FOREIGN_LANGUAGE, "tin học": pb.Qualification_IT_SKILL,
	}
	honorKinds = map[string]pb.Honor_Kind{
		"danh hiệu của tỉnh": pb.Honor_PROVINCIAL_HONOR, "danh hiệu nhà nước": pb.Honor_STATE_TITLE, "giải thưởng": pb.Honor_AWARD,
		"huân, huy chương": pb.Honor_ORDER_OR_MEDAL, "bằng khen": pb.Honor_CERTIFICATE_OF_MERIT, "khác": pb.Honor_OTHER_HONOR,
	}
	yesNo = map[string]int32{"có": 1, "không": 0, "x": 1}
)

func init() {
	// The API's enum names are read as well as the labels.
	for n, v := range pb.Qualification_Kind_value {
		qualificationKinds[strings.ToLower(n)] = pb.Qualification_Kind(v)
	}
	for n, v := range pb.Honor_Kind_value {
		honorKinds[strings.ToLower(n)] = pb.Honor_Kind(v)
	}
}

// RecordSheets are the sheets of records, in the template's order.
var RecordSheets = []RecordSheet{
	{Name: QualificationsSheet, Kind: "qualification", New: func() proto.Message { return &pb.Qualification{} }, Columns: []RecordColumn{
		rchoice("Loại", "kind", "qualification_kind", qualificationKinds, func(q *pb.Qualification, v pb.Qualification_Kind) { q.Kind = v }),
		rcode("Trình độ", "level", "level", func(q *pb.Qualification, s string) { q.Level = s }),
		rtext("Chuyên ngành", "major", 24, func(q *pb.Qualification, s string) { q.Major = s }),
		rcode("Lĩnh vực", "field", "field", func(q *pb.Qualification, s string) { q.Field = s }),
		rtext("Cơ sở đào tạo", "institution", 28, func(q *pb.Qualification, s string) { q.Institution = s }),
		rcode("Quốc gia", "country", "country", func(q *pb.Qualification, s string) { q.Country = s }),
		ryear(func(q *pb.Qualification, n int32) { q.Year = n }),
		rtext("Số văn bằng", "document_number", 16, func(q *pb.Qualification, s string) { q.DocumentNumber = s }),
	}},
	{Name: PositionsSheet, Kind: "position", New: func() proto.Message { return &pb.Position{} }, Columns: []RecordColumn{
		rcode("Cơ quan", "organization", "organization", func(p *pb.Position, s string) {
			if s != "" {
				p.Organization = "organizations/" + strings.TrimPrefix(s, "organizations/")
			}
		}),
		rtext("Tên cơ quan", "organization_name", 28, func(p *pb.Position, s string) { p.OrganizationName = s }),
		rtext("Chức vụ", "title", 20, func(p *pb.Position, s string) { p.Title = s }),
		rtext("Phòng ban", "department", 20, func(p *pb.Position, s string) { p.Department = s }),
		rdate("Từ ngày", "start", func(p *pb.Position, cell string) (err error) { p.Start, err = ParseDate(cell); return err }),
		rdate("Đến ngày", "end", func(p *pb.Position, cell string) (err error) { p.End, err = ParseDate(cell); return err }),
		rchoice("Hiện tại", "current", "yes_no", yesNo, func(p *pb.Position, v int32) { p.Current = v == 1 }),
	}},
	{Name: HonorsSheet, Kind: "honor", New: func() proto.Message { return &pb.Honor{} }, Columns: []RecordColumn{
		rtext("Danh hiệu", "title", 30, func(h *pb.Honor, s string) { h.Title = s }),
		rchoice("Loại", "kind", "honor_kind", honorKinds, func(h *pb.Honor, v pb.Honor_Kind) { h.Kind = v }),
		ryear(func(h *pb.Honor, n int32) { h.Year = n }),
		rtext("Cơ quan trao", "issuer", 24, func(h *pb.Honor, s string) { h.Issuer = s }),
		rtext("Số quyết định", "decision_number", 16, func(h *pb.Honor, s string) { h.DecisionNumber = s }),
	}},
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
	sheet   *RecordSheet
	headers []string
	cols    []int
}

// MapRecordHeader reads the header row of a sheet of records.
func (s *RecordSheet) MapHeader(header []string) (*RecordMapping, []CellError) {
	m := &RecordMapping{sheet: s, headers: header, cols: make([]int, len(header))}
	var errs []CellError
	seen := map[int]bool{}
	for i, h := range header {
		m.cols[i] = -3
		f := vntext.Fold(strings.TrimSpace(h))
		if f == "" {
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
			errs = append(errs, CellError{Column: h, Index: i, Msg: fmt.Sprintf("unknown column %q of sheet %q; its columns are: %s, %s, %s", h, s.Name, refHeader, nidHeader, strings.Join(all, ", "))})
		case seen[j]:
			errs = append(errs, CellError{Column: h, Index: i, Msg: fmt.Sprintf("column %q appears twice", h)})
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
// every cell it could not read.
func (m *RecordMapping) Record(cells []string) (ref, nationalID string, rec proto.Message, errs []CellError) {
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
			nationalID, err = ParseDigits(cell)
		default:
			c := m.sheet.Columns[j]
			field = m.sheet.Kind + "." + c.Field
			err = c.parse(rec, cell)
		}
		if err != nil {
			errs = append(errs, CellError{Column: m.headers[i], Index: i, Field: field, Msg: err.Error()})
		}
	}
	return ref, nationalID, rec, errs
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
