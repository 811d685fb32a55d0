package store

import (
	"context"

	"trithuc.gov.vn/trithuc/refdata"
)

// RefNames are the entries of the reference lists as names typed by hand
// are looked up in them (refdata.Lookup): an import reads "Khmer" or
// "Nhat Ban" as the code the file means.
type RefNames struct {
	// Levels are the qualification levels, the academic titles and the
	// frameworks' levels (refdata.FrameworkLevels, by their Label alone:
	// "Cử nhân" stays a degree's title): a qualification's level is a
	// code of one. A level goes by the titles of its degrees too
	// (refdata.LevelAliases).
	Levels    []refdata.Entry
	Fields    []refdata.Entry // codes are names, fields/{scheme}-{code}
	Ethnic    []refdata.Entry // by their names and those in common use (refdata.EthnicAliases)
	Countries []refdata.Entry
	// Units are every version of every unit, whatever its dates (a
	// hometown or a past position names units since merged), by its name
	// and by its name without the word of its kind ("Rạch Giá").
	Units []refdata.Entry
}

// ReferenceNames reads the reference lists' codes and names, in one read.
func (db *DB) ReferenceNames(ctx context.Context) (*RefNames, error) {
	out := &RefNames{}
	err := db.read(ctx, func(tx *Tx) error {
		// Each query gives a code and its names; an empty name is none.
		lists := []struct {
			to    *[]refdata.Entry
			query string
		}{
			{&out.Levels, `SELECT code, name_vi, name_en, '' FROM ref_qualification_levels ORDER BY rank`},
			{&out.Levels, `SELECT code, name_vi, name_en, abbrev_vi FROM ref_academic_titles ORDER BY rank`},
			{&out.Ethnic, `SELECT code, name_vi, '', '' FROM ref_ethnic_groups ORDER BY code`},
			{&out.Countries, `SELECT code, name_vi, name_en, '' FROM ref_countries ORDER BY code`},
			{&out.Units, `SELECT code, name, '', '' FROM ref_admin_units ORDER BY length(code), code, valid_from`},
		}
		for _, l := range lists {
			rows, err := tx.QueryContext(ctx, l.query)
			if err != nil {
				return err
			}
			for rows.Next() {
				var code string
				names := make([]string, 3)
				if err := rows.Scan(&code, &names[0], &names[1], &names[2]); err != nil {
					rows.Close()
					return err
				}
				switch l.to {
				case &out.Units:
					names[1] = refdata.UnitShortName(names[0])
				case &out.Ethnic:
					names = append(names, refdata.EthnicAliases(names[0])...)
				case &out.Levels:
					names = append(names, refdata.LevelAliases(names[0])...)
				}
				*l.to = append(*l.to, refdata.Entry{Code: code, Names: nonEmpty(names)})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		have := map[string]bool{}
		for _, e := range out.Levels {
			have[e.Code] = true
		}
		for _, l := range refdata.FrameworkLevels {
			if !have[l.Code] {
				out.Levels = append(out.Levels, refdata.Entry{Code: l.Code, Names: []string{l.Label()}})
			}
		}
		return tx.fieldEntries(ctx, out)
	})
	return out, err
}

// fieldEntries reads the fields into out. A field of the default scheme
// goes by its names and its code alone ("102"); one of another scheme, by
// those of its names that no field of the default scheme has, so that a
// name both schemes give is the default scheme's field, as the template's
// and the console's lists offer it.
func (tx *Tx) fieldEntries(ctx context.Context, out *RefNames) error {
	rows, err := tx.QueryContext(ctx, `SELECT scheme, code, name_vi, name_en FROM ref_fields
		ORDER BY scheme <> ?, scheme, code`, DefaultFieldScheme)
	if err != nil {
		return err
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var scheme, code, vi, en string
		if err := rows.Scan(&scheme, &code, &vi, &en); err != nil {
			return err
		}
		names := []string{vi, en}
		if scheme == DefaultFieldScheme {
			names = append(names, code)
			for _, n := range names {
				taken[refdata.NameKey(n)] = true
			}
		} else {
			names = names[:0]
			for _, n := range []string{vi, en} {
				if !taken[refdata.NameKey(n)] {
					names = append(names, n)
				}
			}
		}
		out.Fields = append(out.Fields, refdata.Entry{Code: fieldName(scheme, code), Names: nonEmpty(names)})
	}
	return rows.Err()
}

func nonEmpty(names []string) []string {
	out := names[:0]
	for _, n := range names {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// OrganizationNames are the organizations not deleted, by resource name,
// display name and short name ("SYT"), as an import reads a position's
// organization named by either name.
func (db *DB) OrganizationNames(ctx context.Context) ([]refdata.Entry, error) {
	return db.registeredNames(ctx, `SELECT 'organizations/' || id, display_name, short_name FROM organizations
		WHERE delete_time IS NULL ORDER BY pk`)
}

// AssociationNames are the associations not deleted, as OrganizationNames,
// and by their code too ("HYH"), which members know from their numbers.
func (db *DB) AssociationNames(ctx context.Context) ([]refdata.Entry, error) {
	return db.registeredNames(ctx, `SELECT 'associations/' || id, display_name, short_name, code FROM associations
		WHERE delete_time IS NULL ORDER BY pk`)
}

// registeredNames reads query's rows as entries: a resource name, then
// its names, the display name first (a message names the entry by it).
func (db *DB) registeredNames(ctx context.Context, query string) ([]refdata.Entry, error) {
	var out []refdata.Entry
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		for rows.Next() {
			row := make([]string, len(cols))
			dest := make([]any, len(cols))
			for i := range row {
				dest[i] = &row[i]
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			out = append(out, refdata.Entry{Code: row[0], Names: nonEmpty(row[1:])})
		}
		return rows.Err()
	})
	return out, err
}
