//go:build !(linux && cgo)

package malloc

// LimitArenas does nothing where the C library has no arenas to cap.
func LimitArenas(n int) {}
