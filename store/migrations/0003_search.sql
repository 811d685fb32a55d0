-- Finding people: keys that sort names in Vietnamese order (computed in Go,
-- since SQLite knows no Vietnamese collation), a full-text index of names
-- and of what a profile says (majors, institutions, workplaces, fields),
-- both as typed and without diacritics, and indexes for the common filters.

ALTER TABLE people ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';   -- given, middle, family
ALTER TABLE people ADD COLUMN family_key BLOB NOT NULL DEFAULT x''; -- family, middle, given

CREATE INDEX people_sort_key ON people(sort_key) WHERE delete_time IS NULL;
CREATE INDEX people_family_key ON people(family_key) WHERE delete_time IS NULL;
CREATE INDEX people_hometown ON people(hometown) WHERE delete_time IS NULL;
CREATE INDEX people_ethnicity ON people(ethnicity) WHERE delete_time IS NULL;
CREATE INDEX people_birth_year ON people(birth_year) WHERE delete_time IS NULL;
CREATE INDEX people_gender ON people(gender) WHERE delete_time IS NULL;
CREATE INDEX positions_unit ON positions(administrative_unit);

-- The search index: one row per person (rowid = people.pk). The *_exact
-- columns hold the text in lower case with its diacritics, the *_folded ones
-- without (đ as d): a query is matched against the folded text, and matches
-- of the text as typed rank higher. Contentless: the text lives in people
-- and the rows under them.
CREATE VIRTUAL TABLE people_search USING fts5(
	name_exact, name_folded, other_exact, other_folded,
	tokenize = 'unicode61 remove_diacritics 0',
	content = '', contentless_delete = 1
);
