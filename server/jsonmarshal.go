package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
		}
		if err := m.JSONPb.Unmarshal(data, v); err != nil {
			return explainBody(data, v, err)
		}
		return nil
	})
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
