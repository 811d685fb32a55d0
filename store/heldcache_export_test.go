package store

// ForgetHeld empties the memory of what pages of people hold beside
// their rows (heldcache.go): the next page reads it all.
func (db *DB) ForgetHeld() {
	db.held.mu.Lock()
	defer db.held.mu.Unlock()
	db.held.cur, db.held.old, db.held.curBytes = nil, nil, 0
}

// HeldEntries counts the people whose holdings are in that memory.
func (db *DB) HeldEntries() int {
	db.held.mu.Lock()
	defer db.held.mu.Unlock()
	return len(db.held.cur) + len(db.held.old)
}
