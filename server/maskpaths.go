package server

import (
	"encoding/json"
	"strings"
	"unicode"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// A field mask's paths are written with the fields' proto names
// (given_name) in protobuf, and with their JSON names (givenName) in JSON,
// where protojson refuses the proto names; the gateway's query parser takes
// them as they come. A REST client cannot be expected to know which spelling
// each place wants, so every mask a REST request carries takes both: the
// fields' names are snake_case, so the two spellings map one to one.

// maskFields are the top-level google.protobuf.FieldMask fields of a
// request; no request of the API has a mask deeper.
func maskFields(md protoreflect.MessageDescriptor) []protoreflect.FieldDescriptor {
	var out []protoreflect.FieldDescriptor
	for i := 0; i < md.Fields().Len(); i++ {
		fd := md.Fields().Get(i)
		if fd.Message() != nil && fd.Message().FullName() == "google.protobuf.FieldMask" && !fd.IsList() {
			out = append(out, fd)
		}
	}
	return out
}

// snakeMasks writes the paths of the masks the query string filled with the
// fields' proto names (updateMask=givenName is update_mask given_name).
func snakeMasks(msg proto.Message) {
	m := msg.ProtoReflect()
	for _, fd := range maskFields(m.Descriptor()) {
		if !m.Has(fd) {
			continue
		}
		mask := m.Get(fd).Message().Interface().(*fieldmaskpb.FieldMask)
		for i, p := range mask.Paths {
			mask.Paths[i] = snakePath(p)
		}
	}
}

func snakePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// camelMasks rewrites a JSON body's masks for msg with the fields' JSON
// names, which protojson turns back into the proto names; it returns the
// body unchanged when no mask has a proto name in it.
func camelMasks(data []byte, msg proto.Message) []byte {
	fields := maskFields(msg.ProtoReflect().Descriptor())
	if len(fields) == 0 {
		return data
	}
	var body map[string]json.RawMessage
	if json.Unmarshal(data, &body) != nil {
		return data
	}
	changed := false
	for _, fd := range fields {
		for _, key := range []string{fd.JSONName(), string(fd.Name())} {
			var paths string
			if json.Unmarshal(body[key], &paths) != nil || !strings.Contains(paths, "_") {
				continue
			}
			list := strings.Split(paths, ",")
			for i, p := range list {
				list[i] = camelPath(strings.TrimSpace(p))
			}
			body[key], _ = json.Marshal(strings.Join(list, ","))
			changed = true
		}
	}
	if !changed {
		return data
	}
	out, err := json.Marshal(body)
	if err != nil {
		return data
	}
	return out
}

func camelPath(p string) string {
	var b strings.Builder
	up := false
	for _, r := range p {
		switch {
		case r == '_':
			up = true
			continue
		case up:
			r = unicode.ToUpper(r)
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}
