package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/synth"
)

// sameJSON checks the generated encoder against protojson for m: both
// fail, or both succeed with the same JSON value (numbers compared by
// their text); and, when roundTrip, the generated JSON reads back into m.
func sameJSON(t testing.TB, m proto.Message, roundTrip bool) {
	t.Helper()
	want, werr := protojson.Marshal(m)
	got, gerr := m.(protoJSONAppender).AppendProtoJSON(nil)
	switch {
	case werr != nil && gerr == nil:
		t.Fatalf("%T: protojson fails (%v), the generated encoder writes %s", m, werr, got)
	case werr != nil:
		return
	case gerr != nil:
		t.Fatalf("%T: the generated encoder fails (%v), protojson writes %s", m, gerr, want)
	}
	if !jsonEqual(t, got, want) {
		t.Fatalf("%T: JSON differs\n generated: %s\n protojson: %s", m, got, want)
	}
	if !roundTrip {
		return
	}
	back := m.ProtoReflect().New().Interface()
	if err := protojson.Unmarshal(got, back); err != nil {
		t.Fatalf("%T: the generated JSON does not unmarshal: %v\n%s", m, err, got)
	}
	if !proto.Equal(m, back) {
		t.Fatalf("%T: the generated JSON reads back different\n in:   %v\n back: %v", m, m, back)
	}
}

func jsonEqual(t testing.TB, a, b []byte) bool {
	t.Helper()
	decode := func(s []byte) any {
		d := json.NewDecoder(bytes.NewReader(s))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, s)
		}
		if d.More() {
			t.Fatalf("more than one JSON value: %s", s)
		}
		return v
	}
	return reflect.DeepEqual(decode(a), decode(b))
}

// fullPerson is a FULL view of a synthetic person: the profile's
// qualifications, positions and honours, with the output fields the store
// fills.
func fullPerson(g *synth.Generator, orgs []synth.OrgSeed, n int) *pb.Person {
	prof := g.Profile(orgs)
	p := prof.Person
	p.Name = fmt.Sprintf("people/%d", 1000+n)
	p.DisplayName = strings.Join([]string{p.FamilyName, p.MiddleName, p.GivenName}, " ")
	p.Qualifications, p.Positions, p.Honors = prof.Qualifications, prof.Positions, prof.Honors
	// Whole seconds, milliseconds, microseconds and nanoseconds, as
	// SQLite's times come back.
	at := time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(n) * 1234567891 * time.Nanosecond)
	stamp := func(i int) *timestamppb.Timestamp {
		t := at.Add(time.Duration(i) * time.Hour)
		switch i % 4 {
		case 0:
			t = t.Truncate(time.Second)
		case 1:
			t = t.Truncate(time.Millisecond)
		case 2:
			t = t.Truncate(time.Microsecond)
		}
		return timestamppb.New(t)
	}
	for i, q := range p.Qualifications {
		q.Name = fmt.Sprintf("%s/qualifications/%d", p.Name, i+1)
		q.CreateTime, q.UpdateTime, q.Etag = stamp(i), stamp(i+1), fmt.Sprintf("W/\"%d\"", i)
	}
	for i, pos := range p.Positions {
		pos.Name = fmt.Sprintf("%s/positions/%d", p.Name, i+1)
		pos.CreateTime, pos.UpdateTime = stamp(i+2), stamp(i+3)
		if pos.Current {
			p.CurrentPositions = append(p.CurrentPositions, pos)
		}
	}
	for i, h := range p.Honors {
		h.Name = fmt.Sprintf("%s/honors/%d", p.Name, i+1)
		h.CreateTime = stamp(i)
	}
	p.Fields = []*pb.FieldOfExpertise{{Field: "fields/0102", Primary: true, Code: "0102"}, {Field: "fields/0203"}}
	p.ExpertRoles = []pb.Person_ExpertRole{pb.Person_CONSULTING, pb.Person_CRITIQUE}
	p.Availability, p.WorkLocation = pb.Person_AVAILABLE, pb.Person_IN_PROVINCE
	p.HighestQualificationLevel = "THAC_SI"
	p.AcademicTitle = &pb.ConferredTitle{Title: "PGS", Year: 2019}
	p.Memberships = []*pb.Membership{{
		Name: "associations/1/memberships/" + fmt.Sprint(n), Person: p.Name, State: pb.Membership_State(1 + n%3),
		MemberNumber: "HV-0042", ApplyTime: stamp(1), ApproveTime: stamp(2), Notes: "Hội viên chính thức\n(đợt 2)",
	}}
	p.Works = []*pb.Work{{Name: p.Name + "/works/1", Kind: pb.Work_Kind(1), Title: "Nghiên cứu \"lúa\" chịu mặn", Year: 2020, Doi: "10.1000/xyz"}}
	p.CreateTime, p.UpdateTime = stamp(0), stamp(3)
	p.Etag = fmt.Sprintf("\"%x\"", n*7919)
	p.ContactAllowed = n%2 == 0
	return p
}

func synthPeople(n int) []*pb.Person {
	g := synth.New(19)
	orgs := synth.Organizations(20)
	people := make([]*pb.Person, n)
	for i := range people {
		people[i] = fullPerson(g, orgs, i)
	}
	return people
}

func TestAppendProtoJSONSynthPeople(t *testing.T) {
	people := synthPeople(300)
	for _, p := range people {
		sameJSON(t, p, true)
	}
	for i := 0; i+50 <= len(people); i += 50 {
		sameJSON(t, &pb.ListPeopleResponse{People: people[i : i+50], NextPageToken: "tok+/=", TotalSize: 300}, true)
		sameJSON(t, &pb.SearchPeopleResponse{People: people[i : i+50]}, true)
	}
	sameJSON(t, &pb.ListPeopleResponse{}, true)
}

func TestAppendProtoJSONEdgeCases(t *testing.T) {
	ts := func(s int64, n int32) *timestamppb.Timestamp { return &timestamppb.Timestamp{Seconds: s, Nanos: n} }
	strs := []string{"", "Nguyễn Thị Minh Khai", "Đặng Văn Ngữ — Hà Nội", "quote \" backslash \\ slash /",
		"\x00\x01\x07\b\t\n\v\f\r\x1b\x1f\x7f", "<script>&amp;</script>", "\u2028\u2029", "😀 ᄀ \uFFFD", "ký tự\ttab"}
	var cases []proto.Message
	for _, s := range strs {
		cases = append(cases, &pb.Person{GivenName: s, Address: s, Fields: []*pb.FieldOfExpertise{{Field: s}}})
	}
	for _, g := range []pb.Person_Gender{0, 1, 2, 3, 99, -1, math.MaxInt32, math.MinInt32} {
		cases = append(cases, &pb.Person{Gender: g, ExpertRoles: []pb.Person_ExpertRole{0, 1, 2, 3, 4, -7},
			Availability: pb.Person_Availability(g), WorkLocation: pb.Person_WorkLocation(g)})
	}
	for _, x := range []*timestamppb.Timestamp{ts(0, 0), ts(0, 1), ts(-1, 999999999), ts(1700000000, 120000000),
		ts(1700000000, 123456000), ts(1700000000, 123456789), ts(1700000000, 100), ts(-2208988800, 0),
		ts(-62135596800, 0), ts(253402300799, 999999999), ts(-86400*365*70, 5000000)} {
		cases = append(cases, &pb.Person{CreateTime: x, Memberships: []*pb.Membership{{ApplyTime: x}}})
	}
	// Every era of the calendar: leap days, centuries, before 1970.
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		secs := r.Int64N(253402300799+62135596800+1) - 62135596800
		cases = append(cases, &pb.Membership{ApplyTime: ts(secs, int32(r.IntN(1e9))), EndTime: ts(secs-secs%86400, 0)})
	}
	for _, d := range []*date.Date{{}, {Year: 1959, Month: 12, Day: 31}, {Year: 2000}, {Month: 2, Day: 29}} {
		cases = append(cases, &pb.Person{BirthDate: d, Positions: []*pb.Position{{Start: d, Current: true}}})
	}
	// proto3 optional: unset, set to zero, set.
	zero, one := int32(0), int32(7)
	share, negZero := 0.25, math.Copysign(0, -1)
	for _, v := range []*int32{nil, &zero, &one} {
		for _, f := range []*float64{nil, &negZero, &share} {
			cases = append(cases, &pb.Indicator{Numerator: v, Denominator: v, Share: f})
		}
	}
	for _, f := range []float64{1e-7, 1e-6, 123456789012345678901234.0, 1e20, 0.1, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		cases = append(cases, &pb.Indicator{Share: &f})
	}
	cases = append(cases, &pb.PurgePersonResponse{Removed: map[string]int64{"people": math.MaxInt64, "": math.MinInt64, "Đ": 0, "a\"b": -1}})
	for _, c := range cases {
		sameJSON(t, c, true)
	}
	// A oneof set to a nil message, and nil elements, which protojson
	// writes as empty objects (and which do not read back as nil).
	sameJSON(t, &pb.RevisionValues{Resource: &pb.RevisionValues_Person{}}, false)
	sameJSON(t, &pb.Person{Positions: []*pb.Position{nil, {}}, Memberships: []*pb.Membership{{ApplyTime: nil}}}, false)
	// NaN and the infinities, which do not compare equal once read back.
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		sameJSON(t, &pb.Indicator{Share: &f}, false)
	}
	// Where protojson fails the generated encoder fails too.
	for _, m := range []proto.Message{
		&pb.Person{GivenName: "bad \xff utf-8"},
		&pb.Person{Fields: []*pb.FieldOfExpertise{{Field: "\xc3"}}},
		&pb.Person{CreateTime: ts(253402300800, 0)},
		&pb.Person{CreateTime: ts(-62135596801, 0)},
		&pb.Person{CreateTime: ts(0, -1)},
		&pb.Person{CreateTime: ts(0, 1e9)},
		&pb.PurgePersonResponse{Removed: map[string]int64{"\xff": 1}},
	} {
		if _, err := m.(protoJSONAppender).AppendProtoJSON(nil); err == nil {
			t.Errorf("%v: no error", m)
		}
		sameJSON(t, m, false)
	}
}

// TestAppendProtoJSONEveryMessage fills every message of trithuc.v1 with
// random values, unknown enum numbers, odd strings and well-known types
// the generated code hands to protojson included.
func TestAppendProtoJSONEveryMessage(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 1))
	n := 0
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		if mt.Descriptor().ParentFile().Package() != "trithuc.v1" {
			return true
		}
		if _, ok := mt.New().Interface().(protoJSONAppender); !ok {
			t.Errorf("%s has no AppendProtoJSON", mt.Descriptor().FullName())
			return true
		}
		n++
		for range 40 {
			m := mt.New()
			fillRandom(r, m, 0)
			sameJSON(t, m.Interface(), !strings.Contains(protojson.Format(m.Interface()), "NaN"))
		}
		return true
	})
	if n < 100 {
		t.Fatalf("only %d messages", n)
	}
}

var fillStrings = []string{"", "a", "Phạm Văn Đồng", "x\"y\\z", "\x00\x1f\n", "😀", "\u2028", "people/1", "lower_snake", "\xff"}

// fillRandom sets about two thirds of m's fields to random values.
func fillRandom(r *rand.Rand, m protoreflect.Message, depth int) {
	fds := m.Descriptor().Fields()
	for i := 0; i < fds.Len(); i++ {
		fd := fds.Get(i)
		if r.IntN(3) == 0 || depth > 3 && fd.Kind() == protoreflect.MessageKind {
			continue
		}
		if o := fd.ContainingOneof(); o != nil && m.WhichOneof(o) != nil {
			continue
		}
		switch {
		case fd.IsList():
			l := m.Mutable(fd).List()
			for range r.IntN(4) {
				if fd.Kind() == protoreflect.MessageKind {
					e := l.NewElement()
					fillRandom(r, e.Message(), depth+1)
					l.Append(e)
				} else {
					l.Append(randomScalar(r, fd))
				}
			}
		case fd.IsMap():
			mm := m.Mutable(fd).Map()
			for range r.IntN(4) {
				mm.Set(randomScalar(r, fd.MapKey()).MapKey(), randomScalar(r, fd.MapValue()))
			}
		case fd.Kind() == protoreflect.MessageKind:
			fillRandom(r, m.Mutable(fd).Message(), depth+1)
		default:
			m.Set(fd, randomScalar(r, fd))
		}
	}
	// Timestamps: mostly in range, sometimes not.
	if m.Descriptor().FullName() == "google.protobuf.Timestamp" {
		secs := r.Int64N(253402300799+62135596800) - 62135596800
		nanos := []int32{0, 5e8, 123e6, 456000, int32(r.IntN(1e9))}[r.IntN(5)]
		if r.IntN(30) == 0 {
			secs, nanos = 253402300800, -1
		}
		m.Set(fieldNamed(m, "seconds"), protoreflect.ValueOfInt64(secs))
		m.Set(fieldNamed(m, "nanos"), protoreflect.ValueOfInt32(nanos))
	}
}

func fieldNamed(m protoreflect.Message, name protoreflect.Name) protoreflect.FieldDescriptor {
	return m.Descriptor().Fields().ByName(name)
}

func randomScalar(r *rand.Rand, fd protoreflect.FieldDescriptor) protoreflect.Value {
	ints := []int64{0, 1, -1, 42, math.MaxInt32, math.MinInt32, math.MaxInt64, math.MinInt64, r.Int64()}
	floats := []float64{0, math.Copysign(0, -1), 0.5, 1e-7, 1e21, 3.14159, math.Inf(1), math.NaN(), r.NormFloat64() * 1e6}
	i := ints[r.IntN(len(ints))]
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(r.IntN(2) == 0)
	case protoreflect.StringKind:
		s := fillStrings[r.IntN(len(fillStrings))]
		if s == "\xff" && r.IntN(5) != 0 {
			s = "ok"
		}
		return protoreflect.ValueOfString(s)
	case protoreflect.BytesKind:
		b := make([]byte, r.IntN(8))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		return protoreflect.ValueOfBytes(b)
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		if r.IntN(5) == 0 {
			return protoreflect.ValueOfEnum(protoreflect.EnumNumber(int32(i)))
		}
		return protoreflect.ValueOfEnum(vals.Get(r.IntN(vals.Len())).Number())
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(i))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(i)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(i))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(i))
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(floats[r.IntN(len(floats))]))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(floats[r.IntN(len(floats))])
	}
	panic(fd.FullName())
}

// TestFastJSONPbMarshal checks the gateway's marshaler: the generated
// encoder when it can, protojson's own error when it fails, protojson for
// what has no encoder, and protojson alone under other options.
func TestFastJSONPbMarshal(t *testing.T) {
	m := newFastJSONPb(&runtime.JSONPb{})
	p := synthPeople(1)[0]
	got, err := m.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := p.AppendProtoJSON(nil); !bytes.Equal(got, want) {
		t.Errorf("Marshal does not use the generated encoder:\n%s\n%s", got, want)
	}
	if _, err := m.Marshal(&pb.Person{GivenName: "\xff"}); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("invalid UTF-8: %v, want protojson's error", err)
	}
	ts := timestamppb.New(time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC))
	if got, err := m.Marshal(ts); err != nil || string(got) != `"1969-07-20T20:17:40Z"` {
		t.Errorf("Timestamp: %s, %v", got, err)
	}
	if got, err := m.Marshal(map[string]any{"a": 1}); err != nil || !jsonEqual(t, got, []byte(`{"a":1}`)) {
		t.Errorf("non-proto value: %s, %v", got, err)
	}
	slow := newFastJSONPb(&runtime.JSONPb{MarshalOptions: protojson.MarshalOptions{EmitUnpopulated: true}})
	got, err = slow.Marshal(&pb.Person{GivenName: "An"})
	if err != nil || !bytes.Contains(got, []byte(`"familyName"`)) {
		t.Errorf("EmitUnpopulated: %s, %v", got, err)
	}
}

// FuzzAppendProtoJSON decodes arbitrary bytes into a Person: the generated
// encoder never panics, fails where protojson fails, and otherwise writes
// protojson's JSON value.
//
//	go test -tags sqlite_fts5 ./server -run '^$' -fuzz FuzzAppendProtoJSON
func FuzzAppendProtoJSON(f *testing.F) {
	for _, p := range synthPeople(5) {
		b, err := proto.Marshal(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &pb.Person{}
		if proto.Unmarshal(data, p) != nil {
			return
		}
		sameJSON(t, p, false)
	})
}

// BenchmarkProtoJSON is protojson against the generated encoder for a
// FULL person and a page of 50.
//
//	go test -tags sqlite_fts5 ./server -run '^$' -bench ProtoJSON -benchmem
func BenchmarkProtoJSON(b *testing.B) {
	people := synthPeople(50)
	for _, c := range []struct {
		name string
		m    proto.Message
	}{
		{"Person", people[0]},
		{"Page50", &pb.ListPeopleResponse{People: people, NextPageToken: "abc", TotalSize: 5000}},
	} {
		b.Run(c.name+"/protojson", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := protojson.Marshal(c.m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/generated", func(b *testing.B) {
			m := newFastJSONPb(&runtime.JSONPb{})
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Marshal(c.m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
