-- Security: the association a registrar key is limited to, and the audit
-- trail. (This file's number may change when branches merge; nothing depends
-- on it.)

-- associations/{association}, or NULL for a key without a scope.
ALTER TABLE api_keys ADD COLUMN association TEXT;

-- One row per audited call. Append-only: the triggers below refuse every
-- UPDATE and DELETE, whoever issues it.
CREATE TABLE audit_events (
	pk             INTEGER PRIMARY KEY,    -- insertion order; keyset for paging
	id             TEXT NOT NULL UNIQUE,   -- the {event} in auditEvents/{event}
	event_time     INTEGER NOT NULL,       -- when the call began
	principal      TEXT NOT NULL,          -- key:{id} or cert:{subject}
	principal_name TEXT NOT NULL,
	role           TEXT NOT NULL,
	association    TEXT NOT NULL,          -- the key's scope; '' for none
	method         TEXT NOT NULL,          -- /package.Service/Method
	code           TEXT NOT NULL,          -- OK, NOT_FOUND, PERMISSION_DENIED...
	request_id     TEXT NOT NULL,
	client_address TEXT NOT NULL,
	transport      TEXT NOT NULL           -- grpc or rest
) STRICT;

CREATE INDEX audit_events_time ON audit_events(event_time);
CREATE INDEX audit_events_principal ON audit_events(principal, event_time);
CREATE INDEX audit_events_method ON audit_events(method, event_time);

-- The resources each event names. A write's event is stored in the write's
-- transaction with the names its request gave and those the store added (a
-- created resource's); names known only from the response may be added in a
-- later transaction.
CREATE TABLE audit_event_resources (
	resource TEXT NOT NULL,
	event_pk INTEGER NOT NULL REFERENCES audit_events(pk),
	PRIMARY KEY (resource, event_pk)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_event_resources_event ON audit_event_resources(event_pk);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_event_resources_no_update BEFORE UPDATE ON audit_event_resources
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_event_resources_no_delete BEFORE DELETE ON audit_event_resources
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;
