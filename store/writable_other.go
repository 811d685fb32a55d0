//go:build !unix

package store

// writable cannot ask the system beforehand here; SQLite's own error on
// the first write says it then.
func writable(string) error { return nil }
