package main

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// foreignSet holds the messages of other Go packages (google.type.Date, say)
// that a generated message contains and that the plugin can write itself:
// they get a function, not a method, in the package's helpers file.
type foreignSet struct {
	list []*protogen.Message
	seen map[protoreflect.FullName]bool
}

func newForeignSet() *foreignSet { return &foreignSet{seen: map[protoreflect.FullName]bool{}} }

func (s *foreignSet) add(m *protogen.Message) {
	if !s.seen[m.Desc.FullName()] {
		s.seen[m.Desc.FullName()] = true
		s.list = append(s.list, m)
	}
}

// foreignFunc names the function that writes a foreign message.
func foreignFunc(m *protogen.Message) string {
	return "appendProtoJSON_" + strings.ReplaceAll(string(m.Desc.FullName()), ".", "_")
}

// enumFunc names the function that writes an enum of the package.
func enumFunc(e *protogen.Enum) string { return "appendProtoJSONEnum_" + e.GoIdent.GoName }

func generateFile(g *protogen.GeneratedFile, f *protogen.File, foreign *foreignSet) error {
	header(g, f.Desc.Path(), f.GoPackageName)
	var enums []*protogen.Enum
	var messages []*protogen.Message
	var walk func([]*protogen.Message)
	walk = func(ms []*protogen.Message) {
		for _, m := range ms {
			if m.Desc.IsMapEntry() {
				continue
			}
			messages = append(messages, m)
			enums = append(enums, m.Enums...)
			walk(m.Messages)
		}
	}
	enums = append(enums, f.Enums...)
	walk(f.Messages)
	for _, m := range messages {
		e := &emitter{g: g, local: f.GoImportPath, foreign: foreign}
		body, err := e.messageBody(m)
		if err != nil {
			return err
		}
		g.P("// AppendProtoJSON appends the message's JSON, as protojson.Marshal writes")
		g.P("// it, to b. It fails where protojson would, and on nothing else.")
		g.P("func (x *", m.GoIdent, ") AppendProtoJSON(b []byte) ([]byte, error) {")
		g.P(body)
		g.P("}")
		g.P()
	}
	for _, en := range enums {
		generateEnum(g, en)
	}
	return nil
}

// generateEnum writes an enum's name, or its number when it has none, as
// protojson does; the first name of a number is the one protojson uses.
func generateEnum(g *protogen.GeneratedFile, en *protogen.Enum) {
	g.P("func ", enumFunc(en), "(b []byte, v ", en.GoIdent, ") []byte {")
	g.P("switch v {")
	done := map[protoreflect.EnumNumber]bool{}
	for _, v := range en.Values {
		n := v.Desc.Number()
		if done[n] {
			continue
		}
		done[n] = true
		g.P("case ", n, ":")
		g.P("return append(b, ", strconv.Quote(jsonString(string(v.Desc.Name()))), "...)")
	}
	g.P("}")
	g.P("return ", g.QualifiedGoIdent(protogen.GoIdent{GoName: "AppendInt", GoImportPath: "strconv"}), "(b, int64(v), 10)")
	g.P("}")
	g.P()
}

// emitter writes the body of one message's function.
type emitter struct {
	g       *protogen.GeneratedFile
	local   protogen.GoImportPath
	foreign *foreignSet
	lines   []string
	needErr bool
}

func (e *emitter) p(format string, args ...any) {
	e.lines = append(e.lines, fmt.Sprintf(format, args...))
}

func (e *emitter) q(path, name string) string {
	return e.g.QualifiedGoIdent(protogen.GoIdent{GoName: name, GoImportPath: protogen.GoImportPath(path)})
}

// call appends a fallible append to b.
func (e *emitter) call(format string, args ...any) {
	e.needErr = true
	e.p("if b, err = "+format+"; err != nil {", args...)
	e.p("return nil, err")
	e.p("}")
}

// messageBody writes the fields of m, in declaration order, each after a
// comma; the first comma becomes the opening brace.
func (e *emitter) messageBody(m *protogen.Message) (string, error) {
	e.p("if x == nil {")
	e.p("return append(b, '{', '}'), nil")
	e.p("}")
	if len(m.Fields) == 0 {
		e.p("return append(b, '{', '}'), nil")
		return strings.Join(e.lines, "\n"), nil
	}
	e.p("start := len(b)")
	for _, f := range m.Fields {
		if err := e.field(f); err != nil {
			return "", fmt.Errorf("%s: %w", f.Desc.FullName(), err)
		}
	}
	e.p("if len(b) == start {")
	e.p("return append(b, '{', '}'), nil")
	e.p("}")
	e.p("b[start] = '{'")
	e.p("return append(b, '}'), nil")
	body := strings.Join(e.lines, "\n")
	if e.needErr {
		body = "var err error\n" + body
	}
	return body, nil
}

// name is the Go literal of a field's name, comma first: `,"givenName":`.
func name(f *protogen.Field) string { return nameThen(f, "") }

// nameThen is name with what opens the value: `,"fields":[`.
func nameThen(f *protogen.Field, open string) string {
	return strconv.Quote("," + jsonString(f.Desc.JSONName()) + ":" + open)
}

func (e *emitter) field(f *protogen.Field) error {
	x := "x." + f.GoName
	switch {
	case f.Oneof != nil && !f.Oneof.Desc.IsSynthetic():
		// The whole oneof at its first field: the member set is written
		// even when it holds its zero value.
		if f != f.Oneof.Fields[0] {
			return nil
		}
		e.p("switch v := x.%s.(type) {", f.Oneof.GoName)
		for _, of := range f.Oneof.Fields {
			e.p("case *%s:", e.g.QualifiedGoIdent(of.GoIdent))
			e.p("b = append(b, %s...)", name(of))
			if err := e.value(of, "v."+of.GoName); err != nil {
				return err
			}
		}
		e.p("}")
	case f.Desc.IsMap():
		return e.mapField(f, x)
	case f.Desc.IsList():
		e.p("if len(%s) > 0 {", x)
		e.p("b = append(b, %s...)", nameThen(f, "["))
		e.p("for _, v := range %s {", x)
		e.p("if b[len(b)-1] != '[' {")
		e.p("b = append(b, ',')")
		e.p("}")
		if err := e.value(f, "v"); err != nil {
			return err
		}
		e.p("}")
		e.p("b = append(b, ']')")
		e.p("}")
	case f.Desc.Kind() == protoreflect.MessageKind:
		e.p("if %s != nil {", x)
		e.p("b = append(b, %s...)", name(f))
		if err := e.value(f, x); err != nil {
			return err
		}
		e.p("}")
	case f.Desc.HasPresence():
		// proto3 optional: a pointer, written when set.
		e.p("if %s != nil {", x)
		e.p("b = append(b, %s...)", name(f))
		if err := e.value(f, "*"+x); err != nil {
			return err
		}
		e.p("}")
	default:
		e.p("if %s {", e.populated(f, x))
		e.p("b = append(b, %s...)", name(f))
		if err := e.value(f, x); err != nil {
			return err
		}
		e.p("}")
	}
	return nil
}

// populated is the condition under which protojson writes a field of
// implicit presence: not its zero value (a float's -0 is not zero to it).
func (e *emitter) populated(f *protogen.Field, x string) string {
	switch f.Desc.Kind() {
	case protoreflect.BoolKind:
		return x
	case protoreflect.StringKind:
		return x + ` != ""`
	case protoreflect.BytesKind:
		return "len(" + x + ") > 0"
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		return fmt.Sprintf("%s != 0 || %s(float64(%s))", x, e.q("math", "Signbit"), x)
	default:
		return x + " != 0"
	}
}

func (e *emitter) mapField(f *protogen.Field, x string) error {
	key, val := f.Message.Fields[0], f.Message.Fields[1]
	e.p("if len(%s) > 0 {", x)
	e.p("b = append(b, %s...)", nameThen(f, "{"))
	if key.Desc.Kind() == protoreflect.BoolKind {
		e.p("for _, k := range [2]bool{false, true} {")
		e.p("v, ok := %s[k]", x)
		e.p("if !ok {")
		e.p("continue")
		e.p("}")
	} else {
		// Sorted keys, as protojson writes them.
		e.p("keys := make([]%s, 0, len(%s))", goScalar(key.Desc.Kind()), x)
		e.p("for k := range %s {", x)
		e.p("keys = append(keys, k)")
		e.p("}")
		e.p("%s(keys)", e.q("slices", "Sort"))
		e.p("for _, k := range keys {")
		e.p("v := %s[k]", x)
	}
	e.p("if b[len(b)-1] != '{' {")
	e.p("b = append(b, ',')")
	e.p("}")
	switch key.Desc.Kind() {
	case protoreflect.StringKind:
		e.call("appendProtoJSONString(b, k)")
	case protoreflect.BoolKind:
		e.p("b = append(b, '\"')")
		e.p("b = %s(b, k)", e.q("strconv", "AppendBool"))
		e.p("b = append(b, '\"')")
	default:
		e.p("b = append(b, '\"')")
		e.integer(key.Desc.Kind(), "k")
		e.p("b = append(b, '\"')")
	}
	e.p("b = append(b, ':')")
	if err := e.value(val, "v"); err != nil {
		return err
	}
	e.p("}")
	e.p("b = append(b, '}')")
	e.p("}")
	return nil
}

// goScalar is the Go type of a map key.
func goScalar(k protoreflect.Kind) string {
	switch k {
	case protoreflect.StringKind:
		return "string"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return "int32"
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return "uint32"
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return "int64"
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return "uint64"
	}
	panic("not a map key kind: " + k.String())
}

// integer appends an integer's digits, unquoted.
func (e *emitter) integer(k protoreflect.Kind, x string) {
	switch k {
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		e.p("b = %s(b, uint64(%s), 10)", e.q("strconv", "AppendUint"), x)
	default:
		e.p("b = %s(b, int64(%s), 10)", e.q("strconv", "AppendInt"), x)
	}
}

// value appends one value of f's type (an element, for a list).
func (e *emitter) value(f *protogen.Field, x string) error {
	switch k := f.Desc.Kind(); k {
	case protoreflect.BoolKind:
		e.p("b = %s(b, %s)", e.q("strconv", "AppendBool"), x)
	case protoreflect.StringKind:
		e.call("appendProtoJSONString(b, %s)", x)
	case protoreflect.BytesKind:
		e.p("b = appendProtoJSONBytes(b, %s)", x)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind,
		protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		e.integer(k, x)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		// 64-bit integers are strings in protojson.
		e.p("b = append(b, '\"')")
		e.integer(k, x)
		e.p("b = append(b, '\"')")
	case protoreflect.FloatKind:
		e.p("b = appendProtoJSONFloat(b, float64(%s), 32)", x)
	case protoreflect.DoubleKind:
		e.p("b = appendProtoJSONFloat(b, %s, 64)", x)
	case protoreflect.EnumKind:
		en := f.Enum
		if en.GoIdent.GoImportPath == e.local && en.Desc.ParentFile().Syntax() == protoreflect.Proto3 {
			e.p("b = %s(b, %s)", enumFunc(en), x)
		} else {
			e.p("b = appendProtoJSONEnumDesc(b, %s.Descriptor(), %s(%s))", x, e.q("google.golang.org/protobuf/reflect/protoreflect", "EnumNumber"), x)
		}
	case protoreflect.MessageKind:
		m := f.Message
		full := m.Desc.FullName()
		switch {
		case full == "google.protobuf.Timestamp":
			e.call("appendProtoJSONTimestamp(b, %s)", x)
		case m.GoIdent.GoImportPath == e.local && m.Desc.ParentFile().Syntax() == protoreflect.Proto3:
			e.call("%s.AppendProtoJSON(b)", x)
		case full.Parent() != "google.protobuf" && m.Desc.ParentFile().Syntax() == protoreflect.Proto3:
			e.foreign.add(m)
			e.call("%s(b, %s)", foreignFunc(m), x)
		default:
			// A well-known type with a JSON form of its own (Any,
			// Struct, Duration, FieldMask...): protojson writes it.
			e.call("appendProtoJSONFallback(b, %s)", x)
		}
	default:
		return fmt.Errorf("unsupported kind %v", k)
	}
	return nil
}

// jsonString is s as a JSON string, escaped as protojson escapes.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < ' ':
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == utf8.RuneError:
			panic("invalid UTF-8 in a name: " + strconv.Quote(s))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
