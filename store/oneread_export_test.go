package store

// SetOneReadAttach chooses between reading a profile in one statement and
// a statement per kind, for the tests and benchmarks that compare them; it
// returns the previous choice.
func SetOneReadAttach(on bool) bool {
	prev := oneReadAttach
	oneReadAttach = on
	return prev
}
