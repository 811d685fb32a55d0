package server

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// Personal data, as the contract marks it with the trithuc.v1.sensitivity
// field option, is protected in one place for every method, present and
// future: the protect interceptor. For callers whose role is not entitled
// to it (personalDataRoles), it
//
//   - clears the marked fields in every response message, unary or
//     streamed, however deep they are nested: Get, List, Search,
//     sub-resources, revisions and exports alike;
//   - refuses, with PERMISSION_DENIED, a request whose filter or order_by
//     names a marked field, since filtering or ordering on a field reveals
//     it;
//   - refuses a FULL view to roles that read basic views only.
//
// Handlers need do nothing. (One that serialised messages into bytes
// itself would have to redact them first; the statistics export holds
// aggregates only.) The filter check scans the filter and order_by
// strings for the names of marked fields (outside quoted values), which is
// conservative: it may refuse a filter that merely mentions such a name.

// protectHook refuses requests that would reveal what the caller may not
// see, and redacts what the caller's role may not see from each answer.
func (s *Server) protectHook() hook {
	return hook{
		request: func(ctx context.Context, method string, req any) error {
			p := callFrom(ctx).principal
			if msg, ok := req.(proto.Message); ok && p != nil {
				return checkRequestAccess(p, method, msg)
			}
			return nil
		},
		answer: func(ctx context.Context, _ string, resp any) (any, error) {
			p := callFrom(ctx).principal
			msg, ok := resp.(proto.Message)
			if !ok || p == nil {
				return resp, nil
			}
			if !personalDataRoles[p.Role] {
				msg = redact(msg)
			}
			if p.Role != RoleAdmin {
				return s.hideContact(ctx, msg)
			}
			return msg, nil
		},
	}
}

// checkRequestAccess refuses a request that would reveal what p may not
// see: a filter or ordering on personal data, or a FULL view.
func checkRequestAccess(p *Principal, method string, req proto.Message) error {
	m := req.ProtoReflect()
	fields := m.Descriptor().Fields()
	if basicViewRoles[p.Role] {
		if fd := fields.ByName("view"); fd != nil && fd.Kind() == protoreflect.EnumKind && !fd.IsList() {
			if v := fd.Enum().Values().ByNumber(m.Get(fd).Enum()); v != nil && strings.HasSuffix(string(v.Name()), "_FULL") {
				return denied(reasonDeniedRole, "the %s role reads basic views only: leave view unset or ask for the BASIC view", p.Role)
			}
		}
	}
	for _, name := range []protoreflect.Name{"filter", "order_by"} {
		if fd := fields.ByName(name); fd != nil && fd.Kind() == protoreflect.StringKind && !fd.IsList() {
			if path, why := refusedPath(p, m.Get(fd).String()); path != "" {
				return denied(reasonDeniedRole, "%s names %s, %s", name, path, why)
			}
		}
	}
	return nil
}

// refusedPath returns the first field path of a filter or order_by
// expression that p may not name, and why; "" when p may name them all.
func refusedPath(p *Principal, expr string) (path, why string) {
	if expr == "" {
		return "", ""
	}
	// A filter would answer of what the role may not read.
	if basicViewRoles[p.Role] {
		if path := fullViewReference(expr); path != "" {
			return path, fmt.Sprintf("which only a person's FULL view shows, and the %s role reads basic views only; filter on current_positions for where people work now", p.Role)
		}
	}
	if personalDataRoles[p.Role] {
		return "", ""
	}
	if path := sensitiveReference(expr, sensitiveNames()); path != "" {
		return path, fmt.Sprintf("which is personal data the %s role may not read, and so may not filter or order by", p.Role)
	}
	return "", ""
}

// mayFilter says which field paths the caller may name in a filter, as
// refusedPath decides, for the store's hints of what to filter by; nil (all)
// for a call without a principal.
func mayFilter(ctx context.Context) store.FilterFields {
	p := callFrom(ctx).principal
	if p == nil {
		return nil
	}
	return func(path string) bool {
		refused, _ := refusedPath(p, path)
		return refused == ""
	}
}

// sensitiveReference returns the first field path in a filter or order_by
// expression that names a field of names, or "". Quoted values are
// skipped; the year of a year-only date may be named.
func sensitiveReference(expr string, names map[string]pb.Sensitivity) string {
	return firstPath(expr, func(segs []string) bool {
		for k, seg := range segs {
			sens, ok := names[seg]
			if !ok {
				continue
			}
			if sens == pb.Sensitivity_SENSITIVITY_PERSONAL_YEAR_ONLY && k+1 < len(segs) && segs[k+1] == "year" {
				continue
			}
			return true
		}
		return false
	})
}

// fullViewOnly are the parts of a person that only the FULL view shows.
// The BASIC view shows the current positions, which filters name as
// current_positions.
var fullViewOnly = map[string]bool{"qualifications": true, "positions": true, "honors": true, "memberships": true, "works": true}

// fullViewReference returns the first field path in a filter or order_by
// expression that reaches into what only a person's FULL view shows, or "".
func fullViewReference(expr string) string {
	return firstPath(expr, func(segs []string) bool {
		if segs[0] == "person" && len(segs) > 1 {
			segs = segs[1:]
		}
		return fullViewOnly[segs[0]]
	})
}

// firstPath returns the first field path of a filter or order_by
// expression, outside quoted values, whose dotted segments match says
// true of, or "".
func firstPath(expr string, match func(segs []string) bool) string {
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == '"' || c == '\'':
			i++
			for i < len(expr) && expr[i] != c {
				if expr[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case isIdentStart(c):
			j := i
			for j < len(expr) && (isIdentStart(expr[j]) || expr[j] >= '0' && expr[j] <= '9' || expr[j] == '.') {
				j++
			}
			if path := expr[i:j]; match(strings.Split(path, ".")) {
				return path
			}
			i = j
		default:
			i++
		}
	}
	return ""
}

func isIdentStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// sensitiveNames are the names (proto and JSON) of the marked fields that
// a filter or order_by must not name: those of every message of the
// contract's package, so that a filter reaching a related resource
// (person.ethnicity on a qualification) is caught whatever the method. A
// name marked on one message and not on another counts as marked.
var sensitiveNames = sync.OnceValue(func() map[string]pb.Sensitivity {
	names := map[string]pb.Sensitivity{}
	seen := map[protoreflect.FullName]bool{}
	var walk func(md protoreflect.MessageDescriptor)
	walk = func(md protoreflect.MessageDescriptor) {
		if seen[md.FullName()] {
			return
		}
		seen[md.FullName()] = true
		fields := md.Fields()
		for i := 0; i < fields.Len(); i++ {
			fd := fields.Get(i)
			if sens := sensitivity(fd); sens != pb.Sensitivity_SENSITIVITY_UNSPECIFIED {
				for _, n := range []string{string(fd.Name()), fd.JSONName()} {
					// Where one message marks a name PERSONAL and
					// another YEAR_ONLY, the stricter wins.
					if prev, ok := names[n]; !ok || prev == pb.Sensitivity_SENSITIVITY_PERSONAL_YEAR_ONLY {
						names[n] = sens
					}
				}
			}
			if fd.IsMap() {
				fd = fd.MapValue()
			}
			if fd.Message() != nil {
				walk(fd.Message())
			}
		}
	}
	protoregistry.GlobalFiles.RangeFilesByPackage(pb.File_trithuc_v1_annotations_proto.Package(), func(fd protoreflect.FileDescriptor) bool {
		msgs := fd.Messages()
		for i := 0; i < msgs.Len(); i++ {
			walk(msgs.Get(i))
		}
		return true
	})
	return names
})

// sensitivities caches each field's sensitivity option.
var sensitivities sync.Map

func sensitivity(fd protoreflect.FieldDescriptor) pb.Sensitivity {
	if v, ok := sensitivities.Load(fd); ok {
		return v.(pb.Sensitivity)
	}
	sens, _ := proto.GetExtension(fd.Options(), pb.E_Sensitivity).(pb.Sensitivity)
	sensitivities.Store(fd, sens)
	return sens
}

// redact returns msg with the fields marked personal data cleared, and
// year-only dates cut to their year. msg itself is left as it is: a copy
// is made when something must be cleared.
func redact(msg proto.Message) proto.Message {
	if !holdsPersonal(msg.ProtoReflect()) {
		return msg
	}
	out := proto.Clone(msg)
	clearPersonal(out.ProtoReflect())
	return out
}

// holdsPersonal reports whether m has a marked field set, at any depth.
func holdsPersonal(m protoreflect.Message) bool {
	found := false
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch sensitivity(fd) {
		case pb.Sensitivity_SENSITIVITY_UNSPECIFIED:
			found = eachMessage(fd, v, holdsPersonal)
		case pb.Sensitivity_SENSITIVITY_PERSONAL_YEAR_ONLY:
			found = !isDate(fd) || dateHasMonthOrDay(v.Message())
		default:
			found = true
		}
		return !found
	})
	return found
}

// clearPersonal clears m's marked fields, at any depth.
func clearPersonal(m protoreflect.Message) {
	var fds []protoreflect.FieldDescriptor
	m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		fds = append(fds, fd)
		return true
	})
	for _, fd := range fds {
		switch sensitivity(fd) {
		case pb.Sensitivity_SENSITIVITY_UNSPECIFIED:
			switch {
			case fd.IsMap():
				if fd.MapValue().Message() != nil {
					mp := m.Mutable(fd).Map()
					mp.Range(func(k protoreflect.MapKey, _ protoreflect.Value) bool {
						clearPersonal(mp.Mutable(k).Message())
						return true
					})
				}
			case fd.IsList():
				if fd.Message() != nil {
					l := m.Mutable(fd).List()
					for i := 0; i < l.Len(); i++ {
						clearPersonal(l.Get(i).Message())
					}
				}
			case fd.Message() != nil:
				clearPersonal(m.Mutable(fd).Message())
			}
		case pb.Sensitivity_SENSITIVITY_PERSONAL_YEAR_ONLY:
			if isDate(fd) {
				d := m.Mutable(fd).Message()
				fields := d.Descriptor().Fields()
				d.Clear(fields.ByName("month"))
				d.Clear(fields.ByName("day"))
			} else {
				m.Clear(fd)
			}
		default:
			m.Clear(fd)
		}
	}
}

// eachMessage calls f on the message or messages a field value holds,
// until f returns true, and reports whether it did.
func eachMessage(fd protoreflect.FieldDescriptor, v protoreflect.Value, f func(protoreflect.Message) bool) bool {
	switch {
	case fd.IsMap():
		if fd.MapValue().Message() == nil {
			return false
		}
		found := false
		v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
			found = f(mv.Message())
			return !found
		})
		return found
	case fd.IsList():
		if fd.Message() == nil {
			return false
		}
		l := v.List()
		for i := 0; i < l.Len(); i++ {
			if f(l.Get(i).Message()) {
				return true
			}
		}
		return false
	case fd.Message() != nil:
		return f(v.Message())
	}
	return false
}

func isDate(fd protoreflect.FieldDescriptor) bool {
	return !fd.IsList() && !fd.IsMap() && fd.Message() != nil && fd.Message().FullName() == "google.type.Date"
}

func dateHasMonthOrDay(d protoreflect.Message) bool {
	fields := d.Descriptor().Fields()
	return d.Get(fields.ByName("month")).Int() != 0 || d.Get(fields.ByName("day")).Int() != 0
}
