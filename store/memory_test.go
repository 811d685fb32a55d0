package store

import "testing"

// glibc took the thresholds that keep a write's journal memory (memory.go).
// Their effect shows only in the server under load (BENCHMARKS.md, issue
// 19, tenth pass: 32 page faults a create became 5); a small test database
// faults too little either way to tell them apart.
func TestMallocThresholds(t *testing.T) {
	if mallocConfig != 1 {
		t.Errorf("mallopt(M_MMAP_THRESHOLD, M_TRIM_THRESHOLD) = %d, want 1 (taken)", mallocConfig)
	}
}
