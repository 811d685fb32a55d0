package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// What a person's profile holds beside the people row: fields of expertise
// and expert roles in their own tables, current positions, and in the FULL
// view every qualification, position and honour.

// checkFields checks a person's fields of expertise: each exists, none
// twice, and exactly one is primary. A single field is primary by itself.
func checkFields(ctx context.Context, c checker, v *Invalids, p *pb.Person) error {
	seen := map[string]bool{}
	primaries := 0
	for i, f := range p.Fields {
		field := personField + "fields[" + itoa(int64(i)) + "].field"
		switch {
		case f.Field == "":
			v.add(field, "required: a field's name, e.g. \"fields/vn2008-502\" (see ListFields)")
			continue
		case seen[f.Field]:
			v.add(field, "%s is listed twice", f.Field)
			continue
		}
		seen[f.Field] = true
		if err := c.checkRef(ctx, v, RefField, field, f.Field, time.Time{}); err != nil {
			return err
		}
		if f.Primary {
			primaries++
		}
	}
	if len(p.Fields) == 1 && primaries == 0 {
		p.Fields[0].Primary = true
		primaries = 1
	}
	if len(p.Fields) > 0 && primaries != 1 {
		v.add(personField+"fields", "exactly one field must be primary; %d are", primaries)
	}
	return nil
}

// writeFieldsAndRoles replaces a person's fields of expertise and expert
// roles with p's. A list that is already so is left alone, so that the
// change feed (changes.go) does not report it changed.
func (tx *Tx) writeFieldsAndRoles(ctx context.Context, pk int64, p *pb.Person) error {
	var haveFields, haveRoles string
	if err := tx.QueryRowContext(ctx, `SELECT
			IFNULL((SELECT group_concat(field || ':' || is_primary, ',') FROM
				(SELECT field, is_primary FROM person_fields WHERE person_pk = ?1 ORDER BY ordinal)), ''),
			IFNULL((SELECT group_concat(role, ',') FROM
				(SELECT role FROM person_expert_roles WHERE person_pk = ?1 ORDER BY role)), '')`, pk).Scan(&haveFields, &haveRoles); err != nil {
		return dbError(err)
	}
	var wantFields []string
	for _, f := range p.Fields {
		wantFields = append(wantFields, fmt.Sprintf("%s:%d", f.Field, boolInt(f.Primary)))
	}
	if strings.Join(wantFields, ",") != haveFields {
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_fields WHERE person_pk = ?`, pk); err != nil {
			return dbError(err)
		}
		if err := tx.insertFields(ctx, pk, p); err != nil {
			return err
		}
	}
	roles := map[int32]bool{}
	for _, r := range p.ExpertRoles {
		roles[int32(r)] = true
	}
	var wantRoles []string
	for _, r := range slices.Sorted(maps.Keys(roles)) {
		wantRoles = append(wantRoles, strconv.Itoa(int(r)))
	}
	if strings.Join(wantRoles, ",") != haveRoles {
		if _, err := tx.ExecContext(ctx, `DELETE FROM person_expert_roles WHERE person_pk = ?`, pk); err != nil {
			return dbError(err)
		}
		if err := tx.insertRoles(ctx, pk, p); err != nil {
			return err
		}
	}
	return tx.writeIdentifiers(ctx, pk, p)
}

// addFieldsAndRoles writes the fields, roles and identifiers of a person
// just inserted, who has none yet: what writeFieldsAndRoles writes, without
// reading what is there first (a create spent a tenth of its time on it).
// attachNew sets on r what attach's BASIC view adds to the row of a person
// just inserted (createPerson) as p: their fields, roles and identifiers
// as addFieldsAndRoles wrote them, and no position yet. Made from p, not
// read back: three statements fewer in the single writer at every create
// (TestCreateAnswersAsRead).
func attachNew(r *personRow, p *pb.Person) {
	r.person.Fields, r.person.ExpertRoles = storedFieldsAndRoles(p)
	r.person.Orcid, r.person.CivilServantCode = p.Orcid, p.CivilServantCode
}

// storedFieldsAndRoles are p's fields of expertise and expert roles as a
// read of them gives them back once stored: new copies, a field with its
// code, roles once each and in order.
func storedFieldsAndRoles(p *pb.Person) ([]*pb.FieldOfExpertise, []pb.Person_ExpertRole) {
	var fields []*pb.FieldOfExpertise
	for _, f := range p.Fields {
		fields = append(fields, &pb.FieldOfExpertise{Field: f.Field, Code: fieldCodeOf(f.Field), Primary: f.Primary})
	}
	var roles []pb.Person_ExpertRole
	if len(p.ExpertRoles) > 0 {
		roles = slices.Clone(p.ExpertRoles)
		slices.Sort(roles)
		roles = slices.Compact(roles)
	}
	return fields, roles
}

func (tx *Tx) addFieldsAndRoles(ctx context.Context, pk int64, p *pb.Person) error {
	if err := tx.insertFields(ctx, pk, p); err != nil {
		return err
	}
	if err := tx.insertRoles(ctx, pk, p); err != nil {
		return err
	}
	if p.Orcid == "" && p.CivilServantCode == "" {
		return nil
	}
	return tx.writeIdentifiers(ctx, pk, p)
}

func (tx *Tx) insertFields(ctx context.Context, pk int64, p *pb.Person) error {
	for i, f := range p.Fields {
		_, err := tx.ExecContext(ctx, `INSERT INTO person_fields(person_pk, ordinal, field, code, is_primary) VALUES (?, ?, ?, ?, ?)`,
			pk, i, f.Field, fieldCodeOf(f.Field), f.Primary)
		if err != nil {
			return dbError(err)
		}
	}
	return nil
}

func (tx *Tx) insertRoles(ctx context.Context, pk int64, p *pb.Person) error {
	for _, r := range p.ExpertRoles {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO person_expert_roles(person_pk, role) VALUES (?, ?)`, pk, int32(r)); err != nil {
			return dbError(err)
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The statements of attach for n people. store.Plain, the benchmarks'
// storage ceiling, runs the same ones (attachSQL).

func fieldsOfSQL(n int) string {
	return `SELECT person_pk, field, code, is_primary FROM person_fields
		WHERE person_pk IN (` + placeholders(n) + `) ORDER BY person_pk, ordinal`
}

func rolesOfSQL(n int) string {
	return `SELECT person_pk, role FROM person_expert_roles
		WHERE person_pk IN (` + placeholders(n) + `) ORDER BY person_pk, role`
}

func (k *childKind[T]) ofSQL(n int, where string) string {
	q := k.selectSQL() + " WHERE c.person_pk IN (" + placeholders(n) + ")"
	if where != "" {
		q += " AND " + where
	}
	return q + " ORDER BY c.person_pk, c.pk"
}

func membershipsOfSQL(n int) string {
	return `SELECT ` + membershipColumns + ` FROM ` + membershipFrom + `
		WHERE m.person_pk IN (` + placeholders(n) + `) ORDER BY m.person_pk, m.pk`
}

// attach loads what people hold beside their rows, for every person of a
// page at once.
func (tx *Tx) attach(ctx context.Context, view pb.PersonView, rows ...*personRow) error {
	if len(rows) == 0 {
		return nil
	}
	pks := make([]int64, len(rows))
	byPK := make(map[int64]*pb.Person, len(rows))
	for i, r := range rows {
		pks[i] = r.pk
		byPK[r.pk] = r.person
		r.person.Fields, r.person.ExpertRoles = nil, nil
		r.person.Orcid, r.person.CivilServantCode = "", ""
	}
	args := int64sToAny(pks)
	if err := tx.attachIdentifiers(ctx, pks, byPK); err != nil {
		return err
	}

	fields, err := tx.QueryContext(ctx, fieldsOfSQL(len(pks)), args...)
	if err != nil {
		return dbError(err)
	}
	for fields.Next() {
		var pk int64
		f := &pb.FieldOfExpertise{}
		if err := fields.Scan(&pk, &f.Field, &f.Code, &f.Primary); err != nil {
			fields.Close()
			return dbError(err)
		}
		byPK[pk].Fields = append(byPK[pk].Fields, f)
	}
	fields.Close()
	if err := fields.Err(); err != nil {
		return dbError(err)
	}

	roles, err := tx.QueryContext(ctx, rolesOfSQL(len(pks)), args...)
	if err != nil {
		return dbError(err)
	}
	for roles.Next() {
		var pk int64
		var role int32
		if err := roles.Scan(&pk, &role); err != nil {
			roles.Close()
			return dbError(err)
		}
		byPK[pk].ExpertRoles = append(byPK[pk].ExpertRoles, pb.Person_ExpertRole(role))
	}
	roles.Close()
	if err := roles.Err(); err != nil {
		return dbError(err)
	}

	full := view == pb.PersonView_PERSON_VIEW_FULL
	var held map[int64][]*pb.Position
	switch {
	case full:
		if held, err = positionKind.of(ctx, tx, pks, ""); err != nil {
			return err
		}
	default:
		if held, err = tx.currentPositionsOf(ctx, pks, byPK); err != nil {
			return err
		}
	}
	for pk, p := range byPK {
		p.CurrentPositions = slices.DeleteFunc(slices.Clone(held[pk]), func(pos *pb.Position) bool { return !pos.Current })
		p.Qualifications, p.Positions, p.Honors, p.Memberships, p.Works = nil, nil, nil, nil, nil
	}
	if !full {
		return nil
	}
	quals, err := qualificationKind.of(ctx, tx, pks, "")
	if err != nil {
		return err
	}
	honors, err := honorKind.of(ctx, tx, pks, "")
	if err != nil {
		return err
	}
	works, err := workKind.of(ctx, tx, pks, "")
	if err != nil {
		return err
	}
	memberships, err := tx.membershipsOf(ctx, pks)
	if err != nil {
		return err
	}
	for pk, p := range byPK {
		p.Qualifications, p.Positions, p.Honors = quals[pk], held[pk], honors[pk]
		p.Memberships, p.Works = memberships[pk], works[pk]
	}
	return nil
}
