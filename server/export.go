package server

import (
	"errors"
	"strings"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// exportChunk is the size of the pieces an export is streamed in, well
// under any client's message size limit.
const exportChunk = 256 << 10

// ExportPeople streams people as CSV or XLSX in the template's shape. It
// reads them as ListPeople does, page by page, and clears what the caller
// may not see before a cell is written: the redaction interceptor sees only
// bytes.
func (t *transferService) ExportPeople(req *pb.ExportPeopleRequest, stream grpc.ServerStreamingServer[httpbody.HttpBody]) error {
	ctx := stream.Context()
	cols, err := transfer.ColumnsFor(req.GetColumns())
	if err != nil {
		return fieldError("columns", err.Error())
	}
	format, ct := transfer.CSV, transfer.ContentTypeCSV
	if req.GetFormat() == pb.SpreadsheetFormat_XLSX {
		format, ct = transfer.XLSX, transfer.ContentTypeXLSX
	}
	// Codes as the template's drop-downs show them ("01 - Kinh"), for
	// people to read; a unit since merged by its last name.
	lists, err := t.templateLists(ctx, store.UnitQuery{ShowHistory: true})
	if err != nil {
		return grpcError(ctx, err)
	}
	labels := transfer.LabelsOf(lists)
	p := principal(ctx)
	ev := auditEvent(ctx)
	out, flush := transfer.NewChunker(exportChunk, func(b []byte) error {
		msg := &httpbody.HttpBody{ContentType: ct, Data: b}
		return stream.Send(msg)
	})
	// A member list is the memberships sheet alone, in either format: the
	// people are read as for the people sheet, and their rows not written.
	members := req.GetSheet() == pb.ExportPeopleRequest_MEMBERSHIPS
	if members {
		if len(req.GetColumns()) > 0 {
			return fieldError("columns", "the memberships sheet has the template's columns: leave columns empty with sheet MEMBERSHIPS")
		}
		if !t.s.mayCall(p, "/trithuc.v1.MembershipService/ListMemberships") {
			return denied(reasonDeniedRole, "sheet MEMBERSHIPS: this role may not list memberships")
		}
	}
	if f := req.GetMembershipFilter(); f != "" {
		// Checked before a row is sent: an error in the middle of the
		// stream would cut a file short.
		if _, _, err := t.db.ListMemberships(ctx, "associations/-", store.ListQuery{Filter: f, PageSize: 1, Scope: p.Association}); err != nil {
			var se *store.Error
			if errors.As(err, &se) && strings.HasPrefix(se.Field, "filter") {
				c := *se
				c.Field = "membership_" + se.Field
				err = &c
			}
			return grpcError(ctx, err)
		}
	}
	sheet, header := transfer.PeopleSheet, transfer.Header(cols)
	if members {
		sheet, header = transfer.MembershipsSheet, transfer.MembershipsSheetDef.Header()
	}
	w, err := transfer.NewWriter(out, format, sheet)
	if err != nil {
		return grpcError(ctx, err)
	}
	if err := w.Write(header); err != nil {
		return grpcError(ctx, err)
	}
	// A workbook in the template's shape carries the sheets of records of
	// the exported people after theirs, keyed by Mã hồ sơ, so that it
	// imports back unchanged.
	sw, records := w.(transfer.SheetWriter)
	records = records && len(req.GetColumns()) == 0 && !members
	exported := map[string]*pb.Person{} // by Mã hồ sơ: what records' rows show of them
	var order []string                  // Mã hồ sơ, in the people sheet's order
	q := store.ListQuery{Filter: req.GetFilter(), OrderBy: req.GetOrderBy(), PageSize: 1000, Scope: scopeOf(ctx), Shown: t.s.shown(ctx)}
	for {
		people, page, err := t.db.ListPeople(ctx, q, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			return grpcError(ctx, err)
		}
		for _, person := range people {
			if !personalDataRoles[p.Role] {
				person = redact(person).(*pb.Person)
			}
			person = hideContactOf(p, person)
			if ev != nil {
				ev.AddResources(person.Name)
			}
			if records || members {
				exported[person.Name] = recordPerson(person)
				order = append(order, person.Name)
			}
			if members {
				continue
			}
			if err := w.Write(labels.Cells(cols, person)); err != nil {
				return grpcError(ctx, err)
			}
		}
		// Its audit event in parts, as a stream's (a workbook is sent
		// only once whole).
		if err := t.s.audit.cut(ev); err != nil {
			return err
		}
		if page.NextPageToken == "" {
			break
		}
		q.PageToken = page.NextPageToken
	}
	if records {
		if err := t.exportRecords(ctx, sw, labels, exported, order, req.GetMembershipFilter()); err != nil {
			return grpcError(ctx, err)
		}
	}
	if members {
		rows, err := t.membershipRows(ctx, labels, exported, req.GetMembershipFilter(), choosesState(req.GetMembershipFilter()))
		if err == nil {
			err = rows.write(w, order)
		}
		if err != nil {
			return grpcError(ctx, err)
		}
	}
	if err := w.Close(); err != nil {
		return grpcError(ctx, err)
	}
	return flush()
}

// recordPerson is what the sheets of records show of an exported person
// (as cleared for the caller): the key and national ID, and on the
// memberships sheet the name, gender and birth date of a member list.
func recordPerson(p *pb.Person) *pb.Person {
	return &pb.Person{Name: p.GetName(), NationalId: p.GetNationalId(), FamilyName: p.GetFamilyName(), MiddleName: p.GetMiddleName(),
		GivenName: p.GetGivenName(), Gender: p.GetGender(), BirthDate: p.GetBirthDate()}
}
