-- Placeholder for version 10, which another branch owns: the migrations
-- must be numbered without a gap. Delete this file when that branch merges.
SELECT 1;
