package server

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/store/filter"
	"trithuc.gov.vn/trithuc/transfer"
)

// exportRecords writes the sheets of records of the exported people (by
// Mã hồ sơ → national ID as exported) in the template's order, each read
// across people in one listing and redacted as every read; memberships
// only for a caller who may list them, and only those that have not ended
// (the states a membership sheet imports), unless filter names the state
// (choosesState: the desk's list of ended registrations, whose rows an
// import reads as the registrations they are, and leaves). A sheet's rows follow the people
// sheet's order (order, the Mã hồ sơ as exported), a person's records
// together; codes as labels show them.
func (t *transferService) exportRecords(ctx context.Context, w transfer.SheetWriter, labels transfer.Labels, exported map[string]*pb.Person, order []string, filter string) error {
	p := principal(ctx)
	clear := !personalDataRoles[p.Role]
	for i := range transfer.RecordSheets {
		rs := &transfer.RecordSheets[i]
		if rs.Name == transfer.MembershipsSheet && !t.s.mayCall(p, "/trithuc.v1.MembershipService/ListMemberships") {
			continue
		}
		if err := w.NextSheet(rs.Name); err != nil {
			return err
		}
		if err := w.Write(rs.Header()); err != nil {
			return err
		}
		rows := personRows{}
		var err error
		switch rs.Name {
		case transfer.QualificationsSheet:
			err = exportSheet(rows, rs, labels, exported, clear, func(q store.ListQuery) ([]*pb.Qualification, store.Page, error) {
				return t.db.ListQualifications(ctx, "people/-", q)
			})
		case transfer.PositionsSheet:
			err = exportSheet(rows, rs, labels, exported, clear, func(q store.ListQuery) ([]*pb.Position, store.Page, error) {
				return t.db.ListPositions(ctx, "people/-", q)
			})
		case transfer.HonorsSheet:
			err = exportSheet(rows, rs, labels, exported, clear, func(q store.ListQuery) ([]*pb.Honor, store.Page, error) {
				return t.db.ListHonors(ctx, "people/-", q)
			})
		case transfer.WorksSheet:
			err = exportSheet(rows, rs, labels, exported, clear, func(q store.ListQuery) ([]*pb.Work, store.Page, error) {
				return t.db.ListWorks(ctx, "people/-", q)
			})
		case transfer.MembershipsSheet:
			rows, err = t.membershipRows(ctx, labels, exported, filter, choosesState(filter))
		}
		if err != nil {
			return err
		}
		if err := rows.write(w, order); err != nil {
			return err
		}
	}
	return nil
}

// membershipRows are the memberships sheet's rows of the exported people:
// their memberships that have not ended (the states the sheet imports),
// or, with ended, of any state, of the caller's associations for a key
// limited to one, redacted as every read; of those, the ones filter
// (ListMemberships') chooses.
func (t *transferService) membershipRows(ctx context.Context, labels transfer.Labels, exported map[string]*pb.Person, filter string, ended bool) (personRows, error) {
	p := principal(ctx)
	rs := &transfer.MembershipsSheetDef
	rows := personRows{}
	err := eachPage(func(q store.ListQuery) ([]*pb.Membership, store.Page, error) {
		q.Scope, q.Filter = p.Association, filter
		return t.db.ListMemberships(ctx, "associations/-", q)
	}, func(m *pb.Membership) error {
		person, ok := exported[m.GetPerson()]
		if !ok || !ended && !importable(m.GetState()) {
			return nil
		}
		if !personalDataRoles[p.Role] {
			m = redact(m).(*pb.Membership)
		}
		rows.add(m.GetPerson(), labels.Record(rs, transfer.MembershipCells(person, m)))
		return nil
	})
	return rows, err
}

// personRows are a sheet's rows by person, in the order listed: a listing
// across people comes in the order records were made, and the sheet is
// written in the people sheet's order.
type personRows map[string][][]string

func (r personRows) add(person string, cells []string) { r[person] = append(r[person], cells) }

// write writes the rows in the people's order.
func (r personRows) write(w transfer.Writer, order []string) error {
	for _, person := range order {
		for _, row := range r[person] {
			if err := w.Write(row); err != nil {
				return err
			}
		}
	}
	return nil
}

func importable(s pb.Membership_State) bool {
	for _, i := range transfer.ImportableStates {
		if s == i {
			return true
		}
	}
	return false
}

// choosesState says whether a member list's membership_filter names the
// state: a list of withdrawn or rejected registrations (the desk's) is
// asked for by its state, and is a list to read, not to import; a list
// that does not name it keeps to the memberships that have not ended.
func choosesState(membershipFilter string) bool {
	shape, err := filter.Describe(membershipFilter)
	return err == nil && slices.Contains(shape.Fields, "state")
}

// exportSheet keeps the rows of the exported people's records that list
// gives.
func exportSheet[T proto.Message](rows personRows, rs *transfer.RecordSheet, labels transfer.Labels, exported map[string]*pb.Person, clear bool,
	list func(store.ListQuery) ([]T, store.Page, error)) error {
	return eachPage(list, func(rec T) error {
		name := rec.ProtoReflect().Get(rec.ProtoReflect().Descriptor().Fields().ByName("name")).String()
		parts := strings.SplitN(name, "/", 3)
		if len(parts) < 3 {
			return nil
		}
		person := parts[0] + "/" + parts[1]
		shown, ok := exported[person]
		if !ok {
			return nil
		}
		if clear {
			rec = redact(rec).(T)
		}
		rows.add(person, labels.Record(rs, rs.Cells(person, shown.GetNationalId(), rec)))
		return nil
	})
}

// eachPage calls fn with every item of every page of list.
func eachPage[T any](list func(store.ListQuery) ([]T, store.Page, error), fn func(T) error) error {
	q := store.ListQuery{PageSize: 1000}
	for {
		items, page, err := list(q)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if page.NextPageToken == "" {
			return nil
		}
		q.PageToken = page.NextPageToken
	}
}
