package server

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// The rows of the people sheet: each checked as CreatePerson checks a
// person and applied, or its problems reported by column.

// repeats reports whether rows of the people sheet may name one person
// (transfer.Mapping.Repeats); a sheet it cannot read counts as having
// them, and the import reports why.
func repeats(wb *transfer.Workbook, sheet string, mapping *transfer.Mapping) bool {
	if mapping == nil {
		return false // no sheet of people
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return true
	}
	defer rows.Close()
	found, err := mapping.Repeats(rows)
	return found || err != nil
}

// importRow checks a row as CreatePerson would and applies it. It reports
// whether the row was refused; an error is a failure of the import itself.
func (t *transferService) importRow(ctx context.Context, im *store.Importer, person *pb.Person, row int32,
	mapping *transfer.Mapping, resp *pb.ImportPeopleResponse, problem func(*pb.ImportProblem)) (bool, error) {
	if err := t.s.validate(ctx, &pb.CreatePersonRequest{Person: person}); err != nil {
		return true, t.checkRow(ctx, im, person, row, mapping, map[string]bool{}, problem)
	}
	out, err := im.Person(ctx, person)
	if err != nil {
		problems, err := rowProblems(ctx, err, row, func(f string) string { return columnOf(mapping, f) })
		if err != nil {
			return false, err
		}
		for _, p := range problems {
			problem(p)
		}
		return true, nil
	}
	switch out.Action {
	case store.Created:
		resp.Created++
	case store.Updated:
		resp.Updated++
	case store.Unchanged:
		resp.Unchanged++
	case store.Duplicate:
		resp.PossibleDuplicates++
		restricted, err := t.s.restrictedOf(ctx, out.Duplicates)
		if err != nil {
			return false, err
		}
		for _, d := range out.Duplicates {
			if restricted[d] {
				problem(&pb.ImportProblem{Kind: pb.ImportProblem_POSSIBLE_DUPLICATE, Row: row,
					Message: "resembles a registered person whose profile is restricted (same name and birth date, or same email), and was not created; only an admin may import it"})
				continue
			}
			problem(&pb.ImportProblem{Kind: pb.ImportProblem_POSSIBLE_DUPLICATE, Row: row, Person: d,
				Message: fmt.Sprintf("resembles %s (same name and birth date, or same email) and was not created; add the national ID or the Mã hồ sơ to match that person, or check that it is someone else", d)})
		}
	}
	for _, c := range out.Conflicts {
		msg := fmt.Sprintf("%s has %q registered; the file has %q, not applied (import with overwrite to replace it)", out.Person, c.Registered, c.Imported)
		if c.Withheld {
			msg = fmt.Sprintf("%s withholds their contact details (no consent to be contacted): the file's %q was neither compared nor applied; only an admin may change them", out.Person, c.Imported)
		} else if c.Immutable {
			msg = fmt.Sprintf("%s is on the lists from %s; the file has %s, not applied: a registry date never changes once the person is registered", out.Person, c.Registered, c.Imported)
		}
		problem(&pb.ImportProblem{Kind: pb.ImportProblem_CONFLICT, Row: row, Column: columnOf(mapping, c.Field), Field: c.Field, Person: out.Person,
			Message: msg})
	}
	return false, nil
}

// checkRow reports the problems of a row that is refused: those of the
// request's rules, then of the store's checks of a new person, each field
// once (reported holds the fields already reported). An error is a
// failure of the import itself.
func (t *transferService) checkRow(ctx context.Context, im *store.Importer, person *pb.Person, row int32,
	mapping *transfer.Mapping, reported map[string]bool, problem func(*pb.ImportProblem)) error {
	for _, check := range []func() error{
		func() error { return t.s.validate(ctx, &pb.CreatePersonRequest{Person: person}) },
		func() error { return im.CheckPerson(ctx, person) },
	} {
		err := check()
		if err == nil {
			continue
		}
		problems, err := rowProblems(ctx, err, row, func(f string) string { return columnOf(mapping, f) })
		if err != nil {
			return err
		}
		var fields []string
		for _, p := range problems {
			if !reported[p.Field] {
				problem(p)
				fields = append(fields, p.Field)
			}
		}
		for _, f := range fields {
			reported[f] = f != ""
		}
	}
	return nil
}

// rowProblems reports a row the store refused as the problems of its
// fields, each in the column that holds it; an error that is not the row's
// fault (the database failing) is returned to end the import.
func rowProblems(ctx context.Context, err error, row int32, column func(field string) string) ([]*pb.ImportProblem, error) {
	st := status.Convert(grpcError(ctx, err))
	switch st.Code() {
	case codes.InvalidArgument, codes.AlreadyExists, codes.NotFound, codes.FailedPrecondition:
	default:
		return nil, err
	}
	// A NOT_FOUND carries no field; the store's names the one that named
	// what does not exist (a Mã hồ sơ), so that its cell is marked.
	var se *store.Error
	if errors.As(err, &se) && se.Code == store.NotFound && se.Field != "" {
		return []*pb.ImportProblem{{Kind: pb.ImportProblem_ERROR, Row: row, Column: column(se.Field), Field: se.Field, Message: st.Message()}}, nil
	}
	var out []*pb.ImportProblem
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.FieldViolations {
				out = append(out, &pb.ImportProblem{Kind: pb.ImportProblem_ERROR, Row: row, Column: column(v.Field),
					Field: v.Field, Message: v.Description})
			}
		}
	}
	if len(out) == 0 {
		out = append(out, &pb.ImportProblem{Kind: pb.ImportProblem_ERROR, Row: row, Message: st.Message()})
	}
	return out, nil
}

func fieldError(field, msg string) error {
	return badRequest(&store.Error{Code: store.Invalid, Field: field, Message: msg})
}
