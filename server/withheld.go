package server

import (
	"fmt"
	"sort"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A caller may not write what it cannot read. A client that reads a
// resource, changes one thing and sends the whole of it back (update_mask
// "*", or a form that names every field) would otherwise store the blanks
// it was shown in place of what it was never shown: the personal data of a
// role that may not read it (redact.go), and the contact details a person
// withholds (contact.go). So, for every Update (methods.go update):
//
//   - an update_mask naming such a field, or without a mask setting it, is
//     PERMISSION_DENIED, naming the field and why it is withheld;
//   - "*" keeps such a field as stored.
//
// The sensitivity marks of the writable resources are on their top-level
// fields, which are the ones checked.

// withheldFields returns why each top-level field of stored, by name, is
// one the caller p may not read, or nil when p reads them all.
func withheldFields(p *Principal, stored proto.Message) map[protoreflect.Name]string {
	if p == nil {
		return nil
	}
	var out map[protoreflect.Name]string
	add := func(name protoreflect.Name, why string) {
		if out == nil {
			out = map[protoreflect.Name]string{}
		}
		out[name] = why
	}
	if !personalDataRoles[p.Role] {
		fields := stored.ProtoReflect().Descriptor().Fields()
		for i := 0; i < fields.Len(); i++ {
			if fd := fields.Get(i); sensitivity(fd) != pb.Sensitivity_SENSITIVITY_UNSPECIFIED {
				add(fd.Name(), fmt.Sprintf("personal data the %s role may not read", p.Role))
			}
		}
	}
	if person, ok := stored.(*pb.Person); ok && p.Role != RoleAdmin && !person.GetContactAllowed() {
		for _, name := range []protoreflect.Name{"email", "phone", "address"} {
			add(name, fmt.Sprintf("withheld from the %s role because the person gave no CONTACT consent", p.Role))
		}
	}
	return out
}

// checkWithheld refuses an update of a field withheld from the caller:
// one the mask names (or that the request sets, without a mask).
func checkWithheld(mask *fieldmaskpb.FieldMask, resource proto.Message, withheld map[protoreflect.Name]string) error {
	if len(withheld) == 0 {
		return nil
	}
	var named []string
	if len(mask.GetPaths()) == 0 {
		m := resource.ProtoReflect()
		m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if _, ok := withheld[fd.Name()]; ok {
				named = append(named, string(fd.Name()))
			}
			return true
		})
	}
	for _, path := range mask.GetPaths() {
		top, _, _ := strings.Cut(path, ".")
		if _, ok := withheld[protoreflect.Name(top)]; ok {
			named = append(named, top)
		}
	}
	if len(named) == 0 {
		return nil
	}
	sort.Strings(named)
	byWhy := map[string][]string{}
	var whys []string
	for _, name := range named {
		why := withheld[protoreflect.Name(name)]
		if byWhy[why] == nil {
			whys = append(whys, why)
		}
		byWhy[why] = append(byWhy[why], name)
	}
	var says []string
	for _, why := range whys {
		verb := "is"
		if len(byWhy[why]) > 1 {
			verb = "are"
		}
		says = append(says, fmt.Sprintf("%s %s %s", strings.Join(byWhy[why], ", "), verb, why))
	}
	return status.Errorf(codes.PermissionDenied,
		"update_mask: %s, and a caller may not change what it cannot read: leave %s out of the update_mask (\"*\" keeps what the caller cannot read as stored)",
		strings.Join(says, "; "), strings.Join(named, ", "))
}

// keepWithheld puts back in an updated resource the withheld fields as
// stored, which a "*" update copied from the request.
func keepWithheld(updated, stored proto.Message, withheld map[protoreflect.Name]string) {
	u, s := updated.ProtoReflect(), stored.ProtoReflect()
	for name := range withheld {
		fd := u.Descriptor().Fields().ByName(name)
		if s.Has(fd) {
			u.Set(fd, s.Get(fd))
		} else {
			u.Clear(fd)
		}
	}
}
