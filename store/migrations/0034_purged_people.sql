-- The ids of purged people, so that a purged person's name is never given
-- to another (store/purge.go): a new person under it would inherit the
-- old one's audit events and data-subject requests, and the old ERASURE
-- request could purge them. An id is the random name the registry gave,
-- or the one a registrar chose; the purge's own audit event, kept for
-- good, names it already.
CREATE TABLE purged_people (
	id         TEXT PRIMARY KEY,
	purge_time INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The people purged before this migration, from their purges' events.
INSERT OR IGNORE INTO purged_people (id, purge_time)
SELECT substr(r.resource, 8), MIN(e.event_time)
FROM audit_events e JOIN audit_event_resources r ON r.event_pk = e.pk
WHERE e.method = '/trithuc.v1.PrivacyService/PurgePerson' AND e.code = 'OK'
	AND r.resource LIKE 'people/%' AND instr(substr(r.resource, 8), '/') = 0
GROUP BY r.resource;
