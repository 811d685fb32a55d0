package server

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/transfer"
)

// maxScopeProblems bounds the cells a refusal for scope lists.
const maxScopeProblems = 20

// checkImportScope is the scope check of an import for a registrar key
// limited to an association, which the scope interceptor cannot make: the
// request is a file. Such a key imports memberships only (the people
// sheet and the sheets of records are about people, not an association),
// of its association and those under it, naming by Mã hồ sơ only people
// in its scope; a new or registered person named by national ID is
// registered as RegisterMember registers them for such a key. A workbook
// that holds anything else is refused whole, before anything is read in,
// with every cell at fault (PERMISSION_DENIED, as RegisterMember answers).
func (t *transferService) checkImportScope(ctx context.Context, wb *transfer.Workbook, names transfer.Names) error {
	p := callFrom(ctx).principal
	if p == nil || p.Association == "" {
		return nil
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
	for _, name := range wb.Sheets() {
		// The template's instructions and lists hold no rows to import,
		// unless the import reads people from them.
		if (name == transfer.InstructionsSheet || name == transfer.ListsSheet) && name != peopleSheet {
			continue
		}
		rows, err := wb.Rows(name)
		if err != nil {
			return fieldError("file", err.Error())
		}
		err = t.scopeOfSheet(ctx, name, rows, names, add)
		rows.Close()
		if err != nil {
			return err
		}
		if len(bad) >= maxScopeProblems {
			break
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return status.Errorf(codes.PermissionDenied, "this key is limited to %s: it imports only memberships (sheet %q) of %s and the associations under it, of people in its scope or registered by the import; nothing was imported. %s",
		p.Association, transfer.MembershipsSheet, p.Association, strings.Join(bad, "; "))
}

// scopeOfSheet adds what of one sheet a limited key may not import.
func (t *transferService) scopeOfSheet(ctx context.Context, name string, rows transfer.Rows, names transfer.Names, add func(sheet string, row int, col, msg string)) error {
	p := callFrom(ctx).principal
	rs := transfer.RecordSheetNamed(name)
	if rs == nil || rs.Name != transfer.MembershipsSheet {
		// Any data row is refused; the header alone is not.
		header := true
		for rows.Next() {
			n, cells := rows.Row()
			if header || transfer.Blank(cells) {
				header = false
				continue
			}
			add(name, n, "", "a limited key does not import people or their records")
			return nil
		}
		return rows.Err()
	}
	if !rows.Next() {
		return rows.Err()
	}
	_, header := rows.Row()
	m, errs := rs.MapHeader(header)
	if len(errs) > 0 {
		return nil // the header's problems are reported as everyone's
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
		ref, _, rec, _ := m.Record(cells)
		if a := rec.(*transfer.MembershipRecord).Association; a != "" {
			if err := checkAssociationScope(ctx, a, t.db.AssociationAncestors); status.Code(err) == codes.PermissionDenied {
				add(name, n, columnName(assocCol, m.Headers()[assocCol]), status.Convert(err).Message())
			} else if err != nil {
				return err
			}
		}
		if ref != "" {
			if err := t.s.checkPersonScope(ctx, p, ref); status.Code(err) == codes.PermissionDenied {
				add(name, n, columnName(refCol, m.Headers()[refCol]), status.Convert(err).Message())
			} else if err != nil {
				return err
			}
		}
	}
	return rows.Err()
}
