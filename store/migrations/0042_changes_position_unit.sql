-- A key limited to an organization sees the changes of the people who
-- hold a current position there now (store/unitscope.go), and is told a
-- person's DELETED when a change of a position took them out of its scope
-- (store/changes.go, leftScopeSQL). Which organization's scope that was
-- the feed did not keep: a position deleted, or moved to another
-- organization, no longer names it. organization_pk now holds, for a
-- change of a position, the organization the position was at, current,
-- before the transaction (a create has none; a later write of the same
-- transaction merges into the row and keeps it). The changes before this
-- migration that ended a position (its current flag or end) take the
-- organization it is at now, as the feed read them until now.
-- 0042 runs once; the tests that replay migrations drop the column first.
ALTER TABLE changes ADD COLUMN organization_pk INTEGER;

UPDATE changes SET organization_pk = (SELECT lp.organization_pk FROM positions lp JOIN people p ON p.pk = lp.person_pk
		WHERE lp.person_pk = changes.person_pk AND changes.resource = 'people/' || p.id || '/positions/' || lp.id)
	WHERE type = 3 AND kind = 2 AND (instr(fields, ',current,') > 0 OR instr(fields, ',end,') > 0);

DROP TRIGGER IF EXISTS positions_change_update;
CREATE TRIGGER positions_change_update AFTER UPDATE ON positions
WHEN OLD.revision IS NOT NEW.revision OR OLD.organization_pk IS NOT NEW.organization_pk OR OLD.organization_name IS NOT NEW.organization_name OR OLD.title IS NOT NEW.title OR OLD.department IS NOT NEW.department OR OLD.employment_type IS NOT NEW.employment_type OR OLD.start_date IS NOT NEW.start_date OR OLD.end_date IS NOT NEW.end_date OR OLD.is_current IS NOT NEW.is_current OR OLD.country IS NOT NEW.country OR OLD.administrative_unit IS NOT NEW.administrative_unit
BEGIN
	UPDATE changes SET kind = CASE WHEN 2 = 2 THEN kind ELSE 2 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.organization_pk IS NOT NEW.organization_pk) AND instr(fields, ',organization,') = 0 THEN 'organization,' ELSE '' END || CASE WHEN (OLD.organization_name IS NOT NEW.organization_name) AND instr(fields, ',organization_name,') = 0 THEN 'organization_name,' ELSE '' END || CASE WHEN (OLD.title IS NOT NEW.title) AND instr(fields, ',title,') = 0 THEN 'title,' ELSE '' END || CASE WHEN (OLD.department IS NOT NEW.department) AND instr(fields, ',department,') = 0 THEN 'department,' ELSE '' END || CASE WHEN (OLD.employment_type IS NOT NEW.employment_type) AND instr(fields, ',employment_type,') = 0 THEN 'employment_type,' ELSE '' END || CASE WHEN (OLD.start_date IS NOT NEW.start_date) AND instr(fields, ',start,') = 0 THEN 'start,' ELSE '' END || CASE WHEN (OLD.end_date IS NOT NEW.end_date) AND instr(fields, ',end,') = 0 THEN 'end,' ELSE '' END || CASE WHEN (OLD.is_current IS NOT NEW.is_current) AND instr(fields, ',current,') = 0 THEN 'current,' ELSE '' END || CASE WHEN (OLD.country IS NOT NEW.country) AND instr(fields, ',country,') = 0 THEN 'country,' ELSE '' END || CASE WHEN (OLD.administrative_unit IS NOT NEW.administrative_unit) AND instr(fields, ',administrative_unit,') = 0 THEN 'administrative_unit,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/positions/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk, organization_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 3, 2, ',' || CASE WHEN OLD.organization_pk IS NOT NEW.organization_pk THEN 'organization,' ELSE '' END || CASE WHEN OLD.organization_name IS NOT NEW.organization_name THEN 'organization_name,' ELSE '' END || CASE WHEN OLD.title IS NOT NEW.title THEN 'title,' ELSE '' END || CASE WHEN OLD.department IS NOT NEW.department THEN 'department,' ELSE '' END || CASE WHEN OLD.employment_type IS NOT NEW.employment_type THEN 'employment_type,' ELSE '' END || CASE WHEN OLD.start_date IS NOT NEW.start_date THEN 'start,' ELSE '' END || CASE WHEN OLD.end_date IS NOT NEW.end_date THEN 'end,' ELSE '' END || CASE WHEN OLD.is_current IS NOT NEW.is_current THEN 'current,' ELSE '' END || CASE WHEN OLD.country IS NOT NEW.country THEN 'country,' ELSE '' END || CASE WHEN OLD.administrative_unit IS NOT NEW.administrative_unit THEN 'administrative_unit,' ELSE '' END, NEW.person_pk, NULL, CASE WHEN OLD.is_current = 1 THEN OLD.organization_pk END FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/positions/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER IF EXISTS positions_change_delete;
CREATE TRIGGER positions_change_delete AFTER DELETE ON positions BEGIN
	UPDATE changes SET kind = CASE WHEN 3 = 2 THEN kind ELSE 3 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/positions/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk, organization_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 3, 3, ',' || '', OLD.person_pk, NULL, CASE WHEN OLD.is_current = 1 THEN OLD.organization_pk END FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/positions/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;
