package main

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/compiler/protogen"
)

// The packages the helpers use, by the name the text below calls them.
var helperImports = map[string]protogen.GoImportPath{
	"base64":       "encoding/base64",
	"errors":       "errors",
	"math":         "math",
	"protojson":    "google.golang.org/protobuf/encoding/protojson",
	"proto":        "google.golang.org/protobuf/proto",
	"protoreflect": "google.golang.org/protobuf/reflect/protoreflect",
	"strconv":      "strconv",
	"timestamppb":  "google.golang.org/protobuf/types/known/timestamppb",
	"utf8":         "unicode/utf8",
}

// generateHelpers writes the functions the generated methods share, and
// those of the foreign messages they contain.
func generateHelpers(g *protogen.GeneratedFile, goName protogen.GoPackageName, foreign *foreignSet) error {
	header(g, "", goName)
	// Register the imports, and make sure they go by the names the text
	// uses.
	for name, path := range helperImports {
		got := g.QualifiedGoIdent(protogen.GoIdent{GoName: "X", GoImportPath: path})
		if got != name+".X" {
			return fmt.Errorf("helpers: %s is imported as %s", path, strings.TrimSuffix(got, ".X"))
		}
	}
	g.P(strings.TrimSpace(helpersText))
	g.P()
	// A foreign message's function may bring in more foreign messages.
	for i := 0; i < len(foreign.list); i++ {
		m := foreign.list[i]
		// No local package: its enums and messages are foreign too.
		e := &emitter{g: g, local: "", foreign: foreign}
		body, err := e.messageBody(m)
		if err != nil {
			return err
		}
		g.P("// ", foreignFunc(m), " appends a ", m.Desc.FullName(), " as protojson writes it.")
		g.P("func ", foreignFunc(m), "(b []byte, x *", m.GoIdent, ") ([]byte, error) {")
		g.P(body)
		g.P("}")
		g.P()
	}
	return nil
}

// helpersText is the helpers' source. They write what protojson's internal
// JSON encoder writes (google.golang.org/protobuf/internal/encoding/json).
const helpersText = `
// errProtoJSON is returned where protojson would fail; the caller falls
// back to protojson, which says why.
var errProtoJSON = errors.New("trithuc: value protojson cannot marshal")

// appendProtoJSONString appends s as a JSON string. Like protojson it
// escapes only the quote, the backslash and the control characters, and
// fails on invalid UTF-8.
func appendProtoJSONString(b []byte, s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, errProtoJSON
	}
	b = append(b, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if protoJSONPlain[c] {
			continue
		}
		b = append(b, s[last:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		}
		last = i + 1
	}
	b = append(b, s[last:]...)
	return append(b, '"'), nil
}

// protoJSONPlain holds the bytes a JSON string holds as they are: all but
// the control characters, the quote and the backslash.
var protoJSONPlain = func() (t [256]bool) {
	for c := ' '; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendProtoJSONBytes appends bytes in standard base64, quoted.
func appendProtoJSONBytes(b []byte, v []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, '"')
}

// appendProtoJSONFloat appends a float as protojson does: NaN and the
// infinities as strings, an exponent only for very small or large numbers.
func appendProtoJSONFloat(b []byte, n float64, bitSize int) []byte {
	switch {
	case math.IsNaN(n):
		return append(b, ` + "`" + `"NaN"` + "`" + `...)
	case math.IsInf(n, +1):
		return append(b, ` + "`" + `"Infinity"` + "`" + `...)
	case math.IsInf(n, -1):
		return append(b, ` + "`" + `"-Infinity"` + "`" + `...)
	}
	format := byte('f')
	if abs := math.Abs(n); abs != 0 {
		if bitSize == 64 && (abs < 1e-6 || abs >= 1e21) ||
			bitSize == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, n, format, -1, bitSize)
	if format == 'e' {
		// 1e-07, not 1e-7.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendProtoJSONTimestamp appends a timestamp in RFC 3339, in UTC, with 0,
// 3, 6 or 9 digits of fraction, and fails out of protojson's range (years 1
// to 9999, nanos 0 to 999,999,999).
func appendProtoJSONTimestamp(b []byte, t *timestamppb.Timestamp) ([]byte, error) {
	secs, nanos := t.GetSeconds(), t.GetNanos()
	if secs < -62135596800 || secs > 253402300799 || nanos < 0 || nanos > 999999999 {
		return nil, errProtoJSON
	}
	year, month, day, hour, minute, second := protoJSONCivil(secs)
	b = append(b, '"')
	b = appendProtoJSONDigits(b, year, 4)
	b = append(b, '-')
	b = appendProtoJSONDigits(b, month, 2)
	b = append(b, '-')
	b = appendProtoJSONDigits(b, day, 2)
	b = append(b, 'T')
	b = appendProtoJSONDigits(b, hour, 2)
	b = append(b, ':')
	b = appendProtoJSONDigits(b, minute, 2)
	b = append(b, ':')
	b = appendProtoJSONDigits(b, second, 2)
	if nanos != 0 {
		b = append(b, '.')
		switch {
		case nanos%1000000 == 0:
			b = appendProtoJSONDigits(b, int(nanos/1000000), 3)
		case nanos%1000 == 0:
			b = appendProtoJSONDigits(b, int(nanos/1000), 6)
		default:
			b = appendProtoJSONDigits(b, int(nanos), 9)
		}
	}
	return append(b, 'Z', '"'), nil
}

// protoJSONCivil is the UTC date and time of a count of seconds since
// 1970, in the proleptic Gregorian calendar as package time has it
// (Howard Hinnant's days_from_civil inverted), without time's overhead.
func protoJSONCivil(secs int64) (year, month, day, hour, minute, second int) {
	days := secs / 86400
	rem := secs % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	hour, minute, second = int(rem/3600), int(rem/60%60), int(rem%60)
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day, hour, minute, second
}

// appendProtoJSONDigits appends n, not negative, in exactly width digits.
func appendProtoJSONDigits(b []byte, n, width int) []byte {
	var d [9]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// appendProtoJSONEnumDesc appends a value of an enum of another package by
// its descriptor, as protojson does.
func appendProtoJSONEnumDesc(b []byte, d protoreflect.EnumDescriptor, n protoreflect.EnumNumber) []byte {
	if d.FullName() == "google.protobuf.NullValue" {
		return append(b, "null"...)
	}
	if v := d.Values().ByNumber(n); v != nil {
		b = append(b, '"')
		b = append(b, v.Name()...)
		return append(b, '"')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// appendProtoJSONFallback has protojson write what the generated code does
// not: the well-known types with a JSON form of their own.
func appendProtoJSONFallback(b []byte, m proto.Message) ([]byte, error) {
	return protojson.MarshalOptions{}.MarshalAppend(b, m)
}
`
