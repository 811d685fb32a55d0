-- Retention (Law 91/2025/QH15: personal data is kept no longer than its
-- purpose needs). The events of reads in the audit trail, and idempotency
-- records, are removed once older than the server's policy
-- (store/retention.go). Events of writes stay for good.

-- read is 1 for the event of a read call (a method whose REST route is a
-- GET), allowed or refused. Events stored before this migration get it by
-- the name of their method: every GET method of the API, and no other, is a
-- Get, List, Search, Export or Compute.
ALTER TABLE audit_events ADD COLUMN read INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER audit_events_no_update;
UPDATE audit_events SET read = 1
WHERE substr(method, instr(substr(method, 2), '/') + 2) GLOB 'Get[A-Z]*'
	OR substr(method, instr(substr(method, 2), '/') + 2) GLOB 'List[A-Z]*'
	OR substr(method, instr(substr(method, 2), '/') + 2) GLOB 'Search[A-Z]*'
	OR substr(method, instr(substr(method, 2), '/') + 2) GLOB 'Export[A-Z]*'
	OR substr(method, instr(substr(method, 2), '/') + 2) GLOB 'Compute[A-Z]*';
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- The one exception to append-only: while a retention run's transaction
-- holds its cutoff here, read events older than it may be deleted, and
-- nothing else. The run inserts the row and deletes it again before it
-- commits, so outside a run the table is empty and no event can go.
CREATE TABLE audit_retention (
	one         INTEGER PRIMARY KEY CHECK (one = 1), -- at most one run at a time
	read_before INTEGER NOT NULL                     -- event_time of the read events that may go
) STRICT;

CREATE TRIGGER audit_retention_no_update BEFORE UPDATE ON audit_retention
BEGIN
	SELECT RAISE(ABORT, 'a retention cutoff is not changed during its run');
END;

DROP TRIGGER audit_events_no_delete;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_retention r WHERE OLD.read = 1 AND OLD.event_time < r.read_before)
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only; retention removes only read events older than its policy');
END;

DROP TRIGGER audit_event_resources_no_delete;
CREATE TRIGGER audit_event_resources_no_delete BEFORE DELETE ON audit_event_resources
WHEN NOT EXISTS (SELECT 1 FROM audit_events e JOIN audit_retention r
	WHERE e.pk = OLD.event_pk AND e.read = 1 AND e.event_time < r.read_before)
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only; retention removes only read events older than its policy');
END;

CREATE INDEX audit_events_read_time ON audit_events(event_time) WHERE read = 1;

-- Idempotency records go by age.
CREATE INDEX requests_time ON requests(create_time);
