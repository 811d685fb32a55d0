package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.einride.tech/aip/fieldbehavior"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// messageFlags turns a request message's fields into flags: its own scalar
// fields, and the fields of the resource it carries (CreatePersonRequest's
// person), without a prefix: --page-size, --family-name, --birth-date.
type messageFlags struct {
	fields   []*fieldFlag
	resource string // the request field holding the resource, if any
	json     string
}

type fieldFlag struct {
	path     string // in the request, e.g. "person.family_name"
	fd       protoreflect.FieldDescriptor
	value    string
	set      bool
	resource bool
}

func (f *fieldFlag) String() string {
	if f == nil { // the flag package's zero value, for -h
		return ""
	}
	return f.value
}
func (f *fieldFlag) Set(s string) error {
	if _, err := parseValue(f.fd, s); err != nil {
		return err
	}
	f.value, f.set = s, true
	return nil
}

type boolFlag struct{ *fieldFlag }

func (boolFlag) IsBoolFlag() bool { return true }

func newMessageFlags(fs *flag.FlagSet, md protoreflect.MessageDescriptor) *messageFlags {
	mf := &messageFlags{}
	taken := map[string]bool{}
	for _, name := range []string{"server", "token", "tls", "ca-file", "cert", "key", "output", "timeout", "all", "columns", "json"} {
		taken[name] = true
	}
	add := func(path string, fd protoreflect.FieldDescriptor, resource bool) {
		name := strings.ReplaceAll(string(fd.Name()), "_", "-")
		if taken[name] {
			return
		}
		taken[name] = true
		f := &fieldFlag{path: path, fd: fd, resource: resource}
		mf.fields = append(mf.fields, f)
		usage := describe(fd)
		if fd.Kind() == protoreflect.BoolKind && !fd.IsList() {
			fs.Var(boolFlag{f}, name, usage)
		} else {
			fs.Var(f, name, usage)
		}
	}
	fields := md.Fields()
	var resourceFD protoreflect.FieldDescriptor
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch {
		case flaggable(fd):
			add(string(fd.Name()), fd, false)
		case fd.Message() != nil && !fd.IsList() && !fd.IsMap() && fd.Message().Fields().ByName("name") != nil && resourceFD == nil &&
			fd.ContainingOneof() == nil:
			// A resource in a oneof (RegisterMember's new_person) is one
			// choice of several, not the request's resource: --json is
			// then the whole request.
			resourceFD = fd
		}
	}
	for i := 0; i < fields.Len(); i++ {
		// A request with a resource in a oneof is all of a piece, whatever
		// other named messages it carries (RegisterMember's consent).
		if fd := fields.Get(i); fd.ContainingOneof() != nil && fd.Message() != nil && fd.Message().Fields().ByName("name") != nil {
			resourceFD = nil
		}
	}
	if resourceFD != nil {
		mf.resource = string(resourceFD.Name())
		rfields := resourceFD.Message().Fields()
		for i := 0; i < rfields.Len(); i++ {
			fd := rfields.Get(i)
			if fd.Name() == "name" || fieldbehavior.Has(fd, annotations.FieldBehavior_OUTPUT_ONLY) || !flaggable(fd) {
				continue
			}
			if fd.Name() == "etag" && fields.ByName("update_mask") == nil {
				// A resource's etag is a precondition on changing what is
				// there: an update's (which has a mask). A create has
				// nothing there yet, and ignores it.
				continue
			}
			add(mf.resource+"."+string(fd.Name()), fd, true)
		}
		fs.StringVar(&mf.json, "json", "", "the "+mf.resource+" as JSON (flags override its fields)")
	} else {
		fs.StringVar(&mf.json, "json", "", "the whole request as JSON (flags override its fields)")
	}
	return mf
}

// flaggable reports whether a field can be given as one flag.
func flaggable(fd protoreflect.FieldDescriptor) bool {
	if fd.IsMap() {
		return false
	}
	if fd.Kind() == protoreflect.BytesKind || fd.Kind() == protoreflect.GroupKind {
		return false
	}
	if md := fd.Message(); md != nil {
		if fd.IsList() {
			return false
		}
		switch md.FullName() {
		case "google.type.Date", "google.protobuf.Timestamp", "google.protobuf.FieldMask":
			return true
		}
		return false
	}
	return true
}

func describe(fd protoreflect.FieldDescriptor) string {
	var kind string
	switch {
	case fd.Enum() != nil:
		var names []string
		vals := fd.Enum().Values()
		for i := 1; i < vals.Len(); i++ {
			names = append(names, string(vals.Get(i).Name()))
		}
		kind = "one of " + strings.Join(names, ", ")
	case fd.Message() != nil && fd.Message().FullName() == "google.type.Date":
		kind = "a date, YYYY-MM-DD (or YYYY, YYYY-MM)"
	case fd.Message() != nil && fd.Message().FullName() == "google.protobuf.Timestamp":
		kind = "a time, RFC 3339"
	case fd.Message() != nil:
		kind = "comma-separated field paths"
	default:
		kind = fd.Kind().String()
	}
	if fd.IsList() && fd.Message() == nil {
		kind += ", comma-separated"
	}
	if doc := docOf(fd); doc != "" {
		return doc + " (" + kind + ")"
	}
	return string(fd.Name()) + ": " + kind
}

// apply sets the request from --json and the flags given. For an update it
// also fills update_mask with the resource fields given as flags, unless
// --update-mask was given.
func (mf *messageFlags) apply(req proto.Message, update bool) error {
	if mf.json != "" {
		target := req
		if mf.resource != "" {
			fd := req.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(mf.resource))
			target = req.ProtoReflect().Mutable(fd).Message().Interface()
		}
		if err := protojson.Unmarshal([]byte(mf.json), target); err != nil {
			return fmt.Errorf("--json: %v", err)
		}
	}
	var mask []string
	maskGiven := false
	for _, f := range mf.fields {
		if !f.set {
			continue
		}
		if f.path == "update_mask" {
			maskGiven = true
		}
		if err := mf.setPath(req, f.path, f.value); err != nil {
			return err
		}
		if f.resource {
			mask = append(mask, strings.TrimPrefix(f.path, mf.resource+"."))
		}
	}
	if update && !maskGiven && mf.json == "" && hasField(req, "update_mask") {
		if len(mask) == 0 {
			return fmt.Errorf("nothing to update: give the fields to change as flags")
		}
		if err := mf.setPath(req, "update_mask", strings.Join(mask, ",")); err != nil {
			return err
		}
	}
	return nil
}

// setPath sets the field at a dotted path of m from its text form.
func (mf *messageFlags) setPath(m proto.Message, path, value string) error {
	msg := m.ProtoReflect()
	parts := strings.Split(path, ".")
	for i, part := range parts {
		fd := msg.Descriptor().Fields().ByName(protoreflect.Name(part))
		if fd == nil {
			return fmt.Errorf("no field %q in %s", part, msg.Descriptor().FullName())
		}
		if i < len(parts)-1 {
			msg = msg.Mutable(fd).Message()
			continue
		}
		if fd.IsList() {
			list := msg.Mutable(fd).List()
			for _, item := range strings.Split(value, ",") {
				v, err := parseValue(fd, strings.TrimSpace(item))
				if err != nil {
					return fmt.Errorf("--%s: %v", strings.ReplaceAll(part, "_", "-"), err)
				}
				list.Append(v)
			}
			return nil
		}
		v, err := parseValue(fd, value)
		if err != nil {
			return fmt.Errorf("--%s: %v", strings.ReplaceAll(part, "_", "-"), err)
		}
		msg.Set(fd, v)
	}
	return nil
}

// parseValue reads one value of a field's kind from text.
func parseValue(fd protoreflect.FieldDescriptor, s string) (protoreflect.Value, error) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(s), nil
	case protoreflect.BoolKind:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want true or false, not %q", s)
		}
		return protoreflect.ValueOfBool(b), nil
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		n, err := strconv.ParseInt(s, 10, 32)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want a whole number, not %q", s)
		}
		return protoreflect.ValueOfInt32(int32(n)), nil
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want a whole number, not %q", s)
		}
		return protoreflect.ValueOfInt64(n), nil
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want a whole number, not %q", s)
		}
		return protoreflect.ValueOfUint32(uint32(n)), nil
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want a whole number, not %q", s)
		}
		return protoreflect.ValueOfUint64(n), nil
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want a number, not %q", s)
		}
		if fd.Kind() == protoreflect.FloatKind {
			return protoreflect.ValueOfFloat32(float32(f)), nil
		}
		return protoreflect.ValueOfFloat64(f), nil
	case protoreflect.EnumKind:
		return parseEnum(fd.Enum(), s)
	case protoreflect.MessageKind:
		return parseMessage(fd.Message(), s)
	}
	return protoreflect.Value{}, fmt.Errorf("cannot be given as a flag; use --json")
}

// parseEnum accepts a value's name in any case, with or without the enum's
// prefix: "full", "FULL" and "PERSON_VIEW_FULL" are one value.
func parseEnum(ed protoreflect.EnumDescriptor, s string) (protoreflect.Value, error) {
	vals := ed.Values()
	want := strings.ToUpper(strings.ReplaceAll(s, "-", "_"))
	var names []string
	for i := 0; i < vals.Len(); i++ {
		v := vals.Get(i)
		name := string(v.Name())
		if name == want || strings.HasSuffix(name, "_"+want) {
			return protoreflect.ValueOfEnum(v.Number()), nil
		}
		if i > 0 {
			names = append(names, name)
		}
	}
	return protoreflect.Value{}, fmt.Errorf("%q is not one of %s", s, strings.Join(names, ", "))
}

func parseMessage(md protoreflect.MessageDescriptor, s string) (protoreflect.Value, error) {
	mt := reflectNew(md)
	if mt == nil {
		return protoreflect.Value{}, fmt.Errorf("unknown type %s", md.FullName())
	}
	m := mt.ProtoReflect()
	switch md.FullName() {
	case "google.type.Date":
		var parts [3]int32
		fields := strings.Split(s, "-")
		if len(fields) > 3 {
			return protoreflect.Value{}, fmt.Errorf("want YYYY-MM-DD, YYYY-MM or YYYY, not %q", s)
		}
		for i, f := range fields {
			n, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				return protoreflect.Value{}, fmt.Errorf("want YYYY-MM-DD, YYYY-MM or YYYY, not %q", s)
			}
			parts[i] = int32(n)
		}
		for i, name := range []protoreflect.Name{"year", "month", "day"} {
			m.Set(md.Fields().ByName(name), protoreflect.ValueOfInt32(parts[i]))
		}
	case "google.protobuf.Timestamp":
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return protoreflect.Value{}, fmt.Errorf("want an RFC 3339 time like 2025-07-01T00:00:00Z, not %q", s)
		}
		m.Set(md.Fields().ByName("seconds"), protoreflect.ValueOfInt64(t.Unix()))
		m.Set(md.Fields().ByName("nanos"), protoreflect.ValueOfInt32(int32(t.Nanosecond())))
	case "google.protobuf.FieldMask":
		paths := m.Mutable(md.Fields().ByName("paths")).List()
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				paths.Append(protoreflect.ValueOfString(p))
			}
		}
	default:
		return protoreflect.Value{}, fmt.Errorf("cannot be given as a flag; use --json")
	}
	return protoreflect.ValueOfMessage(m), nil
}
