//go:build !(linux && cgo)

package malloc

// Arenas is -1: the C library has none of glibc's arenas to count.
func Arenas() int { return -1 }
