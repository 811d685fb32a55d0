package server

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"trithuc.gov.vn/trithuc/internal/schemaundo"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Migration 0049 counted the changes of memberships alone per association
// from then on; those from before it, which 0048 had counted and marked
// without the association, a key limited to an association read as
// changes of the profile: after the upgrade, its member's registration
// with another association from before it moved the person's etag and
// update_time as the key read them, a filter on update_time found them,
// and the key's feed told of them. Migration 0051 counts them from the
// feed: a database upgraded from 0048 shows the key, over gRPC and REST,
// what the same database made at this version shows it, and an admin
// what it showed the admin.
func TestUpgradedAssociationKeySeesNothingOfAnothersMemberships(t *testing.T) {
	f := newScopeFixture(t)
	e, ctx := f.e, f.ctx
	from := headOf(t, e.client.Changes)
	since := time.Now().UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)

	// Registered with the key's association, then with the economists',
	// approved and suspended there.
	joined, _ := f.medicalMember(t, &pb.Person{FamilyName: "Võ", GivenName: "Hạnh"})
	other := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: joined.Name}})
	if _, err := e.client.Memberships.ApproveMembership(ctx, &pb.ApproveMembershipRequest{Name: other.Membership.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: other.Membership.Name, Reason: "chưa đóng hội phí"}); err != nil {
		t.Fatal(err)
	}
	// Registered with the economists', then giving a consent without a
	// registration, which every key reads.
	alone, _ := f.medicalMember(t, &pb.Person{FamilyName: "Võ", GivenName: "Lan"})
	e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: alone.Name}})
	if _, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: alone.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_STATISTICS}, TextVersion: "2025-01"}}); err != nil {
		t.Fatal(err)
	}
	// Registered with the economists', withdrawing that registration's
	// consent; then the key's association's membership suspended.
	withdrew, own := f.medicalMember(t, &pb.Person{FamilyName: "Võ", GivenName: "Mai"})
	theirs := e.register(&pb.RegisterMemberRequest{Parent: f.kt.Name, Applicant: &pb.RegisterMemberRequest_Person{Person: withdrew.Name},
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT, pb.Consent_STATISTICS}, TextVersion: "2025-01"}})
	if _, err := e.client.Privacy.WithdrawConsent(ctx, &pb.WithdrawConsentRequest{Name: theirs.Membership.GetConsent().GetName()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: own.Membership.Name, Reason: "chưa đóng hội phí"}); err != nil {
		t.Fatal(err)
	}
	people := []*pb.Person{joined, alone, withdrew}

	type view struct{ key, admin string }
	read := func() view {
		t.Helper()
		var key, admin strings.Builder
		for _, p := range people {
			got, err := f.medical.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
			if err != nil {
				t.Fatal(err)
			}
			code, body := e.restAs(f.medicalTok, "GET", "/v1/"+p.Name, nil)
			if code != http.StatusOK {
				t.Fatalf("REST %d %v", code, body)
			}
			fmt.Fprintf(&key, "%s: %s %s, REST %v %v\n", p.Name, got.Etag, got.UpdateTime.AsTime(), body["etag"], body["updateTime"])
			a := e.get(p.Name, pb.PersonView_PERSON_VIEW_FULL)
			fmt.Fprintf(&admin, "%s\n", protojson.Format(a))
		}
		filter := fmt.Sprintf("update_time > %q", since)
		list, err := f.medical.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: filter, OrderBy: "update_time desc"})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list.People {
			fmt.Fprintf(&key, "changed since: %s %s\n", p.Name, p.UpdateTime.AsTime())
		}
		for _, ch := range listAll(t, f.medical.Changes, from, "") {
			fmt.Fprintf(&key, "feed: %s %s %v %v\n", ch.Resource, ch.Kind, ch.ChangedFields, ch.ChangeTime.AsTime())
		}
		code, body := e.restAs(f.medicalTok, "GET", "/v1/changes?pageToken="+url.QueryEscape(from)+"&pageSize=1000", nil)
		if code != http.StatusOK {
			t.Fatalf("REST feed %d %v", code, body)
		}
		fmt.Fprintf(&key, "REST feed: %s\n", jsonText(body))
		for _, ch := range listAll(t, e.client.Changes, from, "") {
			fmt.Fprintf(&admin, "feed: %s %s %s %v %v\n", ch.Name, ch.Resource, ch.Kind, ch.ChangedFields, ch.ChangeTime.AsTime())
		}
		return view{key.String(), admin.String()}
	}
	made := read()

	// The same database as 0048 left it: 0049 on undone, their counts and
	// marks gone, 0048's trigger back.
	e.stop()
	migration, err := os.ReadFile("../store/migrations/0048_hidden_holdings.sql")
	if err != nil {
		t.Fatal(err)
	}
	trigger0048 := string(migration[strings.Index(string(migration), "CREATE TRIGGER people_change_update"):])
	conn, err := sql.Open("sqlite3", e.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append([]string{`DELETE FROM schema_migrations WHERE version >= 49`}, schemaundo.Since0049(trigger0048)...) {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var marked int
	if err := conn.QueryRow(`SELECT count(*) FROM changes WHERE instr(fields, '~members') > 0 OR instr(fields, '~a') > 0`).Scan(&marked); err != nil || marked != 0 {
		t.Fatalf("%d changes marked after the undo: %v", marked, err)
	}
	conn.Close()
	e.start(nil)
	e.client.Close()
	e.client = e.clientAs(e.token)
	f.medical = e.clientAs(f.medicalTok)

	upgraded := read()
	if upgraded.key != made.key {
		t.Errorf("upgraded from 0048, the key reads\n%s\nmade at this version\n%s", upgraded.key, made.key)
	}
	if upgraded.admin != made.admin {
		t.Errorf("upgraded from 0048, the admin reads\n%s\nmade at this version\n%s", upgraded.admin, made.admin)
	}
}
