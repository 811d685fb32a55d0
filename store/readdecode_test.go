package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestResourceMetaDirectIsByName sets the common fields of each kind that
// setResourceMeta sets directly, and wants what setting them by their AIP
// names through protoreflect sets: a field renamed or added to the kinds
// would show here.
func TestResourceMetaDirectIsByName(t *testing.T) {
	byName := func(m proto.Message, name string, createTime, updateTime int64, etag string) {
		msg := m.ProtoReflect()
		fields := msg.Descriptor().Fields()
		for f, v := range map[string]protoreflect.Value{
			"name":        protoreflect.ValueOfString(name),
			"etag":        protoreflect.ValueOfString(etag),
			"create_time": protoreflect.ValueOfMessage(timestamppb.New(fromMicros(createTime)).ProtoReflect()),
			"update_time": protoreflect.ValueOfMessage(timestamppb.New(fromMicros(updateTime)).ProtoReflect()),
		} {
			fd := fields.ByName(protoreflect.Name(f))
			if fd == nil {
				t.Fatalf("%s has no %s", msg.Descriptor().FullName(), f)
			}
			msg.Set(fd, v)
		}
	}
	for _, newMsg := range []func() proto.Message{
		func() proto.Message { return &pb.Position{Title: "Trưởng phòng"} },
		func() proto.Message { return &pb.Qualification{Major: "Nông học"} },
		func() proto.Message { return &pb.Honor{Title: "Chiến sĩ thi đua"} },
		func() proto.Message { return &pb.Work{Title: "Lúa mặn"} },
		func() proto.Message { return &pb.Membership{MemberNumber: "7"} },
		// And one set by name in both.
		func() proto.Message { return &pb.Association{DisplayName: "Hội"} },
	} {
		for _, micros := range [][2]int64{{0, 0}, {1_700_000_000_123_456, 1_733_000_000_000_001}, {-86_400_000_001, 1}} {
			got, want := newMsg(), newMsg()
			name := "people/a1/x/" + fmt.Sprint(micros[0])
			setResourceMeta(got, name, micros[0], micros[1], etag(name, 3))
			byName(want, name, micros[0], micros[1], etag(name, 3))
			if !proto.Equal(want, got) {
				t.Errorf("%T:\n by name: %v\n direct:  %v", got, want, got)
			}
		}
	}
}

// TestEtagIsItsHash wants etag, written into stack buffers, to be what
// clients have always been given: the hex of the first 8 bytes of the
// SHA-256 of "name/revision", for names shorter and longer than the buffer.
func TestEtagIsItsHash(t *testing.T) {
	for _, name := range []string{"", "people/a1", "people/nguyễn-văn-a/positions/p9", "people/" + strings.Repeat("x", 121), "people/" + strings.Repeat("đ", 300)} {
		for _, rev := range []int64{0, 1, 42, -1, math.MaxInt64, math.MinInt64} {
			sum := sha256.Sum256([]byte(name + "/" + strconv.FormatInt(rev, 10)))
			if got, want := etag(name, rev), hex.EncodeToString(sum[:8]); got != want {
				t.Errorf("etag(%q, %d) = %s, want %s", name, rev, got, want)
			}
		}
	}
}

// TestParseJSONRowsIsJSON reads the shapes SQLite's json_group_array
// writes (empty, scalar rows, rows of values, strings holding commas,
// brackets and escapes, which the values' and rows' counts come from)
// and wants what encoding/json reads of them.
func TestParseJSONRowsIsJSON(t *testing.T) {
	for _, text := range []string{
		`[]`,
		`[1]`,
		`[3,1,2]`,
		`[[]]`,
		`[[],[]]`,
		`[[1,"a"],[2,"b,c"],[3,"[x]"]]`,
		`[[7,null,true,false,-2,1.5,"\"Lúa\" \\ mặn 🌾"]]`,
		`[["no commas"]]`,
		`[[1,",,,,"],[2,"]]]"],[3,"[[["]]`,
		`[[1],2,[3,4],[]]`,
		`[[9223372036854775807,-9223372036854775808,1e3,"\u00e0"]]`,
		// Integers read digit by digit up to 18 digits, and by strconv
		// beyond; reals and exponents by strconv. Strings without an
		// escape as they are, with one through encoding/json.
		`[[0,-0,7,-7,123456789012345678,-123456789012345678],[1234567890123456789,-1234567890123456789,12.5,-1.5e-3,2E+2,10.0]]`,
		`[["\\","\"",""," ","a\\b\"c"],5,-5,"x"]`,
	} {
		rows, err := parseJSONRows(text)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		var want []any
		d := json.NewDecoder(strings.NewReader(text))
		d.UseNumber()
		if err := d.Decode(&want); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if len(rows) != len(want) {
			t.Errorf("%s: %d rows, want %d", text, len(rows), len(want))
			continue
		}
		for i, w := range want {
			wr, ok := w.([]any)
			if !ok {
				wr = []any{w}
			}
			if len(rows[i]) != len(wr) || cap(rows[i]) != len(rows[i]) {
				t.Errorf("%s: row %d has %d values (cap %d), want %d", text, i, len(rows[i]), cap(rows[i]), len(wr))
				continue
			}
			for j, wv := range wr {
				if got, want := jsonValueText(rows[i][j]), anyText(wv); got != want {
					t.Errorf("%s: row %d value %d is %s, want %s", text, i, j, got, want)
				}
			}
		}
	}
}

// TestParseJSONRowsRefuses wants an error, not a value, for numbers and
// strings that are not JSON's.
func TestParseJSONRowsRefuses(t *testing.T) {
	for _, text := range []string{`[-]`, `[1-]`, `[--1]`, `[1.2.3]`, `[["a\"]]`, `["a]`, `[1,`, `[[1 2]]`} {
		if rows, err := parseJSONRows(text); err == nil {
			t.Errorf("%s: read %v, want an error", text, rows)
		}
	}
}

func jsonValueText(v jsonValue) string {
	switch v.kind {
	case 's':
		return fmt.Sprintf("s:%q", v.s)
	case 'i':
		return fmt.Sprintf("n:%d", v.i)
	case 'f':
		return fmt.Sprintf("n:%g", v.f)
	}
	return "null"
}

func anyText(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("s:%q", v)
	case bool:
		if v {
			return "n:1"
		}
		return "n:0"
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return fmt.Sprintf("n:%d", n)
		}
		f, _ := v.Float64()
		return fmt.Sprintf("n:%g", f)
	}
	return "null"
}
