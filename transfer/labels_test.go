package transfer

import (
	"slices"
	"testing"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A spreadsheet says an enum's value with the console's word, offers it in
// its drop-down, and reads it back, as well as the words earlier versions
// wrote, so that an old export still imports.
func TestEnumCellsSayTheConsolesWords(t *testing.T) {
	m, errs := MapHeader([]string{"Tên", "Nơi làm việc"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	elsewhere := labels.Of(pb.Person_ELSEWHERE_IN_VIETNAM)
	for _, cell := range []string{elsewhere, "Ngoài tỉnh", "ELSEWHERE_IN_VIETNAM"} {
		p, errs := m.Person([]string{"An", cell})
		if len(errs) > 0 || p.WorkLocation != pb.Person_ELSEWHERE_IN_VIETNAM {
			t.Errorf("%q reads as %v %v", cell, p.WorkLocation, errs)
		}
	}
	if got := Cells(PeopleColumns, &pb.Person{WorkLocation: pb.Person_ELSEWHERE_IN_VIETNAM})[findColumn("work_location")]; got != elsewhere {
		t.Errorf("an export writes %q, want the console's %q", got, elsewhere)
	}
	if !slices.Contains(FixedLists()["work_location"], elsewhere) {
		t.Errorf("the drop-down %q lacks %q", FixedLists()["work_location"], elsewhere)
	}

	for _, c := range []struct {
		sheet  *RecordSheet
		field  string
		rec    any
		value  any
		former string
	}{
		{sheet(HonorsSheet), "honor.kind", &pb.Honor{Kind: pb.Honor_PROVINCIAL_HONOR}, pb.Honor_PROVINCIAL_HONOR, "Danh hiệu của tỉnh"},
		{sheet(HonorsSheet), "honor.kind", &pb.Honor{Kind: pb.Honor_OTHER_HONOR}, pb.Honor_OTHER_HONOR, "Khác"},
		{sheet(WorksSheet), "work.kind", &pb.Work{Kind: pb.Work_PUBLICATION}, pb.Work_PUBLICATION, "Công bố khoa học"},
		{sheet(WorksSheet), "work.role", &pb.Work{Role: pb.Work_LEAD}, pb.Work_LEAD, "Chủ trì"},
		{sheet(QualificationsSheet), "qualification.kind", &pb.Qualification{Kind: pb.Qualification_DEGREE}, pb.Qualification_DEGREE, "Bằng cấp"},
		{sheet(PositionsSheet), "position.employment_type", &pb.Position{EmploymentType: pb.Position_CONTRACT}, pb.Position_CONTRACT, "Hợp đồng"},
	} {
		m := c.sheet.mapHeaderOrDie(t)
		col := m.ColumnOf(c.field)
		if col < 0 {
			t.Fatalf("%s has no %s", c.sheet.Name, c.field)
		}
		word := labels.Of(c.value)
		if got := c.sheet.Cells("people/x", "", c.rec)[col]; got != word {
			t.Errorf("%s: %v is written %q, want the console's %q", c.field, c.value, got, word)
		}
		for _, cell := range []string{word, c.former} {
			cells := make([]string, len(c.sheet.Header()))
			cells[0], cells[col] = "people/x", cell
			_, _, rec, errs := m.Record(cells)
			if len(errs) > 0 {
				t.Errorf("%s: %q refused: %v", c.field, cell, errs)
			} else if got := c.sheet.Cells("people/x", "", rec)[col]; got != word {
				t.Errorf("%s: %q reads as %q, want %q", c.field, cell, got, word)
			}
		}
	}
}

func sheet(name string) *RecordSheet {
	for i := range RecordSheets {
		if RecordSheets[i].Name == name {
			return &RecordSheets[i]
		}
	}
	panic("no sheet " + name)
}

// The lists sheet heads a list of an enum that the statistics count by the
// dimension's word, as the console and the statistics say it.
func TestListTitlesSayTheDimensionsWords(t *testing.T) {
	for list, d := range map[string]pb.ComputeStatisticsRequest_Dimension{
		"gender":           pb.ComputeStatisticsRequest_GENDER,
		"work_location":    pb.ComputeStatisticsRequest_WORK_LOCATION,
		"employment_type":  pb.ComputeStatisticsRequest_EMPLOYMENT_TYPE,
		"membership_state": pb.ComputeStatisticsRequest_MEMBERSHIP_STATE,
		"honor_kind":       pb.ComputeStatisticsRequest_HONOR_KIND,
	} {
		if got, want := ListTitles[list], labels.Of(d); got != want {
			t.Errorf("list %s is headed %q, want %q", list, got, want)
		}
	}
}

// The template's instructions say a drop-down's value may be typed with
// or without its diacritics (Giới tính, Nơi làm việc), as a clerk types
// it in a CSV file or on a keyboard without Vietnamese: "Nu" is Nữ. A
// word that is no value, marks or not, is still refused.
func TestEnumCellsWithoutDiacritics(t *testing.T) {
	m, errs := MapHeader([]string{"Tên", "Giới tính", "Nơi làm việc"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, c := range []struct {
		gender, where string
		wantG         pb.Person_Gender
		wantW         pb.Person_WorkLocation
	}{
		{"Nu", "Trong tinh", pb.Person_FEMALE, pb.Person_IN_PROVINCE},
		{"NU", "noi khac trong nuoc", pb.Person_FEMALE, pb.Person_ELSEWHERE_IN_VIETNAM},
		{"nam", "Nuoc ngoai", pb.Person_MALE, pb.Person_ABROAD},
		{"Nữ", "Ngoai tinh", pb.Person_FEMALE, pb.Person_ELSEWHERE_IN_VIETNAM},
	} {
		p, errs := m.Person([]string{"An", c.gender, c.where})
		if len(errs) > 0 || p.Gender != c.wantG || p.WorkLocation != c.wantW {
			t.Errorf("%q, %q read as %v, %v %v", c.gender, c.where, p.Gender, p.WorkLocation, errs)
		}
	}
	if _, errs := m.Person([]string{"An", "Nuu", ""}); len(errs) == 0 {
		t.Error(`"Nuu" is read as a gender`)
	}

	s := sheet(PositionsSheet)
	pm := s.mapHeaderOrDie(t)
	col := pm.ColumnOf("position.current")
	if col < 0 {
		t.Fatal("no position.current")
	}
	for cell, want := range map[string]bool{"Co": true, "khong": false} {
		cells := make([]string, len(s.Header()))
		cells[0], cells[col] = "people/x", cell
		_, _, rec, errs := pm.Record(cells)
		if len(errs) > 0 || rec.(*pb.Position).Current != want {
			t.Errorf("Hiện tại %q reads as %v %v", cell, rec, errs)
		}
	}
}
