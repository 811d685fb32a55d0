-- Statistics: what ComputeStatistics breaks the workforce down by, kept on
-- the people row itself, so that a breakdown is one scan of people without
-- a lookup per person. Triggers keep these columns current from the rows
-- they are derived from, whatever writes them. They are not part of the
-- profile: its revision and etag do not change with them.
--
--   current_unit, current_org_kind, current_employment: of the person's
--     current position (the latest begun, then the last recorded): the
--     administrative unit of its registered organization, or the one
--     recorded on the position; the organization's kind; the employment
--     type. '' and 0 when there is none.
--   unit_on_20250630: the same unit of the position held on 30 June 2025,
--     the last day of the 2024 districts (see person_position_20250630).
--   primary_field: the name of the primary field of expertise, '' for none.

ALTER TABLE people ADD COLUMN current_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN current_org_kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN current_employment INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN unit_on_20250630 TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN primary_field TEXT NOT NULL DEFAULT '';

-- Every column statistics read, so that a breakdown of everyone reads this
-- index instead of the whole rows (about a fifth of their size).
CREATE INDEX people_statistics ON people(highest_level, highest_level_rank, academic_title, primary_field,
	current_unit, current_org_kind, current_employment, unit_on_20250630, work_location, gender,
	birth_year, birth_month, birth_day, ethnicity) WHERE delete_time IS NULL;

-- The position a person held on a day: the latest begun by then, and not
-- ended before it (an end without its day lasts to the end of its month,
-- one without its month to the end of its year; no end is open); then the
-- last recorded. store/statistics.go asks the same for other days.
CREATE INDEX positions_person_start ON positions(person_pk, start_date);

CREATE VIEW person_work(person_pk, current_unit, current_org_kind, current_employment, unit_on_20250630) AS
SELECT p.pk, IFNULL(o.administrative_unit, IFNULL(c.administrative_unit, '')), IFNULL(o.kind, 0), IFNULL(c.employment_type, 0),
	IFNULL((SELECT IFNULL(ho.administrative_unit, h.administrative_unit)
		FROM positions h LEFT JOIN organizations ho ON ho.pk = h.organization_pk
		WHERE h.person_pk = p.pk AND h.start_date <= 20250630
		AND (h.end_date = 0 OR (CASE WHEN h.end_date % 100 != 0 THEN h.end_date
			WHEN h.end_date % 10000 != 0 THEN h.end_date + 31 ELSE h.end_date + 1231 END) >= 20250630)
		ORDER BY h.start_date DESC, h.pk DESC LIMIT 1), '')
FROM people p
LEFT JOIN positions c ON c.pk = (SELECT c2.pk FROM positions c2 WHERE c2.person_pk = p.pk AND c2.is_current = 1
	ORDER BY c2.start_date DESC, c2.pk DESC LIMIT 1)
LEFT JOIN organizations o ON o.pk = c.organization_pk;

CREATE TRIGGER positions_work_insert AFTER INSERT ON positions BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630 FROM person_work WHERE person_pk = people.pk)
	WHERE pk = NEW.person_pk;
END;

CREATE TRIGGER positions_work_update AFTER UPDATE ON positions BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630 FROM person_work WHERE person_pk = people.pk)
	WHERE pk IN (OLD.person_pk, NEW.person_pk);
END;

CREATE TRIGGER positions_work_delete AFTER DELETE ON positions BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630 FROM person_work WHERE person_pk = people.pk)
	WHERE pk = OLD.person_pk;
END;

CREATE TRIGGER organizations_work_update AFTER UPDATE OF kind, administrative_unit ON organizations BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630 FROM person_work WHERE person_pk = people.pk)
	WHERE pk IN (SELECT person_pk FROM positions WHERE organization_pk = NEW.pk);
END;

CREATE TRIGGER person_fields_primary_insert AFTER INSERT ON person_fields WHEN NEW.is_primary BEGIN
	UPDATE people SET primary_field = NEW.field WHERE pk = NEW.person_pk;
END;

CREATE TRIGGER person_fields_primary_delete AFTER DELETE ON person_fields WHEN OLD.is_primary BEGIN
	UPDATE people SET primary_field = IFNULL((SELECT field FROM person_fields WHERE person_pk = OLD.person_pk AND is_primary), '')
	WHERE pk = OLD.person_pk;
END;

CREATE TRIGGER person_fields_primary_update AFTER UPDATE ON person_fields BEGIN
	UPDATE people SET primary_field = IFNULL((SELECT field FROM person_fields WHERE person_pk = people.pk AND is_primary), '')
	WHERE pk IN (OLD.person_pk, NEW.person_pk);
END;

UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630) =
	(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630 FROM person_work WHERE person_pk = people.pk);
UPDATE people SET primary_field = IFNULL((SELECT field FROM person_fields WHERE person_pk = people.pk AND is_primary), '');
