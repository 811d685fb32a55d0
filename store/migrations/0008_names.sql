-- A full-text index of names alone, beside people_search. A search ranks
-- people whose names hold every word first; asking people_search for them
-- read the words' doclists over every column, and words common in names are
-- commoner still in what profiles say (phạm in every "Sư phạm" major, minh
-- in every "TP. Hồ Chí Minh" institution), so that a query read doclists of
-- a third of the registry to find a few hundred names. The search version
-- (store/search.go) fills it from the people rows. detail=column: the
-- queries use no positions.
CREATE VIRTUAL TABLE people_names USING fts5(
	name_exact, name_folded,
	tokenize = 'unicode61 remove_diacritics 0',
	content = '', contentless_delete = 1, detail = 'column'
);
