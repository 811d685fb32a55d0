package transfer

import (
	"errors"
	"fmt"
	"strings"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// PeopleSheet is the name of the template's sheet of people.
const PeopleSheet = "Người"

// Column is one column of the people sheet: its Vietnamese header, the API
// field it fills, how a cell becomes the field and back, and the drop-down
// list (a reference list's name) the template offers for it.
type Column struct {
	Header string
	Field  string
	List   string
	Width  float64
	parse  func(p *pb.Person, cell string) error
	format func(p *pb.Person) string
	// date: the cell may be a serial date, of the workbook's date system.
	date bool
}

// The words of the enums' values are the labels package's, as the console
// and the statistics say them; a cell may also hold an earlier word or the
// API name.
var (
	genders       = labels.Reader[pb.Person_Gender](pb.Person_Gender(0).Descriptor())
	workLocations = labels.Reader[pb.Person_WorkLocation](pb.Person_WorkLocation(0).Descriptor())
)

func text(get func(p *pb.Person) *string) (func(*pb.Person, string) error, func(*pb.Person) string) {
	return func(p *pb.Person, cell string) error {
			s, err := ParseText(cell)
			*get(p) = s
			return err
		}, func(p *pb.Person) string {
			return *get(p)
		}
}

func col(header, field string, width float64, list string, parse func(*pb.Person, string) error, format func(*pb.Person) string) Column {
	return Column{Header: header, Field: field, Width: width, List: list, parse: parse, format: format}
}

func textCol(header, field string, width float64, get func(p *pb.Person) *string) Column {
	parse, format := text(get)
	return col(header, field, width, "", parse, format)
}

func codeCol(header, field, list string, get func(p *pb.Person) *string) Column {
	return col(header, field, 18, list, func(p *pb.Person, cell string) error {
		s, err := ParseText(cell) // Names.read took the code from "code - name"
		*get(p) = s
		return err
	}, func(p *pb.Person) string { return *get(p) })
}

// PeopleColumns are the columns of the people sheet, in the template's
// order. An import finds them by header, in any order and case, with or
// without diacritics, or by the API field name.
var PeopleColumns = []Column{
	textCol("Mã hồ sơ", "name", 24, func(p *pb.Person) *string { return &p.Name }),
	textCol("Họ", "family_name", 14, func(p *pb.Person) *string { return &p.FamilyName }),
	textCol("Tên đệm", "middle_name", 16, func(p *pb.Person) *string { return &p.MiddleName }),
	textCol("Tên", "given_name", 12, func(p *pb.Person) *string { return &p.GivenName }),
	col("Giới tính", "gender", 10, "gender", func(p *pb.Person, cell string) (err error) {
		p.Gender, err = choice(cell, genders)
		return err
	}, func(p *pb.Person) string { return labels.Of(p.Gender) }),
	{Header: "Ngày sinh", Field: "birth_date", Width: 14, date: true, parse: func(p *pb.Person, cell string) (err error) {
		p.BirthDate, err = ParseDate(cell)
		return err
	}, format: func(p *pb.Person) string { return FormatDate(p.BirthDate) }},
	codeCol("Dân tộc", "ethnicity", "ethnicity", func(p *pb.Person) *string { return &p.Ethnicity }),
	col("Số CCCD", "national_id", 16, "", func(p *pb.Person, cell string) (err error) {
		p.NationalId, err = ParseNationalID(cell)
		return err
	}, func(p *pb.Person) string { return p.NationalId }),
	textCol("Email", "email", 26, func(p *pb.Person) *string { return &p.Email }),
	col("Điện thoại", "phone", 16, "", func(p *pb.Person, cell string) (err error) {
		p.Phone, err = ParsePhone(cell)
		return err
	}, func(p *pb.Person) string { return p.Phone }),
	codeCol("Quê quán", "hometown", "unit", func(p *pb.Person) *string { return &p.Hometown }),
	col("Địa chỉ", "address", 30, "", func(p *pb.Person, cell string) (err error) {
		p.Address, err = ParseAddress(cell)
		return err
	}, func(p *pb.Person) string { return p.Address }),
	col("Nơi làm việc", "work_location", 14, "work_location", func(p *pb.Person, cell string) (err error) {
		p.WorkLocation, err = choice(cell, workLocations)
		return err
	}, func(p *pb.Person) string { return labels.Of(p.WorkLocation) }),
	codeCol("Quốc gia làm việc", "work_country", "country", func(p *pb.Person) *string { return &p.WorkCountry }),
	// The day from which a new person counts in the figures as on a date;
	// a registered person keeps theirs (store/registrydate.go).
	{Header: "Ngày vào danh sách", Field: "registry_date", Width: 16, date: true, parse: func(p *pb.Person, cell string) (err error) {
		p.RegistryDate, err = ParseDate(cell)
		return err
	}, format: func(p *pb.Person) string { return FormatDate(p.RegistryDate) }},
}

// Header returns the headers of cols.
func Header(cols []Column) []string {
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Header
	}
	return h
}

// ColumnsFor returns the columns whose API field names are in fields, in
// that order; all of them when fields is empty.
func ColumnsFor(fields []string) ([]Column, error) {
	if len(fields) == 0 {
		return PeopleColumns, nil
	}
	var out []Column
	for _, f := range fields {
		i := findColumn(f)
		if i < 0 {
			return nil, fmt.Errorf("unknown column %q; the columns are the fields %s", f, strings.Join(fieldNames(), ", "))
		}
		out = append(out, PeopleColumns[i])
	}
	return out, nil
}

func fieldNames() []string {
	var n []string
	for _, c := range PeopleColumns {
		n = append(n, c.Field)
	}
	return n
}

func findColumn(header string) int {
	h := vntext.Fold(strings.TrimSpace(header))
	for i, c := range PeopleColumns {
		if h == vntext.Fold(c.Header) || h == c.Field {
			return i
		}
	}
	return -1
}

// Cells returns the cells of p in cols.
func Cells(cols []Column, p *pb.Person) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.format(p)
	}
	return out
}

// CellError is a problem with one cell, or with a whole row when Column is
// empty.
type CellError struct {
	Column string // the header, as the file has it
	Index  int    // 0-based column index, -1 for the row
	Field  string // the API field, e.g. "person.birth_date"
	Msg    string
	// Warning: the cell was read, otherwise than it is written (a
	// Warning of its parser); the row is not refused for it.
	Warning bool
}

// cellError is the problem err of a cell.
func cellError(column string, index int, field string, err error) CellError {
	var w *Warning
	return CellError{Column: column, Index: index, Field: field, Msg: err.Error(), Warning: errors.As(err, &w)}
}

// Mapping says which column of a file holds which field.
type Mapping struct {
	headers  []string
	fields   []int // index in PeopleColumns per file column, -1 when unknown
	date1904 bool
	names    Names
}

// SetNames gives the reference lists whose names the columns of codes
// read (Names); without them a cell must hold the code.
func (m *Mapping) SetNames(n Names) { m.names = n }

// SetDate1904 says the workbook counts serial dates from 1904.
func (m *Mapping) SetDate1904(on bool) { m.date1904 = on }

// MapHeader reads a header row. Columns it does not know are refused: a
// misspelt header must not leave a column silently unread. The errors
// column of a report (Lỗi) is left unread, so that a corrected report
// imports. A column numbering the rows (STT) is left unread too.
func MapHeader(header []string) (*Mapping, []CellError) {
	m := &Mapping{headers: header, fields: make([]int, len(header))}
	var errs []CellError
	seen := map[int]bool{}
	for i, h := range header {
		m.fields[i] = -1
		if strings.TrimSpace(h) == "" || isErrorsHeader(h) || isNumberingHeader(h) {
			continue
		}
		j := findColumn(h)
		switch {
		case j < 0:
			errs = append(errs, CellError{Column: h, Index: i, Msg: fmt.Sprintf("unknown column %s; the template's columns are: %s", quote(h), strings.Join(Header(PeopleColumns), ", "))})
		case seen[j]:
			errs = append(errs, CellError{Column: h, Index: i, Msg: fmt.Sprintf("column %s appears twice", quote(h))})
		default:
			seen[j] = true
			m.fields[i] = j
		}
	}
	// A file with Mã hồ sơ fills in registered people and needs no names
	// (an export with chosen columns, say); any other names new people.
	if findIn(seen, "given_name") < 0 && findIn(seen, "name") < 0 {
		errs = append(errs, CellError{Index: -1, Msg: "the header has no column \"Tên\" (given_name), nor \"Mã hồ sơ\" (name) to fill in registered people: the first row must be the template's headers (an export with chosen columns imports when they include name or given_name)"})
	}
	return m, errs
}

func findIn(seen map[int]bool, field string) int {
	for j := range seen {
		if PeopleColumns[j].Field == field {
			return j
		}
	}
	return -1
}

// Headers is the header row the mapping was made from.
func (m *Mapping) Headers() []string { return m.headers }

// Blank reports whether a row has no text at all: blank rows are skipped.
func Blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Person reads a row into a person, and lists every cell it could not read
// (and every one it read with a Warning).
func (m *Mapping) Person(cells []string) (*pb.Person, []CellError) {
	p := &pb.Person{}
	var errs []CellError
	for i, cell := range cells {
		if i >= len(m.fields) {
			if strings.TrimSpace(cell) != "" {
				errs = append(errs, CellError{Index: i, Msg: "a value in a column without a header"})
			}
			continue
		}
		j := m.fields[i]
		if j < 0 {
			continue
		}
		c := PeopleColumns[j]
		if c.date && m.date1904 {
			cell = from1904(cell)
		}
		cell, err := m.names.read(c.List, cell)
		if err == nil {
			err = c.parse(p, cell)
		}
		if err != nil {
			errs = append(errs, cellError(m.headers[i], i, "person."+c.Field, err))
		}
	}
	return p, errs
}

// ColumnOf returns the index in the file of an API field path such as
// "person.birth_date", or -1.
func (m *Mapping) ColumnOf(field string) int {
	field = strings.TrimPrefix(field, "person.")
	if i := strings.IndexAny(field, ".["); i >= 0 {
		field = field[:i]
	}
	for i, j := range m.fields {
		if j >= 0 && PeopleColumns[j].Field == field {
			return i
		}
	}
	return -1
}

// Repeats reports whether two rows of a sheet of people (rows, header
// first, as Workbook.Rows gives them) may name one person, as an import
// would match them. The later row then finds what the earlier did (fills
// in or conflicts with its values, or resembles it), so a dry run of such
// a file runs in one transaction, as the import does
// (store.Importer.Yield). A row repeats one before it when
//   - they have the same Mã hồ sơ or national ID, or one has a Mã hồ sơ
//     and the other a national ID alone (the registered person may have
//     it);
//   - the row has neither (only such a row is compared with look-alikes)
//     and the same email in any case, or the same name as
//     vntext.Canonical spells it and birth date; or, of a row with a key,
//     the one of these two it has (the other may be the registered
//     person's).
//
// It reads the rows in memory, outside any transaction.
func (m *Mapping) Repeats(rows Rows) (bool, error) {
	seen := map[string]bool{}
	for header := true; rows.Next(); header = false {
		_, cells := rows.Row()
		if header || Blank(cells) {
			continue
		}
		// A cell that cannot be read leaves its field empty; the row's
		// other fields still count.
		p, _ := m.Person(cells)
		id, nid := vntext.Clean(p.Name), vntext.Clean(p.NationalId)
		names := "names:" + vntext.Canonical(p.FamilyName) + "\x00" + vntext.Canonical(p.MiddleName) + "\x00" + vntext.Canonical(p.GivenName)
		born := ""
		if d := p.GetBirthDate(); d.GetYear() != 0 {
			born = fmt.Sprintf("born:%d-%d-%d", d.Year, d.Month, d.Day)
		}
		// finds are what the row would find of a row before; keys, what
		// it leaves for the rows after.
		var finds, keys []string
		if p.Email != "" {
			email := "email:" + strings.ToLower(vntext.Clean(p.Email))
			keys = append(keys, email)
			if id == "" && nid == "" {
				finds = append(finds, email)
			}
		}
		switch {
		case id == "" && nid == "":
			if born != "" {
				finds = append(finds, names+born, names, born)
				keys = append(keys, names+born)
			}
		case id != "":
			// The registered person may have a national ID that another
			// row gives alone.
			finds = append(finds, "id:"+id, "nid only")
			keys = append(keys, "id:"+id, "by id")
			if nid != "" {
				finds = append(finds, "nid:"+nid)
				keys = append(keys, "nid:"+nid)
			}
		default:
			finds = append(finds, "nid:"+nid, "by id")
			keys = append(keys, "nid:"+nid, "nid only")
		}
		if id != "" || nid != "" {
			switch {
			case p.GivenName != "" && born != "":
				keys = append(keys, names+born)
			case p.GivenName != "":
				keys = append(keys, names)
			case born != "":
				keys = append(keys, born)
			}
		}
		for _, k := range finds {
			if seen[k] {
				return true, nil
			}
		}
		for _, k := range keys {
			seen[k] = true
		}
	}
	return false, rows.Err()
}
