// Command mirror keeps a local SQLite table of the registry's people in
// sync with a trithuc server through the change feed: it follows the feed
// from the cursor it stored, reads the people each message of the feed
// names with its own credential (so it holds only what that credential
// may see), a hundred to a BatchGetPeople, stores them in one transaction
// and then the cursor after them. When the server refuses its
// cursor (after a restore of the server's database from a backup, or when
// the mirror was stopped for longer than the feed keeps changes), it
// reads every person the credential may list and follows on from a cursor
// taken before that read.
//
//	mirror -addr 127.0.0.1:50051 -token $KEY -db mirror.db
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"

	_ "github.com/mattn/go-sqlite3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func main() {
	addr := flag.String("addr", client.DefaultAddr, "the server's gRPC address")
	token := flag.String("token", os.Getenv("TRITHUC_TOKEN"), "an API key")
	path := flag.String("db", "mirror.db", "the mirror's SQLite file")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c, err := client.Dial(*addr, client.Options{Token: *token})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	m, err := openMirror(*path)
	if err != nil {
		log.Fatal(err)
	}
	defer m.db.Close()
	if err := m.follow(ctx, c); err != nil {
		log.Fatal(err)
	}
}

// mirror is the local table and the cursor it is in sync up to.
type mirror struct {
	db *sql.DB
	// oneByOne is set once the server refused BatchGetPeople to the
	// credential (or lacks it): the mirror then reads each person alone.
	oneByOne bool
}

func openMirror(path string) (*mirror, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS people (name TEXT PRIMARY KEY, display_name TEXT NOT NULL, etag TEXT NOT NULL);
		CREATE TABLE IF NOT EXISTS cursor (one INTEGER PRIMARY KEY CHECK (one = 1), value TEXT NOT NULL)`)
	return &mirror{db: db}, err
}

func (m *mirror) cursor() (string, error) {
	var c string
	err := m.db.QueryRow(`SELECT value FROM cursor`).Scan(&c)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return c, err
}

// follow runs until ctx ends. A new mirror follows from the first change,
// which is a full copy while the feed holds every change; when the feed
// no longer holds it, it reads the registry in full (a limited key, the
// people of its scope).
func (m *mirror) follow(ctx context.Context, c *client.Client) error {
	cur, err := m.cursor()
	if err != nil {
		return err
	}
	if cur == "" {
		cur = firstCursor
	}
	f := &client.Follower{Changes: c.Changes, Cursor: cur, Filter: "resource_type = PERSON",
		HandleBatch: func(ctx context.Context, chs []*pb.Change) error { return m.apply(ctx, c, chs) },
		Save: func(ctx context.Context, cursor string) error {
			_, err := m.db.ExecContext(ctx, saveCursor, cursor)
			return err
		},
		Resync: func(ctx context.Context, cursor string) error { return m.resync(ctx, c, cursor) }}
	return f.Run(ctx)
}

// firstCursor is the cursor before the first change (sequence 0), every
// feed's.
const firstCursor = "ZmVlZDE6MA"

const saveCursor = `INSERT INTO cursor VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET value = excluded.value`

// resync replaces the table with every person the credential lists, and
// the cursor with the one taken before the read, in one transaction: the
// people the server no longer has (a restore took them away) go, and
// what changed during the read comes again from the feed.
func (m *mirror) resync(ctx context.Context, c *client.Client, cursor string) error {
	log.Printf("reading the registry in full, then following the feed from %s", cursor)
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM people`); err != nil {
		return err
	}
	n := 0
	for p, err := range client.All(ctx, &pb.ListPeopleRequest{PageSize: 1000}, c.People.ListPeople, (*pb.ListPeopleResponse).GetPeople) {
		if err != nil {
			return fmt.Errorf("reading the registry in full (ListPeople): %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO people VALUES (?, ?, ?)`, p.Name, p.DisplayName, p.Etag); err != nil {
			return err
		}
		n++
	}
	if _, err := tx.ExecContext(ctx, saveCursor, cursor); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	log.Printf("read %d people", n)
	return nil
}

// apply brings the people a batch of changes names up to date in one
// transaction: it reads each of them once (the newest state covers every
// change of theirs in the batch), in batches of readBatch, and stores or
// removes them. One whose last change here is DELETED or PURGED is
// removed unread: deleted, purged, restricted or out of the credential's
// scope, as the feed told, and whatever brings them back (undeleted,
// back in scope) is a change of theirs still to come.
func (m *mirror) apply(ctx context.Context, c *client.Client, changes []*pb.Change) error {
	last := map[string]pb.Change_Kind{}
	var order []string
	for _, ch := range changes {
		if _, seen := last[ch.Resource]; !seen {
			order = append(order, ch.Resource)
		}
		last[ch.Resource] = ch.Kind
	}
	var read []string
	for _, name := range order {
		if k := last[name]; k != pb.Change_DELETED && k != pb.Change_PURGED {
			read = append(read, name)
		}
	}
	found := map[string]*pb.Person{}
	for start := 0; start < len(read); start += readBatch {
		if err := m.read(ctx, c, read[start:min(start+readBatch, len(read))], found); err != nil {
			return err
		}
	}
	tx, err := m.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, name := range order {
		if p := found[name]; p != nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO people VALUES (?, ?, ?)
				ON CONFLICT(name) DO UPDATE SET display_name = excluded.display_name, etag = excluded.etag`, p.Name, p.DisplayName, p.Etag)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM people WHERE name = ?`, name)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// readBatch is how many people one BatchGetPeople asks for.
const readBatch = 100

// read puts into found the people of names the credential reads, live:
// one BatchGetPeople for them all. That is all or none, so when one of
// them is gone (purged), out of the credential's scope or restricted, it
// reads each half, and each of four or fewer with GetPerson: a few calls
// more for each person missing.
func (m *mirror) read(ctx context.Context, c *client.Client, names []string, found map[string]*pb.Person) error {
	if len(names) == 1 || m.oneByOne {
		for _, name := range names {
			p, err := c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name})
			if err := keep(name, p, err, found); err != nil {
				return err
			}
		}
		return nil
	}
	r, err := c.People.BatchGetPeople(ctx, &pb.BatchGetPeopleRequest{Names: names})
	switch status.Code(err) {
	case codes.OK:
		if len(r.People) != len(names) {
			return fmt.Errorf("BatchGetPeople answered %d people for %d names", len(r.People), len(names))
		}
		for i, p := range r.People {
			keep(names[i], p, nil, found)
		}
		return nil
	case codes.Unimplemented:
		// A server from before BatchGetPeople.
		m.oneByOne = true
		return m.read(ctx, c, names, found)
	case codes.NotFound, codes.PermissionDenied:
		before := len(found)
		parts := [][]string{names[:len(names)/2], names[len(names)/2:]}
		if len(names) <= 4 {
			parts = nil
			for i := range names {
				parts = append(parts, names[i:i+1])
			}
		}
		for _, part := range parts {
			if err := m.read(ctx, c, part, found); err != nil {
				return err
			}
		}
		if len(found) == before+len(names) {
			// Each read in parts, not together: this credential may not
			// call BatchGetPeople (a key limited to an association).
			m.oneByOne = true
		}
		return nil
	}
	return err
}

// keep adds the person a read of name returned to found when they are
// live; a person deleted, purged or out of the credential's scope is left
// out, for apply to remove.
func keep(name string, p *pb.Person, err error, found map[string]*pb.Person) error {
	switch {
	case err == nil && p.DeleteTime == nil:
		found[name] = p
	case err != nil && status.Code(err) != codes.NotFound && status.Code(err) != codes.PermissionDenied:
		return err
	}
	return nil
}
