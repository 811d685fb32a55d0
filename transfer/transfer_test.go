package transfer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want *date.Date
		bad  bool
	}{
		{"", nil, false},
		{"1975", &date.Date{Year: 1975}, false},
		{"28/02/1980", &date.Date{Year: 1980, Month: 2, Day: 28}, false},
		{"1/2/1980", &date.Date{Year: 1980, Month: 2, Day: 1}, false},
		{"01-02-1980", &date.Date{Year: 1980, Month: 2, Day: 1}, false},
		{"1980-02-01", &date.Date{Year: 1980, Month: 2, Day: 1}, false},
		{"29201", &date.Date{Year: 1979, Month: 12, Day: 12}, false}, // an Excel serial
		{"29201.5", &date.Date{Year: 1979, Month: 12, Day: 12}, false},
		{"10/2025", &date.Date{Year: 2025, Month: 10}, false},
		{"13/2025", nil, true},
		{"31/02/1980", nil, true},
		{"13/13/1980", nil, true},
		{"02/01/80", nil, true},
		{"tháng 3", nil, true},
		{"15 tháng 3 năm 1980", &date.Date{Year: 1980, Month: 3, Day: 15}, false},
		{"Ngày 05 tháng 03 năm 1980", &date.Date{Year: 1980, Month: 3, Day: 5}, false},
		{"ngày 15/03/1980", &date.Date{Year: 1980, Month: 3, Day: 15}, false},
		{"tháng 3/1980", &date.Date{Year: 1980, Month: 3}, false},
		{"Năm 1980", &date.Date{Year: 1980}, false},
		{"ngày 31 tháng 2 năm 1980", nil, true},
		{"ngày mai", nil, true},
		{"-5", nil, true},
		{"1e9", nil, true},
		{"1980.0", &date.Date{Year: 1980}, false}, // a year kept as a number
		{"1980.5", nil, true},
		{"03.1980", &date.Date{Year: 1980, Month: 3}, false},
		{"15.3", nil, true}, // not a plausible date
		{"60", nil, true},   // Excel's 29/02/1900, which never was
		{"59", nil, true},
		{"61", &date.Date{Year: 1900, Month: 3, Day: 1}, false},
		{"NaN", nil, true},
		{"Inf", nil, true},
	} {
		got, err := ParseDate(c.in)
		if (err != nil) != c.bad {
			t.Errorf("ParseDate(%q) error %v, want error %v", c.in, err, c.bad)
			continue
		}
		if !c.bad && !proto.Equal(got, c.want) {
			t.Errorf("ParseDate(%q) = %v, want %v", c.in, got, c.want)
		}
		if !c.bad && got != nil {
			back, err := ParseDate(FormatDate(got))
			if err != nil || !proto.Equal(back, got) {
				t.Errorf("FormatDate(%v) = %q does not read back", got, FormatDate(got))
			}
		}
	}
}

func readAll(t *testing.T, data []byte, f Format) [][]string {
	t.Helper()
	wb, err := Open(data, f)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.Rows(wb.Sheets()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		_, cells := rows.Row()
		out = append(out, cells)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCSVSeparatorsAndBOM(t *testing.T) {
	for _, data := range []string{
		"\xEF\xBB\xBFHọ,Tên\nNguyễn,An\n",
		"Họ;Tên\r\nNguyễn;An\r\n",
		"\xEF\xBB\xBF\"Họ\";\"Tên\"\nNguyễn;An\n",
	} {
		got := readAll(t, []byte(data), CSV)
		if len(got) != 2 || got[0][0] != "Họ" || got[1][1] != "An" {
			t.Errorf("%q read as %q", data, got)
		}
	}
	if _, err := Open([]byte("H\xF4;T\xEAn\n"), CSV); err == nil {
		t.Error("a CSV file in Windows-1258 was accepted")
	}
}

func TestXLSXRowsAndPeople(t *testing.T) {
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", PeopleSheet)
	f.SetSheetRow(PeopleSheet, "A1", &[]any{"Ho", "TÊN", "ngày sinh", "Số CCCD", "Giới tính", "Dân tộc"})
	f.SetSheetRow(PeopleSheet, "A2", &[]any{"Nguyễn", "An", 29201, "'001080000123", "Nữ", "05 - Khmer"})
	f.SetSheetRow(PeopleSheet, "A3", &[]any{"NguyÔn", "", "31/02/1980", "1.23457E+11", "X", ""})
	var buf bytes.Buffer
	f.WriteTo(&buf)
	rows := readAll(t, buf.Bytes(), Sniff("", buf.Bytes()))
	m, errs := MapHeader(rows[0])
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, errs := m.Person(rows[1])
	want := &pb.Person{FamilyName: "Nguyễn", GivenName: "An", BirthDate: &date.Date{Year: 1979, Month: 12, Day: 12},
		NationalId: "001080000123", Gender: pb.Person_FEMALE, Ethnicity: "05"}
	if len(errs) > 0 || !proto.Equal(p, want) {
		t.Errorf("row 2 = %v %v, want %v", p, errs, want)
	}
	_, errs = m.Person(rows[2])
	fields := map[string]bool{}
	for _, e := range errs {
		fields[e.Field] = true
	}
	for _, f := range []string{"person.family_name", "person.birth_date", "person.national_id", "person.gender"} {
		if !fields[f] {
			t.Errorf("row 3: no error on %s (errors %v)", f, errs)
		}
	}
}

func TestMapHeaderRefusesUnknownColumns(t *testing.T) {
	_, errs := MapHeader([]string{"Họ", "Tenn", "Họ"})
	if len(errs) != 3 { // unknown, twice, and no given name
		t.Errorf("errors %v", errs)
	}
}

// The column numbering a list's rows (STT), which lists typed by hand
// have, is left unread on every sheet, however written; a misspelt one is
// refused as any unknown column.
func TestMapHeaderLeavesTheNumberingColumn(t *testing.T) {
	for _, h := range []string{"STT", "TT", "Số TT", "S.T.T", "Số thứ tự", " stt "} {
		m, errs := MapHeader([]string{h, "Họ", "Tên"})
		if len(errs) != 0 {
			t.Errorf("%q: %v", h, errs)
			continue
		}
		p, errs := m.Person([]string{"1", "Nguyễn", "An"})
		if len(errs) != 0 || p.GivenName != "An" {
			t.Errorf("%q: a row reads as %v, %v", h, p, errs)
		}
		rs := RecordSheetNamed(QualificationsSheet)
		if _, errs := rs.MapHeader([]string{h, "Số CCCD", "Loại"}); len(errs) != 0 {
			t.Errorf("%q on %s: %v", h, rs.Name, errs)
		}
	}
	if _, errs := MapHeader([]string{"STTT", "Họ", "Tên"}); len(errs) != 1 {
		t.Errorf("STTT: %v", errs)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1975", "28/02/1980", "09/2025", "0/2025", "29201.5", "1980-02-01", "", "1e308", "9999999999999",
		"1980.0", "15.3", "60", "61", "3.1980", "NaN", "-Inf", "2999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil || d == nil {
			return
		}
		back, err := ParseDate(FormatDate(d))
		if err != nil || !proto.Equal(back, d) {
			t.Fatalf("%q -> %v -> %q does not read back", s, d, FormatDate(d))
		}
	})
}

// FuzzParsePhone: a phone read (as it is, or with a lost 0 restored and
// a warning) reads back as itself without a warning, as its export
// imports again; a restored one is the cell's digits after a 0.
func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "912345678", "2963841234", "841234567", "123456789", "+84 912 345 678", "12345678", " 386123456\u00a0", "9.12345678E8", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		var w *Warning
		switch {
		case errors.As(err, &w):
			d := strings.TrimPrefix(p, "0")
			if p != "0"+d || !allDigits(d) || len(p) < 10 || len(p) > 11 || !strings.Contains(s, d) {
				t.Fatalf("ParsePhone(%q) restores %q", s, p)
			}
		case err != nil:
			return
		}
		if back, err := ParsePhone(p); back != p || err != nil {
			t.Fatalf("ParsePhone(%q) = %q, which reads back as %q, %v", s, p, back, err)
		}
	})
}

func FuzzPeopleRow(f *testing.F) {
	f.Add("Nguyễn", "An", "01/02/1980", "Nam", "001080000123")
	f.Add("NguyÔn", "Vaên", "29201", "nữ", "1.2E+11")
	f.Add("Lê", "An", "1980.0", "Nam", "1230000602")
	f.Fuzz(func(t *testing.T, a, b, c, d, e string) {
		m, _ := MapHeader(Header(PeopleColumns))
		p, _ := m.Person([]string{"", a, "", b, d, c, "", e})
		// What a row reads as writes back as cells that read the same.
		p2, errs := m.Person(append([]string{""}, Cells(PeopleColumns[1:], p)...))
		if len(errs) == 0 && !proto.Equal(p, p2) {
			t.Fatalf("%v reads back as %v", p, p2)
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("\xEF\xBB\xBFHọ;Tên\n\"a;b\";c\n"))
	f.Add([]byte("a,\"b\nc\",d"))
	f.Add([]byte("Họ,Tên\r\n\r\nLê,\"An\r\nB\"\n\n\nx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := Open(data, CSV)
		if err != nil {
			return
		}
		rows, _ := wb.Rows("")
		// Rows are numbered as a spreadsheet shows them: in order, none
		// past the lines of the file.
		last := 0
		for rows.Next() {
			n, _ := rows.Row()
			if n <= last || n > bytes.Count(data, []byte("\n"))+1 {
				t.Fatalf("row %d after row %d", n, last)
			}
			last = n
		}
	})
}

// A message quotes a long cell in part: it is stored with the import.
func TestMessagesQuoteLongCellsInPart(t *testing.T) {
	long := strings.Repeat("ngày ", 100000)
	for _, err := range []error{
		func() error { _, err := ParseDate(long); return err }(),
		func() error { _, err := ParseText(strings.Repeat("NguyÔn ", 100000)); return err }(),
		func() error { _, err := choice(long, genders); return err }(),
	} {
		if err == nil {
			t.Error("a long cell is accepted")
		} else if len(err.Error()) > 600 || !strings.Contains(err.Error(), "…") {
			t.Errorf("a message of %d bytes: %.200s", len(err.Error()), err)
		}
	}
}

func TestIdentifiersKeepTheirLeadingZeros(t *testing.T) {
	for _, c := range []struct {
		in, want string
		lost     bool
	}{
		{"001080000001", "001080000001", false},
		{"012345678", "012345678", false},
		{"1230000602", "", true}, // a CCCD kept as a number
		{"12345678", "", true},   // a CMND kept as a number
		{"12345", "", true},
		{"", "", false},
		{"001 080 000 001", "001080000001", false}, // in groups, as the card prints it
		{"001.080.000.001", "001080000001", false},
		{"012-345-678", "012345678", false},
	} {
		got, err := ParseNationalID(c.in)
		if got != c.want || (err != nil) != c.lost || c.lost && !strings.Contains(err.Error(), "leading zeros were probably lost") {
			t.Errorf("ParseNationalID(%q) = %q, %v", c.in, got, err)
		}
	}
	// A phone: as it is, or with the 0 a number cell lost restored where
	// Vietnam's numbering tells (a Warning: imported, not refused), or
	// refused where it cannot be told.
	const ok, warned, lost = "ok", "warned", "lost"
	for _, c := range []struct {
		in, want, outcome string
	}{
		{"0912345678", "0912345678", ok},
		{"0912 345 678", "0912 345 678", ok},
		{"+84 912 345 678", "+84 912 345 678", ok},
		{"02963123456", "02963123456", ok},
		{"84912345678", "84912345678", ok},
		{"912345678", "0912345678", warned},
		{" 386123456 ", "0386123456", warned},
		{"2963123456", "02963123456", warned},
		{"841234567", "0841234567", warned},
		{"912 345 678", "912 345 678", ok}, // typed so by a person: as typed
		{"12345678", "12345678", ok},       // too short to be one
		{"3456789", "3456789", ok},
		{"123456789", "", lost}, // no mobile begins 01, 04 or 06
		{"612345678", "", lost},
		{"9123456789", "", lost}, // 10 digits, 09 first: one too many
		{"1623456789", "", lost}, // an 11-digit mobile of before 2018
		{"", "", ok},
	} {
		got, err := ParsePhone(c.in)
		var w *Warning
		outcome := ok
		switch {
		case errors.As(err, &w):
			outcome = warned
			if !strings.Contains(err.Error(), "has lost its leading 0") || !strings.Contains(err.Error(), `imported as "`+got+`"`) {
				t.Errorf("ParsePhone(%q) warns %q", c.in, err)
			}
		case err != nil:
			outcome = lost
			if !strings.Contains(err.Error(), "leading zero was probably lost") {
				t.Errorf("ParsePhone(%q) refuses with %q", c.in, err)
			}
		}
		if got != c.want || outcome != c.outcome {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q, %s", c.in, got, err, c.want, c.outcome)
		}
	}

	// A row whose phone a number cell cut is read with the 0, its cell
	// a warning; the people sheet and a membership's new person alike.
	m, errs := MapHeader([]string{"Tên", "Điện thoại"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	p, errs := m.Person([]string{"An", "912345678"})
	if p.Phone != "0912345678" || len(errs) != 1 || !errs[0].Warning || errs[0].Field != "person.phone" || errs[0].Index != 1 {
		t.Errorf("the row reads phone %q, problems %+v", p.Phone, errs)
	}
	rm, errs := MembershipsSheetDef.MapHeader([]string{"Số CCCD", "Tên", "Điện thoại"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, _, rec, errs := rm.Record([]string{"001080000001", "An", "2963123456"})
	if got := rec.(*MembershipRecord).NewPerson.Phone; got != "02963123456" || len(errs) != 1 || !errs[0].Warning {
		t.Errorf("the membership row reads phone %q, problems %+v", got, errs)
	}

	// A number whose format writes leading zeros reads as shown; a date
	// reads as its serial, a plain number as it is.
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"Số CCCD", "Ngày sinh", "Điện thoại"})
	f.SetSheetRow("Sheet1", "A2", &[]any{1230000602, 29201, 912345678})
	zeros, _ := f.NewStyle(&excelize.Style{CustomNumFmt: func() *string { s := "000000000000"; return &s }()})
	day, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	f.SetCellStyle("Sheet1", "A2", "A2", zeros)
	f.SetCellStyle("Sheet1", "B2", "B2", day)
	var buf bytes.Buffer
	f.WriteTo(&buf)
	rows := readAll(t, buf.Bytes(), XLSX)
	if got := rows[1]; len(got) != 3 || got[0] != "001230000602" || got[1] != "29201" || got[2] != "912345678" {
		t.Errorf("row 2 reads %q", got)
	}
}

// The template's phone and national ID cells are text, on every sheet.
func TestTemplateIdentifiersAreText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, map[string][]string{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		header, _ := f.GetRows(sheet)
		if len(header) == 0 {
			continue
		}
		for i, h := range header[0] {
			if h != "Số CCCD" && h != "Điện thoại" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, 2)
			id, _ := f.GetCellStyle(sheet, cell)
			st, _ := f.GetStyle(id)
			if st == nil || st.NumFmt != 49 {
				t.Errorf("sheet %q, %s (%s) is not text", sheet, cell, h)
			}
		}
	}
}

// A workbook of the 1904 date system (old Mac Excel) has its serial dates
// read as it counts them; a year stays a year.
func TestDate1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes})
	f.SetSheetName("Sheet1", PeopleSheet)
	f.SetSheetRow(PeopleSheet, "A1", &[]any{"Họ", "Tên", "Ngày sinh"})
	f.SetSheetRow(PeopleSheet, "A2", &[]any{"Nguyễn", "An", 27759})
	f.SetSheetRow(PeopleSheet, "A3", &[]any{"Trần", "Bình", 1980})
	var buf bytes.Buffer
	f.WriteTo(&buf)
	wb, err := Open(buf.Bytes(), XLSX)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if !wb.Date1904() {
		t.Fatal("the workbook's date system is not read")
	}
	rows := readAll(t, buf.Bytes(), XLSX)
	m, _ := MapHeader(rows[0])
	m.SetDate1904(wb.Date1904())
	for i, want := range []*date.Date{{Year: 1980, Month: 1, Day: 1}, {Year: 1980}} {
		p, errs := m.Person(rows[i+1])
		if len(errs) > 0 || !proto.Equal(p.BirthDate, want) {
			t.Errorf("row %d: %v %v, want %v", i+2, p.BirthDate, errs, want)
		}
	}
}

// A cell's line breaks (Alt+Enter in Excel) are joined, not refused: an
// address's lines are its parts, written on one line with commas; other
// text is joined as words. Other control characters stay for the checks
// to refuse.
func TestCellsOnOneLine(t *testing.T) {
	m, errs := MapHeader([]string{"Tên", "Địa chỉ", "Nơi làm việc"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, c := range []struct {
		name, given, address, givenWant, addressWant string
	}{
		{"OK", "An", "Số 1 Trần Phú", "An", "Số 1 Trần Phú"},
		{"AddressLines", "An", "Số 1 Trần Phú\nPhường Vĩnh Thanh", "An", "Số 1 Trần Phú, Phường Vĩnh Thanh"},
		{"AddressCRLFAndBlankLines", "An", " Số 1 Trần Phú \r\n\r\n  Phường Vĩnh Thanh\rTỉnh An Giang\n", "An", "Số 1 Trần Phú, Phường Vĩnh Thanh, Tỉnh An Giang"},
		{"AddressLineEndsInComma", "An", "Số 1 Trần Phú,\nPhường Vĩnh Thanh", "An", "Số 1 Trần Phú, Phường Vĩnh Thanh"},
		{"NameLines", "Thị\nHoa", "", "Thị Hoa", ""},
		{"OtherControlCharacterKept", "An", "Số 1\x07", "An", "Số 1\x07"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, errs := m.Person([]string{c.given, c.address, ""})
			if len(errs) > 0 || p.GivenName != c.givenWant || p.Address != c.addressWant {
				t.Errorf("%q, %q → %q, %q %v; want %q, %q", c.given, c.address, p.GivenName, p.Address, errs, c.givenWant, c.addressWant)
			}
		})
	}
}
