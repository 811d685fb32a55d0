package server

import (
	"fmt"
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"

	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/vntext"
)

// hiddenText finds every string in a request that holds a character a reader
// cannot see or that turns the text's direction (vntext.Hidden), and names
// the field and the character. Such text is refused rather than cleaned:
// the caller learns what was wrong with what they sent, and a stored name
// is always exactly what was typed. It checks every string of every
// request, so that a new field is covered without a line of its own.
func hiddenText(m protoreflect.Message) []*store.Error {
	var errs []*store.Error
	walkStrings(m, "", func(path, s string) {
		if r, at, ok := vntext.Hidden(s); ok {
			errs = append(errs, &store.Error{Code: store.Invalid, Field: path, Message: fmt.Sprintf(
				"contains the invisible character %s at byte %d: remove it (it is often pasted from a word processor or a web page) and send the text again",
				vntext.HiddenName(r), at)})
		}
	})
	return errs
}

// walkStrings calls fn with the path (as protovalidate writes it, e.g.
// "qualifications[1].major") and value of every string set in m.
func walkStrings(m protoreflect.Message, prefix string, fn func(path, s string)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walkValue(fd, l.Get(i), path+"["+strconv.Itoa(i)+"]", fn)
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				if s, ok := k.Interface().(string); ok {
					walkValue(fd.MapKey(), k.Value(), path+"["+strconv.Quote(s)+"]", fn)
				}
				walkValue(fd.MapValue(), mv, path+"["+k.String()+"]", fn)
				return true
			})
		default:
			walkValue(fd, v, path, fn)
		}
		return true
	})
}

func walkValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string, fn func(path, s string)) {
	switch fd.Kind() {
	case protoreflect.StringKind:
		fn(path, v.String())
	case protoreflect.MessageKind, protoreflect.GroupKind:
		walkStrings(v.Message(), path+".", fn)
	}
}
