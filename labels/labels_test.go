package labels

import (
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func TestOf(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{pb.Person_MALE, "Nam"},
		{pb.Person_GENDER_UNSPECIFIED, ""},
		{pb.DataSubjectRequest_REFUSED, "Bị từ chối"},
		{pb.Consent_PUBLIC_DUTY, "Nhiệm vụ công"},
		{"ABROAD", "Nước ngoài"},
		{"NO_SUCH_VALUE", "NO_SUCH_VALUE"},
		{7, "7"},
	} {
		if got := Of(c.v); got != c.want {
			t.Errorf("Of(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
