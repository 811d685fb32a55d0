package store

import (
	"sync"
	"time"
)

// Every call authenticates, and looking its key up was 7 % of a read's CPU:
// live keys are remembered for a moment. Revoking a key in this process
// forgets them all at once (the next call reads the key again); a key
// revoked by another process (`trithuc keys revoke` beside a running
// server) is refused within keyCacheTTL.
const (
	keyCacheTTL  = time.Second
	keyCacheSize = 1024
)

type keyCache struct {
	mu sync.Mutex
	// gen counts the forgettings, so that a lookup that began before one
	// does not put back what it read.
	gen  uint64
	keys map[string]cachedKey // by the secret's hash
	// seen holds when each key found live was last found so, by the
	// secret's hash, for a day: what Known answers.
	seen map[string]time.Time
}

// keySeenFor is how long a key found live stays known.
const keySeenFor = 24 * time.Hour

type cachedKey struct {
	key   Key
	until time.Time
}

func (c *keyCache) get(hash string, now time.Time) (*Key, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.keys[hash]; ok && now.Before(e.until) {
		k := e.key
		return &k, c.gen
	}
	return nil, c.gen
}

func (c *keyCache) put(hash string, k *Key, gen uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.keys == nil || len(c.keys) >= keyCacheSize {
		c.keys = make(map[string]cachedKey)
	}
	c.keys[hash] = cachedKey{key: *k, until: now.Add(keyCacheTTL)}
	if c.seen == nil || len(c.seen) >= keyCacheSize {
		c.seen = make(map[string]time.Time)
	}
	c.seen[hash] = now
}

// known reports whether the key of hash was found live within keySeenFor.
func (c *keyCache) known(hash string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.seen[hash]
	return ok && now.Sub(t) < keySeenFor
}

// forget drops every remembered key.
func (c *keyCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.keys = nil
}
