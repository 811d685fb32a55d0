package transfer

import (
	"fmt"
	"regexp"
	"strings"

	"trithuc.gov.vn/trithuc/refdata"
)

// Names are the entries of the reference lists, by the List of the
// columns that take their codes ("ethnicity"), as the server holds them:
// an import reads a cell that names an entry ("Khmer", "khmer", "Nhat
// Ban", "Japan") as its code, as the console reads a name typed in a form
// (refdata.Lookup). A file typed by hand names entries; a CSV file has no
// drop-down to choose a code from.
type Names map[string]*refdata.Index

// nameLists say, of each list whose names an import reads, how a message
// names it and where its codes are found: the API's method and the
// command line's collection. A text of code's shape that is no entry's
// code nor name is left for the store's check, which says the code is
// unknown; any other is refused here, with the codes a typing slip away.
// An open list takes text of its own: a certificate's level ("B2") is not
// in the list of levels. The registered organizations and associations
// are lists too, by display name and short name, whose codes are resource
// names; their id alone ("so-noi-vu") is read as the resource name
// (prefix).
var nameLists = map[string]struct {
	title, see, cli string
	code            *regexp.Regexp
	open            bool
	prefix          string
	// upper lists have upper-case codes: a code typed in lower case
	// ("xy") is the code, and only the store's "unknown" is said of it,
	// not also that it is not in capitals.
	upper bool
}{
	"ethnicity": {title: "ethnic group", see: "ListEthnicGroups", cli: "ethnicGroups", code: regexp.MustCompile(`^[0-9]{1,3}$`)},
	"country":   {title: "country", see: "ListCountries", cli: "countries", code: regexp.MustCompile(`^[A-Za-z]{2}$`), upper: true},
	"unit":      {title: "administrative unit", see: "ListAdministrativeUnits", cli: "administrativeUnits", code: regexp.MustCompile(`^[0-9]{2,5}$`)},
	"field":     {title: "field", see: "ListFields", cli: "fields", code: regexp.MustCompile(`^(fields/.*|[0-9][0-9.]*)$`)},
	"level":     {title: "qualification level", see: "ListQualificationLevels", cli: "qualificationLevels", open: true},
	// A language the list does not name is written by its ISO 639-1 code,
	// which the request's rules check.
	"language": {title: "language", open: true},
	"organization": {title: "organization", see: "ListOrganizations", cli: "organizations", prefix: "organizations/",
		code: regexp.MustCompile(`^(organizations/.*|[a-z0-9][a-z0-9-]*)$`)},
	"association": {title: "association", see: "ListAssociations", cli: "associations", prefix: "associations/",
		code: regexp.MustCompile(`^(associations/.*|[a-z0-9][a-z0-9-]*)$`)},
}

// maxCandidates is how many entries a message about a name lists.
const maxCandidates = 8

// read reads a cell of a column of list as a code of the list: the code
// (in any case), the drop-down's "code - name", or a name of one entry.
// A cell that is neither is returned for the column's parser and the
// store to judge: whole when list takes text of its own ("IELTS - 7.0"
// is a level, not the code IELTS), its code part when it has a code's
// shape; else it is refused, saying what was read and how to find the
// code. A list without entries reads a cell's code part. Only read cuts
// "code - name": the columns' parsers keep what it gives them.
func (n Names) read(list, cell string) (string, error) {
	x, spec := n[list], nameLists[list]
	if spec.title == "" {
		return cell, nil
	}
	s, err := ParseText(cell)
	if err != nil || s == "" {
		return cell, nil // the column's parser says what is wrong
	}
	code := ParseCode(s)
	if x == nil || x.Len() == 0 {
		if spec.open {
			return cell, nil
		}
		return code, nil // "05 - Khmer" when no list is at hand
	}
	if c, ok := x.Code(code); ok {
		return c, nil // "05", "05 - Khmer", "jp"
	}
	if c, ok := x.Code(spec.prefix + code); ok && spec.prefix != "" {
		// "so-noi-vu" for organizations/so-noi-vu; unless it is another's
		// name too (a short name "SNV" of one, the id "snv" of another).
		if found := x.Lookup(s); len(found) > 0 && (len(found) > 1 || found[0].Code != c) {
			e, _ := x.Entry(c)
			all := []refdata.Entry{e}
			for _, f := range found {
				if f.Code != c {
					all = append(all, f)
				}
			}
			return "", fmt.Errorf("%s names more than one %s: %s; write the code of the one meant", quote(s), spec.title, candidates(all))
		}
		return c, nil
	}
	switch found := x.Lookup(s); {
	case len(found) == 1:
		return found[0].Code, nil
	case len(found) > 1:
		return "", fmt.Errorf("%s names more than one %s: %s; write the code of the one meant", quote(s), spec.title, candidates(found))
	}
	if spec.open {
		return cell, nil // "IELTS - 7.0" is a level of its own, kept whole
	}
	if spec.code != nil && spec.code.MatchString(code) {
		if spec.upper {
			return strings.ToUpper(code), nil
		}
		return code, nil // the store says the code is unknown
	}
	if near := x.Near(s, 3); len(near) > 0 {
		return "", fmt.Errorf("no %s has the code or name %s (did you mean %s?); write its code: see %s (trithuc %s list)",
			spec.title, quote(s), candidates(near), spec.see, spec.cli)
	}
	return "", fmt.Errorf("no %s has the code or name %s; write its code: see %s (trithuc %s list)", spec.title, quote(s), spec.see, spec.cli)
}

// candidates lists entries as a message names them: "05 (Khmer)".
func candidates(es []refdata.Entry) string {
	var out []string
	for i, e := range es {
		if i == maxCandidates {
			out = append(out, "…")
			break
		}
		if len(e.Names) > 0 {
			out = append(out, e.Code+" ("+e.Names[0]+")")
		} else {
			out = append(out, e.Code)
		}
	}
	return strings.Join(out, ", ")
}
