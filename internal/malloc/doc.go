// Package malloc holds the process-wide settings of memory allocation:
// the C allocator's, which SQLite allocates with, and the Go collector's.
// The C allocator's take effect as the program is loaded, before any
// thread allocates, in every program that links the package: the
// binaries import it for that effect, and no library does. The
// collector's a server applies when it starts (ConfigureServerGC).
package malloc
