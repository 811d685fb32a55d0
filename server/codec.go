package server

import (
	"bytes"
	"crypto/rand"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	protocodec "google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
)

// A request that is not a valid protobuf message is the client's mistake,
// but grpc-go answers INTERNAL when the codec cannot decode it, and does so
// before any interceptor runs, so the call is neither logged nor counted.
// The server's codec therefore never fails to decode: it leaves the message
// empty with a mark in its unknown fields, and validation (refusedMessage)
// refuses the marked message with INVALID_ARGUMENT, after the log, metrics,
// authentication and audit interceptors have seen the call.

// malformedMark is the field number of the mark; its value starts with a
// nonce made at start, so that no client can send a mark of its own.
const malformedMark = protowire.MaxValidNumber

var malformedNonce = func() []byte {
	b := make([]byte, 16)
	rand.Read(b)
	return b
}()

// lenientCodec is the proto codec with decoding failures turned into
// marks.
type lenientCodec struct{ encoding.CodecV2 }

func serverCodec() grpc.ServerOption {
	return grpc.ForceServerCodecV2(lenientCodec{encoding.GetCodecV2(protocodec.Name)})
}

func (c lenientCodec) Unmarshal(data mem.BufferSlice, v any) error {
	err := c.CodecV2.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	m := messageOf(v)
	if m == nil {
		return err
	}
	proto.Reset(m)
	mark := protowire.AppendTag(nil, malformedMark, protowire.BytesType)
	mark = protowire.AppendBytes(mark, append(bytes.Clone(malformedNonce), err.Error()...))
	m.ProtoReflect().SetUnknown(mark)
	return nil
}

func messageOf(v any) proto.Message {
	switch v := v.(type) {
	case protoadapt.MessageV2:
		return v
	case protoadapt.MessageV1:
		return protoadapt.MessageV2Of(v)
	}
	return nil
}

// refusedMessage is INVALID_ARGUMENT for a request the codec could not
// decode, nil for any other.
func refusedMessage(req any) error {
	m := messageOf(req)
	if m == nil {
		return nil
	}
	b := m.ProtoReflect().GetUnknown()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil
		}
		b = b[n:]
		if num == malformedMark && typ == protowire.BytesType {
			v, n := protowire.ConsumeBytes(b)
			if n > 0 && bytes.HasPrefix(v, malformedNonce) {
				return status.Error(codes.InvalidArgument, fmt.Sprintf(
					"the request is not a valid %s protobuf message: %s", m.ProtoReflect().Descriptor().FullName(), v[len(malformedNonce):]))
			}
		}
		n = protowire.ConsumeFieldValue(num, typ, b)
		if n < 0 {
			return nil
		}
		b = b[n:]
	}
	return nil
}
