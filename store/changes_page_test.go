package store

import (
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A page never ends between two changes of one seq: the next page starts
// after the seq of its last change.
func TestPageCut(t *testing.T) {
	for _, tc := range []struct {
		name string
		seqs []int64
		size int
		want int
	}{
		{"OK", []int64{1, 2, 3}, 2, 2},
		{"EndsBeforeAPair", []int64{1, 2, 2}, 2, 1},
		{"PairAfterTheEnd", []int64{1, 2, 3, 3}, 2, 2},
		{"PairAloneTakesBoth", []int64{2, 2, 3}, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []*pb.Change
			for _, s := range tc.seqs {
				got = append(got, &pb.Change{Sequence: s})
			}
			if n := pageCut(got, tc.size); n != tc.want {
				t.Errorf("pageCut(%v, %d) = %d, want %d", tc.seqs, tc.size, n, tc.want)
			}
		})
	}
}
