package labels

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/vntext"
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

// Every word is for a value the contract has, and no two values of one
// enum share a word, today's or an earlier one: an import could not tell
// them apart.
func TestWordsNameOneValueEach(t *testing.T) {
	for name := range qualified {
		if _, err := protoregistry.GlobalFiles.FindDescriptorByName(name); err != nil {
			t.Errorf("qualified: no enum value %s", name)
		}
	}
	for name := range former {
		if _, err := protoregistry.GlobalFiles.FindDescriptorByName(name); err != nil {
			t.Errorf("former: no enum value %s", name)
		}
	}
	protoregistry.GlobalFiles.RangeFilesByPackage("trithuc.v1", func(f protoreflect.FileDescriptor) bool {
		var enums []protoreflect.EnumDescriptor
		for i := 0; i < f.Enums().Len(); i++ {
			enums = append(enums, f.Enums().Get(i))
		}
		for i := 0; i < f.Messages().Len(); i++ {
			for j := 0; j < f.Messages().Get(i).Enums().Len(); j++ {
				enums = append(enums, f.Messages().Get(i).Enums().Get(j))
			}
		}
		for _, e := range enums {
			seen := map[string]protoreflect.Name{}
			vals := e.Values()
			for i := 0; i < vals.Len(); i++ {
				d := vals.Get(i)
				if d.Number() == 0 {
					continue
				}
				for _, w := range append([]string{Of(d)}, former[d.FullName()]...) {
					w = vntext.Lower(w)
					if other, ok := seen[w]; ok && other != d.Name() {
						t.Errorf("%s: %s and %s are both %q", e.FullName(), other, d.Name(), w)
					}
					seen[w] = d.Name()
				}
			}
		}
		return true
	})
}

func TestReaderTakesWordsEarlierWordsAndNames(t *testing.T) {
	r := Reader[pb.Person_WorkLocation](pb.Person_WorkLocation(0).Descriptor())
	for cell, want := range map[string]pb.Person_WorkLocation{
		"nơi khác trong nước": pb.Person_ELSEWHERE_IN_VIETNAM, "ngoài tỉnh": pb.Person_ELSEWHERE_IN_VIETNAM,
		"elsewhere_in_vietnam": pb.Person_ELSEWHERE_IN_VIETNAM, "nước ngoài": pb.Person_ABROAD,
	} {
		if got := r[cell]; got != want {
			t.Errorf("%q reads as %v, want %v", cell, got, want)
		}
	}
	if got := Of(pb.Work_PUBLICATION); got != "Công bố khoa học" {
		t.Errorf("a work's PUBLICATION is %q", got)
	}
	if got := Of(pb.Consent_PUBLICATION); got != "Công bố" {
		t.Errorf("a consent's PUBLICATION is %q", got)
	}
}

// Every statistics dimension has a word: the picker's and the headers'.
func TestEveryDimensionHasAWord(t *testing.T) {
	vals := pb.ComputeStatisticsRequest_Dimension(0).Descriptor().Values()
	for i := 0; i < vals.Len(); i++ {
		v := vals.Get(i)
		if v.Number() != 0 && Of(v) == string(v.Name()) {
			t.Errorf("dimension %s has no word", v.Name())
		}
	}
}

// Shares and changes in points have one decimal and the decimal comma,
// wherever they are shown.
func TestShareWithDecimalComma(t *testing.T) {
	for _, c := range []struct {
		share float64
		want  string
	}{
		{0.3636, "36,4%"},
		{8.0 / 19, "42,1%"},
		{0, "0,0%"},
		{1, "100,0%"},
	} {
		if got := Share(c.share); got != c.want {
			t.Errorf("Share(%v) = %q, want %q", c.share, got, c.want)
		}
	}
	if got := Points(-1.254); got != "-1,3" {
		t.Errorf("Points(-1.254) = %q", got)
	}
	if ShareNumFmt != "0.0%" || PointsNumFmt != "0.0" {
		t.Errorf("number formats %q, %q; want 0.0%% and 0.0", ShareNumFmt, PointsNumFmt)
	}
}
