package store

import "time"

// ApplyAsOneGroup runs n writes as one group of the writer: it marks the
// queue led, starts the writes (each queues), waits until all n wait, and
// applies them as the leader would.
func (db *DB) ApplyAsOneGroup(n int, start func(i int)) {
	q := &db.queue
	q.mu.Lock()
	q.leading = true
	q.mu.Unlock()
	for i := range n {
		start(i)
	}
	for {
		q.mu.Lock()
		k := len(q.waiting)
		q.mu.Unlock()
		if k == n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	db.lead()
}
