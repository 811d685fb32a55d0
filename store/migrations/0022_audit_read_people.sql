-- A read event names the people it showed in one column, their ids
-- separated by spaces, in place of two B-tree entries a name in
-- audit_event_resources (issue 19: a listed page of 100 cost 7.3 KB of
-- trail). Every other name, and every name of an event stored before this
-- migration, stays there. audit_names is what each event names, from both.
ALTER TABLE audit_events ADD COLUMN read_people TEXT;

CREATE VIEW audit_names AS
	SELECT resource, event_pk FROM audit_event_resources
	UNION ALL
	SELECT 'people/' || j.value, e.pk
	FROM audit_events e, json_each('["' || replace(e.read_people, ' ', '","') || '"]') j
	WHERE e.read_people IS NOT NULL;
