package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/protobuf/proto"
)

// protoJSONAppender is a message with a generated JSON encoder
// (protoc-gen-trithuc-json): every message of trithuc.v1.
type protoJSONAppender interface {
	AppendProtoJSON(b []byte) ([]byte, error)
}

// fastJSONPb is the gateway's JSON marshaler: runtime.JSONPb, whose
// unmarshalling it keeps, but whose answers are written by the messages'
// generated AppendProtoJSON rather than by protojson's reflection, the
// largest part of the CPU a REST call spends beyond its gRPC call (issue
// 19). The JSON is the same value protojson writes; only protojson's
// random spaces differ.
type fastJSONPb struct {
	*runtime.JSONPb
	// fast is false when the marshal options are not protojson's defaults,
	// the only ones the generated code writes.
	fast bool
}

func newFastJSONPb(j *runtime.JSONPb) *fastJSONPb {
	o := j.MarshalOptions
	fast := !o.Multiline && o.Indent == "" && !o.UseProtoNames && !o.UseEnumNumbers &&
		!o.EmitUnpopulated && !o.EmitDefaultValues && o.Resolver == nil
	return &fastJSONPb{JSONPb: j, fast: fast}
}

// Marshal writes a message with its generated encoder when it has one.
// Where that fails (a string not UTF-8, a timestamp out of range) protojson
// marshals the message again, so that the error is protojson's own.
func (m *fastJSONPb) Marshal(v any) ([]byte, error) {
	a, ok := v.(protoJSONAppender)
	if !ok || !m.fast {
		return m.JSONPb.Marshal(v)
	}
	// The JSON is written into a pooled buffer and copied out once, at its
	// size: growing a fresh slice to a page of 50 people copies it a dozen
	// times and leaves twice its size in garbage.
	bp := jsonBuffers.Get().(*[]byte)
	b, err := a.AppendProtoJSON((*bp)[:0])
	if err != nil {
		jsonBuffers.Put(bp)
		return m.JSONPb.Marshal(v)
	}
	out := bytes.Clone(b)
	// A buffer grown by a rare huge answer is left to the collector.
	if cap(b) <= maxPooledJSON {
		*bp = b[:0]
		jsonBuffers.Put(bp)
	}
	return out, nil
}

const maxPooledJSON = 1 << 20

var jsonBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 8<<10)
	return &b
}}

// NewDecoder reads a request body whole and refuses what is not one JSON
// value in UTF-8, saying where: runtime.JSONPb decodes the first value and
// ignores what follows ({"givenName":"A"} x), and words its errors for Go
// programmers ("unexpected EOF").
//
// The gateway decodes a body into the request (a proto.Message) or, when
// the body is one field of it, into that field's address (**pb.Person).
// runtime.JSONPb.Unmarshal scans such a body with a json.Decoder into a
// copy and finds the message by reflection before protojson reads it:
// both go to protojson, with JSONPb's options, directly (issue 19). What
// else the gateway may decode into goes through JSONPb.
func (m *fastJSONPb) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		if err := checkJSON(data); err != nil {
			return err
		}
		if msg, ok := v.(proto.Message); ok {
			data = camelMasks(data, msg)
			err = m.JSONPb.UnmarshalOptions.Unmarshal(jsonValue(data), msg)
		} else if msg, ok := bodyField(v); ok {
			err = m.JSONPb.UnmarshalOptions.Unmarshal(jsonValue(data), msg)
		} else {
			err = m.JSONPb.Unmarshal(data, v)
		}
		if err != nil {
			return explainBody(data, v, err)
		}
		return nil
	})
}

// jsonValue is the one JSON value (checkJSON) in data without the
// whitespace around it: what JSONPb's json.Decoder hands protojson, so
// that protojson's errors say the same lines and columns.
func jsonValue(data []byte) []byte {
	return bytes.TrimRight(bytes.TrimLeft(data, jsonSpace), jsonSpace)
}

const jsonSpace = " \t\r\n"

// bodyField is the message v points to when v is a pointer to a pointer
// to a message, allocated when nil as JSONPb's decodeNonProtoField does.
func bodyField(v any) (proto.Message, bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, false
	}
	e := rv.Elem()
	if e.Kind() != reflect.Pointer {
		return nil, false
	}
	// A type assertion, not reflect's Implements, which searches the
	// methods on every call.
	if _, ok := e.Interface().(proto.Message); !ok {
		return nil, false
	}
	if e.IsNil() {
		e.Set(reflect.New(e.Type().Elem()))
	}
	return e.Interface().(proto.Message), true
}

func checkJSON(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		// No body: the gateway takes the request from the path and query.
		return io.EOF
	}
	if bytes.HasPrefix(data, []byte("\uFEFF")) {
		return errors.New("the request body is not valid JSON: it starts with a byte order mark, at byte 0; send UTF-8 without one")
	}
	if utf8.Valid(data) && json.Valid(data) {
		// Every body that is right pays two fast scans, not a decode.
		return nil
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("the request body is not valid JSON: it is not UTF-8, at byte %d", i)
		}
		i += n
	}
	var syntax *json.SyntaxError
	err := json.Unmarshal(data, new(json.RawMessage))
	if !errors.As(err, &syntax) {
		return err
	}
	// Offset counts the bytes read, the bad one included; bytes are
	// counted from 0 here, as above.
	at := syntax.Offset - 1
	if syntax.Error() == "unexpected end of JSON input" {
		at = int64(len(data))
	}
	return fmt.Errorf("the request body is not valid JSON: %s, at byte %d", syntax, at)
}
