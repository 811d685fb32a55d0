package server

import (
	"bytes"
	"sync"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
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
