-- The people a read event of audit_reads showed, as numbers (issue 19: at
-- most about 100 bytes of trail a read call, whatever the page size). A
-- person id is numbered once, the first time a read shows it, in the
-- order first seen; audit_reads.people then holds the page's numbers as a
-- BLOB of uvarints (store/audit_people.go): a page read before packs to a
-- few bytes, any page to about 2 bytes a person, where the ids separated
-- by spaces of 0025 took 17. Rows stored before this migration keep
-- their text (typeof(people) = 'text'), read and filtered as before.
--
-- Not people.pk: a purge frees the highest pk, which SQLite gives to the
-- next person, and an old event would name them. num is never reused
-- because no row of audit_people is ever deleted (below), so the next is
-- always max + 1.
--
-- Retention keeps these rows for good: an id alone says nothing of who
-- read whom (the events that did are what retention removes); the registry
-- holds the id while the person exists, and the purge's own event, kept
-- for good, holds it after (store/purge.go). Removing them would also
-- need a time on each, written by every read of the person: the per
-- person write this table exists to avoid.
CREATE TABLE audit_people (
	num INTEGER PRIMARY KEY,
	id  TEXT NOT NULL UNIQUE
);

CREATE TRIGGER audit_people_no_update BEFORE UPDATE ON audit_people
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only: a person''s number in the trail cannot change');
END;

CREATE TRIGGER audit_people_no_delete BEFORE DELETE ON audit_people
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only: a person''s number in the trail is kept for good');
END;

-- As 0025's, with people of either type: a BLOB may only gain bytes at its
-- end (numbers appended), text only ids after a space; neither changes
-- type.
DROP TRIGGER audit_reads_no_update;
CREATE TRIGGER audit_reads_no_update BEFORE UPDATE ON audit_reads
WHEN NEW.key IS NOT OLD.key OR NEW.principal IS NOT OLD.principal OR NEW.principal_name IS NOT OLD.principal_name
	OR NEW.role IS NOT OLD.role OR NEW.association IS NOT OLD.association OR NEW.method IS NOT OLD.method
	OR NEW.code IS NOT OLD.code OR NEW.client_address IS NOT OLD.client_address OR NEW.transport IS NOT OLD.transport
	OR NEW.request_id IS NOT OLD.request_id
	OR (NEW.people IS NOT OLD.people AND OLD.people IS NOT NULL AND (typeof(NEW.people) IS NOT typeof(OLD.people)
		OR CASE typeof(OLD.people)
			WHEN 'blob' THEN length(NEW.people) <= length(OLD.people)
				OR substr(NEW.people, 1, length(OLD.people)) IS NOT OLD.people
			ELSE substr(NEW.people, 1, length(OLD.people) + 1) IS NOT OLD.people || ' ' END))
	OR (NEW.names IS NOT OLD.names AND OLD.names IS NOT NULL
		AND substr(NEW.names, 1, length(OLD.names) + 1) IS NOT OLD.names || ' ')
BEGIN
	SELECT RAISE(ABORT, 'audit events are append-only; a read event may only gain names');
END;

-- What every event names, from all five places. audit_people_nums is a
-- function the store registers on its connections (store/audit_funcs.go):
-- the numbers of a packed BLOB as a JSON array. A connection without it
-- (the sqlite3 shell) reads every table, and this view fails there.
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
	WHERE typeof(r.people) = 'text'
	UNION ALL
	SELECT 'people/' || p.id, r.key
	FROM audit_reads r, json_each(audit_people_nums(r.people)) j, audit_people p
	WHERE typeof(r.people) = 'blob' AND p.num = j.value
	UNION ALL
	SELECT j.value, r.key
	FROM audit_reads r, json_each('["' || replace(r.names, ' ', '","') || '"]') j
	WHERE r.names IS NOT NULL;
