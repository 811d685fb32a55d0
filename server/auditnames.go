package server

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The names an audit event records of a call (audit.go): those its
// request gives, those its response holds, and the people either refers
// to, found by a plan made once per message type.

// requestNames appends the resource names a request gives: its name and
// parent, its fields that reference resources, and the name of a resource
// it carries (UpdatePersonRequest's person).
func requestNames(req proto.Message, names []string) []string {
	m := req.ProtoReflect()
	for _, fd := range planOf(m.Descriptor()).request {
		switch {
		case fd.Kind() == protoreflect.StringKind && fd.IsList():
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				names = appendName(names, l.Get(j).String())
			}
		case fd.Kind() == protoreflect.StringKind:
			names = appendName(names, m.Get(fd).String())
		case m.Has(fd):
			names = appendName(names, resourceName(m.Get(fd).Message()))
		}
	}
	return names
}

// responseNames appends the names of the resources a response holds: the
// response itself, or the resources in its fields (a List's page); and the
// people that it and every message in it refer to (a membership's member,
// an engagement's expert, a search's candidates), so that the trail tells
// a person who was shown them (ExportPersonData).
func responseNames(resp proto.Message, names []string) []string {
	m := resp.ProtoReflect()
	plan := planOf(m.Descriptor())
	if plan.resource {
		names = appendName(names, m.Get(plan.name).String())
	}
	return contentNames(m, plan, !plan.resource, names)
}

// contentNames appends the people that m, of plan, and the messages in it
// refer to, and, when named, the names of the resources its fields hold.
// It visits only the fields the plans say hold either, each message once:
// a page of profiles in the BASIC view costs a look at each profile's
// memberships.
func contentNames(m protoreflect.Message, plan *namePlan, named bool, names []string) []string {
	for _, fd := range plan.people {
		if fd.IsList() {
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				names = appendName(names, l.Get(j).String())
			}
		} else {
			names = appendName(names, m.Get(fd).String())
		}
	}
	for _, c := range plan.contents {
		name := named && c.resources
		if !name && !c.people || !m.Has(c.fd) {
			continue
		}
		sub := planOf(c.fd.Message())
		name = name && sub.name != nil
		if !c.fd.IsList() {
			names = elementNames(m.Get(c.fd).Message(), sub, name, c.people, names)
			continue
		}
		l := m.Get(c.fd).List()
		for j := 0; j < l.Len(); j++ {
			names = elementNames(l.Get(j).Message(), sub, name, c.people, names)
		}
	}
	return names
}

// elementNames appends, of the message e in a field of plan sub, its
// name when name, and the people it refers to when people.
func elementNames(e protoreflect.Message, sub *namePlan, name, people bool, names []string) []string {
	if name {
		names = appendName(names, e.Get(sub.name).String())
	}
	if people {
		names = contentNames(e, sub, false, names)
	}
	return names
}

// namePlan is where a message type holds resource names, found once per
// type: reading the annotations from the descriptors' options on every
// call was most of the audit's CPU.
type namePlan struct {
	// resource: the message is a resource, whose name is the field name
	// (a string; nil when it is not one).
	resource bool
	name     protoreflect.FieldDescriptor
	// request: string fields named name or parent, or referencing
	// resources, and singular fields holding a resource.
	request []protoreflect.FieldDescriptor
	// people: string fields referencing people, singular or repeated.
	people []protoreflect.FieldDescriptor
	// contents: message fields, singular or repeated, holding resources
	// or messages that may refer to people.
	contents []content
}

// content is a message field of a plan: resources, its messages are
// resources, which a response names; people, they may refer to people at
// some depth (refersToPeople).
type content struct {
	fd                protoreflect.FieldDescriptor
	resources, people bool
}

var namePlans sync.Map // protoreflect.FullName -> *namePlan

func planOf(md protoreflect.MessageDescriptor) *namePlan {
	if p, ok := namePlans.Load(md.FullName()); ok {
		return p.(*namePlan)
	}
	p := &namePlan{resource: isResource(md)}
	if fd := md.Fields().ByName("name"); fd != nil && fd.Kind() == protoreflect.StringKind && !fd.IsList() && !fd.IsMap() {
		p.name = fd
	}
	p.resource = p.resource && p.name != nil
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsMap():
			if fd.Name() == "name" || fd.Name() == "parent" || isReference(fd) {
				p.request = append(p.request, fd)
			}
			if isPersonReference(fd) {
				p.people = append(p.people, fd)
			}
		case fd.Message() != nil && !fd.IsMap():
			c := content{fd: fd, resources: isResource(fd.Message()), people: refersToPeople(fd.Message(), map[protoreflect.FullName]bool{})}
			if c.resources && !fd.IsList() {
				p.request = append(p.request, fd)
			}
			if c.resources || c.people {
				p.contents = append(p.contents, c)
			}
		}
	}
	namePlans.Store(md.FullName(), p)
	return p
}

// refersToPeople reports whether messages of type md may hold a reference
// to a person, in a field of their own or of a message in them; seen are
// the types looked at already (types may hold themselves).
func refersToPeople(md protoreflect.MessageDescriptor, seen map[protoreflect.FullName]bool) bool {
	if seen[md.FullName()] {
		return false
	}
	seen[md.FullName()] = true
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		switch {
		case fd.IsMap():
		case isPersonReference(fd):
			return true
		case fd.Message() != nil && refersToPeople(fd.Message(), seen):
			return true
		}
	}
	return false
}

// appendName appends a resource name, unless it is empty or too long or
// odd to be one (requests are audited before they are validated).
func appendName(names []string, name string) []string {
	if name == "" || len(name) > 512 {
		return names
	}
	// Byte by byte while ASCII: a page names thousands a call, and names
	// are ASCII but for a client's odd one.
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= utf8.RuneSelf:
			if strings.IndexFunc(name[i:], func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) >= 0 {
				return names
			}
			return append(names, name)
		case c <= ' ' || c == 0x7f:
			return names
		}
	}
	return append(names, name)
}

func isResource(md protoreflect.MessageDescriptor) bool {
	rd, _ := proto.GetExtension(md.Options(), annotations.E_Resource).(*annotations.ResourceDescriptor)
	return rd != nil && md.Fields().ByName("name") != nil
}

func isReference(fd protoreflect.FieldDescriptor) bool {
	ref, _ := proto.GetExtension(fd.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
	return ref != nil
}

// isPersonReference reports whether fd is a string field that names a
// person (people/{person}) by the contract's resource reference.
func isPersonReference(fd protoreflect.FieldDescriptor) bool {
	if fd.Kind() != protoreflect.StringKind {
		return false
	}
	ref, _ := proto.GetExtension(fd.Options(), annotations.E_ResourceReference).(*annotations.ResourceReference)
	return ref.GetType() == personType
}

// personType is the type of a person's resource (person.proto).
const personType = "trithuc.gov.vn/Person"

func resourceName(m protoreflect.Message) string {
	fd := planOf(m.Descriptor()).name
	if fd == nil {
		return ""
	}
	return m.Get(fd).String()
}
