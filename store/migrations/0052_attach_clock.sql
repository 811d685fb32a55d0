-- A clock for the BASIC profiles that pages of people read from memory
-- (store/heldcache.go): a person's row, and their fields of expertise,
-- expert roles, identifiers and current positions. The store keeps them
-- for the person's revision, which every write of them through the store
-- moves in the same transaction. Two writes change them without moving
-- it, and move this clock instead, which empties the memory:
--
--   - an organization renamed (or deleted): the current positions there
--     show its name and id, read by a join;
--   - a position that becomes current or ends without the person being
--     touched (EndLapsedPositions, when a position's end date has
--     passed), which the triggers of 0023 follow on the person's work
--     location.
--
-- Both are rare beside reads. A reader reads the clock in its own
-- transaction, so what it finds in memory is of the state it reads.
CREATE TABLE attach_clock (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	generation INTEGER NOT NULL
);
INSERT INTO attach_clock (id, generation) VALUES (1, 0);

CREATE TRIGGER organizations_attach_update AFTER UPDATE OF id, display_name ON organizations
WHEN OLD.id IS NOT NEW.id OR OLD.display_name IS NOT NEW.display_name BEGIN
	UPDATE attach_clock SET generation = generation + 1;
END;

CREATE TRIGGER organizations_attach_delete AFTER DELETE ON organizations BEGIN
	UPDATE attach_clock SET generation = generation + 1;
END;

CREATE TRIGGER positions_attach_current AFTER UPDATE OF is_current ON positions
WHEN OLD.is_current IS NOT NEW.is_current BEGIN
	UPDATE attach_clock SET generation = generation + 1;
END;
