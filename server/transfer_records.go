package server

import (
	"context"
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// recordSheets are the workbook's sheets of qualifications, positions and
// honours, in the template's order, with their header rows checked before
// the import starts: a wrong header is refused at once, as the people
// sheet's is.
func recordSheets(wb *transfer.Workbook) ([]*transfer.RecordSheet, error) {
	var out []*transfer.RecordSheet
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
		rows.Close()
		if !ok {
			continue
		}
		if _, errs := rs.MapHeader(header); len(errs) > 0 {
			v := &errdetails.BadRequest{}
			for _, e := range errs {
				v.FieldViolations = append(v.FieldViolations, &errdetails.BadRequest_FieldViolation{
					Field: "file", Description: fmt.Sprintf("sheet %q, row 1, column %s: %s", name, columnName(e.Index, e.Column), e.Msg)})
			}
			return nil, withDetails(codes.InvalidArgument, fmt.Sprintf("the header row of sheet %q is not the template's: %s", name, errs[0].Msg), v)
		}
		out = append(out, rs)
	}
	return out, nil
}

// importRecords applies a sheet of records after the people sheet, in the
// same transaction, so that its rows may name people the people sheet adds
// (by national ID). It counts rows as the people sheet does: created,
// unchanged or refused.
func (t *transferService) importRecords(ctx context.Context, im *store.Importer, wb *transfer.Workbook, rs *transfer.RecordSheet,
	resp *pb.ImportPeopleResponse, problem func(sheet string, pr *pb.ImportProblem), progress func(bool)) error {
	rows, err := wb.Rows(rs.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		return rows.Err()
	}
	_, header := rows.Row()
	m, _ := rs.MapHeader(header)
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, cells := rows.Row()
		if transfer.Blank(cells) {
			continue
		}
		ref, nid, rec, cellErrs := m.Record(cells)
		for _, e := range cellErrs {
			problem(rs.Name, &pb.ImportProblem{Kind: pb.ImportProblem_ERROR, Row: int32(n), Column: columnName(e.Index, e.Column), Field: e.Field, Message: e.Msg})
		}
		refused := len(cellErrs) > 0
		if !refused {
			refused, err = t.importRecord(ctx, im, rs, store.PersonRef{Name: ref, NationalID: nid}, rec, int32(n), m, resp, problem)
			if err != nil {
				return err
			}
		}
		if refused {
			resp.Refused++
		}
		progress(refused)
	}
	return rows.Err()
}

// importRecord checks a record as its Create method would (the request's
// rules, then the store's create path) and applies it.
func (t *transferService) importRecord(ctx context.Context, im *store.Importer, rs *transfer.RecordSheet, ref store.PersonRef,
	rec proto.Message, row int32, m *transfer.RecordMapping, resp *pb.ImportPeopleResponse, problem func(string, *pb.ImportProblem)) (bool, error) {
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
	}
	err := t.s.validate(ctx, req)
	var out *store.ChildOutcome
	if err == nil {
		switch r := rec.(type) {
		case *pb.Qualification:
			out, err = im.Qualification(ctx, ref, r)
		case *pb.Position:
			out, err = im.Position(ctx, ref, r)
		case *pb.Honor:
			out, err = im.Honor(ctx, ref, r)
		}
	}
	if err != nil {
		problems, err := rowProblems(ctx, err, row, func(f string) string {
			if i := m.ColumnOf(f); i >= 0 {
				return columnName(i, m.Headers()[i])
			}
			return ""
		})
		if err != nil {
			return false, err
		}
		for _, p := range problems {
			problem(rs.Name, p)
		}
		return true, nil
	}
	switch out.Action {
	case store.Created:
		resp.Created++
	case store.Unchanged:
		resp.Unchanged++
	}
	return false, nil
}

// emptyRows is the people sheet of a workbook that has none.
type emptyRows struct{}

func (emptyRows) Next() bool           { return false }
func (emptyRows) Row() (int, []string) { return 0, nil }
func (emptyRows) Err() error           { return nil }
func (emptyRows) Close() error         { return nil }
