package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The people of a compact read event as numbers (migration 0027): each
// person id gets a number in audit_people the first time a read shows
// it, and audit_reads.people holds the event's numbers packed.
//
// The packing is a sequence of runs of consecutive numbers, each one
// uvarint token, zigzag(start - prev) << 1 | more, then, when more is set,
// a uvarint count of the numbers after start in the run (at least 1);
// prev is the last number of the run before, 0 at first. The numbers are
// written sorted: no listing shows a page's order (the names of an event
// are listed sorted), and sorted numbers have small gaps, about 2 bytes
// a person for 50 people among 100,000 where page order took 3 to 4. The
// first read of a page numbers its new people one after the other, so
// that page, read again, packs to a run of a few bytes. The signed delta
// lets names appended after the event was stored (addNames) continue the
// blob from its last number, wherever the new numbers lie.

// maxPersonNum bounds a number: every delta then fits a token without
// overflow, zigzag below 2^63 and one bit more below 2^64.
const maxPersonNum = 1<<62 - 1

// maxUnpackedPeople bounds what unpacking one blob makes, against a
// damaged blob whose runs would expand to billions of numbers.
const maxUnpackedPeople = 1 << 20

var errPackedPeople = errors.New("store: damaged packed people of an audit event")

// packPeopleNums appends nums to the packed b, whose last number is prev
// (0 for an empty b), and returns the blob and its new last number. nums
// must be in [1, maxPersonNum]; duplicates are written once.
func packPeopleNums(b []byte, prev int64, nums []int64) ([]byte, int64) {
	nums = slices.Clone(nums)
	slices.Sort(nums)
	nums = slices.Compact(nums)
	for i := 0; i < len(nums); {
		start := nums[i]
		j := i + 1
		for j < len(nums) && nums[j] == nums[j-1]+1 {
			j++
		}
		delta := start - prev
		token := uint64(delta<<1^delta>>63) << 1
		if j-i > 1 {
			token |= 1
		}
		b = binary.AppendUvarint(b, token)
		if j-i > 1 {
			b = binary.AppendUvarint(b, uint64(j-i-1))
		}
		prev = nums[j-1]
		i = j
	}
	return b, prev
}

// peopleRuns calls f with each run of a packed blob, its first number and
// how many it holds, until f returns false, and returns the blob's last
// number, or errPackedPeople for bytes packPeopleNums could not write.
func peopleRuns(b []byte, f func(start, n int64) bool) (last int64, err error) {
	var prev int64
	for len(b) > 0 {
		token, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, errPackedPeople
		}
		b = b[k:]
		zz := token >> 1 // below 2^63, so |delta| below 2^62: no overflow
		start := prev + (int64(zz>>1) ^ -int64(zz&1))
		if start < 1 || start > maxPersonNum {
			return 0, errPackedPeople
		}
		var more uint64
		if token&1 == 1 {
			if more, k = binary.Uvarint(b); k <= 0 || more == 0 || more > uint64(maxPersonNum-start) {
				return 0, errPackedPeople
			}
			b = b[k:]
		}
		prev = start + int64(more)
		if f != nil && !f(start, int64(more)+1) {
			return prev, nil
		}
	}
	return prev, nil
}

// unpackPeopleNums is the numbers of a packed blob, in their order.
func unpackPeopleNums(b []byte) ([]int64, error) {
	var out []int64
	var err error
	_, perr := peopleRuns(b, func(start, n int64) bool {
		if int64(len(out))+n > maxUnpackedPeople {
			err = errPackedPeople
			return false
		}
		for i := range n {
			out = append(out, start+i)
		}
		return true
	})
	if perr != nil {
		return nil, perr
	}
	return out, err
}

// personNums remembers, for the writer, the numbers of audit_people that
// committed transactions hold: most people a read shows were shown
// before, and a page of 50 then looks nothing up. Only what a committed
// AppendAudit found or made enters (AppendAudit): a number made in a
// transaction that rolled back is given again to someone else.
type personNums struct {
	mu sync.Mutex
	m  map[string]int64
}

// maxPersonNums bounds the map, about 80 bytes an entry: 10 MB.
const maxPersonNums = 1 << 17

func (p *personNums) get(id string) (int64, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, ok := p.m[id]
	return n, ok
}

// add remembers found, first forgetting entries at random (Go's map
// order) when it would outgrow its bound.
func (p *personNums) add(found map[string]int64) {
	if len(found) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = make(map[string]int64, len(found))
	}
	if over := len(p.m) + len(found) - maxPersonNums; over > 0 {
		drop := over + maxPersonNums/4
		for id := range p.m {
			if drop == 0 {
				break
			}
			delete(p.m, id)
			drop--
		}
	}
	for id, n := range found {
		if len(p.m) >= maxPersonNums {
			return
		}
		p.m[id] = n
	}
}

// personNum is the number of a person id in audit_people, made if need be.
func (r *readInserter) personNum(ctx context.Context, id string) (int64, error) {
	if n, ok := r.nums[id]; ok {
		return n, nil
	}
	n, ok := r.tx.db.auditPeople.get(id)
	if !ok {
		err := r.num.QueryRowContext(ctx, id).Scan(&n)
		if err == sql.ErrNoRows {
			var res sql.Result
			if res, err = r.addNum.ExecContext(ctx, id); err == nil {
				n, err = res.LastInsertId()
			}
		}
		if err != nil {
			return 0, dbError(err)
		}
	}
	if n < 1 || n > maxPersonNum {
		return 0, &Error{Code: Internal, Message: "audit trail", Err: fmt.Errorf("store: person number %d out of range", n)}
	}
	r.nums[id] = n
	return n, nil
}

// packNames splits the names of a compact read event into the people,
// numbered and packed after prev (see packPeopleNums), with the new last
// number, and the other names, space separated; NULL for none.
func (r *readInserter) packNames(ctx context.Context, names []string, b []byte, prev int64) (people []byte, last int64, others any, err error) {
	var nums []int64
	var rest []string
	for _, name := range names {
		id, ok := strings.CutPrefix(name, "people/")
		if !ok || !validID(id) {
			rest = append(rest, name)
			continue
		}
		n, err := r.personNum(ctx, id)
		if err != nil {
			return nil, 0, nil, err
		}
		nums = append(nums, n)
	}
	if len(rest) > 0 {
		others = strings.Join(rest, " ")
	}
	people, last = packPeopleNums(b, prev, nums)
	return people, last, others, nil
}

// resolvePeople turns the numbers of listed compact events into names,
// with one query for the page, and sorts each event's names.
func (tx *Tx) resolvePeople(ctx context.Context, rows []auditRow) error {
	var ids []byte
	seen := map[int64]string{}
	for _, r := range rows {
		for _, n := range r.nums {
			if _, ok := seen[n]; !ok {
				seen[n] = ""
				if len(ids) > 0 {
					ids = append(ids, ',')
				}
				ids = strconv.AppendInt(ids, n, 10)
			}
		}
	}
	if len(seen) == 0 {
		return nil
	}
	res, err := tx.QueryContext(ctx, `SELECT num, id FROM audit_people WHERE num IN (SELECT value FROM json_each(?))`,
		"["+string(ids)+"]")
	if err != nil {
		return dbError(err)
	}
	defer res.Close()
	for res.Next() {
		var n int64
		var id string
		if err := res.Scan(&n, &id); err != nil {
			return dbError(err)
		}
		seen[n] = id
	}
	if err := res.Err(); err != nil {
		return dbError(err)
	}
	for _, r := range rows {
		for _, n := range r.nums {
			id := seen[n]
			if id == "" {
				return &Error{Code: Internal, Message: "audit trail", Err: errors.New("store: a read event names a person number audit_people does not hold")}
			}
			r.ev.Resources = append(r.ev.Resources, "people/"+id)
		}
		if len(r.nums) > 0 {
			slices.Sort(r.ev.Resources)
		}
	}
	return nil
}
