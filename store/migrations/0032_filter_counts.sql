-- Every list of up to 100,000 people counts its matches (total_size), and
-- the count of a filter read the row of each person its index found, to
-- see whether they were listed and held the filter's other values: 33 ms
-- for the count of ethnicity = "05" AND highest_qualification_level >=
-- THAC_SI AND gender = FEMALE at 100,000 people, most of the list's CPU
-- (issue 19). The indexes the common filters start from now also hold
-- `restricted` and the columns those filters combine them with, so that a
-- count reads the index alone: 1.6 ms for the same count, and 0.02-6.5 ms
-- against 3-63 ms for the others measured (BENCHMARKS.md). people_birth_year
-- was a prefix of people_birth_date and goes.
DROP INDEX people_highest_level_rank;
CREATE INDEX people_highest_level_rank ON people(highest_level_rank, restricted, gender, ethnicity, hometown, birth_year)
	WHERE delete_time IS NULL;
DROP INDEX people_hometown;
CREATE INDEX people_hometown ON people(hometown, restricted, highest_level_rank, gender, ethnicity)
	WHERE delete_time IS NULL;
DROP INDEX people_birth_year;
DROP INDEX people_birth_date;
CREATE INDEX people_birth_date ON people(birth_year, birth_month, birth_day, restricted, gender, ethnicity, highest_level_rank)
	WHERE delete_time IS NULL;
-- The planner chooses by the statistics of the new indexes: Open gathers
-- them (ensureStats) when the registry is large enough for them to matter.
DELETE FROM settings WHERE key = 'analyzed_people';
