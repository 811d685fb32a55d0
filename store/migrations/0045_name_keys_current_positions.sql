-- Two things filters scanned every person for at a million people.
--
-- The middle and display names get keys of their own, as the family and
-- given names have (0003): vntext.SortKey of the name, which writes set
-- beside it (store/people.go, store/bulk.go, store/search.go). Filters on
-- them (middle_name = "Văn", display_name = "Nguyễn Văn An", "Van*", <)
-- then read a range of an index instead of keying every name.
--
-- current_positions is how many current positions a person holds, kept by
-- the triggers that keep the other columns of the current position
-- (0007), in the index of statistics: a statistics filter on the current
-- positions (positions.current = true AND positions.administrative_unit =
-- "91") reads the columns of the one current position most people hold,
-- and looks up only the few with several (store/statheld.go), rather than
-- every person's positions in each of its passes (5.2 s at a million).
-- The writer's connection has trithuc_sort_key for this backfill.

ALTER TABLE people ADD COLUMN middle_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE people ADD COLUMN display_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE people ADD COLUMN current_positions INTEGER NOT NULL DEFAULT 0;

DROP VIEW person_work;
CREATE VIEW person_work(person_pk, current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions) AS
SELECT p.pk, IFNULL(o.administrative_unit, IFNULL(c.administrative_unit, '')), IFNULL(o.kind, 0), IFNULL(c.employment_type, 0),
	IFNULL((SELECT IFNULL(ho.administrative_unit, h.administrative_unit)
		FROM positions h LEFT JOIN organizations ho ON ho.pk = h.organization_pk
		WHERE h.person_pk = p.pk AND h.start_date <= 20250630 AND h.last_day >= 20250630
		ORDER BY h.start_date DESC, h.pk DESC LIMIT 1), ''),
	(SELECT COUNT(*) FROM positions c3 WHERE c3.person_pk = p.pk AND c3.is_current = 1)
FROM people p
LEFT JOIN positions c ON c.pk = (SELECT c2.pk FROM positions c2 WHERE c2.person_pk = p.pk AND c2.is_current = 1
	ORDER BY c2.start_date DESC, c2.pk DESC LIMIT 1)
LEFT JOIN organizations o ON o.pk = c.organization_pk;

-- One write of the person's row, as before, with the count in it. (IF
-- EXISTS: tests that run migrations again undo this one by dropping them.)
DROP TRIGGER IF EXISTS positions_work_insert;
CREATE TRIGGER positions_work_insert AFTER INSERT ON positions BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions FROM person_work WHERE person_pk = people.pk)
	WHERE pk = NEW.person_pk;
END;

DROP TRIGGER IF EXISTS positions_work_update;
CREATE TRIGGER positions_work_update AFTER UPDATE ON positions BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions FROM person_work WHERE person_pk = people.pk)
	WHERE pk IN (OLD.person_pk, NEW.person_pk);
END;

DROP TRIGGER IF EXISTS positions_work_delete;
CREATE TRIGGER positions_work_delete AFTER DELETE ON positions BEGIN
	UPDATE people SET (current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions) =
		(SELECT current_unit, current_org_kind, current_employment, unit_on_20250630, current_positions FROM person_work WHERE person_pk = people.pk)
	WHERE pk = OLD.person_pk;
END;

DROP INDEX IF EXISTS people_statistics;

-- The function gives NULL for an empty name, whose key is empty.
UPDATE people SET middle_key = IFNULL(trithuc_sort_key(middle_name), x''), display_key = IFNULL(trithuc_sort_key(display_name), x''),
	current_positions = (SELECT COUNT(*) FROM positions c WHERE c.person_pk = people.pk AND c.is_current = 1);

CREATE INDEX people_statistics ON people(highest_level, highest_level_rank, academic_title, primary_field,
	current_unit, current_org_kind, current_employment, unit_on_20250630, work_location, gender,
	birth_year, birth_month, birth_day, ethnicity, current_positions) WHERE delete_time IS NULL AND restricted = 0;
CREATE INDEX people_middle_key ON people(middle_key) WHERE delete_time IS NULL;
CREATE INDEX people_display_key ON people(display_key) WHERE delete_time IS NULL;

