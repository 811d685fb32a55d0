package store

import "google.golang.org/protobuf/proto"

// The options every write takes beside its resource. Audit is explicit:
// the store reads nothing of a call from its context.

// CreateOptions are the parts of a Create request beside the resource.
type CreateOptions struct {
	// ID is the client's chosen id; the store picks one when empty.
	ID string
	// Request, when set, makes the create idempotent (AIP-155).
	Request *RequestKey
	// ValidateOnly checks everything and changes nothing.
	ValidateOnly bool
	// Scope is the association a registrar key limited to one acts for,
	// empty for any other caller: RegisterMember does not confirm its link
	// to a registered person outside it (store/scope.go).
	Scope string
	// Shown is what of a person's memberships and consents the caller
	// reads: the person a registration answers with carries the etag and
	// update_time it sees (holdings.go).
	Shown Shown
	// Admin is an administrator's call. RegisterMember by anyone else
	// does not link a new person to a restricted one by national ID: the
	// registration's consent would lift a withdrawal's restriction, and
	// its answer show the profile.
	Admin bool
	// Audit is the event of the call, stored with the write (DB.write).
	Audit *AuditEvent
	// ReadsRestricted says the caller reads restricted profiles (an
	// admin): a forced delete removes what is held of them only then.
	ReadsRestricted bool
}

// WriteOptions are the parts of an Update, Delete or Undelete request
// beside the resource.
type WriteOptions struct {
	// Etag, when set, must be the resource's current etag.
	Etag         string
	ValidateOnly bool
	// Audit is the event of the call, stored with the write (DB.write).
	Audit *AuditEvent
	// ReadsRestricted says the caller reads restricted profiles (an
	// admin): a forced delete removes what is held of them only then.
	ReadsRestricted bool
	// Shown is what of a person's memberships and consents the caller
	// reads: its etag of a person is the one it reads (holdings.go).
	Shown Shown
}

// unchanged says whether an update left a resource as it was read: then
// nothing is written, and its etag and update_time stay, so that a request
// that changes nothing does not make other clients' etags stale.
func unchanged(before, after proto.Message) bool { return proto.Equal(before, after) }

// checkEtag refuses a write whose etag is not the resource's current one.
func checkEtag(want, have, field string) error {
	if want != "" && want != have {
		return errorf(Aborted, field, "the resource changed since it was read (etag %q is stale; the current one is %q): read it again and reapply the change", want, have)
	}
	return nil
}
