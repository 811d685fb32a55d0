package transfer

import (
	"fmt"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
)

// NationalIDs remembers the people sheet's rows by national ID, to find a
// later row that gives one to a person of another name or birth date.
// That is a slip in one of the rows, which the import would otherwise
// take for one person: the later row matched to the person the earlier
// added, its person lost as a mere conflict (or, with overwrite, written
// over the earlier's). The zero value is ready to use.
type NationalIDs struct{ rows map[string]idRow }

type idRow struct {
	row    int
	person *pb.Person
}

// Check returns the problem of p, read from the row numbered row, when an
// earlier row gave p's national ID to someone else, and remembers p's row
// otherwise. Names compare folded (case and marks aside, as a row may
// write them), and birth dates as far as both give them.
func (s *NationalIDs) Check(m *Mapping, row int, p *pb.Person) *CellError {
	nid := vntext.Clean(p.GetNationalId())
	if nid == "" {
		return nil
	}
	prev, ok := s.rows[nid]
	if !ok {
		if s.rows == nil {
			s.rows = map[string]idRow{}
		}
		s.rows[nid] = idRow{row, p}
		return nil
	}
	if sameNames(prev.person, p) && sameBirth(prev.person.GetBirthDate(), p.GetBirthDate()) {
		return nil
	}
	i := m.ColumnOf("person.national_id")
	names := vntext.Clean(prev.person.GetFamilyName() + " " + prev.person.GetMiddleName() + " " + prev.person.GetGivenName())
	e := cellError(m.headers[i], i, "person.national_id",
		fmt.Errorf("row %d of this file gives the national ID %s to %s: the two rows are of different people, and one of them has the ID wrong", prev.row, nid, quote(names)))
	return &e
}

// sameNames tells whether a and b write the same names, each name that
// both give.
func sameNames(a, b *pb.Person) bool {
	for _, n := range [][2]string{{a.GetFamilyName(), b.GetFamilyName()}, {a.GetMiddleName(), b.GetMiddleName()}, {a.GetGivenName(), b.GetGivenName()}} {
		x, y := vntext.Fold(vntext.Clean(n[0])), vntext.Fold(vntext.Clean(n[1]))
		if x != "" && y != "" && x != y {
			return false
		}
	}
	return true
}

// sameBirth tells whether two birth dates agree as far as both go (1980
// and 15/03/1980 do).
func sameBirth(a, b *date.Date) bool {
	for _, n := range [][2]int32{{a.GetYear(), b.GetYear()}, {a.GetMonth(), b.GetMonth()}, {a.GetDay(), b.GetDay()}} {
		if n[0] == 0 || n[1] == 0 {
			return true
		}
		if n[0] != n[1] {
			return false
		}
	}
	return true
}
