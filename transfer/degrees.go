package transfer

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/vntext"
)

// A degree is often written as lists keep it, by its title and its major
// in one cell: "Thạc sĩ Quản trị kinh doanh", "Kỹ sư Xây dựng", "Cử nhân
// chuyên ngành Luật". Its Trình độ is read as the level the title names
// and the major it gives, which the qualification keeps in major: the
// words are not lost, and the level counts. The specialist doctors' and
// pharmacists' grades (chuyên khoa cấp I, II; nội trú) begin with a
// degree's title too, but are no level of the national qualifications
// framework (refdata.LevelAliases), and a degree's row that gives one is
// refused saying so.

// specialistGrade matches a grade, folded: "bsck i", "bs ckii", "dsck
// 1", "ck ii", "bac si chuyen khoa cap ii", "duoc si chuyen khoa i",
// "bsnt", "bac si noi tru", and what follows them (a speciality).
var specialistGrade = regexp.MustCompile(`^(?:(?:(?:bs|ds|bac si|duoc si)\s*)?(?:ck|chuyen khoa)\s*(?:cap\s*)?(?:ii|i|1|2)|bsnt|bac si noi tru)\b`)

// foldWords is s folded (vntext.Fold), its punctuation spaces.
func foldWords(s string) string {
	return strings.Join(strings.FieldsFunc(vntext.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// IsSpecialistGrade says whether s is a specialist doctor's or
// pharmacist's grade (BSCK I, Dược sĩ chuyên khoa cấp II, CKI, BSNT...),
// with or without a speciality after it.
func IsSpecialistGrade(s string) bool { return specialistGrade.MatchString(foldWords(s)) }

// degreeTitle reads a degree's Trình độ that is no level's code or name:
// a specialist grade is refused; a level's name or title followed by a
// major is the level, and the major when Chuyên ngành is empty or says
// the same (else it is refused: which major is meant?). A title that is
// no name of its level (Kỹ sư, KS, Bác sĩ: refdata.DegreeTitle), alone or
// before a major, is kept as the degree's title (Tên bằng), unless that
// column gives another.
func degreeTitle(m *RecordMapping, cells []string, rec any) *CellError {
	q, ok := rec.(*pb.Qualification)
	i := m.ColumnOf("qualification.level")
	if !ok || q.Kind != pb.Qualification_DEGREE || i < 0 || i >= len(cells) {
		return nil
	}
	fail := func(err error) *CellError {
		e := cellError(m.headers[i], i, "qualification.level", err)
		return &e
	}
	keep := func(written string) *CellError {
		title, _, ok := refdata.DegreeTitle(written)
		if !ok {
			return nil
		}
		if given, _, _ := refdata.DegreeTitle(q.DegreeTitle); q.DegreeTitle != "" && given != title {
			return fail(fmt.Errorf("%s gives the degree's title %s, but the column %s gives %s: write one title", quote(strings.TrimSpace(cells[i])), title, degreeTitleHeader, quote(q.DegreeTitle)))
		}
		q.DegreeTitle = title
		return nil
	}
	x := m.names["level"]
	if x == nil || x.Len() == 0 {
		return nil
	}
	if _, known := x.Code(q.Level); known || q.Level == "" {
		if written, err := ParseText(cells[i]); err == nil && known {
			return keep(written)
		}
		return nil
	}
	if IsSpecialistGrade(q.Level) {
		return fail(fmt.Errorf("%s is a specialist grade (chuyên khoa, nội trú), not a level of the national qualifications framework that a degree's level is (see ListQualificationLevels): write the degree's level (a doctor's or pharmacist's degree is Đại học), and keep the grade on a row of a kind whose level is free text, such as Chứng chỉ hành nghề", quote(q.Level)))
	}
	words := strings.Fields(q.Level)
	for k := len(words) - 1; k >= 1; k-- {
		found := x.Lookup(strings.Join(words[:k], " "))
		if len(found) != 1 {
			continue
		}
		major := majorOf(words[k:])
		if major == "" {
			return nil
		}
		if q.Major != "" && refdata.NameKey(q.Major) != refdata.NameKey(major) {
			return fail(fmt.Errorf("%s is the level %s and the major %s, but the column Chuyên ngành gives %s: write the level alone in Trình độ",
				quote(q.Level), found[0].Code, quote(major), quote(q.Major)))
		}
		if e := keep(strings.Join(words[:k], " ")); e != nil {
			return e
		}
		q.Level = found[0].Code
		if q.Major == "" {
			q.Major = major
		}
		return nil
	}
	return nil
}

// degreeTitleHeader is the qualifications sheet's column of a degree's
// title.
const degreeTitleHeader = "Tên bằng"

// majorOf is the major the words after a degree's title give, less a
// "chuyên ngành" or "ngành" before it and the dashes, colons and stops
// around it.
func majorOf(words []string) string {
	for _, lead := range []string{"chuyen nganh", "nganh"} {
		n := len(strings.Fields(lead))
		if len(words) > n && foldWords(strings.Join(words[:n], " ")) == lead {
			words = words[n:]
			break
		}
	}
	return strings.Trim(strings.Join(words, " "), " .,;:-–—")
}
