package store

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"unicode"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// ImportOperationKind is the kind of an import's operation. Its response
// and error list the problems of rows, whose messages quote values and
// name the people rows matched, and its report is a copy of the uploaded
// file: a purge looks in them (purgeImports).
const ImportOperationKind = "import_people"

// personMarks are what tells a person's values apart in an import: their
// name, and the national IDs, emails and phones they held (now or in a
// revision: an import may be older than a correction). Names of people
// are not marks: others share them.
type personMarks struct {
	name   string
	emails []string // lower case
	digits []string // national IDs, digits alone
	phones []string // phoneKey of each phone
}

func (m *personMarks) add(p *pb.Person) {
	if p == nil {
		return
	}
	if e := strings.ToLower(strings.TrimSpace(p.Email)); e != "" && !slices.Contains(m.emails, e) {
		m.emails = append(m.emails, e)
	}
	// Six digits at least: fewer would match other numbers.
	if d := digitsOf(p.NationalId); len(d) >= 6 && !slices.Contains(m.digits, d) {
		m.digits = append(m.digits, d)
	}
	if k := phoneKey(p.Phone); len(k) >= 6 && !slices.Contains(m.phones, k) {
		m.phones = append(m.phones, k)
	}
}

// isNumberSeparator reports whether r separates the groups of a number as
// people type it: a space of any kind (the no-break space of a spreadsheet
// copy too, as vntext.Clean reads spaces), a dot, a hyphen, a bracket.
func isNumberSeparator(r rune) bool {
	return r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || unicode.Is(unicode.Zs, r)
}

// digitsOf is s without what separates the groups of a number, or "" if s
// holds anything else but digits.
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case isNumberSeparator(r):
		default:
			return ""
		}
	}
	return b.String()
}

// numberRuns calls fn with each run of digits and separators in text, as
// digits alone, until fn returns true: a value is found however its groups
// were typed, and in a protobuf even when a length byte that reads as a
// digit comes before it. It reports whether fn returned true.
func numberRuns(text string, fn func(digits string) bool) bool {
	for _, run := range strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= '0' && r <= '9' || isNumberSeparator(r))
	}) {
		if d := digitsOf(run); d != "" && fn(d) {
			return true
		}
	}
	return false
}

// in reports whether text holds one of the marks: the name (not as the
// start of a longer one), an email in any case, or a number, its groups
// separated or not (a phone with the country code or without, holdsPhone).
func (m *personMarks) in(text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], m.name)
		if j < 0 {
			break
		}
		end := i + j + len(m.name)
		if end == len(text) || !isIDByte(text[end]) {
			return true
		}
		i = end
	}
	if len(m.emails) > 0 {
		lower := strings.ToLower(text)
		for _, e := range m.emails {
			if strings.Contains(lower, e) {
				return true
			}
		}
	}
	return len(m.digits)+len(m.phones) > 0 && numberRuns(text, func(d string) bool {
		return slices.ContainsFunc(m.digits, func(v string) bool { return strings.Contains(d, v) }) ||
			slices.ContainsFunc(m.phones, func(k string) bool { return holdsPhone(d, k) })
	})
}

func isIDByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' }

// inReport reports whether a report workbook holds a mark in one of its
// cells; a report that cannot be read is not known to be free of the
// person.
func (m *personMarks) inReport(report []byte) bool {
	found, err := reportTexts(report, m.in)
	return found || err != nil
}

// reportTexts calls fn with each text of a report workbook (a cell, or a
// shared string) until fn returns true, and reports whether it did; a
// report that is no workbook is one text.
func reportTexts(report []byte, fn func(text string) bool) (bool, error) {
	zr, err := zip.NewReader(bytes.NewReader(report), int64(len(report)))
	if err != nil {
		return fn(string(report)), nil
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return false, err
		}
		found, err := xmlTexts(rc, fn)
		rc.Close()
		if found || err != nil {
			return found, err
		}
	}
	return false, nil
}

// xmlTexts calls fn with each text of an XML part until it returns true.
func xmlTexts(r io.Reader, fn func(text string) bool) (bool, error) {
	d := xml.NewDecoder(r)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if t, ok := tok.(xml.CharData); ok && fn(string(t)) {
			return true, nil
		}
	}
}

// marksOf collects the marks of the person pk, named name, now p.
func (tx *Tx) marksOf(ctx context.Context, pk int64, name string, p *pb.Person) (*personMarks, error) {
	m := &personMarks{name: name}
	m.add(p)
	rows, err := tx.QueryContext(ctx, `SELECT before, after FROM person_revisions WHERE person_pk = ?`, pk)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var before, after []byte
		if err := rows.Scan(&before, &after); err != nil {
			return nil, dbError(err)
		}
		for _, b := range [][]byte{before, after} {
			v := &pb.RevisionValues{}
			if len(b) > 0 && proto.Unmarshal(b, v) == nil {
				m.add(v.GetPerson())
			}
		}
	}
	return m, dbError(rows.Err())
}

// purgeImports deletes the import operations that hold anything of the
// person: those whose write named them in the audit trail (the import
// created or changed them), and those whose problems or report hold one of
// their marks (a conflict with them, a row that matched them, their row in
// a dry run or a refused import). The whole operation goes: its report is
// a copy of the file, whose row of the person cannot be told apart from
// the rest without a mark. The import's audit event, naming the operation,
// stays. It returns how many went.
func (tx *Tx) purgeImports(ctx context.Context, m *personMarks) (int64, error) {
	linked := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT substr(o.resource, 12) FROM audit_event_resources p
		JOIN audit_event_resources o ON o.event_pk = p.event_pk
		WHERE (p.resource = ?1 OR (p.resource > ?1 || '/' AND p.resource < ?1 || '0'))
		AND o.resource > 'operations/' AND o.resource < 'operations0'`, m.name)
	if err != nil {
		return 0, dbError(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, dbError(err)
		}
		linked[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbError(err)
	}

	var doomed []string
	rows, err = tx.QueryContext(ctx, `SELECT id, response, error, report FROM operations WHERE kind = ?`, ImportOperationKind)
	if err != nil {
		return 0, dbError(err)
	}
	for rows.Next() {
		var id string
		var response, errBlob, report []byte
		if err := rows.Scan(&id, &response, &errBlob, &report); err != nil {
			rows.Close()
			return 0, dbError(err)
		}
		if linked[id] || m.in(string(response)) || m.in(string(errBlob)) || (len(report) > 0 && m.inReport(report)) {
			doomed = append(doomed, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbError(err)
	}
	for _, id := range doomed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM operations WHERE id = ?`, id); err != nil {
			return 0, dbError(err)
		}
	}
	return int64(len(doomed)), nil
}
