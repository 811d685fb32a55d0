package server

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// walkedCarriedPeople is carriedPeople as it was, reading every field's
// resource reference from its options on every call.
func walkedCarriedPeople(req proto.Message) []string {
	if req == nil {
		return nil
	}
	var out []string
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsList() || fd.IsMap() || !m.Has(fd) {
			continue
		}
		res := m.Get(fd).Message()
		rfields := res.Descriptor().Fields()
		for j := 0; j < rfields.Len(); j++ {
			rf := rfields.Get(j)
			ref, _ := proto.GetExtension(rf.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
			if rf.Kind() == protoreflect.StringKind && !rf.IsList() && ref.GetType() == personType && res.Get(rf).String() != "" {
				out = append(out, res.Get(rf).String())
			}
		}
	}
	return out
}

// TestCarriedPeopleSameAsWalk holds carriedPeople to the walk it replaced
// for the request of every method of the contract: with every message
// field set to a message whose string fields (references or not, singular
// or repeated) are all set, with those strings empty, empty, and filled
// at random.
func TestCarriedPeopleSameAsWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 2))
	n, found := 0, 0
	check := func(m proto.Message) {
		t.Helper()
		n++
		got, want := carriedPeople(m), walkedCarriedPeople(m)
		if !slices.Equal(got, want) {
			t.Errorf("%s %v: got %q, want %q", m.ProtoReflect().Descriptor().FullName(), m, got, want)
		}
		if len(want) > 0 {
			found++
		}
	}
	check(nil)
	protoregistry.GlobalFiles.RangeFilesByPackage("trithuc.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := 0; i < fd.Services().Len(); i++ {
			methods := fd.Services().Get(i).Methods()
			for j := 0; j < methods.Len(); j++ {
				mt, err := protoregistry.GlobalTypes.FindMessageByName(methods.Get(j).Input().FullName())
				if err != nil {
					t.Fatal(err)
				}
				check(mt.New().Interface())
				for _, fill := range []string{"", "people/", "organizations/"} {
					m := mt.New()
					setMessages(m, fill)
					check(m.Interface())
				}
				for range 20 {
					m := mt.New()
					fillRandom(r, m, 0)
					check(m.Interface())
				}
			}
		}
		return true
	})
	t.Logf("%d requests, %d carrying people", n, found)
	if n < 500 || found < 20 {
		t.Fatalf("only %d requests, %d carrying people", n, found)
	}
}

// setMessages sets every message field of m (an element of a repeated
// one) to a message whose string fields are prefix followed by their
// name, empty when prefix is.
func setMessages(m protoreflect.Message, prefix string) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsMap() {
			continue
		}
		var res protoreflect.Message
		if fd.IsList() {
			l := m.Mutable(fd).List()
			e := l.NewElement()
			l.Append(e)
			res = e.Message()
		} else {
			res = m.Mutable(fd).Message()
		}
		rf := res.Descriptor().Fields()
		for j := 0; j < rf.Len(); j++ {
			f := rf.Get(j)
			if f.Kind() != protoreflect.StringKind || f.IsMap() {
				continue
			}
			v := protoreflect.ValueOfString("")
			if prefix != "" {
				v = protoreflect.ValueOfString(fmt.Sprintf("%s%s", prefix, f.Name()))
			}
			if f.IsList() {
				res.Mutable(f).List().Append(v)
			} else {
				res.Set(f, v)
			}
		}
	}
}
