package store

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// GetPerson from memory. A FULL profile read alone cost, in the server,
// about 40 % of a GetPerson's CPU in its one statement (seven correlated
// subqueries building JSON) and a tenth more decoding it (BENCHMARKS.md,
// issue 19, thirty-fifth session). GetPerson reads of the person only
// which state they are in (heldPersonSQL, with the attach clock) and
// answers from the memory of its view where that holds the state, as the
// pages of BASIC profiles do (heldcache.go: the revision moves with every
// write of what the profile shows, the clock with the two that do not):
// BASIC from the memory the pages fill (held), FULL from its own
// (heldFull). What a membership shows beside its row (its consent, and
// its possible duplicates: other people, who may be purged without the
// person's revision moving) is read afresh for each answer. The store
// redacts nothing by role; each answer is its own.

// heldFullBytes bounds the memory of the FULL profiles, about: 6,000 to
// 12,000 people of the synthetic registry's size (the memory turns its
// halves), within the server's peak memory at a million people. The
// server's soft limit of the Go heap leaves room for it
// (internal/malloc/gc.go).
const heldFullBytes = 16 << 20

// heldPersonSQL reads which state a person is in, and the clock's
// generation, in one statement.
const heldPersonSQL = `SELECT ` + heldKeyColumns + `, (` + attachClockSQL + `) FROM people p WHERE p.id = ?`

// setUpMemories sets the bounds of the memories of profiles, and which
// index each memory of words reads.
func (db *DB) setUpMemories() {
	db.held.bound, db.heldFull.bound = heldCacheBytes, heldFullBytes
	db.wordSets.index, db.nameSets.index = searchSets, namesSets
}

// heldPerson is loadPersonOneRead from memory where it holds the person's
// state: then runs on the answer before the read's first statement ends
// (readHeld).
func (tx *Tx) heldPerson(ctx context.Context, id string, view pb.PersonView, then func(p *pb.Person) error) (*pb.Person, error) {
	rows, err := tx.queryPerson(ctx, heldPersonSQL, id)
	if err != nil {
		return nil, err
	}
	// Open until the end: it holds the snapshot in a read without BEGIN.
	defer rows.Close()
	var k heldKey
	var gen int64
	if err := rows.Scan(&k.pk, &k.revision, &k.created, &k.name, &gen); err != nil {
		return nil, dbError(err)
	}
	var p *pb.Person
	if view == pb.PersonView_PERSON_VIEW_FULL {
		p, err = tx.heldFullProfile(ctx, id, k, gen)
	} else {
		p, err = tx.heldBasicProfile(ctx, id, view, k, gen)
	}
	if err != nil {
		return nil, err
	}
	if then != nil {
		if err := then(p); err != nil {
			return nil, err
		}
	}
	if err := rows.Close(); err != nil {
		return nil, dbError(err)
	}
	return p, nil
}

// heldBasicProfile is the BASIC profile of the person in state k: an
// answer's copy of what the memory holds, as a page's (heldcache.go).
func (tx *Tx) heldBasicProfile(ctx context.Context, id string, view pb.PersonView, k heldKey, gen int64) (*pb.Person, error) {
	c := &tx.db.held
	out := make([]*pb.Person, 1)
	if len(answersOf(c.lookUp(gen, []heldKey{k}), out)) == 0 {
		return out[0], nil
	}
	r, err := tx.personIn(ctx, id, view, k)
	if err != nil {
		return nil, err
	}
	c.add(gen, []*heldEntry[*pb.Person]{newHeldEntry(r)})
	return r.person, nil
}

// heldFull is a FULL profile as its memory holds it: encoded, without
// its memberships' details, and the pks of its memberships, whose
// details each answer reads. Encoded, because a profile's messages would
// be some 40 objects for the collector to mark at every cycle, where its
// encoding is one it does not look into. (Held as messages, the
// collector's marking took 14 % of a GetPerson's CPU, BENCHMARKS.md,
// issue 19, thirty-fifth session.)
type heldFull struct {
	wire        []byte
	memberships []int64
}

// heldFullProfile is the FULL profile of the person in state k.
func (tx *Tx) heldFullProfile(ctx context.Context, id string, k heldKey, gen int64) (*pb.Person, error) {
	c := &tx.db.heldFull
	if e := c.lookUp(gen, []heldKey{k})[0]; e != nil {
		p := &pb.Person{}
		if err := proto.Unmarshal(e.profile.wire, p); err != nil || len(p.Memberships) != len(e.profile.memberships) {
			return nil, &Error{Code: Internal, Message: "reading a person", Err: fmt.Errorf("people/%s from memory: %d memberships for %d, %v",
				id, len(p.Memberships), len(e.profile.memberships), err)}
		}
		if len(p.Memberships) == 0 {
			return p, nil
		}
		rows := make([]*membershipRow, len(p.Memberships))
		for i, m := range p.Memberships {
			rows[i] = &membershipRow{pk: e.profile.memberships[i], m: m}
		}
		if err := tx.attachMembershipDetails(ctx, rows...); err != nil {
			return nil, err
		}
		return p, nil
	}
	r, err := tx.personIn(ctx, id, pb.PersonView_PERSON_VIEW_FULL, k)
	if err != nil {
		return nil, err
	}
	if b, err := encodeHeld(r.person); err == nil {
		c.add(gen, []*heldEntry[heldFull]{{pk: r.pk, name: k.name, created: r.created, revision: r.revision,
			profile: heldFull{wire: b, memberships: r.memberships}, bytes: heldEncodedBytes + len(b) + 8*len(r.memberships)}})
	}
	return r.person, nil
}

// encodeHeld encodes p without its memberships' details
// (attachMembershipDetails), which stay p's.
func encodeHeld(p *pb.Person) ([]byte, error) {
	type details struct {
		dups    []*pb.PossibleDuplicate
		consent *pb.Consent
	}
	kept := make([]details, len(p.Memberships))
	for i, m := range p.Memberships {
		kept[i] = details{m.PossibleDuplicates, m.Consent}
		m.PossibleDuplicates, m.Consent = nil, nil
	}
	b, err := proto.Marshal(p)
	for i, m := range p.Memberships {
		m.PossibleDuplicates, m.Consent = kept[i].dups, kept[i].consent
	}
	return b, err
}

// heldEncodedBytes is about what an encoded entry costs beside its
// encoding: the map's slot, the entry and its name.
const heldEncodedBytes = 150

// personIn reads the person as loadPersonOneRead does, in the state k
// that the read's first statement found.
func (tx *Tx) personIn(ctx context.Context, id string, view pb.PersonView, k heldKey) (*personRow, error) {
	r, err := tx.loadPersonOneRead(ctx, id, view, nil)
	if err != nil {
		return nil, err
	}
	if r.pk != k.pk || r.revision != k.revision {
		return nil, &Error{Code: Internal, Message: "reading a person", Err: fmt.Errorf("people/%s changed within its read", id)}
	}
	return r, nil
}
