-- A move of an organization or an association to another parent marks in
-- the feed the people it takes into or out of a limited key's scope, and
-- each organization (association) under it, in rows of type 0 that no
-- caller sees as they are (store/scopemoves.go). ListChanges looks up
-- the latest of those after a change, of the organization (association)
-- the change was at: these indexes.
CREATE INDEX IF NOT EXISTS changes_moved_organization ON changes (organization_pk, seq) WHERE type = 0 AND organization_pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS changes_moved_association ON changes (association_pk, seq) WHERE type = 0 AND association_pk IS NOT NULL;

-- The moves before this one marked nothing: the feed takes a change of a
-- position (a membership) before the latest of them, of its organization
-- or one above it, as before it came under the unit (store/unitscope.go,
-- joinedSQL); the moves after it, by their rows.
INSERT OR IGNORE INTO settings (key, value)
	SELECT 'scope_moves_from', IFNULL((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0);
