-- The index of names with the pairs of each name's words (issue 19). At a
-- million people, the words of a name query are common ("thi" is in
-- 223,617 names, "nguyen" in more), and FTS5 answered "nguyen thi thanh
-- tam" by reading all of their doclists, 6 ms for 1,336 names. Each name
-- now also holds every pair of its folded words as one token ("nguyen0tam"
-- for nguyen and tam), and a query asks for the pairs of each word with
-- its rarest, reading doclists no longer than the rarest word's (0.4 ms
-- for the same names). store/namepairs.go says how. The table is made
-- anew, empty: search version 5 (store/search.go) fills it on open.
DROP TABLE people_names;
CREATE VIRTUAL TABLE people_names USING fts5(
	name_exact, name_folded, name_pairs,
	tokenize = 'unicode61 remove_diacritics 0',
	content = '', contentless_delete = 1, detail = 'column'
);
-- A purge removes a person's tokens from the full-text indexes, not merely
-- marks them deleted (0010_privacy.sql); people_search lost the setting
-- when 0029 made it anew.
INSERT INTO people_names(people_names, rank) VALUES ('secure-delete', 1);
INSERT INTO people_search(people_search, rank) VALUES ('secure-delete', 1);
-- How many names hold each word, from which a query picks its rarest.
CREATE VIRTUAL TABLE people_names_columns USING fts5vocab(people_names, 'col');
-- The words of names that many people share, with how many (the rest are
-- taken as rare), gathered with the planner's statistics (store/analyze.go).
CREATE TABLE name_word_counts (
	word   TEXT PRIMARY KEY,
	people INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
