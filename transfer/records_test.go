package transfer

import (
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// equalRecords compares two records of a sheet: API messages by
// proto.Equal, membership rows field by field.
func equalRecords(a, b any) bool {
	if m, ok := a.(proto.Message); ok {
		return proto.Equal(m, b.(proto.Message))
	}
	ma, mb := *a.(*MembershipRecord), *b.(*MembershipRecord)
	if !proto.Equal(ma.NewPerson, mb.NewPerson) {
		return false
	}
	ma.NewPerson, mb.NewPerson = nil, nil
	return reflect.DeepEqual(ma, mb)
}

// Every sheet of records reads a row of its template's labels, and writes
// a record back as cells that read the same.
func TestRecordSheetsReadBack(t *testing.T) {
	rows := map[string][]string{
		QualificationsSheet: {"people/a", "", "Ngoại ngữ", "C1", "Tiếng Anh", "fields/vn2008-6", "ĐH Cần Thơ", "VN - Việt Nam", "2010", "A-1", "Từ xa", "en"},
		PositionsSheet:      {"", "'091080000001", "organizations/so-y-te - Sở Y tế", "", "Bác sĩ", "Khoa nội", "Viên chức", "VN", "30742", "01/09/2005", "10/2025", "Có"},
		HonorsSheet:         {"people/a", "", "Chiến sĩ thi đua", "Bằng khen", "2020", "UBND tỉnh", "QĐ 1"},
		MembershipsSheet:    {"", "091080000001", "Danh", "Thị", "Sóc", "Nữ", "1990", "soc@example.vn", "0912345678", "associations/hoi-y-hoc - Hội Y học", "Tạm đình chỉ", "Nợ phí", "2025-01", "ghi chú", "HYH-2025-0007", "Có"},
		WorksSheet:          {"people/a", "", "Sáng chế, giải pháp hữu ích", "Máy sấy", "2021", "Chủ trì", "Tỉnh", "", "1-0012345", "Cục SHTT", "fields/vn2008-2"},
	}
	for i := range RecordSheets {
		rs := &RecordSheets[i]
		m, errs := rs.MapHeader(rs.Header())
		if len(errs) > 0 {
			t.Fatalf("%s: its own header: %v", rs.Name, errs)
		}
		ref, nid, rec, errs := m.Record(rows[rs.Name])
		if len(errs) > 0 {
			t.Errorf("%s: %v", rs.Name, errs)
			continue
		}
		ref2, nid2, rec2, errs := m.Record(rs.Cells(ref, nid, rec))
		if len(errs) > 0 || ref2 != ref || nid2 != nid || !equalRecords(rec, rec2) {
			t.Errorf("%s: %v reads back as %v (%v)", rs.Name, rec, rec2, errs)
		}
	}
	_, _, rec, _ := MembershipsSheetDef.mapHeaderOrDie(t).Record(rows[MembershipsSheet])
	r := rec.(*MembershipRecord)
	if r.Association != "associations/hoi-y-hoc" || r.State != pb.Membership_SUSPENDED || r.NewPerson.GivenName != "Sóc" || r.NewPerson.Gender != pb.Person_FEMALE || r.MemberNumber != "HYH-2025-0007" || !r.Contact {
		t.Errorf("membership row read as %+v", r)
	}
}

func (s *RecordSheet) mapHeaderOrDie(t *testing.T) *RecordMapping {
	m, errs := s.MapHeader(s.Header())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return m
}

func TestMembershipStates(t *testing.T) {
	m := MembershipsSheetDef.mapHeaderOrDie(t)
	for _, c := range []struct {
		cell string
		want pb.Membership_State
		bad  bool
	}{
		{"", 0, false}, {"Chờ duyệt", pb.Membership_PENDING, false}, {"ACTIVE", pb.Membership_ACTIVE, false},
		{"tạm đình chỉ", pb.Membership_SUSPENDED, false}, {"Đã rút", pb.Membership_WITHDRAWN, false},
		{"REJECTED", pb.Membership_REJECTED, false}, {"Đã xong", 0, true},
	} {
		cells := make([]string, len(MembershipsSheetDef.Header()))
		cells[m.ColumnOf("membership.state")] = c.cell
		_, _, rec, errs := m.Record(cells)
		if (len(errs) > 0) != c.bad || rec.(*MembershipRecord).State != c.want {
			t.Errorf("%q: %v %v", c.cell, rec.(*MembershipRecord).State, errs)
		}
	}
}

func FuzzParseYear(f *testing.F) {
	for _, s := range []string{"2015", "2015.0", "", "-1", "99999999999", "năm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, err := ParseYear(s)
		if err != nil || y == 0 {
			return
		}
		if y < 0 {
			t.Fatalf("%q reads as %d", s, y)
		}
	})
}

// FuzzRecordRow reads a row of every sheet of records from arbitrary
// cells, names of the lists' entries too: it never panics, and what it reads writes back as cells that
// read the same.
func FuzzRecordRow(f *testing.F) {
	f.Add("people/a", "091080000001", "Bằng khen", "2020", "Đang sinh hoạt", "10/2025")
	f.Add("", "1.2E+11", "NguyÔn", "x", "Có", "31/02/1980")
	f.Add("", "091080000001", "so noi vu", "Benh vien da khoa", "Hội Tin học", "dhkg") // named, not coded
	f.Fuzz(func(t *testing.T, a, b, c, d, e, g string) {
		for i := range RecordSheets {
			rs := &RecordSheets[i]
			m, _ := rs.MapHeader(rs.Header())
			m.SetNames(testNames)
			cells := make([]string, len(rs.Header()))
			for j, v := range []string{a, b, c, d, e, g} {
				cells[(j*3+i)%len(cells)] = v
			}
			ref, nid, rec, errs := m.Record(cells)
			if len(errs) > 0 {
				continue
			}
			ref2, nid2, rec2, errs := m.Record(rs.Cells(ref, nid, rec))
			if len(errs) > 0 || ref2 != ref || nid2 != nid || !equalRecords(rec, rec2) {
				t.Fatalf("%s: %q reads as %v, which reads back as %v (%v)", rs.Name, strings.Join(cells, "|"), rec, rec2, errs)
			}
		}
	})
}
