package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// bodyValueError is a request body that is valid JSON but holds a value
// its field does not take. path is the field's path within the decoded
// message (empty for the body itself); gatewayError puts the binding's
// body field before it, so that it names the field from the request as
// the server's own checks do (person.birth_date.year).
type bodyValueError struct{ path, text string }

func (e *bodyValueError) Error() string {
	if e.path == "" {
		return "the request body " + e.text
	}
	return "request body field " + e.path + ": " + e.text
}

var (
	// protojson says where the value it refused begins; its messages
	// otherwise name the field by its last part alone, in words for Go
	// programmers, after "proto:" and a space that is sometimes a no-break
	// one (so that no one matches its text).
	protojsonPosRE = regexp.MustCompile(`\(line (\d+):(\d+)\)`)
	bodyFieldRE    = regexp.MustCompile(`^request body field (\S+): `)
)

// explainBody turns protojson's error for data, decoded into v, into a
// *bodyValueError naming the value it refused; err is returned as it is
// when it says nowhere.
func explainBody(data []byte, v any, err error) error {
	md := bodyDescriptor(v)
	m := protojsonPosRE.FindStringSubmatch(err.Error())
	if md == nil || m == nil || strings.Contains(err.Error(), "unknown field") {
		// An unknown field's error names it: friendlyDecodeError words it.
		return err
	}
	line, _ := strconv.Atoi(m[1])
	col, _ := strconv.Atoi(m[2])
	w, ok := valueAt(data, byteOffset(data, line, col), md)
	if !ok {
		return err
	}
	if w.key {
		text := "is given twice; send it once"
		if w.fd != nil {
			text = fmt.Sprintf("is given twice; send it once, as %s or %s", w.fd.JSONName(), w.fd.TextName())
		}
		return &bodyValueError{w.path, text}
	}
	if w.fd == nil {
		return &bodyValueError{"", "must be a JSON object, not " + tokenText(w.tok)}
	}
	return &bodyValueError{w.path, fmt.Sprintf("must be %s, not %s", wantText(w.fd, w.elem), tokenText(w.tok))}
}

// bodyDescriptor is the message v decodes into: the gateway decodes into
// the request, or into the address of its body field's pointer.
func bodyDescriptor(v any) protoreflect.MessageDescriptor {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		if m, ok := reflect.Zero(t).Interface().(proto.Message); ok {
			return m.ProtoReflect().Descriptor()
		}
		t = t.Elem()
	}
	return nil
}

// byteOffset is the byte of data at protojson's line and column (counted
// in runes from 1).
func byteOffset(data []byte, line, col int) int {
	off := 0
	for ; line > 1; line-- {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return len(data)
		}
		off += i + 1
	}
	for ; col > 1 && off < len(data); col-- {
		_, n := utf8.DecodeRune(data[off:])
		off += n
	}
	return off
}

// bodyValue is the JSON token found at an offset: the value of field fd
// (an element of it when elem) at path, or a key (key) naming that field.
type bodyValue struct {
	path string
	fd   protoreflect.FieldDescriptor
	elem bool
	key  bool
	tok  json.Token
}

// bodyFrame is an object or array being read: of message md, or of the
// list or map field fd.
type bodyFrame struct {
	path  string
	md    protoreflect.MessageDescriptor
	fd    protoreflect.FieldDescriptor
	array bool
	index int
	key   string // the key whose value comes next, in an object
	keyFD protoreflect.FieldDescriptor
}

// valueAt reads data (valid JSON) token by token, following md, up to the
// token that begins at off.
func valueAt(data []byte, off int, md protoreflect.MessageDescriptor) (bodyValue, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*bodyFrame
	for {
		tok, err := dec.Token()
		if err != nil {
			return bodyValue{}, false
		}
		end := int(dec.InputOffset())
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		var top *bodyFrame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && !top.array && top.key == "" {
			// A key of an object.
			k, _ := tok.(string)
			top.key, top.keyFD = k, nil
			name := fmt.Sprintf("[%q]", k)
			if top.md != nil {
				if fd := top.md.Fields().ByJSONName(k); fd != nil {
					top.keyFD, name = fd, fd.TextName()
				} else if fd := top.md.Fields().ByTextName(k); fd != nil {
					top.keyFD, name = fd, fd.TextName()
				}
			}
			if end > off {
				// protojson points at a key it met twice.
				if top.keyFD == nil && top.fd == nil {
					return bodyValue{}, false
				}
				path := top.path + name
				if top.keyFD != nil {
					path = joinPath(top.path, name)
				}
				return bodyValue{path: path, fd: top.keyFD, key: true, tok: tok}, true
			}
			continue
		}
		// A value: of the body, of an object's key, or of an array.
		v := bodyValue{tok: tok}
		switch {
		case top == nil:
		case top.array:
			v.path, v.fd, v.elem = fmt.Sprintf("%s[%d]", top.path, top.index), top.fd, true
			top.index++
		case top.md != nil:
			name := top.key
			if top.keyFD != nil {
				name = top.keyFD.TextName()
			}
			v.path, v.fd = joinPath(top.path, name), top.keyFD
			top.key = ""
		default:
			v.path, v.elem = fmt.Sprintf("%s[%q]", top.path, top.key), true
			if top.fd != nil {
				v.fd = top.fd.MapValue()
			}
			top.key = ""
		}
		if top != nil && v.fd == nil {
			// Inside what protojson reads by its own rules (an unknown
			// key, a google.protobuf.Struct): nothing to say of it.
			v.path = ""
		}
		if end > off {
			if top != nil && v.fd == nil {
				return bodyValue{}, false
			}
			return v, true
		}
		if d, ok := tok.(json.Delim); ok {
			f := &bodyFrame{path: v.path, array: d == '['}
			switch {
			case top == nil:
				f.md = md
			case v.fd == nil:
			case f.array && v.fd.IsList() && !v.elem:
				f.fd = v.fd
			case !f.array && v.fd.IsMap() && !v.elem:
				f.fd = v.fd
			case !f.array && v.fd.Message() != nil:
				f.md = v.fd.Message()
			}
			stack = append(stack, f)
		}
	}
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// tokenText shows a JSON value a client sent, shortened.
func tokenText(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "a list"
		}
		return "an object"
	case string:
		if len(t) > 64 {
			t = strings.ToValidUTF8(t[:64], "") + "…"
		}
		return strconv.Quote(t)
	case nil:
		return "null"
	default:
		s := fmt.Sprint(t)
		if len(s) > 64 {
			s = s[:64] + "…"
		}
		return s
	}
}

// wantText says what a value of fd (one element of it when elem) is.
func wantText(fd protoreflect.FieldDescriptor, elem bool) string {
	switch {
	case fd.IsList() && !elem:
		return "a list (a JSON array) of " + kindText(fd)
	case fd.IsMap() && !elem:
		return "a JSON object"
	}
	return kindText(fd)
}

func kindText(fd protoreflect.FieldDescriptor) string {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		return "one of " + definedValues(fd.Enum())
	case protoreflect.BoolKind:
		return "true or false"
	case protoreflect.StringKind:
		return "a string"
	case protoreflect.BytesKind:
		return "a string in base64"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return "a whole number from -2147483648 to 2147483647"
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return "a whole number from 0 to 4294967295"
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return "a whole number (or one in a string, as the API writes it)"
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return "a number"
	}
	switch fd.Message().FullName() {
	case "google.protobuf.Timestamp":
		return `a time in RFC 3339 form, such as "2026-03-01T08:00:00Z"`
	case "google.protobuf.Duration":
		return `a duration in seconds, such as "90s"`
	case "google.protobuf.FieldMask":
		return `a string of field paths separated by commas, such as "email,phone"`
	case "google.type.Date":
		return `an object such as {"year": 1980, "month": 3, "day": 8}`
	}
	return "a JSON object (" + string(fd.Message().Name()) + ")"
}
