package store

import (
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestHeldCopiesWhole sets every field of the messages heldCache copies
// field by field, at every depth, and wants the copies equal and sharing
// nothing (answerCopy: its own Person and birth date): a field added to
// the contract and not to copyPerson, answerCopy or copyPosition fails
// it. (A BASIC profile holds none of the FULL view's lists.)
func TestHeldCopiesWhole(t *testing.T) {
	person := &pb.Person{}
	fillAll(person.ProtoReflect(), 1)
	person.Qualifications, person.Positions, person.Honors, person.Memberships, person.Works = nil, nil, nil, nil, nil
	if got := copyPerson(person); !proto.Equal(got, person) {
		t.Errorf("copyPerson:\n got  %v\n want %v", got, person)
	} else if got.BirthDate == person.BirthDate || got.AcademicTitle == person.AcademicTitle || got.DeleteTime == person.DeleteTime ||
		got.Fields[0] == person.Fields[0] || got.CurrentPositions[0] == person.CurrentPositions[0] || &got.ExpertRoles[0] == &person.ExpertRoles[0] {
		t.Error("copyPerson shares a message or list with what it copies")
	}
	// An answer's copy: equal, with its own Person and birth date
	// (heldcache.go: what a caller or a redaction changes in place).
	if got := answerCopy(&heldAnswer{}, person); !proto.Equal(got, person) {
		t.Errorf("answerCopy:\n got  %v\n want %v", got, person)
	} else if got == person || got.BirthDate == person.BirthDate {
		t.Error("answerCopy shares the Person or its birth date with what it copies")
	}
	pos, field := &pb.Position{}, &pb.FieldOfExpertise{}
	fillAll(pos.ProtoReflect(), 1)
	fillAll(field.ProtoReflect(), 1)
	if got := copyPosition(pos); !proto.Equal(got, pos) {
		t.Errorf("copyPosition:\n got  %v\n want %v", got, pos)
	} else if got.Start == pos.Start || got.End == pos.End || got.CreateTime == pos.CreateTime || got.UpdateTime == pos.UpdateTime {
		t.Error("copyPosition shares a message with what it copies")
	}
	if got := copyField(field); !proto.Equal(got, field) {
		t.Errorf("copyField:\n got  %v\n want %v", got, field)
	}
}

// fillAll sets every field of m to a value other than its default.
func fillAll(m protoreflect.Message, n int) {
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		n++
		var v protoreflect.Value
		switch fd.Kind() {
		case protoreflect.MessageKind, protoreflect.GroupKind:
			if fd.IsMap() {
				panic("fillAll: a map field; copy it and extend fillAll")
			}
			var sub protoreflect.Message
			if fd.IsList() {
				sub = m.NewField(fd).List().NewElement().Message()
			} else {
				sub = m.NewField(fd).Message()
			}
			fillAll(sub, n)
			v = protoreflect.ValueOfMessage(sub)
		case protoreflect.StringKind:
			v = protoreflect.ValueOfString("s" + string(rune('a'+n%26)))
		case protoreflect.BoolKind:
			v = protoreflect.ValueOfBool(true)
		case protoreflect.EnumKind:
			vals := fd.Enum().Values()
			v = protoreflect.ValueOfEnum(vals.Get(vals.Len() - 1).Number())
		case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
			v = protoreflect.ValueOfInt32(int32(n))
		case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
			v = protoreflect.ValueOfInt64(int64(n))
		default:
			panic("fillAll: kind " + fd.Kind().String())
		}
		if fd.IsList() {
			l := m.NewField(fd).List()
			l.Append(v)
			m.Set(fd, protoreflect.ValueOfList(l))
			continue
		}
		m.Set(fd, v)
	}
}
