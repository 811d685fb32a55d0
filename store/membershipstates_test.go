package store

import (
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// The refusal of a move says what the membership can become, in English
// a reader does not stumble on: "an ACTIVE membership".
func TestAllowedFromWording(t *testing.T) {
	for _, c := range []struct {
		state pb.Membership_State
		want  string
	}{
		{pb.Membership_ACTIVE, "an ACTIVE membership can only be suspended or withdrawn"},
		{pb.Membership_PENDING, "a PENDING membership can only be approved, rejected or withdrawn"},
		{pb.Membership_WITHDRAWN, "a WITHDRAWN membership is final: register the person again for a new one"},
	} {
		if got := allowedFrom(c.state); got != c.want {
			t.Errorf("%s: %q, want %q", c.state, got, c.want)
		}
	}
}
