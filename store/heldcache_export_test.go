package store

// ForgetHeld empties the memories of profiles (heldcache.go,
// heldperson.go): the next read reads it all.
func (db *DB) ForgetHeld() {
	db.held.forget()
	db.heldFull.forget()
}

// HeldEntries counts the people whose BASIC profiles are in memory.
func (db *DB) HeldEntries() int { return db.held.entries() }

// HeldFullEntries counts the people whose FULL profiles are in memory.
func (db *DB) HeldFullEntries() int { return db.heldFull.entries() }

func (c *heldCache[T]) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur, c.old, c.curBytes = nil, nil, 0
}

func (c *heldCache[T]) entries() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}
