-- Read events in a table of their own (issue 19: at most 100 bytes of
-- trail a read call; a GetPerson's event cost 368 in audit_events, whose
-- row carries its strings whole and five indexes). A row of audit_reads
-- has no index but its key, which is the event's time in microseconds
-- times 2048 plus a counter for the events of one microsecond: the key
-- orders the trail as ListAuditEvents lists it (time, then storage order),
-- bounds a time range, names the event (auditEvents/r-<key in base 36>)
-- and never meets a pk of audit_events (those are small). The strings
-- every event repeats are numbers into audit_strings. The people a read
-- showed are packed as in 0022; its other names, space separated, in
-- names. Events of writes, and read events stored before this migration
-- or that the compact row cannot hold, stay in audit_events.

-- One row per distinct string; 0 is the empty string, kept for good.
-- last_time is the time of the newest read event naming it: retention
-- removes a string once every event naming it is gone, as it removes the
-- events (a principal's name or a client address is personal data).
CREATE TABLE audit_strings (
	id        INTEGER PRIMARY KEY,
	value     TEXT NOT NULL UNIQUE,
	last_time INTEGER
);
INSERT INTO audit_strings (id, value, last_time) VALUES (0, '', NULL);

-- No foreign keys: deleting a string would scan this table once for
-- each column; retention keeps the references whole (last_time).
CREATE TABLE audit_reads (
	key            INTEGER PRIMARY KEY,
	principal      INTEGER NOT NULL,
	principal_name INTEGER NOT NULL,
	role           INTEGER NOT NULL,
	association    INTEGER NOT NULL,
	method         INTEGER NOT NULL,
	code           INTEGER NOT NULL,
	client_address INTEGER NOT NULL,
	transport      INTEGER NOT NULL,
	request_id     TEXT NOT NULL,
	people         TEXT,
	names          TEXT
);

-- The rows of audit_reads as audit_events has them, for listing and
-- filtering both the same way; and the numbers of principal and method,
-- which a condition on either compares without reading the string of
-- every row.
CREATE VIEW audit_read_events AS
	SELECT r.key AS pk, r.key >> 11 AS event_time,
		(SELECT value FROM audit_strings WHERE id = r.principal) AS principal,
		(SELECT value FROM audit_strings WHERE id = r.principal_name) AS principal_name,
		(SELECT value FROM audit_strings WHERE id = r.role) AS role,
		(SELECT value FROM audit_strings WHERE id = r.association) AS association,
		(SELECT value FROM audit_strings WHERE id = r.method) AS method,
		(SELECT value FROM audit_strings WHERE id = r.code) AS code,
		(SELECT value FROM audit_strings WHERE id = r.client_address) AS client_address,
		(SELECT value FROM audit_strings WHERE id = r.transport) AS transport,
		r.request_id AS request_id, r.people AS read_people, r.names AS names,
		r.principal AS principal_id, r.method AS method_id
	FROM audit_reads r;

-- What every event names, from all four places.
DROP VIEW audit_names;
CREATE VIEW audit_names AS
	SELECT resource, event_pk FROM audit_event_resources
	UNION ALL
	SELECT 'people/' || j.value, e.pk
	FROM audit_events e, json_each('["' || replace(e.read_people, ' ', '","') || '"]') j
	WHERE e.read_people IS NOT NULL
	UNION ALL
	SELECT 'people/' || j.value, r.key
	FROM audit_reads r, json_each('["' || replace(r.people, ' ', '","') || '"]') j
	WHERE r.people IS NOT NULL
	UNION ALL
	SELECT j.value, r.key
	FROM audit_reads r, json_each('["' || replace(r.names, ' ', '","') || '"]') j
	WHERE r.names IS NOT NULL;

-- Append-only as audit_events: a read event may only gain names (the
-- names a call learns after its event was stored), and goes only under
-- a retention run's cutoff (0013).
CREATE TRIGGER audit_reads_no_update BEFORE UPDATE ON audit_reads
WHEN NEW.key IS NOT OLD.key OR NEW.principal IS NOT OLD.principal OR NEW.principal_name IS NOT OLD.principal_name
	OR NEW.role IS NOT OLD.role OR NEW.association IS NOT OLD.association OR NEW.method IS NOT OLD.method
	OR NEW.code IS NOT OLD.code OR NEW.client_address IS NOT OLD.client_address OR NEW.transport IS NOT OLD.transport
	OR NEW.request_id IS NOT OLD.request_id
	OR (NEW.people IS NOT OLD.people AND OLD.people IS NOT NULL
		AND substr(NEW.people, 1, length(OLD.people) + 1) IS NOT OLD.people || ' ')
	OR (NEW.names IS NOT OLD.names AND OLD.names IS NOT NULL
		AND substr(NEW.names, 1, length(OLD.names) + 1) IS NOT OLD.names || ' ')
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only; a read event may only gain names');
END;

CREATE TRIGGER audit_reads_no_delete BEFORE DELETE ON audit_reads
WHEN NOT EXISTS (SELECT 1 FROM audit_retention r WHERE OLD.key < r.read_before * 2048)
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only; retention removes only read events older than its policy');
END;

CREATE TRIGGER audit_strings_no_update BEFORE UPDATE ON audit_strings
WHEN NEW.id IS NOT OLD.id OR NEW.value IS NOT OLD.value OR OLD.last_time IS NULL
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only: a string of the trail cannot change');
END;

-- A string goes only with the last event naming it: under a cutoff past
-- its last_time, once no read event older than the cutoff is left.
CREATE TRIGGER audit_strings_no_delete BEFORE DELETE ON audit_strings
WHEN NOT EXISTS (SELECT 1 FROM audit_retention r WHERE OLD.last_time < r.read_before
	AND NOT EXISTS (SELECT 1 FROM audit_reads WHERE key < r.read_before * 2048))
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only; retention removes only strings no event names');
END;
