package store

import (
	"context"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What a person has produced (publications, S&T tasks, patents,
// initiatives), a child of the person like their honours.

var workKind = &childKind[*pb.Work]{
	collection: "works",
	field:      "work",
	columns:    `c.kind, c.title, c.year, c.role, c.level, c.doi, c.document_number, c.venue, c.field`,
	writable:   []string{"kind", "title", "year", "role", "level", "doi", "document_number", "venue", "field"},
	sortKeys: map[string]sortKey{
		"year":        {expr: "c.year", kind: kindInt},
		"create_time": {expr: "c.create_time", kind: kindInt},
	},
	schema:  workSchema,
	newItem: func() *pb.Work { return new(pb.Work) },
	scan: func(s scanner, w *pb.Work, common, extra []any) error {
		var kind, role, level int32
		dest := append(common, &kind, &w.Title, &w.Year, &role, &level, &w.Doi, &w.DocumentNumber, &w.Venue, &w.Field)
		if err := s.Scan(append(dest, extra...)...); err != nil {
			return err
		}
		w.Kind, w.Role, w.Level = pb.Work_Kind(kind), pb.Work_Role(role), pb.Work_Level(level)
		return nil
	},
	prepare: prepareWork,
	changed: touchAndReindex,
}

func prepareWork(ctx context.Context, c checker, person *personRow, w *pb.Work) ([]any, error) {
	const f = "work."
	for _, s := range []*string{&w.Title, &w.Doi, &w.DocumentNumber, &w.Venue, &w.Field} {
		*s = normText(*s)
	}
	var v Invalids
	checkControl(&v, f, map[string]string{"title": w.Title, "doi": w.Doi, "document_number": w.DocumentNumber, "venue": w.Venue})
	if w.Kind == pb.Work_KIND_UNSPECIFIED {
		v.add(f+"kind", "required: PUBLICATION, TASK, PATENT or INITIATIVE")
	}
	if w.Title == "" {
		v.add(f+"title", "required: the work's title")
	}
	if w.Doi != "" && w.Kind != pb.Work_PUBLICATION {
		v.add(f+"doi", "only a PUBLICATION has a DOI; put a patent's or a decision's number in document_number")
	}
	if w.Year != 0 {
		if w.Year > c.base().thisYear() {
			v.add(f+"year", "%d is in the future", w.Year)
		}
		if by := birthYear(person); by != 0 && w.Year < by+minQualificationAge {
			v.add(f+"year", "%d is before the person could have produced it (born %d)", w.Year, by)
		}
	}
	if w.Field != "" {
		if err := c.checkRef(ctx, &v, RefField, f+"field", w.Field, time.Time{}); err != nil {
			return nil, err
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	// A DOI is case-insensitive; keep one spelling so that filters match.
	w.Doi = strings.ToLower(w.Doi)
	return []any{int32(w.Kind), w.Title, w.Year, int32(w.Role), int32(w.Level), w.Doi, w.DocumentNumber, w.Venue, w.Field}, nil
}

func (db *DB) CreateWork(ctx context.Context, parent string, w *pb.Work, o CreateOptions) (*pb.Work, error) {
	return workKind.create(ctx, db, parent, w, o)
}

func (db *DB) GetWork(ctx context.Context, name string) (*pb.Work, error) {
	return workKind.get(ctx, db, name)
}

func (db *DB) ListWorks(ctx context.Context, parent string, q ListQuery) ([]*pb.Work, Page, error) {
	return workKind.list(ctx, db, parent, q)
}

func (db *DB) UpdateWork(ctx context.Context, name string, o WriteOptions, apply func(*pb.Work) error) (*pb.Work, error) {
	return workKind.update(ctx, db, name, o, apply)
}

func (db *DB) DeleteWork(ctx context.Context, name string, o WriteOptions) error {
	return workKind.delete(ctx, db, name, o)
}

// ValidORCID says whether id, in the form 0000-0002-1825-0097, has the
// check character ISO 7064 MOD 11-2 gives its first fifteen digits.
func ValidORCID(id string) bool {
	if len(id) != 19 {
		return false
	}
	total := 0
	n := 0
	for i := 0; i < 19; i++ {
		c := id[i]
		if i == 4 || i == 9 || i == 14 {
			if c != '-' {
				return false
			}
			continue
		}
		if n == 15 {
			break
		}
		if c < '0' || c > '9' {
			return false
		}
		total = (total + int(c-'0')) * 2
		n++
	}
	r := (12 - total%11) % 11
	want := byte('0' + r)
	if r == 10 {
		want = 'X'
	}
	return id[18] == want
}

// checkIdentifiers checks a person's external identifiers.
func checkIdentifiers(v *Invalids, p *pb.Person) {
	if p.Orcid != "" && !ValidORCID(p.Orcid) {
		v.add(personField+"orcid", "%q is not a valid ORCID iD: its last character is not the check digit of the others (ISO 7064 MOD 11-2); copy it again from orcid.org", p.Orcid)
	}
	if i := strings.IndexFunc(p.CivilServantCode, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	}); i >= 0 || len(p.CivilServantCode) > 20 {
		v.add(personField+"civil_servant_code", "must be 1 to 20 capital letters, digits and hyphens")
	}
}

// writeIdentifiers keeps a person's external identifiers, one row when
// they have any.
func (tx *Tx) writeIdentifiers(ctx context.Context, pk int64, p *pb.Person) error {
	if p.Orcid == "" && p.CivilServantCode == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM person_identifiers WHERE person_pk = ?`, pk)
		return dbError(err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO person_identifiers(person_pk, orcid, civil_servant_code) VALUES (?, ?, ?)
		ON CONFLICT(person_pk) DO UPDATE SET orcid = excluded.orcid, civil_servant_code = excluded.civil_servant_code`,
		pk, p.Orcid, p.CivilServantCode)
	return dbError(err)
}

func identifiersOfSQL(n int) string {
	return `SELECT person_pk, orcid, civil_servant_code FROM person_identifiers
		WHERE person_pk IN (` + placeholders(n) + `)`
}

// attachIdentifiers sets the external identifiers of the people by pk.
func (tx *Tx) attachIdentifiers(ctx context.Context, pks []int64, byPK map[int64]*pb.Person) error {
	rows, err := tx.QueryContext(ctx, identifiersOfSQL(len(pks)), int64sToAny(pks)...)
	if err != nil {
		return dbError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var pk int64
		var orcid, code string
		if err := rows.Scan(&pk, &orcid, &code); err != nil {
			return dbError(err)
		}
		byPK[pk].Orcid, byPK[pk].CivilServantCode = orcid, code
	}
	return dbError(rows.Err())
}
