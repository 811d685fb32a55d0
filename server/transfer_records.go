package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// recordSheet is a sheet of records of a workbook: its name there, which
// may be written otherwise than the template's ("Bang cap"), and its kind.
type recordSheet struct {
	name string
	*transfer.RecordSheet
}

// recordSheets are the workbook's sheets of records (qualifications,
// positions, honours, memberships, works), in the template's order, with
// their header rows checked before the import starts: a wrong header is
// refused at once, as the people sheet's is; and so is a workbook that a
// key limited to an association may not import (transfer_scope.go), its
// cells read with names as the import reads them. The sheets such a key's
// import skips are left out, and listed in skipped.
// probes counts the rows such a key's import asks, by national ID alone,
// whether a registered person holds it (checkImportScope).
func (t *transferService) recordSheets(ctx context.Context, wb *transfer.Workbook, names transfer.Names) (records []recordSheet, skipped []skippedSheet, probes int, err error) {
	all, err := recordSheets(wb)
	if err != nil {
		return nil, nil, 0, err
	}
	if skipped, probes, err = t.checkImportScope(ctx, wb, names); err != nil {
		return nil, nil, 0, err
	}
	for _, rs := range all {
		if !slices.ContainsFunc(skipped, func(s skippedSheet) bool { return s.name == rs.name }) {
			records = append(records, rs)
		}
	}
	return records, skipped, probes, nil
}

func recordSheets(wb *transfer.Workbook) ([]recordSheet, error) {
	var out []recordSheet
	for i := range transfer.RecordSheets {
		rs := &transfer.RecordSheets[i]
		name := ""
		for _, s := range wb.Sheets() {
			if transfer.RecordSheetNamed(s) == rs {
				name = s
			}
		}
		if name == "" {
			continue
		}
		rows, err := wb.Rows(name)
		if err != nil {
			return nil, fieldError("file", err.Error())
		}
		ok := rows.Next()
		_, header := rows.Row()
		if !ok {
			rows.Close()
			continue
		}
		_, errs := rs.MapHeader(header)
		below := ""
		if len(errs) > 0 {
			below = headerBelow(rows, func(cells []string) bool { _, errs := rs.MapHeader(cells); return len(errs) == 0 })
		}
		rows.Close()
		if len(errs) > 0 {
			v := &errdetails.BadRequest{}
			for _, e := range errs {
				v.FieldViolations = append(v.FieldViolations, &errdetails.BadRequest_FieldViolation{
					Field: "file", Description: fmt.Sprintf("sheet %q, row 1, column %s: %s", name, columnName(e.Index, e.Column), e.Msg)})
			}
			return nil, withDetails(codes.InvalidArgument, fmt.Sprintf("the header row of sheet %q is not the template's: %s", name, cmp.Or(below, errs[0].Msg)), v)
		}
		out = append(out, recordSheet{name, rs})
	}
	return out, nil
}

// importRecords applies a sheet of records after the people sheet, in the
// same transaction, so that its rows may name people the people sheet adds
// (by national ID). It counts rows as the people sheet does: created,
// unchanged or refused.
func (t *transferService) importRecords(ctx context.Context, im *store.Importer, wb *transfer.Workbook, rs recordSheet, names transfer.Names,
	resp *pb.ImportPeopleResponse, sheetProblem func(sheet string, pr *pb.ImportProblem), progress func(bool)) error {
	problem := func(pr *pb.ImportProblem) { sheetProblem(rs.name, pr) }
	rows, err := wb.Rows(rs.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return rows.Err()
	}
	_, header := rows.Row()
	m, _ := rs.MapHeader(header)
	m.SetDate1904(wb.Date1904())
	m.SetNames(names)
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, cells := rows.Row()
		if transfer.Blank(cells) {
			continue
		}
		ref, nid, rec, cellErrs := m.Record(cells)
		reported, refused := cellProblems(int32(n), cellErrs, problem)
		person := store.PersonRef{Name: ref, NationalID: nid}
		if refused {
			// The other cells are checked all the same: a row's problems
			// come at once.
			if err := t.checkRecord(ctx, im, person, rec, int32(n), m, reported, problem); err != nil {
				return err
			}
		} else if refused, err = t.importRecord(ctx, im, person, rec, int32(n), m, resp, problem); err != nil {
			return err
		}
		if refused {
			resp.Refused++
		}
		progress(refused)
	}
	return rows.Err()
}

// importRecord checks a record as its Create method would (the request's
// rules, then the store's create path) and applies it; a membership as
// RegisterMember and the state changes would.
func (t *transferService) importRecord(ctx context.Context, im *store.Importer, ref store.PersonRef,
	rec any, row int32, m *transfer.RecordMapping, resp *pb.ImportPeopleResponse, problem func(*pb.ImportProblem)) (bool, error) {
	column := recordColumns(m)
	if r, ok := rec.(*transfer.MembershipRecord); ok {
		return t.importMembership(ctx, im, ref, r, row, column, resp, problem)
	}
	err := t.recordRules(ctx, ref, rec)
	if err != nil && status.Code(err) == codes.InvalidArgument {
		// The store's checks are said too: a row's problems come at once.
		return true, t.checkRecord(ctx, im, ref, rec, row, m, map[string]bool{}, problem)
	}
	var out *store.ChildOutcome
	if err == nil {
		switch r := rec.(type) {
		case *pb.Qualification:
			out, err = im.Qualification(ctx, ref, r)
		case *pb.Position:
			out, err = im.Position(ctx, ref, r)
		case *pb.Honor:
			out, err = im.Honor(ctx, ref, r)
		case *pb.Work:
			out, err = im.Work(ctx, ref, r)
		}
	}
	if err != nil {
		return rowRefused(ctx, err, row, column, problem)
	}
	switch out.Action {
	case store.Created:
		resp.Created++
	case store.Updated:
		resp.Updated++ // a degree's title an earlier import lost
	case store.Unchanged:
		resp.Unchanged++
	}
	return false, nil
}

// checkRecord reports the problems of a record row that is refused: those
// of its request's rules, then of the store's checks (a membership's, of
// the request's rules only). A field whose cell could not be read
// (reported holds them) is not reported again; one the rules refuse is,
// when the store says something else of it: a language that is no code
// on a degree is both no code and on the wrong kind of qualification.
// An error is a failure of the import itself.
func (t *transferService) checkRecord(ctx context.Context, im *store.Importer, ref store.PersonRef, rec any, row int32,
	m *transfer.RecordMapping, reported map[string]bool, problem func(*pb.ImportProblem)) error {
	checks := []func() error{func() error { return t.recordRules(ctx, ref, rec) }}
	if msg, ok := rec.(proto.Message); ok {
		checks = append(checks, func() error { return im.CheckRecord(ctx, ref, msg) })
	}
	said := map[string]bool{}
	for _, check := range checks {
		err := check()
		if err == nil {
			continue
		}
		if _, err := rowRefused(ctx, err, row, recordColumns(m), func(p *pb.ImportProblem) {
			if !reported[p.Field] && !said[p.Field+"\x00"+p.Message] {
				problem(p)
				said[p.Field+"\x00"+p.Message] = true
			}
		}); err != nil {
			return err
		}
	}
	return nil
}

// recordColumns names the column of a sheet of records that holds a
// field of a request.
func recordColumns(m *transfer.RecordMapping) func(string) string {
	return func(f string) string {
		i := m.ColumnOf(f)
		switch {
		case i >= 0:
		case f == "person":
			i = m.ColumnOf("person.name")
		case strings.HasSuffix(f, ".national_id"):
			i = m.ColumnOf("person.national_id")
		}
		if i >= 0 {
			return columnName(i, m.Headers()[i])
		}
		return ""
	}
}

// recordRules checks a record by the rules of the request that creates
// it; a membership's by RegisterMember's, its paths renamed to the row's.
func (t *transferService) recordRules(ctx context.Context, ref store.PersonRef, rec any) error {
	// The parent is checked by the store; a placeholder satisfies the
	// request's own rule for it.
	const parent = "people/import"
	var req proto.Message
	switch r := rec.(type) {
	case *pb.Qualification:
		req = &pb.CreateQualificationRequest{Parent: parent, Qualification: r}
	case *pb.Position:
		req = &pb.CreatePositionRequest{Parent: parent, Position: r}
	case *pb.Honor:
		req = &pb.CreateHonorRequest{Parent: parent, Honor: r}
	case *pb.Work:
		req = &pb.CreateWorkRequest{Parent: parent, Work: r}
	case *transfer.MembershipRecord:
		purposes := []pb.Consent_Purpose{pb.Consent_REGISTRY}
		if r.Contact {
			purposes = append(purposes, pb.Consent_CONTACT)
		}
		reg := &pb.RegisterMemberRequest{Parent: r.Association, Notes: r.Notes,
			Consent: &pb.Consent{Purposes: purposes, TextVersion: r.ConsentVersion}}
		if ref.Name == "" {
			np := proto.Clone(r.NewPerson).(*pb.Person)
			np.NationalId = ref.NationalID
			reg.Applicant = &pb.RegisterMemberRequest_NewPerson{NewPerson: np}
		} else {
			reg.Applicant = &pb.RegisterMemberRequest_Person{Person: ref.Name}
		}
		err := t.s.validate(ctx, reg)
		if err != nil {
			// The request's paths are the row's.
			err = renameViolations(err, map[string]string{"new_person.": "membership.new_person.", "notes": "membership.notes",
				"consent.": "membership.consent.", "parent": "membership.association", "person": "person.name"})
		}
		return err
	}
	return t.s.validate(ctx, req)
}

// rowRefused reports the problems of a refused row; an error is a failure
// of the import itself.
func rowRefused(ctx context.Context, err error, row int32, column func(string) string, problem func(*pb.ImportProblem)) (bool, error) {
	// What the row names that does not exist (a person, an association),
	// or a state it may not reach, is marked in its cell, though a
	// NOT_FOUND or a FAILED_PRECONDITION carries no field.
	var se *store.Error
	if errors.As(err, &se) && (se.Code == store.NotFound || se.Code == store.FailedPrecondition) && se.Field != "" {
		problem(&pb.ImportProblem{Kind: pb.ImportProblem_ERROR, Row: row, Column: column(se.Field), Field: se.Field, Message: se.Message})
		return true, nil
	}
	problems, err := rowProblems(ctx, err, row, column)
	if err != nil {
		return false, err
	}
	for _, p := range problems {
		if p.Column == "" && p.Field != "" {
			// The file has no column for the field: name it.
			p.Message = p.Field + ": " + p.Message
		}
		problem(p)
	}
	return true, nil
}

// importMembership registers a membership row as RegisterMember would
// (its request's rules on the new person and the notes, then the store's),
// for the caller's scope.
func (t *transferService) importMembership(ctx context.Context, im *store.Importer, ref store.PersonRef,
	r *transfer.MembershipRecord, row int32, column func(string) string, resp *pb.ImportPeopleResponse, report func(*pb.ImportProblem)) (bool, error) {
	var out *store.MembershipOutcome
	err := t.recordRules(ctx, ref, r)
	if err == nil {
		out, err = im.Membership(ctx, store.MembershipImport{Association: r.Association, Person: ref, NewPerson: r.NewPerson,
			State: r.State, MemberNumber: r.MemberNumber, Reason: r.Reason, ConsentVersion: r.ConsentVersion, Contact: r.Contact,
			Notes: r.Notes}, scopeOf(ctx))
	}
	if err != nil {
		return rowRefused(ctx, err, row, column, report)
	}
	switch out.Action {
	case store.Created:
		resp.Created++
	case store.Unchanged:
		resp.Unchanged++
	}
	if out.Ended {
		report(&pb.ImportProblem{Kind: pb.ImportProblem_WARNING, Row: row, Column: column("membership.state"), Field: "membership.state",
			Message: fmt.Sprintf("%s has ended (%s): a row of an ended registration is read and left as it is, not imported; to register the person again, write the state %s",
				out.Membership, r.State, pb.Membership_PENDING)})
	}
	if len(out.Duplicates) > 0 {
		report(&pb.ImportProblem{Kind: pb.ImportProblem_POSSIBLE_DUPLICATE, Row: row,
			Message: fmt.Sprintf("%s was registered; its new person resembles %s (same name and birth date, or same email): check before approving it",
				out.Membership, t.lookAlikes(ctx, out.Duplicates))})
	}
	for _, c := range out.Conflicts {
		msg := fmt.Sprintf("%s is %s; the file has %s, not applied: change a membership's state with ApproveMembership, SuspendMembership or ReinstateMembership", out.Membership, c.Registered, c.Imported)
		if c.Field == "membership.member_number" {
			msg = fmt.Sprintf("%s has the member number %q; the file has %q, not applied: the association's approval numbers its members", out.Membership, c.Registered, c.Imported)
		}
		if c.Withheld {
			who := ref.Name
			if who == "" {
				who = "the registered person with this national ID"
			}
			msg = fmt.Sprintf("%s already has a membership of %s that has not ended: the file's %s was neither compared nor applied; a registrar without a limit can tell which, and change its state", who, r.Association, c.Imported)
		}
		report(&pb.ImportProblem{Kind: pb.ImportProblem_CONFLICT, Row: row, Column: column(c.Field), Field: c.Field, Message: msg})
	}
	return false, nil
}

// renameViolations renames the fields of an INVALID_ARGUMENT's violations
// by prefix.
func renameViolations(err error, prefixes map[string]string) error {
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		return err
	}
	out := &errdetails.BadRequest{}
	for _, d := range st.Details() {
		br, ok := d.(*errdetails.BadRequest)
		if !ok {
			continue
		}
		for _, v := range br.FieldViolations {
			v = proto.Clone(v).(*errdetails.BadRequest_FieldViolation)
			for from, to := range prefixes {
				if strings.HasPrefix(v.Field, from) {
					v.Field = to + strings.TrimPrefix(v.Field, from)
					break
				}
			}
			out.FieldViolations = append(out.FieldViolations, v)
		}
	}
	return withDetails(codes.InvalidArgument, st.Message(), out)
}

// emptyRows is the people sheet of a workbook that has none.
type emptyRows struct{}

func (emptyRows) Next() bool           { return false }
func (emptyRows) Row() (int, []string) { return 0, nil }
func (emptyRows) Err() error           { return nil }
func (emptyRows) Close() error         { return nil }

// lookAlikes names the registered people a new member resembles; those
// outside a limited caller's scope, and restricted ones for callers other
// than admins, only by their number, as a registration's answer does.
func (t *transferService) lookAlikes(ctx context.Context, people []string) string {
	// What cannot be checked is not named: the answer errs on silence.
	restricted, err := t.s.restrictedOf(ctx, people)
	if err != nil {
		restricted = map[string]bool{}
		for _, p := range people {
			restricted[p] = true
		}
	}
	in := map[string]bool{}
	scope := scopeOf(ctx)
	if scope != "" {
		if in, err = t.db.PeopleInScope(ctx, scope, people); err != nil {
			in = map[string]bool{}
		}
	}
	var named []string
	hidden, outside := 0, 0
	for _, p := range people {
		switch {
		case restricted[p]:
			hidden++
		case scope != "" && !in[p]:
			outside++
		default:
			named = append(named, p)
		}
	}
	if outside > 0 {
		named = append(named, fmt.Sprintf("%d registered people outside %s", outside, scope))
	}
	if hidden > 0 {
		named = append(named, fmt.Sprintf("%d registered people whose profiles are restricted", hidden))
	}
	return strings.Join(named, ", ")
}

// importNames are the reference lists whose names an import reads as
// their codes (transfer.Names), by the template's lists; and the
// registered organizations and associations by display name, each only
// for a caller who may list them: a refusal names those a name is near,
// which the caller must be able to read (a key limited to an association
// reads the associations, not the organizations, whose column it does not
// import anyway).
func (t *transferService) importNames(ctx context.Context) (transfer.Names, error) {
	n, err := t.db.ReferenceNames(ctx)
	if err != nil {
		return nil, err
	}
	out := transfer.Names{"ethnicity": refdata.NewIndex(n.Ethnic), "country": refdata.NewIndex(n.Countries),
		"unit": refdata.NewIndex(n.Units), "level": refdata.NewIndex(n.Levels), "field": refdata.NewIndex(n.Fields),
		"language": refdata.NewIndex(refdata.Languages)}
	p := principal(ctx)
	for _, l := range []struct {
		list, method string
		entries      func(context.Context) ([]refdata.Entry, error)
	}{
		{"organization", "/trithuc.v1.OrganizationService/ListOrganizations", t.db.OrganizationNames},
		{"association", "/trithuc.v1.MembershipService/ListAssociations", t.db.AssociationNames},
	} {
		if !t.s.mayCall(p, l.method) {
			continue
		}
		es, err := l.entries(ctx)
		if err != nil {
			return nil, err
		}
		out[l.list] = refdata.NewIndex(es)
	}
	return out, nil
}
