package server

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// maxScopeProblems bounds the cells a refusal for scope lists.
const maxScopeProblems = 20

// skippedSheet is a sheet of a limited key's import that is not read:
// the people sheet or a sheet of records whose rows are all of people in
// the key's scope, as its own export writes them.
type skippedSheet struct {
	name string
	rows int
}

// checkImportScope is the scope check of an import for a registrar key
// limited to an association, which the scope interceptor cannot make: the
// request is a file. Such a key imports memberships only (the people
// sheet and the sheets of records are about people, not an association),
// of its association and those under it, naming by Mã hồ sơ only people
// in its scope; a new or registered person named by national ID is
// registered as RegisterMember registers them for such a key. A workbook
// that holds anything else is refused whole, before anything is read in,
// with every cell at fault (PERMISSION_DENIED, as RegisterMember answers).
// But its own export comes back whole: beside a memberships sheet, a
// people sheet or a sheet of records whose every row names by Mã hồ sơ
// someone in its scope is skipped, not read (skipped lists them, and the
// import says so of each), so that the export re-imports.
//
// probes counts the memberships sheet's rows that name a person by
// national ID alone: each asks what a RegisterMember call asks, whether a
// registered person holds it, and the run is held to the key's rate of
// calls for them (Server.chargeCalls).
func (t *transferService) checkImportScope(ctx context.Context, wb *transfer.Workbook, names transfer.Names) (skipped []skippedSheet, probes int, err error) {
	p := callFrom(ctx).principal
	if p == nil || p.Association == "" {
		return nil, 0, nil
	}
	var bad []string
	add := func(sheet string, row int, col, msg string) {
		where := fmt.Sprintf("sheet %q, row %d", sheet, row)
		if sheet == "" {
			where = fmt.Sprintf("row %d", row)
		}
		if col != "" {
			where += ", column " + col
		}
		bad = append(bad, where+": "+msg)
	}
	peopleSheet, _ := wb.PeopleSheetOf()
	members := false
	for _, name := range wb.Sheets() {
		if rs := transfer.RecordSheetNamed(name); rs != nil && rs.Name == transfer.MembershipsSheet && name != peopleSheet {
			members = true
		}
	}
	for _, name := range wb.Sheets() {
		// The template's instructions and lists hold no rows to import,
		// unless the import reads people from them.
		if (name == transfer.InstructionsSheet || name == transfer.ListsSheet) && name != peopleSheet {
			continue
		}
		rows, err := wb.Rows(name)
		if err != nil {
			return nil, 0, fieldError("file", err.Error())
		}
		n, asked, err := t.scopeOfSheet(ctx, name, name == peopleSheet, members, rows, names, add)
		rows.Close()
		if err != nil {
			return nil, 0, err
		}
		probes += asked
		if n > 0 {
			skipped = append(skipped, skippedSheet{name, n})
		}
		if len(bad) >= maxScopeProblems {
			break
		}
	}
	if len(bad) == 0 {
		return skipped, probes, nil
	}
	return nil, 0, denied(reasonDeniedScope, "this key is limited to %s: it imports only memberships (sheet %q) of %s and the associations under it, of people in its scope or registered by the import; nothing was imported. %s",
		p.Association, transfer.MembershipsSheet, p.Association, strings.Join(bad, "; "))
}

// skippedWarning is what an import says of a sheet a limited key's
// import skipped.
func skippedWarning(s skippedSheet) *pb.ImportProblem {
	return &pb.ImportProblem{Kind: pb.ImportProblem_WARNING, Row: 1, Message: fmt.Sprintf(
		"sheet %q was not imported: a key limited to an association imports only sheet %q; its %d rows, all of people in the key's scope, were skipped and nothing of them was written (change a profile on its own page)",
		s.name, transfer.MembershipsSheet, s.rows)}
}

// scopeOfSheet adds what of one sheet a limited key may not import. A
// people sheet (people) or a sheet of records beside a memberships sheet
// (members) whose data rows all name by Mã hồ sơ someone in the key's
// scope is skipped: n is how many rows it has, for the import to say so.
// probes counts the memberships sheet's rows by national ID alone.
func (t *transferService) scopeOfSheet(ctx context.Context, name string, people, members bool, rows transfer.Rows, names transfer.Names,
	add func(sheet string, row int, col, msg string)) (n, probes int, err error) {
	p := callFrom(ctx).principal
	rs := transfer.RecordSheetNamed(name)
	if rs == nil || rs.Name != transfer.MembershipsSheet || people {
		n, err := t.skippable(ctx, name, people, members, rows, add)
		return n, 0, err
	}
	if !rows.Next() {
		return 0, 0, rows.Err()
	}
	_, header := rows.Row()
	m, errs := rs.MapHeader(header)
	if len(errs) > 0 {
		return 0, 0, nil // the header's problems are reported as everyone's
	}
	// An association named by its display name is checked as the one it
	// names; a name the import refuses is no association to check.
	m.SetNames(names)
	refCol, assocCol := m.ColumnOf("person.name"), m.ColumnOf("membership.association")
	for rows.Next() {
		n, cells := rows.Row()
		if transfer.Blank(cells) {
			continue
		}
		ref, nationalID, rec, _ := m.Record(cells)
		if ref == "" && nationalID != "" {
			probes++
		}
		if a := rec.(*transfer.MembershipRecord).Association; a != "" {
			if err := checkAssociationScope(ctx, a, t.db.AssociationAncestors); status.Code(err) == codes.PermissionDenied {
				add(name, n, columnName(assocCol, m.Headers()[assocCol]), status.Convert(err).Message())
			} else if err != nil {
				return 0, 0, err
			}
		}
		if ref != "" {
			if err := t.s.checkPersonScope(ctx, p, ref); status.Code(err) == codes.PermissionDenied {
				add(name, n, columnName(refCol, m.Headers()[refCol]), status.Convert(err).Message())
			} else if err != nil {
				return 0, 0, err
			}
		}
	}
	return 0, probes, rows.Err()
}

// skippable checks a sheet that is not the memberships sheet: each data
// row that does not name someone in the key's scope by Mã hồ sơ, or every
// row when the file has no memberships sheet to import instead, is at
// fault, with what to do; otherwise n is its rows, skipped.
func (t *transferService) skippable(ctx context.Context, name string, people, members bool, rows transfer.Rows,
	add func(sheet string, row int, col, msg string)) (n int, err error) {
	p := callFrom(ctx).principal
	if !rows.Next() {
		return 0, rows.Err()
	}
	_, header := rows.Row()
	refCol := -1
	if rs := transfer.RecordSheetNamed(name); people {
		if m, errs := transfer.MapHeader(header); len(errs) == 0 {
			refCol = m.ColumnOf("name")
		}
	} else if rs != nil {
		if m, errs := rs.MapHeader(header); len(errs) == 0 {
			refCol = m.ColumnOf("person.name")
		}
	}
	for rows.Next() {
		row, cells := rows.Row()
		if transfer.Blank(cells) {
			continue
		}
		var ref string
		if refCol >= 0 && refCol < len(cells) {
			ref, _ = transfer.ParseText(cells[refCol])
		}
		switch {
		case !members || refCol < 0:
			add(name, row, "", fmt.Sprintf("a limited key does not import people or their records: import the memberships of its people on sheet %q alone", transfer.MembershipsSheet))
			return 0, rows.Err()
		case ref == "":
			add(name, row, "", fmt.Sprintf("a limited key does not import people or their records: register a new member on sheet %q (Số CCCD, Họ, Tên...), or delete this row", transfer.MembershipsSheet))
			return 0, rows.Err()
		}
		if err := t.s.checkPersonScope(ctx, p, ref); status.Code(err) == codes.PermissionDenied {
			add(name, row, "", status.Convert(err).Message())
			return 0, rows.Err()
		} else if err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}
