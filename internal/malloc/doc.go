// Package malloc holds the process-wide settings of the C allocator that
// SQLite allocates with; the binaries apply them at start.
package malloc
