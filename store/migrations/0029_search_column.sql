-- The search index without positions (detail=column, as people_names):
-- a search asks for words, each in some columns, and never for phrases or
-- a word's place, yet FTS5 read every position of each word's doclist to
-- test its columns. Without them the doclists of the words common in
-- names ("thi", "nguyen") are a fraction of the size, and a search's bands
-- and count read them in about half the CPU (issue 19). The table is made
-- anew, empty: search version 4 (store/search.go) fills it on open.
DROP TABLE people_search_words;
DROP TABLE people_search;
CREATE VIRTUAL TABLE people_search USING fts5(
	name_exact, name_folded, other_exact, other_folded,
	tokenize = 'unicode61 remove_diacritics 0',
	content = '', contentless_delete = 1, detail = 'column'
);
CREATE VIRTUAL TABLE people_search_words USING fts5vocab(people_search, 'instance');
