-- The people a search lists, by row, with the key it sorts them by: a
-- search joins its matches, thousands for a broad one, to people for
-- personListed and the name order, and reading the wide people rows for
-- them was most of a band's CPU (issue 19). searchListing reads this index
-- alone, with INDEXED BY; people_listed still counts ListPeople, on an
-- index a tenth of the size.
CREATE INDEX people_listed_sort ON people(pk, sort_key) WHERE delete_time IS NULL AND restricted = 0;
