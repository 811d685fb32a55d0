package console

import (
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// A person's fields of expertise are a list in the form: a box per field,
// each with the fields' datalist, and a radio button beside each to mark
// the primary one. A few empty boxes take new fields; an emptied box drops
// its field.

const (
	fieldOfExpertise = "trithuc.v1.FieldOfExpertise"
	// blankFields is how many empty boxes the form offers for more fields.
	blankFields = 3
	// maxFields is the most fields a person holds (Person.fields).
	maxFields = 20
)

// isFieldList reports whether fd is a list of fields of expertise.
func isFieldList(fd protoreflect.FieldDescriptor) bool {
	return fd.IsList() && fd.Message() != nil && fd.Message().FullName() == fieldOfExpertise
}

// fieldListView shows list, fields of expertise, as boxes of the fields'
// datalist entries. A field the list does not know shows its name.
func fieldListView(v *fieldView, fd protoreflect.FieldDescriptor, list protoreflect.List, ch choices) {
	v.Kind, v.List = "datalists", "list-fields"
	opts := ch["fields"]
	field, primary := fd.Message().Fields().ByName("field"), fd.Message().Fields().ByName("primary")
	for i := 0; i < list.Len(); i++ {
		m := list.Get(i).Message()
		if m.Get(primary).Bool() {
			v.Primary = i
		}
		shown := m.Get(field).String()
		for _, o := range opts {
			if o.Value == shown {
				shown = entry("fields", o)
				break
			}
		}
		v.Values = append(v.Values, shown)
	}
	for n := 0; n < blankFields && len(v.Values) < maxFields; n++ {
		v.Values = append(v.Values, "")
	}
	for _, o := range opts {
		v.Options = append(v.Options, option{Value: entry("fields", o)})
	}
}

// readFieldList sets msg's list fd from the form's boxes, in their order,
// each read back to its field's name. The box whose radio button is on is
// primary; when that box is empty or none is on, the first field is.
func readFieldList(r *http.Request, msg protoreflect.Message, fd protoreflect.FieldDescriptor, ch choices) {
	name := string(fd.Name())
	chosen, err := strconv.Atoi(r.PostFormValue(name + "_primary"))
	if err != nil {
		chosen = -1
	}
	field, primary := fd.Message().Fields().ByName("field"), fd.Message().Fields().ByName("primary")
	list := msg.Mutable(fd).List()
	found := false
	for i, s := range r.PostForm[name] {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if opts, ok := ch["fields"]; ok {
			s = readChoice(s, opts)
		}
		e := list.NewElement()
		e.Message().Set(field, protoreflect.ValueOfString(s))
		if i == chosen {
			e.Message().Set(primary, protoreflect.ValueOfBool(true))
			found = true
		}
		list.Append(e)
	}
	if !found && list.Len() > 0 {
		list.Get(0).Message().Set(primary, protoreflect.ValueOfBool(true))
	}
}
