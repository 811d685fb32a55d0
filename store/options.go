package store

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
	// Audit is the event of the call, stored with the write (DB.write).
	Audit *AuditEvent
}

// WriteOptions are the parts of an Update, Delete or Undelete request
// beside the resource.
type WriteOptions struct {
	// Etag, when set, must be the resource's current etag.
	Etag         string
	ValidateOnly bool
	// Audit is the event of the call, stored with the write (DB.write).
	Audit *AuditEvent
}

// checkEtag refuses a write whose etag is not the resource's current one.
func checkEtag(want, have, field string) error {
	if want != "" && want != have {
		return errorf(Aborted, field, "the resource changed since it was read (etag %q is stale; the current one is %q): read it again and reapply the change", want, have)
	}
	return nil
}
