-- Where a person works follows from their current position (issue 21):
-- people.work_location and work_country are kept from it by the triggers
-- below, whatever writes positions or organizations, in the same
-- transaction. A person whose current position does not say where (an
-- unregistered workplace with neither a unit nor a foreign country, or a
-- registered organization with no unit) keeps what was typed, as does a
-- person with no current position; but when the current position that
-- said where ends (or is deleted) and no other says, the location is no
-- longer known (0), not left as it was. store/worklocation.go has the same rule
-- as on a date; keep the two alike.
--
-- The province is 91 (Kiên Giang to 30 June 2025, An Giang since): a unit
-- is in it when it is 91 or its parent or grandparent is.

-- Where a position is: its registered organization's country and unit, or
-- those recorded on it; work_location NULL when it does not say.
CREATE VIEW position_location(pk, person_pk, is_current, start_date, work_location, work_country) AS
SELECT pk, person_pk, is_current, start_date,
	CASE WHEN country NOT IN ('', 'VN') THEN 3
		WHEN unit = '91' OR EXISTS (SELECT 1 FROM ref_admin_units a LEFT JOIN ref_admin_units b ON b.code = a.parent_code
			WHERE a.code = unit AND (a.parent_code = '91' OR b.parent_code = '91')) THEN 1
		WHEN unit != '' THEN 2 END,
	CASE WHEN country NOT IN ('', 'VN') THEN country ELSE '' END
FROM (SELECT c.pk, c.person_pk, c.is_current, c.start_date,
	CASE WHEN o.pk IS NULL THEN c.country ELSE o.country END AS country,
	IFNULL(o.administrative_unit, c.administrative_unit) AS unit
	FROM positions c LEFT JOIN organizations o ON o.pk = c.organization_pk);

-- The person's current position (the latest begun, then the last
-- recorded, as for current_unit in 0007) when it says where.
CREATE VIEW person_location(person_pk, position_pk, work_location, work_country) AS
SELECT l.person_pk, l.pk, l.work_location, l.work_country FROM position_location l
WHERE l.work_location IS NOT NULL AND l.pk = (SELECT c2.pk FROM positions c2 WHERE c2.person_pk = l.person_pk AND c2.is_current = 1
	ORDER BY c2.start_date DESC, c2.pk DESC LIMIT 1);

CREATE TRIGGER positions_location_insert AFTER INSERT ON positions BEGIN
	UPDATE people SET (work_location, work_country) = (SELECT work_location, work_country FROM person_location WHERE person_pk = people.pk)
	WHERE pk = NEW.person_pk AND EXISTS (SELECT 1 FROM person_location WHERE person_pk = people.pk);
END;

CREATE TRIGGER positions_location_update AFTER UPDATE ON positions BEGIN
	UPDATE people SET (work_location, work_country) = (SELECT work_location, work_country FROM person_location WHERE person_pk = people.pk)
	WHERE pk IN (OLD.person_pk, NEW.person_pk) AND EXISTS (SELECT 1 FROM person_location WHERE person_pk = people.pk);
	UPDATE people SET work_location = 0, work_country = ''
	WHERE pk = OLD.person_pk AND OLD.is_current = 1 AND (OLD.administrative_unit != '' OR OLD.country NOT IN ('', 'VN') OR EXISTS (SELECT 1 FROM organizations o
		WHERE o.pk = OLD.organization_pk AND (o.administrative_unit != '' OR o.country NOT IN ('', 'VN'))))
		AND NOT EXISTS (SELECT 1 FROM person_location WHERE person_pk = people.pk);
END;

CREATE TRIGGER positions_location_delete AFTER DELETE ON positions BEGIN
	UPDATE people SET (work_location, work_country) = (SELECT work_location, work_country FROM person_location WHERE person_pk = people.pk)
	WHERE pk = OLD.person_pk AND EXISTS (SELECT 1 FROM person_location WHERE person_pk = people.pk);
	UPDATE people SET work_location = 0, work_country = ''
	WHERE pk = OLD.person_pk AND OLD.is_current = 1 AND (OLD.administrative_unit != '' OR OLD.country NOT IN ('', 'VN') OR EXISTS (SELECT 1 FROM organizations o
		WHERE o.pk = OLD.organization_pk AND (o.administrative_unit != '' OR o.country NOT IN ('', 'VN'))))
		AND NOT EXISTS (SELECT 1 FROM person_location WHERE person_pk = people.pk);
END;

-- An organization that moves changes the profiles of the people working
-- there, which read differently now: their revision (and etag) changes,
-- as a position write's does through the store.
CREATE TRIGGER organizations_location_update AFTER UPDATE OF country, administrative_unit ON organizations BEGIN
	UPDATE people SET (work_location, work_country) = (SELECT work_location, work_country FROM person_location WHERE person_pk = people.pk),
		revision = revision + 1
	WHERE pk IN (SELECT person_pk FROM positions WHERE organization_pk = NEW.pk) AND EXISTS (SELECT 1 FROM person_location l
		WHERE l.person_pk = people.pk AND (l.work_location != people.work_location OR l.work_country != people.work_country));
END;

-- Existing rows: a typed value stays only where no current position says
-- where the person works; a profile that changes takes a new revision.
UPDATE people SET (work_location, work_country) = (SELECT work_location, work_country FROM person_location WHERE person_pk = people.pk),
	revision = revision + 1
WHERE EXISTS (SELECT 1 FROM person_location l
	WHERE l.person_pk = people.pk AND (l.work_location != people.work_location OR l.work_country != people.work_country));
