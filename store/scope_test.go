package store

import (
	"context"
	"strconv"
	"testing"
)

// Memberships made before link_confirmed: a limited key's registration of
// someone it did not create is unconfirmed, unless a registrar without a
// limit approved it; the audit trail says which.
func TestMigrateLinkConfirmed(t *testing.T) {
	ctx := context.Background()
	old, path := dbBefore(t, "_scope.sql")
	event := 0
	audit := func(method, association, resource string) string {
		event++
		return `INSERT INTO audit_events(pk, id, event_time, principal, principal_name, role, association, method, code, request_id, client_address, transport)
			VALUES (` + strconv.Itoa(event) + `, 'e` + strconv.Itoa(event) + `', 100, 'key:k', 'k', 'registrar', '` + association + `', '/trithuc.v1.MembershipService/` + method + `', 'OK', '', '', 'grpc');
			INSERT INTO audit_event_resources(resource, event_pk) VALUES ('` + resource + `', ` + strconv.Itoa(event) + `);`
	}
	stmts := `INSERT INTO associations(pk, id, display_name, code, member_number_format, create_time, update_time)
			VALUES (1, 'hoi-y-hoc', 'Hội Y học', 'HYH', '{code}-{seq}', 1, 1);
		INSERT INTO people(pk, id, given_name, create_time, update_time) VALUES
			(1, 'created', 'A', 100, 100), (2, 'linked', 'B', 50, 50), (3, 'approved', 'C', 50, 50), (4, 'unlimited', 'D', 50, 50);
		INSERT INTO memberships(pk, id, association_pk, person_pk, state, apply_time, state_time, create_time, update_time) VALUES
			(1, 'm1', 1, 1, 1, 100, 100, 100, 100), (2, 'm2', 1, 2, 1, 100, 100, 100, 100),
			(3, 'm3', 1, 3, 2, 100, 100, 100, 100), (4, 'm4', 1, 4, 1, 100, 100, 100, 100);` +
		audit("RegisterMember", "associations/hoi-y-hoc", "associations/hoi-y-hoc/memberships/m1") +
		audit("RegisterMember", "associations/hoi-y-hoc", "associations/hoi-y-hoc/memberships/m2") +
		audit("RegisterMember", "associations/hoi-y-hoc", "associations/hoi-y-hoc/memberships/m3") +
		audit("ApproveMembership", "", "associations/hoi-y-hoc/memberships/m3") +
		audit("RegisterMember", "", "associations/hoi-y-hoc/memberships/m4")
	if _, err := old.writer.ExecContext(ctx, stmts); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, old, path)
	for person, want := range map[string]bool{"created": true, "linked": false, "approved": true, "unlimited": true} {
		in, err := db.PersonInScope(ctx, "people/"+person, "associations/hoi-y-hoc")
		if err != nil || in != want {
			t.Errorf("people/%s in scope: %v, %v; want %v", person, in, err, want)
		}
	}
}
