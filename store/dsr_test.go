package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A request's due time may bring the 72 hours forward, never push them
// back: a later answer is explained when the request moves on.
func TestDataSubjectRequestDueTime(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "dsr.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		due  *timestamppb.Timestamp
		want time.Time // zero: refused, naming due_time
	}{
		{"OK/Unset", nil, now.Add(72 * time.Hour)},
		{"OK/Earlier", timestamppb.New(now.Add(24 * time.Hour)), now.Add(24 * time.Hour)},
		{"OK/TheLimit", timestamppb.New(now.Add(72 * time.Hour)), now.Add(72 * time.Hour)},
		{"ErrLater", timestamppb.New(now.Add(72*time.Hour + time.Minute)), time.Time{}},
		{"ErrFarFuture", timestamppb.New(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)), time.Time{}},
		{"ErrPast", timestamppb.New(now.Add(-time.Hour)), time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ACCESS, Person: p.Name,
				Requester: "Trần Bình", DueTime: tc.due}, nil)
			if tc.want.IsZero() {
				if v, ok := err.(Invalids); !ok || len(v) != 1 || v[0].Field != "data_subject_request.due_time" {
					t.Fatalf("got %v, want INVALID_ARGUMENT naming data_subject_request.due_time", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !r.DueTime.AsTime().Equal(tc.want) {
				t.Fatalf("due %v, want %v", r.DueTime.AsTime(), tc.want)
			}
		})
	}
}

// Requests move RECEIVED → IN_PROGRESS → COMPLETED or REFUSED, and a
// request answered at once may skip IN_PROGRESS; a finished one stays.
func TestDataSubjectRequestTransitions(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "dsr.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Bình"}, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		received   = pb.DataSubjectRequest_RECEIVED
		inProgress = pb.DataSubjectRequest_IN_PROGRESS
		completed  = pb.DataSubjectRequest_COMPLETED
		refused    = pb.DataSubjectRequest_REFUSED
	)
	for _, tc := range []struct {
		name   string
		path   []pb.DataSubjectRequest_State // moves made first
		to     pb.DataSubjectRequest_State
		reason string
		want   Code // -1: accepted
	}{
		{"OK/ReceivedToInProgress", nil, inProgress, "", -1},
		{"OK/InProgressToCompleted", []pb.DataSubjectRequest_State{inProgress}, completed, "", -1},
		{"OK/ReceivedToCompletedAtOnce", nil, completed, "", -1},
		{"OK/ReceivedToRefused", nil, refused, "không thuộc phạm vi", -1},
		{"ErrRefusedWithoutReason", nil, refused, "", Invalid},
		{"ErrInProgressTwice", []pb.DataSubjectRequest_State{inProgress}, inProgress, "", FailedPrecondition},
		{"ErrCompletedMoves", []pb.DataSubjectRequest_State{completed}, inProgress, "", FailedPrecondition},
		{"ErrRefusedMoves", []pb.DataSubjectRequest_State{refused}, completed, "", FailedPrecondition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ACCESS, Person: p.Name, Requester: "Trần Bình"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.path {
				if _, err := db.TransitionDataSubjectRequest(ctx, r.Name, s, "lý do", "", WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			_, err = db.TransitionDataSubjectRequest(ctx, r.Name, tc.to, tc.reason, "", WriteOptions{})
			if got := errCode(err); got != tc.want {
				t.Fatalf("got %v, want code %v", err, tc.want)
			}
		})
	}
}
