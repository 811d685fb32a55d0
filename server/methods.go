package server

import (
	"time"

	"context"
	"fmt"
	"sort"
	"strings"

	"go.einride.tech/aip/fieldbehavior"
	"go.einride.tech/aip/fieldmask"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/store"
)

// The pieces every standard method shares.

// createRequest is what every Create request has (AIP-133, AIP-155,
// AIP-163).
type createRequest interface {
	proto.Message
	GetRequestId() string
	GetValidateOnly() bool
}

// clearServerSet drops what a client sent in the fields the server sets:
// the output-only ones and the resource name.
func clearServerSet(m proto.Message) {
	fieldbehavior.ClearFields(m, annotations.FieldBehavior_OUTPUT_ONLY)
	if fd := m.ProtoReflect().Descriptor().Fields().ByName("name"); fd != nil {
		m.ProtoReflect().Clear(fd)
	}
}

// create runs a standard Create: the resource's output-only fields and name
// are the server's to set, so what the client sent there is dropped; a
// request_id makes it idempotent.
func create[T proto.Message](ctx context.Context, requests idempotency, method string, req createRequest, resource T, id string,
	do func(T, store.CreateOptions) (T, error)) (T, error) {
	r := proto.Clone(resource).(T)
	clearServerSet(r)
	out, err := do(r, store.CreateOptions{
		ID:           id,
		Request:      requests.key(ctx, method, req.GetRequestId(), req),
		ValidateOnly: req.GetValidateOnly(),
		Audit:        auditEvent(ctx),
	})
	return out, grpcError(ctx, err)
}

// update runs a standard Update: the mask is checked against the resource,
// and applied to the stored resource inside the store's transaction; what
// the caller may not read it may not write (withheld.go).
func update[T proto.Message](ctx context.Context, mask *fieldmaskpb.FieldMask, resource T, validateOnly bool,
	do func(name string, o store.WriteOptions, apply func(T) error) (T, error)) (T, error) {
	var zero T
	if err := checkUpdateMask(mask, resource); err != nil {
		return zero, err
	}
	m := resource.ProtoReflect()
	str := func(field string) string {
		if fd := m.Descriptor().Fields().ByName(protoreflect.Name(field)); fd != nil {
			return m.Get(fd).String()
		}
		return ""
	}
	out, err := do(str("name"), store.WriteOptions{Audit: auditEvent(ctx), Etag: str("etag"), ValidateOnly: validateOnly},
		func(current T) error {
			stored := proto.Clone(current)
			// What the caller may not read depends on what is stored (a
			// person's contact consent), so it is decided here, in the
			// transaction (withheld.go).
			withheld := withheldFields(callFrom(ctx).principal, stored)
			if err := checkWithheld(mask, resource, withheld); err != nil {
				return err
			}
			fieldmask.Update(mask, current, resource)
			if err := keepImmutable(mask, current, stored); err != nil {
				return err
			}
			keepServerSet(current, stored)
			keepWithheld(current, stored, withheld)
			return nil
		})
	return out, grpcError(ctx, err)
}

// keepServerSet puts back in an updated resource what the client does not
// set: its name, etag and output-only fields, which an update without a
// mask or with "*" copies from the request (AIP-203: ignored in input).
// What is left then differs from stored only where the client changed it,
// which lets the store skip an update that changes nothing.
func keepServerSet(updated, stored proto.Message) {
	u, s := updated.ProtoReflect(), stored.ProtoReflect()
	fields := u.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Name() != "etag" && !fieldbehavior.Has(fd, annotations.FieldBehavior_OUTPUT_ONLY) &&
			!fieldbehavior.Has(fd, annotations.FieldBehavior_IDENTIFIER) {
			continue
		}
		if s.Has(fd) {
			u.Set(fd, s.Get(fd))
		} else {
			u.Clear(fd)
		}
	}
}

// keepImmutable refuses an update whose mask names an immutable field (or
// the name) and changes it; one sent as it is, as a resource read back
// does, is no change (AIP-203).
func keepImmutable(mask *fieldmaskpb.FieldMask, updated, stored proto.Message) error {
	for _, path := range mask.GetPaths() {
		fd, _ := resolvePath(updated.ProtoReflect().Descriptor(), path)
		if fd == nil || storeKeepsImmutable[fd.FullName()] ||
			!fieldbehavior.Has(fd, annotations.FieldBehavior_IMMUTABLE) && !fieldbehavior.Has(fd, annotations.FieldBehavior_IDENTIFIER) {
			continue
		}
		u, s := updated.ProtoReflect(), stored.ProtoReflect()
		parts := strings.Split(path, ".")
		for _, part := range parts[:len(parts)-1] {
			f := u.Descriptor().Fields().ByName(protoreflect.Name(part))
			u, s = u.Get(f).Message(), s.Get(f).Message()
		}
		if !u.Get(fd).Equal(s.Get(fd)) {
			return &store.Error{Code: store.Invalid, Field: "update_mask",
				Message: fmt.Sprintf("%q cannot be changed once set: send it as it was read, or leave it out of the mask", path)}
		}
	}
	return nil
}

// storeKeepsImmutable are the immutable fields whose change the store
// refuses itself, saying more (a registry date: what it is, and why it
// stays).
var storeKeepsImmutable = map[protoreflect.FullName]bool{
	"trithuc.v1.Person.registry_date": true,
}

// listRequest is what every List request has (AIP-132).
type listRequest interface {
	GetPageSize() int32
	GetPageToken() string
	GetFilter() string
	GetOrderBy() string
}

func listQuery(req listRequest) store.ListQuery {
	q := store.ListQuery{
		PageSize:  int(req.GetPageSize()),
		PageToken: req.GetPageToken(),
		Filter:    req.GetFilter(),
		OrderBy:   req.GetOrderBy(),
	}
	if r, ok := req.(interface{ GetShowDeleted() bool }); ok {
		q.ShowDeleted = r.GetShowDeleted()
	}
	return q
}

// idempotency makes the keys of creates that carry a request_id, remembered
// for the server's idempotency retention (Config.Retention.Idempotency).
type idempotency struct {
	keptFor time.Duration
}

// key makes the idempotency key of a create that carries a
// request_id (AIP-155), or nil when it carries none. The payload digest
// leaves out request_id and validate_only, which do not change what is
// created.
func (r idempotency) key(ctx context.Context, method, requestID string, req proto.Message) *store.RequestKey {
	if requestID == "" {
		return nil
	}
	payload := proto.Clone(req)
	m := payload.ProtoReflect()
	for _, name := range []protoreflect.Name{"request_id", "validate_only"} {
		if fd := m.Descriptor().Fields().ByName(name); fd != nil {
			m.Clear(fd)
		}
	}
	return &store.RequestKey{
		Principal: principal(ctx).ID,
		Method:    method,
		RequestID: requestID,
		Payload:   store.PayloadDigest(payload),
		KeptFor:   r.keptFor,
	}
}

// checkUpdateMask refuses update_mask paths that name no field of resource.
// It lets through the fields a client does not set, which AIP-203 has an
// update ignore, so that a resource read and sent back whole (the REST
// gateway makes the mask of every field of the body) updates it: the
// output-only ones and the etag, which keepServerSet puts back, and the
// immutable ones and the name, which keepImmutable refuses to change.
func checkUpdateMask(mask *fieldmaskpb.FieldMask, resource proto.Message) error {
	var errs []*store.Error
	paths := mask.GetPaths()
	for _, path := range paths {
		if path == "*" {
			if len(paths) > 1 {
				errs = append(errs, &store.Error{Field: "update_mask", Message: "\"*\" replaces every field and must be the only path"})
			}
			continue
		}
		if _, err := resolvePath(resource.ProtoReflect().Descriptor(), path); err != "" {
			errs = append(errs, &store.Error{Field: "update_mask", Message: fmt.Sprintf("%q: %s; fields that can be updated: %s",
				path, err, strings.Join(writablePaths(resource.ProtoReflect().Descriptor()), ", "))})
		}
	}
	if len(errs) > 0 {
		return badRequest(errs...)
	}
	return nil
}

// resolvePath finds the field a dotted path names, or says why it names none.
func resolvePath(md protoreflect.MessageDescriptor, path string) (protoreflect.FieldDescriptor, string) {
	parts := strings.Split(path, ".")
	var fd protoreflect.FieldDescriptor
	for i, part := range parts {
		if md == nil {
			return nil, fmt.Sprintf("%q has no subfields", strings.Join(parts[:i], "."))
		}
		fd = md.Fields().ByName(protoreflect.Name(part))
		if fd == nil {
			return nil, "no such field"
		}
		md = nil
		if fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() {
			md = fd.Message()
		}
	}
	return fd, ""
}

// writablePaths lists the top-level fields of a resource that an update may
// name, for error messages.
func writablePaths(md protoreflect.MessageDescriptor) []string {
	var paths []string
	fields := md.Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Name() == "etag" || fieldbehavior.Has(fd, annotations.FieldBehavior_OUTPUT_ONLY) ||
			fieldbehavior.Has(fd, annotations.FieldBehavior_IMMUTABLE) || fieldbehavior.Has(fd, annotations.FieldBehavior_IDENTIFIER) {
			continue
		}
		paths = append(paths, string(fd.Name()))
	}
	sort.Strings(paths)
	return paths
}
