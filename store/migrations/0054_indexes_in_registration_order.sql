-- The indexes of people that filters start from by hometown and by level,
-- each ordered by its first column and then by pk (issue 19).
--
-- Every create inserts into every index of people. 0032 ordered these by
-- the filter's column and then by restricted, level, gender and ethnicity,
-- so a value's people were spread over thousands of runs and a new person
-- went to a page at random: at a million people, for each such index and
-- every create, a page to find, to write to the log and to copy back into
-- the file at the next checkpoint, in the single writer. In pk order after
-- their first column, a value's people are in the order they registered,
-- and a new person goes at the end of its value's run, on a page the writer
-- has just written.
--
-- A filter on the first column now reads its range in registration order,
-- the order of a list's pages: a page stops at its size instead of sorting
-- every match. The other columns are still in the index, for the checks,
-- but no longer narrow the range a count reads (a hometown and a level at
-- 100,000 people: up to 0.6 ms more a list). people_birth_date keeps its
-- order: the look-alike check of registrations and imports finds a birth
-- date in it (0.2 ms at a million, 5 ms by year and then pk).
-- people_statistics keeps its order: statistics read it whole, and read it
-- slower in pk order. (BENCHMARKS.md, issue 19, thirty-third session.)
DROP INDEX people_highest_level_rank;
CREATE INDEX people_highest_level_rank ON people(highest_level_rank, pk, restricted, gender, ethnicity, hometown, birth_year)
	WHERE delete_time IS NULL;
DROP INDEX people_hometown;
CREATE INDEX people_hometown ON people(hometown, pk, restricted, highest_level_rank, gender, ethnicity)
	WHERE delete_time IS NULL;
-- Dropping an index drops its statistics; Open gathers those of the new
-- ones at its first start after this (ensureStats).
