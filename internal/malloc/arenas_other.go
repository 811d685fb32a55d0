//go:build !(linux && cgo)

package malloc

// Configure does nothing where the C library has none of glibc's knobs.
func Configure() {}
