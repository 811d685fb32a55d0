package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/internal/schemaundo"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Migration 0051 counts the changes of memberships alone from before 0049
// by the feed's rows of them. Once the feed is pruned, nothing tells whose
// they were: each key limited to an association then reads the person as
// though none were of its own, so that none of another's shows; the key
// of the association they were of and that of another read the same, and
// an admin reads what it read.
func TestBackfillHidesWhatThePrunedFeedNoLongerTells(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "b.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var assocs []string
	for _, a := range []struct{ id, name, code string }{{"hoi-y-hoc", "Hội Y học", "HYH"}, {"hoi-kinh-te", "Hội Kinh tế", "HKT"}} {
		if _, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: a.name, Code: a.code}, CreateOptions{ID: a.id}); err != nil {
			t.Fatal(err)
		}
		assocs = append(assocs, "associations/"+a.id)
	}
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Võ", GivenName: "Hạnh"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateConsent(ctx, p.Name, &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, a := range assocs {
		reg, err := db.RegisterMember(ctx, a, Registration{Person: p.Name,
			Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2025-01"}}, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ApproveMembership(ctx, reg.Membership.Name, Transition{}); err != nil {
			t.Fatal(err)
		}
	}
	type seen struct {
		etag       string
		updateTime int64
	}
	read := func(s Shown) seen {
		t.Helper()
		got, err := db.GetPersonShown(ctx, p.Name, pb.PersonView_PERSON_VIEW_BASIC, s)
		if err != nil {
			t.Fatal(err)
		}
		return seen{got.Etag, got.UpdateTime.AsTime().UnixMicro()}
	}
	made := []seen{read(ShownAssociation(assocs[0])), read(ShownAssociation(assocs[1]))}
	admin := read(ShownAll)
	if made[0] == made[1] {
		t.Fatalf("made at this version, both keys read %v", made[0])
	}
	if _, err := db.PruneChanges(ctx, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	migration, err := migrationFiles.ReadFile("migrations/0048_hidden_holdings.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	trigger := string(migration[strings.Index(string(migration), "CREATE TRIGGER people_change_update"):])
	for _, q := range append([]string{`DELETE FROM schema_migrations WHERE version >= 49`}, schemaundo.Since0049(trigger)...) {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	own, other := read(ShownAssociation(assocs[0])), read(ShownAssociation(assocs[1]))
	if own != other {
		t.Errorf("upgraded with the feed pruned, the keys read %v and %v", own, other)
	}
	if own.updateTime > made[0].updateTime || own.updateTime > made[1].updateTime {
		t.Errorf("upgraded with the feed pruned, a key reads the update_time %d, later than %v", own.updateTime, made)
	}
	if got := read(ShownAll); got != admin {
		t.Errorf("upgraded, the admin reads %v, before %v", got, admin)
	}
}
