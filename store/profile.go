package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

// kindLevels are the levels of the national frameworks that
// qualifications of the kinds without a reference list of their own may
// have (refdata.FrameworkLevels), by kind.
var kindLevels = func() map[pb.Qualification_Kind][]string {
	out := map[pb.Qualification_Kind][]string{}
	for _, l := range refdata.FrameworkLevels {
		out[l.Kind] = append(out[l.Kind], l.Code)
	}
	return out
}()

// minQualificationAge is the youngest age at which anyone earns a
// qualification: a year before the holder's birth year plus this is refused.
const minQualificationAge = 15

var qualificationKind = &childKind[*pb.Qualification]{
	collection: "qualifications",
	field:      "qualification",
	columns: `c.kind, c.level, c.major, c.field, c.institution, c.country, c.year, c.mode_of_study,
		c.document_number, c.language, c.verification_state, c.verifier, c.verify_time, c.verify_note, c.degree_title`,
	writable: []string{"kind", "level", "level_rank", "major", "field", "field_code", "institution", "country", "year",
		"mode_of_study", "document_number", "language", "verification_state", "verifier", "verify_time", "verify_note", "degree_title"},
	sortKeys: map[string]sortKey{
		"year":        {expr: "c.year", kind: kindInt},
		"create_time": {expr: "c.create_time", kind: kindInt},
		"update_time": {expr: "c.update_time", kind: kindInt},
	},
	schema:  qualificationSchema,
	newItem: func() *pb.Qualification { return new(pb.Qualification) },
	scan: func(s scanner, q *pb.Qualification, common, extra []any) error {
		var kind, mode, state int32
		var verifyTime sql.NullInt64
		v := &pb.Verification{}
		dest := append(common, &kind, &q.Level, &q.Major, &q.Field, &q.Institution, &q.Country, &q.Year, &mode,
			&q.DocumentNumber, &q.Language, &state, &v.Verifier, &verifyTime, &v.Note, &q.DegreeTitle)
		if err := s.Scan(append(dest, extra...)...); err != nil {
			return err
		}
		q.Kind, q.ModeOfStudy = pb.Qualification_Kind(kind), pb.Qualification_StudyMode(mode)
		v.State = pb.Verification_State(state)
		if verifyTime.Valid {
			v.VerifyTime = timestamppb.New(fromMicros(verifyTime.Int64))
		}
		q.Verification = v
		return nil
	},
	prepare: prepareQualification,
	changed: refreshDerived,
	// Imports read a degree's title since 0046, and lost it before: the
	// same file imported again gives it to the qualification it made.
	fillable: "degree_title",
}

func prepareQualification(ctx context.Context, c checker, person *personRow, q *pb.Qualification) ([]any, error) {
	const f = "qualification."
	for _, s := range []*string{&q.Level, &q.Major, &q.Field, &q.Institution, &q.Country, &q.DocumentNumber, &q.Language, &q.DegreeTitle} {
		*s = normText(*s)
	}
	var v Invalids
	checkControl(&v, f, map[string]string{"major": q.Major, "institution": q.Institution, "document_number": q.DocumentNumber, "level": q.Level})
	var rank int
	switch q.Kind {
	case pb.Qualification_KIND_UNSPECIFIED:
		v.add(f+"kind", "required: DEGREE, ACADEMIC_TITLE, PROFESSIONAL_CERTIFICATE, VOCATIONAL_CERTIFICATE, POLITICAL_THEORY, STATE_MANAGEMENT, FOREIGN_LANGUAGE or IT_SKILL")
	case pb.Qualification_DEGREE:
		if q.Level == "" {
			v.add(f+"level", "required for a degree: a qualification level code such as DAI_HOC, THAC_SI or TIEN_SI (see ListQualificationLevels)")
		} else if err := c.checkRef(ctx, &v, RefQualificationLevel, f+"level", q.Level, time.Time{}); err != nil {
			return nil, err
		} else if r, err := c.levelRank(ctx, q.Level); err != nil {
			return nil, err
		} else {
			rank = r
		}
	case pb.Qualification_ACADEMIC_TITLE:
		if q.Level == "" {
			v.add(f+"level", "required for an academic title: GIAO_SU or PHO_GIAO_SU")
		} else if err := c.checkRef(ctx, &v, RefAcademicTitle, f+"level", q.Level, time.Time{}); err != nil {
			return nil, err
		} else if r, err := c.titleRank(ctx, q.Level); err != nil {
			return nil, err
		} else {
			rank = r
		}
	default:
		if levels, ok := kindLevels[q.Kind]; ok && q.Level != "" && !contains(levels, q.Level) {
			v.add(f+"level", "%q is not a level of %s; use one of %s", q.Level, q.Kind, strings.Join(levels, ", "))
		}
	}
	if err := checkDegreeTitle(ctx, c, &v, q); err != nil {
		return nil, err
	}
	if q.Kind == pb.Qualification_FOREIGN_LANGUAGE && q.Language == "" {
		v.add(f+"language", "required for a foreign language: its ISO 639-1 code, e.g. \"en\"")
	}
	if q.Kind != pb.Qualification_FOREIGN_LANGUAGE && q.Language != "" {
		v.add(f+"language", "only a FOREIGN_LANGUAGE qualification has a language")
	}
	var fieldCode string
	if q.Field != "" {
		if err := c.checkRef(ctx, &v, RefField, f+"field", q.Field, time.Time{}); err != nil {
			return nil, err
		}
		fieldCode = fieldCodeOf(q.Field)
	}
	if q.Country != "" {
		if err := c.checkRef(ctx, &v, RefCountry, f+"country", q.Country, time.Time{}); err != nil {
			return nil, err
		}
	}
	if q.Year != 0 {
		if q.Year > c.base().thisYear() {
			v.add(f+"year", "%d is in the future", q.Year)
		}
		if by := birthYear(person); by != 0 && q.Year < by+minQualificationAge {
			v.add(f+"year", "%d is before the holder could have earned it (born %d)", q.Year, by)
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}

	// Verification is the verifier's to set, and what it vouched for is
	// what the qualification said then: a change makes it unverified again,
	// unless the change is the verification itself.
	ver := q.GetVerification()
	state := ver.GetState()
	if state == pb.Verification_STATE_UNSPECIFIED {
		state = pb.Verification_UNVERIFIED
	}
	var verifyTime any
	if ver.GetVerifyTime() != nil {
		verifyTime = micros(ver.GetVerifyTime().AsTime())
	}
	return []any{int32(q.Kind), q.Level, rank, q.Major, q.Field, fieldCode, q.Institution, q.Country, q.Year,
		int32(q.ModeOfStudy), q.DocumentNumber, q.Language, int32(state), ver.GetVerifier(), verifyTime, ver.GetNote(), q.DegreeTitle}, nil
}

// checkDegreeTitle checks a degree's title against its level, and writes
// it in full (KS is Kỹ sư): only a degree has one, and only a title its
// level goes by (refdata.DegreeTitle).
func checkDegreeTitle(ctx context.Context, c checker, v *Invalids, q *pb.Qualification) error {
	const f = "qualification.degree_title"
	if q.DegreeTitle == "" {
		return nil
	}
	title, level, ok := refdata.DegreeTitle(q.DegreeTitle)
	switch {
	case q.Kind != pb.Qualification_DEGREE:
		v.add(f, "only a DEGREE has a degree title")
		return nil
	case !ok:
		v.add(f, "%q is not a degree's title; use one of %s, or leave it empty when the level names the degree", q.DegreeTitle, strings.Join(refdata.DegreeTitles(), ", "))
		return nil
	case q.Level == "":
		return nil // said of the level
	}
	q.DegreeTitle = title
	same, err := c.exists(ctx, `SELECT 1 FROM ref_qualification_levels WHERE code = ? AND name_vi = ?`, q.Level, level)
	if err != nil {
		return err
	}
	if !same {
		v.add(f, "%s is a degree of the level %s, not %s", title, level, q.Level)
	}
	return nil
}

// fieldCodeOf returns "502" of "fields/vn2008-502".
func fieldCodeOf(name string) string {
	id := strings.TrimPrefix(name, "fields/")
	if _, code, ok := strings.Cut(id, "-"); ok {
		return code
	}
	return id
}

func birthYear(p *personRow) int32 {
	if d := p.person.GetBirthDate(); d != nil {
		return d.Year
	}
	return 0
}

// checkControl refuses control characters in free text.
func checkControl(v *Invalids, prefix string, fields map[string]string) {
	for name, value := range fields {
		if i := strings.IndexFunc(value, unicode.IsControl); i >= 0 {
			v.add(prefix+name, "contains a control character at byte %d", i)
		}
	}
}

var positionKind = &childKind[*pb.Position]{
	collection: "positions",
	field:      "position",
	joins:      "LEFT JOIN organizations o ON o.pk = c.organization_pk",
	columns: `COALESCE(o.id, ''), COALESCE(o.display_name, c.organization_name), c.title, c.department,
		c.employment_type, c.start_date, c.end_date, c.is_current, c.country, c.administrative_unit`,
	writable: []string{"organization_pk", "organization_name", "title", "department", "employment_type",
		"start_date", "end_date", "is_current", "country", "administrative_unit"},
	sortKeys: map[string]sortKey{
		"start":       {expr: "c.start_date", kind: kindInt},
		"end":         {expr: "c.end_date", kind: kindInt},
		"create_time": {expr: "c.create_time", kind: kindInt},
	},
	schema:  positionSchema,
	newItem: func() *pb.Position { return new(pb.Position) },
	scan: func(s scanner, p *pb.Position, common, extra []any) error {
		var orgID string
		var typ int32
		var start, end int64
		dest := append(common, &orgID, &p.OrganizationName, &p.Title, &p.Department, &typ, &start, &end,
			&p.Current, &p.Country, &p.AdministrativeUnit)
		if err := s.Scan(append(dest, extra...)...); err != nil {
			return err
		}
		if orgID != "" {
			p.Organization = "organizations/" + orgID
		}
		p.EmploymentType = pb.Position_EmploymentType(typ)
		p.Start, p.End = dateOf(start), dateOf(end)
		return nil
	},
	prepare: preparePosition,
	// What positions derive on the person row (workplace, unit) the
	// triggers of 0007_stats.sql keep; the rest is the profile's text.
	changed: touchAndReindex,
}

// dateOf unpacks a YYYYMMDD integer; 0 is no date.
func dateOf(n int64) *date.Date {
	if n == 0 {
		return nil
	}
	return &date.Date{Year: int32(n / 10000), Month: int32(n / 100 % 100), Day: int32(n % 100)}
}

func preparePosition(ctx context.Context, c checker, person *personRow, p *pb.Position) ([]any, error) {
	const f = "position."
	for _, s := range []*string{&p.Organization, &p.OrganizationName, &p.Title, &p.Department, &p.Country, &p.AdministrativeUnit} {
		*s = normText(*s)
	}
	var v Invalids
	checkControl(&v, f, map[string]string{"organization_name": p.OrganizationName, "title": p.Title, "department": p.Department})
	var start, end int64
	if p.Start != nil {
		checkDate(&v, f+"start", p.Start)
		start = ymd(p.Start.Year, p.Start.Month, p.Start.Day)
	}
	if p.End != nil {
		checkDate(&v, f+"end", p.End)
		end = ymd(p.End.Year, p.End.Month, p.End.Day)
	}
	if start != 0 && end != 0 && end < start {
		v.add(f+"end", "is before the start")
	}
	if start > today(c.base().now) {
		v.add(f+"start", "is in the future")
	}
	if by := birthYear(person); by != 0 && p.Start != nil && p.Start.Year < by+minQualificationAge {
		v.add(f+"start", "%d is before the person could have held a position (born %d)", p.Start.Year, by)
	}
	// A position that ended is not current, whatever the request said: one
	// ends when the last day its end covers has passed.
	if end != 0 && lastDayCovered(end) < today(c.base().now) {
		p.Current = false
	}
	var orgPK any
	switch {
	case p.Organization != "" && p.OrganizationName != "" && !strings.HasPrefix(p.Organization, "organizations/"):
		v.add(f+"organization", "want organizations/{organization}, not %q", p.Organization)
	case p.Organization != "":
		org, err := c.organizationByName(ctx, p.Organization, f+"organization")
		if err != nil {
			var se *Error
			if errors.As(err, &se) && (se.Code == Invalid || se.Code == NotFound) {
				v.add(f+"organization", "%s", se.Message)
			} else {
				return nil, err
			}
		} else {
			orgPK = org.pk
			// The registry has the name; the free text would only go stale.
			p.OrganizationName = ""
		}
	case p.OrganizationName == "":
		v.add(f+"organization", "required: a registered organization (organizations/{id}), or its name in organization_name")
	}
	if p.Country != "" {
		if err := c.checkRef(ctx, &v, RefCountry, f+"country", p.Country, time.Time{}); err != nil {
			return nil, err
		}
	}
	if p.AdministrativeUnit != "" {
		// A unit must have existed when the position began (Giồng Riềng
		// in 2019), or at some time when the start is unknown.
		var on time.Time
		if p.Start != nil && p.Start.Year > 0 {
			on = time.Date(int(p.Start.Year), time.Month(max(1, p.Start.Month)), int(max(1, p.Start.Day)), 0, 0, 0, 0, time.UTC)
		}
		if err := c.checkRef(ctx, &v, RefAdminUnit, f+"administrative_unit", p.AdministrativeUnit, on); err != nil {
			return nil, err
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return []any{orgPK, p.OrganizationName, p.Title, p.Department, int32(p.EmploymentType), start, end,
		p.Current, p.Country, p.AdministrativeUnit}, nil
}

// checkDate checks a date whose month and day may be 0 (unknown).
func checkDate(v *Invalids, field string, d *date.Date) {
	switch {
	case d.Year < 1900 || d.Year > 2200:
		v.add(field+".year", "%d is out of range; give a year from 1900", d.Year)
	case d.Month < 0 || d.Month > 12:
		v.add(field+".month", "must be 1 to 12, or 0 when unknown")
	case d.Month == 0 && d.Day != 0:
		v.add(field+".month", "required when day is given")
	case d.Day < 0 || d.Day > daysIn(d.Year, d.Month):
		v.add(field+".day", "%d-%02d has no day %d", d.Year, d.Month, d.Day)
	}
}

var honorKind = &childKind[*pb.Honor]{
	collection: "honors",
	field:      "honor",
	columns:    `c.title, c.kind, c.year, c.issuer, c.decision_number`,
	writable:   []string{"title", "kind", "year", "issuer", "decision_number"},
	sortKeys: map[string]sortKey{
		"year":        {expr: "c.year", kind: kindInt},
		"create_time": {expr: "c.create_time", kind: kindInt},
	},
	schema:  honorSchema,
	newItem: func() *pb.Honor { return new(pb.Honor) },
	scan: func(s scanner, h *pb.Honor, common, extra []any) error {
		var kind int32
		dest := append(common, &h.Title, &kind, &h.Year, &h.Issuer, &h.DecisionNumber)
		if err := s.Scan(append(dest, extra...)...); err != nil {
			return err
		}
		h.Kind = pb.Honor_Kind(kind)
		return nil
	},
	prepare: func(ctx context.Context, c checker, person *personRow, h *pb.Honor) ([]any, error) {
		const f = "honor."
		for _, s := range []*string{&h.Title, &h.Issuer, &h.DecisionNumber} {
			*s = normText(*s)
		}
		var v Invalids
		checkControl(&v, f, map[string]string{"title": h.Title, "issuer": h.Issuer, "decision_number": h.DecisionNumber})
		if h.Title == "" {
			v.add(f+"title", "required: the honour's name")
		}
		if h.Year != 0 {
			if h.Year > c.base().thisYear() {
				v.add(f+"year", "%d is in the future", h.Year)
			}
			if by := birthYear(person); by != 0 && h.Year < by {
				v.add(f+"year", "%d is before the person was born (%d)", h.Year, by)
			}
		}
		if err := v.err(); err != nil {
			return nil, err
		}
		return []any{h.Title, int32(h.Kind), h.Year, h.Issuer, h.DecisionNumber}, nil
	},
	changed:   touchAndReindex,
	deletable: honorConferred,
}

// honorConferred refuses to delete an honour a campaign conferred: its
// selected nomination names it, and the campaign counts it in its quota.
// The honour's details may still be corrected.
func honorConferred(ctx context.Context, tx *Tx, name string) error {
	var campaign, nomination string
	err := tx.QueryRowContext(ctx, `SELECT c.id, n.id FROM nominations n JOIN honor_campaigns c ON c.pk = n.campaign_pk
		WHERE n.honor = ?`, name).Scan(&campaign, &nomination)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return dbError(err)
	}
	return errorf(FailedPrecondition, "", "%s was conferred by the selection of honorCampaigns/%s/nominations/%s and stays with it; correct its details with an update instead",
		name, campaign, nomination)
}

// touchAndReindex marks a person changed and reindexes their text, for
// writes that change what the profile says but nothing derived from
// qualifications.
func touchAndReindex(ctx context.Context, tx *Tx, personPK int64) error {
	if err := tx.touchPerson(ctx, personPK); err != nil {
		return err
	}
	return tx.reindexPerson(ctx, personPK)
}

// refreshDerived recomputes what a person derives from their
// qualifications: the highest degree and the academic title. A change bumps
// the person's revision, since their profile now reads differently.
func refreshDerived(ctx context.Context, tx *Tx, personPK int64) error {
	var level string
	var rank int64
	err := tx.QueryRowContext(ctx, `SELECT level, level_rank FROM qualifications
		WHERE person_pk = ? AND kind = ? AND verification_state != ?
		ORDER BY level_rank DESC, year DESC LIMIT 1`,
		personPK, int32(pb.Qualification_DEGREE), int32(pb.Verification_REJECTED)).Scan(&level, &rank)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	var title string
	var titleYear int32
	err = tx.QueryRowContext(ctx, `SELECT level, year FROM qualifications
		WHERE person_pk = ? AND kind = ? AND verification_state != ?
		ORDER BY level_rank DESC, year ASC LIMIT 1`,
		personPK, int32(pb.Qualification_ACADEMIC_TITLE), int32(pb.Verification_REJECTED)).Scan(&title, &titleYear)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE people SET highest_level = ?, highest_level_rank = ?,
		academic_title = ?, academic_title_year = ?, update_time = ?, revision = revision + 1 WHERE pk = ?`,
		level, rank, title, titleYear, micros(tx.now), personPK)
	if err != nil {
		return dbError(err)
	}
	return tx.reindexPerson(ctx, personPK)
}

// touchPerson marks a person changed when something shown on their profile
// changed.
func (tx *Tx) touchPerson(ctx context.Context, personPK int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE people SET update_time = ?, revision = revision + 1 WHERE pk = ?`, micros(tx.now), personPK)
	return dbError(err)
}

// The exported methods, one per RPC.

func (db *DB) CreateQualification(ctx context.Context, parent string, q *pb.Qualification, o CreateOptions) (*pb.Qualification, error) {
	q.Verification = nil
	return qualificationKind.create(ctx, db, parent, q, o)
}

func (db *DB) GetQualification(ctx context.Context, name string) (*pb.Qualification, error) {
	return qualificationKind.get(ctx, db, name)
}

func (db *DB) ListQualifications(ctx context.Context, parent string, q ListQuery) ([]*pb.Qualification, Page, error) {
	return qualificationKind.list(ctx, db, parent, q)
}

// UpdateQualification changes a qualification; a change of what it says
// makes it unverified again.
func (db *DB) UpdateQualification(ctx context.Context, name string, o WriteOptions, apply func(*pb.Qualification) error) (*pb.Qualification, error) {
	return qualificationKind.update(ctx, db, name, o, func(q *pb.Qualification) error {
		before, ver := substance(q), q.Verification
		if err := apply(q); err != nil {
			return err
		}
		q.Verification = ver
		if !proto.Equal(before, substance(q)) {
			q.Verification = &pb.Verification{State: pb.Verification_UNVERIFIED}
		}
		return nil
	})
}

// substance is what a verification vouches for: the qualification without
// its name, times, etag and verification.
func substance(q *pb.Qualification) *pb.Qualification {
	s := proto.Clone(q).(*pb.Qualification)
	s.Name, s.Etag, s.CreateTime, s.UpdateTime, s.Verification = "", "", nil, nil, nil
	return s
}

func (db *DB) DeleteQualification(ctx context.Context, name string, o WriteOptions) error {
	return qualificationKind.delete(ctx, db, name, o)
}

// VerifyQualification records who checked a qualification, when, and what
// they found.
func (db *DB) VerifyQualification(ctx context.Context, name string, state pb.Verification_State, verifier, note string, o WriteOptions) (*pb.Qualification, error) {
	if state != pb.Verification_VERIFIED && state != pb.Verification_REJECTED {
		return nil, errorf(Invalid, "state", "must be VERIFIED or REJECTED")
	}
	q, err := qualificationKind.update(ctx, db, name, o, func(q *pb.Qualification) error {
		q.Verification = &pb.Verification{State: state, Verifier: verifier, Note: normProse(note),
			VerifyTime: timestamppb.New(db.Now().UTC().Truncate(time.Microsecond))}
		return nil
	})
	// The request's etag is its own field, not a qualification's.
	return q, reprefix(err, "qualification.etag", "etag")
}

func (db *DB) CreatePosition(ctx context.Context, parent string, p *pb.Position, o CreateOptions) (*pb.Position, error) {
	return positionKind.create(ctx, db, parent, p, o)
}

func (db *DB) GetPosition(ctx context.Context, name string) (*pb.Position, error) {
	return positionKind.get(ctx, db, name)
}

func (db *DB) ListPositions(ctx context.Context, parent string, q ListQuery) ([]*pb.Position, Page, error) {
	return positionKind.list(ctx, db, parent, q)
}

func (db *DB) UpdatePosition(ctx context.Context, name string, o WriteOptions, apply func(*pb.Position) error) (*pb.Position, error) {
	return positionKind.update(ctx, db, name, o, apply)
}

func (db *DB) DeletePosition(ctx context.Context, name string, o WriteOptions) error {
	return positionKind.delete(ctx, db, name, o)
}

func (db *DB) CreateHonor(ctx context.Context, parent string, h *pb.Honor, o CreateOptions) (*pb.Honor, error) {
	return honorKind.create(ctx, db, parent, h, o)
}

func (db *DB) GetHonor(ctx context.Context, name string) (*pb.Honor, error) {
	return honorKind.get(ctx, db, name)
}

func (db *DB) ListHonors(ctx context.Context, parent string, q ListQuery) ([]*pb.Honor, Page, error) {
	return honorKind.list(ctx, db, parent, q)
}

func (db *DB) UpdateHonor(ctx context.Context, name string, o WriteOptions, apply func(*pb.Honor) error) (*pb.Honor, error) {
	return honorKind.update(ctx, db, name, o, apply)
}

func (db *DB) DeleteHonor(ctx context.Context, name string, o WriteOptions) error {
	return honorKind.delete(ctx, db, name, o)
}
