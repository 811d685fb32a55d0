package store

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// An import's problems and report quote what they met of people: their
// names, and the emails and phones they had registered. A person restricted
// since, or who has withdrawn their consent to be contacted, is the
// admins' alone (README, personal data protection): ImportWithholds tells
// the server when it may no longer show an operation's problems or report
// to its own caller.

// textTokens are what in an operation's texts may name or quote a person:
// resource names, emails, and numbers (national IDs, phones) as digits
// alone, their groups separated as they may be (numberRuns). The texts
// are read once; the tokens are then looked up by index.
type textTokens struct {
	names  map[string]bool // people/{id}
	emails map[string]bool // lower case
	runs   map[string]bool // digits, six at least
	// unsure is a text that could not be read, or a number too long to
	// look up: not known to be free of anyone.
	unsure bool
}

// maxRunDigits is the longest run of digits whose national IDs are
// looked up one by one; a longer one (no cell of people holds one) makes
// the text unsure.
const maxRunDigits = 64

func newTextTokens() *textTokens {
	return &textTokens{names: map[string]bool{}, emails: map[string]bool{}, runs: map[string]bool{}}
}

// add reads text, which may be a serialized message: a byte before a
// string (its length) may read as part of a token, which is why an email
// is also taken without its first character.
func (t *textTokens) add(text string) {
	for i := 0; ; {
		j := strings.Index(text[i:], "people/")
		if j < 0 {
			break
		}
		start := i + j + len("people/")
		end := start
		for end < len(text) && isIDByte(text[end]) {
			end++
		}
		if id := strings.TrimRight(text[start:end], "-"); validID(id) {
			t.names["people/"+id] = true
		}
		i = end
	}
	for i := 0; ; {
		j := strings.IndexByte(text[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		start, end := at, at+1
		for start > 0 && isEmailByte(text[start-1], true) {
			start--
		}
		for end < len(text) && isEmailByte(text[end], false) {
			end++
		}
		local, domain := strings.TrimLeft(text[start:at], "."), strings.Trim(text[at+1:end], ".-")
		if local != "" && strings.Contains(domain, ".") {
			t.emails[strings.ToLower(local+"@"+domain)] = true
			if len(local) > 1 {
				t.emails[strings.ToLower(local[1:]+"@"+domain)] = true
			}
		}
		i = at + 1
	}
	numberRuns(text, func(d string) bool {
		switch {
		case len(d) > maxRunDigits:
			t.unsure = true
		case len(d) >= 6:
			t.runs[d] = true
		}
		return false
	})
}

func isEmailByte(c byte, local bool) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' ||
		local && (c == '_' || c == '+' || c == '%')
}

// addReport reads each text of a report.
func (t *textTokens) addReport(report []byte) {
	if _, err := reportTexts(report, func(s string) bool { t.add(s); return false }); err != nil {
		t.unsure = true
	}
}

// nationalIDs are the national IDs the runs may hold: a run of 9 or 12
// digits is one; a longer one (IDs typed one after another, or after a
// length byte that reads as a digit) may hold one anywhere.
func (t *textTokens) nationalIDs() []string {
	var out []string
	for d := range t.runs {
		if len(d) == 9 || len(d) == 12 {
			out = append(out, d)
		}
		if len(d) <= 12 {
			continue
		}
		for _, n := range []int{9, 12} {
			for i := 0; i+n <= len(d); i++ {
				out = append(out, d[i:i+n])
			}
		}
	}
	return out
}

// phoneKeys are the keys (phoneKey) of the phones the runs may be: 8 to
// 20 digits (person.proto), and one more where a length byte comes before.
func (t *textTokens) phoneKeys() []string {
	var out []string
	for d := range t.runs {
		if len(d) >= 8 && len(d) <= 21 {
			out = append(out, runPhoneKeys(d)...)
		}
	}
	return out
}

// quotesContact reports whether the tokens hold one of the emails or
// phones of m.
func (t *textTokens) quotesContact(m *personMarks) bool {
	if slices.ContainsFunc(m.emails, func(e string) bool { return t.emails[e] }) {
		return true
	}
	for d := range t.runs {
		if slices.ContainsFunc(m.phones, func(k string) bool { return holdsPhone(d, k) }) {
			return true
		}
	}
	return false
}

// ImportWithholds reports whether the import operation op (its problems:
// its response and error) names or quotes a person whose data a caller
// other than an admin may not read now: one who is restricted, or one who
// withholds their contact details and whose email or phone, now or in a
// revision, it quotes; and op began before the person came to be so (an
// import begun after quotes nothing of them its caller may not read, and
// names them only where its file did). With report, the report is read
// too, and the people the import wrote (its audit event names them), whose
// rows it copies. The people are found by their resource names, national
// IDs, emails and phones (each indexed; a phone however it was typed,
// phoneKey). A person known by none of these, a row of names and dates
// alone, cannot be told from another and is not found; a text that cannot
// be read withholds the operation.
func (db *DB) ImportWithholds(ctx context.Context, op *Operation, report []byte) (bool, error) {
	if op.Kind != ImportOperationKind {
		return false, nil
	}
	t := newTextTokens()
	t.add(string(op.Response))
	t.add(string(op.Error))
	if report != nil {
		t.addReport(report)
	}
	if t.unsure {
		return true, nil
	}
	withheld := false
	err := db.read(ctx, func(tx *Tx) error {
		if report != nil {
			if err := tx.addWrittenPeople(ctx, op.ID, t); err != nil {
				return err
			}
		}
		var err error
		withheld, err = tx.tokensWithhold(ctx, t, micros(op.CreateTime))
		return err
	})
	return withheld, err
}

// addWrittenPeople adds to t the people the import id created or changed,
// as the audit event of its write names them with the operation.
func (tx *Tx) addWrittenPeople(ctx context.Context, id string, t *textTokens) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT p.resource FROM audit_event_resources o
		JOIN audit_event_resources p ON p.event_pk = o.event_pk
		WHERE o.resource = ? AND p.resource > 'people/' AND p.resource < 'people0'`, "operations/"+id)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return dbError(err)
		}
		t.add(r)
	}
	return dbError(rows.Err())
}

// personLookups find the people of tokens, each on an index: by name, by
// national ID, by email, and by phone.
var personLookups = []struct {
	from, where string
	values      func(t *textTokens) []string
}{
	{`people p`, `p.id IN (SELECT value FROM json_each(?))`, func(t *textTokens) []string {
		var out []string
		for n := range t.names {
			out = append(out, strings.TrimPrefix(n, "people/"))
		}
		return out
	}},
	{`people p`, `p.national_id IN (SELECT value FROM json_each(?)) AND p.delete_time IS NULL`, (*textTokens).nationalIDs},
	{`people p`, `p.email COLLATE NOCASE IN (SELECT value FROM json_each(?)) AND p.delete_time IS NULL AND p.email != ''`,
		func(t *textTokens) []string { return slices.Collect(maps.Keys(t.emails)) }},
	{`people p`, `p.phone_key IN (SELECT value FROM json_each(?)) AND p.phone_key != ''`, (*textTokens).phoneKeys},
}

// personLookupSQL reads, of each person found, what tokensWithhold needs,
// and since when their restriction and contact details are as they are:
// the update_time of their profile, updateTime (shownSQL of ShownProfile).
// A change of either is one of the profile (touchHidden, a RESTRICTION
// request), which moves it; a change of memberships or consents alone
// does not. It once took the latest write of the person, a consent of
// theirs or a revision: then another association's registration of its
// member, or a consent's write that changed neither, withheld an older
// import's problems from a key limited to an association, which so learnt
// of it.
func personLookupSQL(from, where, updateTime string) string {
	return `SELECT p.pk, p.id, p.email, p.phone, p.restricted != 0, p.contact_allowed = 0, ` + updateTime + `
		FROM ` + from + ` WHERE ` + where
}

// tokensWithhold looks the tokens of an operation that began at start up:
// see ImportWithholds.
func (tx *Tx) tokensWithhold(ctx context.Context, t *textTokens, start int64) (bool, error) {
	type found struct {
		pk, since               int64
		id, email, phone        string
		restricted, withholding bool
	}
	var people []found
	seen := map[int64]bool{}
	_, updateTime, err := tx.shownSQL(ctx, ShownProfile)
	if err != nil {
		return false, err
	}
	for _, q := range personLookups {
		values := q.values(t)
		if len(values) == 0 {
			continue
		}
		list, err := json.Marshal(values)
		if err != nil {
			return false, err
		}
		rows, err := tx.QueryContext(ctx, personLookupSQL(q.from, q.where, updateTime), string(list))
		if err != nil {
			return false, dbError(err)
		}
		for rows.Next() {
			var f found
			if err := rows.Scan(&f.pk, &f.id, &f.email, &f.phone, &f.restricted, &f.withholding, &f.since); err != nil {
				rows.Close()
				return false, dbError(err)
			}
			if f.since < start {
				// An import that began after is answered as the person
				// is: it quotes nothing it may not (Importer.reach,
				// Conflict.Withheld).
				continue
			}
			if f.restricted {
				rows.Close()
				return true, nil
			}
			if f.withholding && !seen[f.pk] {
				seen[f.pk] = true
				people = append(people, f)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, dbError(err)
		}
	}
	for _, f := range people {
		m, err := tx.marksOf(ctx, f.pk, "people/"+f.id, &pb.Person{Email: f.email, Phone: f.phone})
		if err != nil {
			return false, err
		}
		if t.quotesContact(m) {
			return true, nil
		}
	}
	return false, nil
}
