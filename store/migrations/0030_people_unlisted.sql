-- The people left out of listings (deleted or restricted), usually few: a
-- search without a filter counts its matches in the full-text index alone
-- and takes these out, instead of joining every match to people_listed
-- (store/search.go, issue 19).
CREATE INDEX people_unlisted ON people(pk) WHERE delete_time IS NOT NULL OR restricted != 0;
