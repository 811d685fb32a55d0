// Package malloc holds the process-wide settings of the C allocator that
// SQLite allocates with. They take effect as the program is loaded, before
// any thread allocates, in every program that links the package: the
// binaries import it for that effect (import _), and no library does.
package malloc
