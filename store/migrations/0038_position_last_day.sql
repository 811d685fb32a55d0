-- The last day a position runs, as one expression that every reader of
-- "running on a day" uses: statistics and filters as on a date
-- (store/statdated.go), the 2024 districts (person_work below), a unit's
-- scope (store/unitscope.go) and the daily end of lapsed positions
-- (store/lapsed.go). An integer that compares with YYYYMMDD days, not a
-- date: 20261231 for an end of 2026-12-31, 20261231 for one of December
-- 2026 (20261200 + 31), 20261231 for one of 2026 (20260000 + 1231), as
-- lastDayCovered in store/statdated.go computes it.
--
--   - a current position runs to its end, or without end for good;
--   - one recorded as not current ran at the latest to the day before it
--     was last written (update_time, on Vietnam's calendar): it was not
--     current then, whatever end it gives or lacks. An earlier end stands.
--
-- A position sent as not current with no end thus never runs on a day
-- after it was recorded, and one a registrar marks as finished stops on
-- that day: answers as on today agree with today's (issue: a finished
-- position counted as running).
ALTER TABLE positions ADD COLUMN last_day INTEGER GENERATED ALWAYS AS (
	MIN(CASE WHEN end_date = 0 THEN 99991231
		WHEN end_date % 100 != 0 THEN end_date
		WHEN end_date % 10000 != 0 THEN end_date + 31
		ELSE end_date + 1231 END,
	CASE WHEN is_current THEN 99991231
		ELSE CAST(strftime('%Y%m%d', update_time / 1000000, 'unixepoch', '+7 hours') AS INTEGER) - 1 END)
) VIRTUAL;

DROP VIEW person_work;
CREATE VIEW person_work(person_pk, current_unit, current_org_kind, current_employment, unit_on_20250630) AS
SELECT p.pk, IFNULL(o.administrative_unit, IFNULL(c.administrative_unit, '')), IFNULL(o.kind, 0), IFNULL(c.employment_type, 0),
	IFNULL((SELECT IFNULL(ho.administrative_unit, h.administrative_unit)
		FROM positions h LEFT JOIN organizations ho ON ho.pk = h.organization_pk
		WHERE h.person_pk = p.pk AND h.start_date <= 20250630 AND h.last_day >= 20250630
		ORDER BY h.start_date DESC, h.pk DESC LIMIT 1), '')
FROM people p
LEFT JOIN positions c ON c.pk = (SELECT c2.pk FROM positions c2 WHERE c2.person_pk = p.pk AND c2.is_current = 1
	ORDER BY c2.start_date DESC, c2.pk DESC LIMIT 1)
LEFT JOIN organizations o ON o.pk = c.organization_pk;

-- Only a position not current reads differently now.
UPDATE people SET unit_on_20250630 = (SELECT unit_on_20250630 FROM person_work WHERE person_pk = people.pk)
WHERE pk IN (SELECT person_pk FROM positions WHERE is_current = 0);
