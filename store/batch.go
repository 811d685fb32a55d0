package store

import (
	"context"
	"errors"
	"fmt"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// BatchGetPeople returns the people names, in their order, from one
// snapshot, all or none (AIP-231): the first name that does not exist is
// NOT_FOUND, naming its place in the request (names[i]); with the etag
// and update_time that a caller reading shown of what they hold sees.
func (db *DB) BatchGetPeople(ctx context.Context, names []string, view pb.PersonView, shown Shown) ([]*pb.Person, error) {
	ids := make([]string, len(names))
	for i, n := range names {
		id, err := PersonID(n, fmt.Sprintf("names[%d]", i))
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	var out []*pb.Person
	err := db.read(ctx, func(tx *Tx) error {
		rows := make([]*personRow, len(ids))
		for i, id := range ids {
			r, err := tx.person(ctx, id)
			if err != nil {
				if errCodeOf(err) != NotFound {
					return err
				}
				return errorf(NotFound, fmt.Sprintf("names[%d]", i), "names[%d]: %s does not exist", i, names[i])
			}
			rows[i] = r
		}
		if err := tx.attach(ctx, view, rows...); err != nil {
			return err
		}
		for _, r := range rows {
			out = append(out, r.person)
		}
		return tx.showPeople(ctx, shown, out...)
	})
	return out, err
}

// BatchGetOrganizations is BatchGetPeople for organizations.
func (db *DB) BatchGetOrganizations(ctx context.Context, names []string) ([]*pb.Organization, error) {
	ids := make([]string, len(names))
	for i, n := range names {
		id, err := OrganizationID(n, fmt.Sprintf("names[%d]", i))
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	var out []*pb.Organization
	err := db.read(ctx, func(tx *Tx) error {
		for i, id := range ids {
			r, err := tx.organization(ctx, id)
			if err != nil {
				if errCodeOf(err) != NotFound {
					return err
				}
				return errorf(NotFound, fmt.Sprintf("names[%d]", i), "names[%d]: %s does not exist", i, names[i])
			}
			out = append(out, r.org)
		}
		return nil
	})
	return out, err
}

// errCodeOf is the code of a store error; Internal for any other.
func errCodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
