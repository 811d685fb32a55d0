package server

import (
	"bytes"
	"cmp"
	"context"
	"slices"

	"google.golang.org/genproto/googleapis/api/httpbody"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
	"trithuc.gov.vn/trithuc/vntext"
)

// GetImportTemplate makes the import template from the reference data as it
// is now (the units valid on as_of).
func (t *transferService) GetImportTemplate(ctx context.Context, req *pb.GetImportTemplateRequest) (*httpbody.HttpBody, error) {
	lists, err := t.templateLists(ctx, store.UnitQuery{AsOf: req.GetAsOf()})
	if err != nil {
		return nil, grpcError(ctx, err)
	}
	var buf bytes.Buffer
	if err := transfer.WriteTemplate(&buf, lists); err != nil {
		return nil, grpcError(ctx, err)
	}
	return &httpbody.HttpBody{ContentType: transfer.ContentTypeXLSX, Data: buf.Bytes()}, nil
}

// templateLists are the template's drop-down lists, of the values the
// caller may read, with the units uq lists (of a day, or every version);
// an export writes a code as its list shows it (transfer.Labels). A unit
// is named by its latest version in uq.
func (t *transferService) templateLists(ctx context.Context, uq store.UnitQuery) (map[string][]string, error) {
	lists := transfer.FixedLists()
	q := store.ListQuery{PageSize: 1000}
	ethnic, err := every(q, func(q store.ListQuery) ([]*pb.EthnicGroup, store.Page, error) { return t.db.ListEthnicGroups(ctx, q) })
	if err != nil {
		return nil, err
	}
	for _, e := range ethnic {
		lists["ethnicity"] = append(lists["ethnicity"], transfer.ListValue(e.GetCode(), e.GetNameVi()))
	}
	units, err := every(q, func(q store.ListQuery) ([]*pb.AdministrativeUnit, store.Page, error) {
		uq.ListQuery = q
		return t.db.ListAdministrativeUnits(ctx, uq)
	})
	if err != nil {
		return nil, err
	}
	// A code's versions come together, by date: the last names it.
	latest := units[:0]
	for i, u := range units {
		if i+1 == len(units) || units[i+1].GetCode() != u.GetCode() {
			latest = append(latest, u)
		}
	}
	units = latest
	// The province first, then its units (a code's length is its level).
	vntext.Sort(units, (*pb.AdministrativeUnit).GetDisplayName)
	slices.SortStableFunc(units, func(a, b *pb.AdministrativeUnit) int { return cmp.Compare(len(a.GetCode()), len(b.GetCode())) })
	for _, u := range units {
		lists["unit"] = append(lists["unit"], transfer.ListValue(u.GetCode(), u.GetDisplayName()))
	}
	countries, err := every(q, func(q store.ListQuery) ([]*pb.Country, store.Page, error) { return t.db.ListCountries(ctx, q) })
	if err != nil {
		return nil, err
	}
	vntext.Sort(countries, (*pb.Country).GetNameVi)
	for _, c := range countries {
		lists["country"] = append(lists["country"], transfer.ListValue(c.GetCode(), c.GetNameVi()))
	}
	levels, err := every(q, func(q store.ListQuery) ([]*pb.QualificationLevel, store.Page, error) {
		return t.db.ListQualificationLevels(ctx, q)
	})
	if err != nil {
		return nil, err
	}
	for _, l := range levels {
		lists["level"] = append(lists["level"], transfer.ListValue(l.GetCode(), l.GetNameVi()))
	}
	// An academic title's qualification takes a title as its level.
	titles, err := every(q, func(q store.ListQuery) ([]*pb.AcademicTitle, store.Page, error) {
		return t.db.ListAcademicTitles(ctx, q)
	})
	if err != nil {
		return nil, err
	}
	for _, a := range titles {
		lists["level"] = append(lists["level"], transfer.ListValue(a.GetCode(), a.GetNameVi()))
	}
	// And the frameworks' levels (a language certificate's BAC_3), but
	// those the list of levels holds, by name and kind.
	have := map[string]bool{}
	for _, v := range lists["level"] {
		have[transfer.ParseCode(v)] = true
	}
	for _, l := range refdata.FrameworkLevels {
		if !have[l.Code] {
			lists["level"] = append(lists["level"], transfer.ListValue(l.Code, l.Label()))
		}
	}
	fields, err := every(q, func(q store.ListQuery) ([]*pb.Field, store.Page, error) {
		return t.db.ListFields(ctx, store.FieldQuery{ListQuery: q})
	})
	if err != nil {
		return nil, err
	}
	for _, f := range fields {
		lists["field"] = append(lists["field"], transfer.ListValue(f.GetName(), f.GetNameVi()))
	}
	// Lists keyed by names (units, countries, organizations, associations)
	// in the Vietnamese order of the names; the others keep their codes'
	// order (levels by rank, fields and ethnic groups as numbered).
	byName := store.ListQuery{PageSize: 1000, OrderBy: "display_name"}
	// The organizations only for a caller who may list them: a key
	// limited to an association may not, nor import positions.
	if t.s.mayCall(principal(ctx), "/trithuc.v1.OrganizationService/ListOrganizations") {
		orgs, err := every(byName, func(q store.ListQuery) ([]*pb.Organization, store.Page, error) { return t.db.ListOrganizations(ctx, q) })
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			lists["organization"] = append(lists["organization"], transfer.ListValue(o.GetName(), o.GetDisplayName()))
		}
	}
	assocs, err := every(byName, func(q store.ListQuery) ([]*pb.Association, store.Page, error) { return t.db.ListAssociations(ctx, q) })
	if err != nil {
		return nil, err
	}
	for _, a := range assocs {
		// A key limited to an association is offered the associations it
		// may import members of.
		if scopeOf(ctx) != "" && checkAssociationScope(ctx, a.GetName(), t.db.AssociationAncestors) != nil {
			continue
		}
		lists["association"] = append(lists["association"], transfer.ListValue(a.GetName(), a.GetDisplayName()))
	}
	return lists, nil
}

// every reads every page of a reference list.
func every[T any](q store.ListQuery, list func(store.ListQuery) ([]T, store.Page, error)) ([]T, error) {
	var out []T
	for {
		items, page, err := list(q)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if page.NextPageToken == "" {
			return out, nil
		}
		q.PageToken = page.NextPageToken
	}
}
