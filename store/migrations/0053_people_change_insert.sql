-- A new person's change: the insert alone. 0033's trigger first looked for
-- the write's row of the person's resource, to fold this change into it,
-- and inserted only when it found none. A person inserted has none: rows of
-- a resource people/{id} are written only by the triggers of that person's
-- row and of rows that name it (a person_pk, so the person exists), and no
-- row of people takes the id of another, living (people.id is UNIQUE) or
-- purged (purged_people, 0034: personIDFree refuses it, and a new id is of
-- this process alone). The look-up and its UPDATE opened the feed's table
-- and its four indexes at every create, in the single writer, for nothing:
-- a sixth of the INSERT INTO people's instructions (BENCHMARKS.md, issue 19,
-- thirtieth session). What the trigger records is unchanged.
DROP TRIGGER people_change_insert;
CREATE TRIGGER people_change_insert AFTER INSERT ON people BEGIN
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	VALUES (CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || NEW.id, 1, 1, ',', NEW.pk, NULL);
END;
