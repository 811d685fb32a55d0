package server

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// jsonPbDecode is NewDecoder as it was before it handed messages to
// protojson itself: every body through runtime.JSONPb.Unmarshal.
func jsonPbDecode(m *fastJSONPb, data []byte, v any) error {
	if err := checkJSON(data); err != nil {
		return err
	}
	if msg, ok := v.(proto.Message); ok {
		data = camelMasks(data, msg)
	}
	if err := m.JSONPb.Unmarshal(data, v); err != nil {
		return explainBody(data, v, err)
	}
	return nil
}

// TestBodyDecodeSameAsJSONPb decodes bodies into every request body of
// the contract (the request, or the field its binding names, nil and
// not) both ways, and wants the same message and the same error: valid
// bodies, whitespace and newlines around them, null and other values that
// are not objects, unknown fields, each field given a value of the wrong
// type (one level down too), keys given twice, and field masks.
func TestBodyDecodeSameAsJSONPb(t *testing.T) {
	m := newFastJSONPb(&runtime.JSONPb{UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false}})
	r := rand.New(rand.NewPCG(31, 19))
	seen := map[string]bool{}
	n, failed, refused := 0, 0, 0
	for _, rt := range contractRoutes {
		if rt.body == "" || seen[string(rt.input.FullName())+" "+rt.body] {
			continue
		}
		seen[string(rt.input.FullName())+" "+rt.body] = true
		in, err := protoregistry.GlobalTypes.FindMessageByName(rt.input.FullName())
		if err != nil {
			t.Fatal(err)
		}
		// targets make what the gateway decodes into, a fresh one per call.
		var targets []func() any
		md := rt.input
		if rt.body == "*" {
			targets = append(targets, func() any { return in.New().Interface() })
		} else {
			fd := rt.input.Fields().ByName(protoreflect.Name(rt.body))
			if fd == nil || fd.Message() == nil {
				t.Fatalf("%s: body %s is not a message field", rt.input.FullName(), rt.body)
			}
			md = fd.Message()
			ft, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
			if err != nil {
				t.Fatal(err)
			}
			ptr := reflect.TypeOf(ft.Zero().Interface())
			targets = append(targets,
				func() any { return reflect.New(ptr).Interface() },
				func() any {
					v := reflect.New(ptr)
					msg := ft.New()
					fillRandom(rand.New(rand.NewPCG(1, 2)), msg, 0)
					v.Elem().Set(reflect.ValueOf(msg.Interface()))
					return v.Interface()
				})
		}
		for _, body := range decodeBodies(r, md) {
			for _, target := range targets {
				n++
				want, got := target(), target()
				wantErr := jsonPbDecode(m, []byte(body), want)
				gotErr := m.NewDecoder(bytes.NewReader([]byte(body))).Decode(got)
				if _, ok := wantErr.(*bodyValueError); ok {
					refused++
				}
				if errText(gotErr) != errText(wantErr) || !sameTarget(got, want) {
					failed++
					if failed <= 10 {
						t.Errorf("%s into %T, body %q:\n got %s %v\nwant %s %v", rt.input.FullName(), want, body,
							errText(gotErr), shown(got), errText(wantErr), shown(want))
					}
				}
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d decodes differ", failed, n)
	}
	t.Logf("%d bodies, %d decodes, %d refused naming the value", len(seen), n, refused)
	if len(seen) < 30 || n < 5000 || refused < 1000 {
		t.Fatalf("only %d bodies, %d decodes, %d refused naming the value", len(seen), n, refused)
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%T %v", err, err)
}

func shown(v any) string {
	if m, ok := v.(proto.Message); ok {
		return prototext.Format(m)
	}
	if e := reflect.ValueOf(v).Elem(); !e.IsNil() {
		return prototext.Format(e.Interface().(proto.Message))
	}
	return "nil"
}

// sameTarget: the same message, or both nil, behind v.
func sameTarget(a, b any) bool {
	ma, oka := a.(proto.Message)
	mb, okb := b.(proto.Message)
	if oka && okb {
		return proto.Equal(ma, mb)
	}
	ea, eb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	if ea.IsNil() || eb.IsNil() {
		return ea.IsNil() == eb.IsNil()
	}
	return proto.Equal(ea.Interface().(proto.Message), eb.Interface().(proto.Message))
}

// wrongValues are JSON values each of which some field refuses.
var wrongValues = []string{`{}`, `{"a":1}`, `"x"`, `""`, `[1]`, `[]`, `1.5`, `-1`, `1e400`,
	`"9999999999999999999999"`, `true`, `null`, `"2026-13-01T00:00:00Z"`, `"\u00e9"`}

var spaces = []string{"", " ", "\n", "\r\n\t ", "\n\n   "}

// decodeBodies are the bodies TestBodyDecodeSameAsJSONPb sends for md.
func decodeBodies(r *rand.Rand, md protoreflect.MessageDescriptor) []string {
	var out []string
	around := func(b string) {
		for i, s := range spaces {
			out = append(out, s+b+spaces[(i+2)%len(spaces)])
		}
	}
	for _, b := range []string{`{}`, `null`, `[]`, `5`, `"x"`, `true`, `{"noSuchField":1}`,
		"{\n  \"noSuchField\": {\"a\": [1, 2]}\n}", `{"@type":"x"}`} {
		around(b)
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		panic(err)
	}
	for range 12 {
		msg := mt.New()
		fillRandom(r, msg, 0)
		b, err := protojson.Marshal(msg.Interface())
		if err != nil {
			continue
		}
		around(string(b))
		if b, err := (protojson.MarshalOptions{Multiline: true, UseProtoNames: r.IntN(2) == 0}).Marshal(msg.Interface()); err == nil {
			around(string(b))
		}
	}
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		for _, w := range wrongValues {
			out = append(out, fmt.Sprintf(`{%q:%s}`, fd.JSONName(), w))
			out = append(out, fmt.Sprintf("\n  {\n  %q: %s\n}", fd.TextName(), w))
		}
		out = append(out, fmt.Sprintf(`{%q:null,%q:null}`, fd.JSONName(), fd.JSONName()),
			fmt.Sprintf(` {%q:null,%q:null}`, fd.JSONName(), fd.TextName()))
		if fd.Message() != nil && !fd.IsMap() {
			sub := fd.Message().Fields()
			for j := 0; j < sub.Len(); j++ {
				for _, w := range wrongValues[:6] {
					v := fmt.Sprintf(`{%q: %s}`, sub.Get(j).JSONName(), w)
					if fd.IsList() {
						v = "[{}, " + v + "]"
					}
					out = append(out, fmt.Sprintf("\r\n{%q:\n %s}", fd.JSONName(), v))
				}
			}
			if fd.Message().FullName() == "google.protobuf.FieldMask" {
				for _, p := range []string{"given_name", "givenName,birth_date", "birth_date.year, given_name", "a__b", "_x", "X_y", ""} {
					out = append(out, fmt.Sprintf(`{%q:%q}`, fd.JSONName(), p),
						fmt.Sprintf(" \n{%q: %q}", fd.TextName(), p))
				}
			}
		}
	}
	return out
}
