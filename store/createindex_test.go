package store

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A create writes a person's search documents without deleting first:
// the indexes hold nothing under a new pk, and each DELETE was one more
// statement for the single writer (and an FTS5 tombstone) at every create.
func TestNewPersonIndexWritesNoDelete(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	index := &indexQueue{}
	err := db.write(ctx, false, nil, func(tx *Tx) error {
		tx.index = index // as in a group: the index writes are held
		_, err := tx.createPerson(ctx, "", &pb.Person{FamilyName: "Nguyễn", GivenName: "An",
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-101", Primary: true}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range index.all() {
		got = append(got, strings.Fields(w.query)[0]+" "+strings.Fields(w.query)[2])
	}
	if want := "INSERT people_names(rowid, | INSERT people_search(rowid,"; strings.Join(got, " | ") != want {
		t.Errorf("a create's index writes: %q, want %q", strings.Join(got, " | "), want)
	}
}

// The pk of the newest person, purged, is given to the next person
// created (INTEGER PRIMARY KEY without AUTOINCREMENT): the purge took the
// old documents out, so the new person, indexed without a DELETE, is found
// by their own names alone.
func TestCreateAfterPurgeOfNewestIndexesClean(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: "Minh"}, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	gone, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Quảngxyzw", GivenName: "Thuậnqvz", Address: "Hẻm Xoàiqq"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pkOf := func(name string) int64 {
		var pk int64
		if err := db.writer.QueryRowContext(ctx, `SELECT pk FROM people WHERE id = ?`, strings.TrimPrefix(name, "people/")).Scan(&pk); err != nil {
			t.Fatal(err)
		}
		return pk
	}
	gonePK := pkOf(gone.Name)
	dsr, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: gone.Name,
		Requester: "Quảngxyzw Thuậnqvz"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionDataSubjectRequest(ctx, dsr.Name, pb.DataSubjectRequest_COMPLETED, "", "", WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PurgePerson(ctx, gone.Name, dsr.Name, "erasure requested", nil); err != nil {
		t.Fatal(err)
	}
	next, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Đặng", GivenName: "Hà"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pk := pkOf(next.Name); pk != gonePK {
		t.Fatalf("the next person has pk %d, want the purged one's %d (the case this test is about)", pk, gonePK)
	}
	for q, want := range map[string]int{"Quảngxyzw": 0, "Thuanqvz": 0, "Xoàiqq": 0, "Đặng Hà": 1, "dang ha": 1} {
		people, _, err := db.SearchPeople(ctx, SearchQuery{Query: q}, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			t.Fatal(err)
		}
		if len(people) != want {
			t.Errorf("search %q: %d found, want %d", q, len(people), want)
		}
	}
}

// A group tells the feed's watchers it committed changes when an applied
// write appended some, whatever the order of its writes, and not when
// the only write that appended was refused (its savepoint took its
// changes with it). The group asks once, after its writes.
func TestGroupSignalsAppendedChanges(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	refused := func() error {
		return db.write(ctx, false, nil, func(tx *Tx) error {
			if _, err := tx.createPerson(ctx, newID(), &pb.Person{GivenName: "Refused"}); err != nil {
				return err
			}
			return errorf(Invalid, "person", "refused on purpose")
		})
	}
	quiet := func() error { // appends no change
		return db.write(ctx, false, nil, func(tx *Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, 'x')`, "signal-test-"+newID())
			return dbError(err)
		})
	}
	for _, c := range []struct {
		name   string
		create bool // one write creates a person
		want   bool
	}{{"refused and quiet", false, false}, {"refused, quiet and a create", true, true}} {
		t.Run(c.name, func(t *testing.T) {
			before := db.queue.commits.Load()
			signal := db.ChangeSignal()
			n := 3
			if c.create {
				n = 4
			}
			inOneGroup(t, db, n, func(i int) {
				var err error
				switch i {
				case 0:
					err = refused()
					if err == nil {
						t.Error("the refused write was applied")
					}
					return
				case 3:
					_, err = db.CreatePerson(ctx, &pb.Person{GivenName: "Applied"}, CreateOptions{})
				default:
					err = quiet()
				}
				if err != nil {
					t.Error(err)
				}
			})
			if got := db.queue.commits.Load() - before; got != 2 { // the holder's and the group's
				t.Fatalf("%d commits, want the group in one", got)
			}
			select {
			case <-signal:
				if !c.want {
					t.Error("signalled without an applied change")
				}
			default:
				if c.want {
					t.Error("not signalled for an applied create")
				}
			}
		})
	}
}

// A create answers the person as a BASIC read gives them back, though it
// does not ask for the positions of someone just inserted (attachNew).
func TestCreateAnswersAsBasicRead(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, p := range []*pb.Person{
		{FamilyName: "Nguyễn", GivenName: "An"},
		{FamilyName: "Trần", MiddleName: "Văn", GivenName: "Đức", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE},
			NationalId: "079199001122", Orcid: "0000-0002-1825-0097",
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-301"}, {Field: "fields/vn2008-101", Primary: true}}},
	} {
		created, err := db.CreatePerson(ctx, p, CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		read, err := db.GetPerson(ctx, created.Name, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(created, read) {
			t.Errorf("created\n%v\nread\n%v", created, read)
		}
	}
}
