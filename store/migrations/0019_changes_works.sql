-- The change feed (0015) gains what issue 17 added to a person: their
-- works (Change.ResourceType WORK, 9; deleted outright, so a delete is
-- DELETED) and their external identifiers, kept in person_identifiers
-- but fields of the Person, so a change of them is an update of the
-- person with the paths orcid and civil_servant_code. The triggers follow
-- 0015's: one row per resource per transaction, merged into the first.

CREATE TRIGGER works_change_insert AFTER INSERT ON works BEGIN
	UPDATE changes SET kind = 1
	WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id;
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 9, 1, ',', NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id AS r)
	WHERE r IS NOT NULL AND NOT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = r);
END;

CREATE TRIGGER works_change_update AFTER UPDATE ON works
WHEN OLD.revision IS NOT NEW.revision OR OLD.kind IS NOT NEW.kind OR OLD.title IS NOT NEW.title OR OLD.year IS NOT NEW.year OR OLD.role IS NOT NEW.role OR OLD.level IS NOT NEW.level OR OLD.doi IS NOT NEW.doi OR OLD.document_number IS NOT NEW.document_number OR OLD.venue IS NOT NEW.venue OR OLD.field IS NOT NEW.field
BEGIN
	UPDATE changes SET
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.kind IS NOT NEW.kind) AND instr(fields, ',kind,') = 0 THEN 'kind,' ELSE '' END || CASE WHEN (OLD.title IS NOT NEW.title) AND instr(fields, ',title,') = 0 THEN 'title,' ELSE '' END || CASE WHEN (OLD.year IS NOT NEW.year) AND instr(fields, ',year,') = 0 THEN 'year,' ELSE '' END || CASE WHEN (OLD.role IS NOT NEW.role) AND instr(fields, ',role,') = 0 THEN 'role,' ELSE '' END || CASE WHEN (OLD.level IS NOT NEW.level) AND instr(fields, ',level,') = 0 THEN 'level,' ELSE '' END || CASE WHEN (OLD.doi IS NOT NEW.doi) AND instr(fields, ',doi,') = 0 THEN 'doi,' ELSE '' END || CASE WHEN (OLD.document_number IS NOT NEW.document_number) AND instr(fields, ',document_number,') = 0 THEN 'document_number,' ELSE '' END || CASE WHEN (OLD.venue IS NOT NEW.venue) AND instr(fields, ',venue,') = 0 THEN 'venue,' ELSE '' END || CASE WHEN (OLD.field IS NOT NEW.field) AND instr(fields, ',field,') = 0 THEN 'field,' ELSE '' END END
	WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id;
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 9, 2, ',' || CASE WHEN OLD.kind IS NOT NEW.kind THEN 'kind,' ELSE '' END || CASE WHEN OLD.title IS NOT NEW.title THEN 'title,' ELSE '' END || CASE WHEN OLD.year IS NOT NEW.year THEN 'year,' ELSE '' END || CASE WHEN OLD.role IS NOT NEW.role THEN 'role,' ELSE '' END || CASE WHEN OLD.level IS NOT NEW.level THEN 'level,' ELSE '' END || CASE WHEN OLD.doi IS NOT NEW.doi THEN 'doi,' ELSE '' END || CASE WHEN OLD.document_number IS NOT NEW.document_number THEN 'document_number,' ELSE '' END || CASE WHEN OLD.venue IS NOT NEW.venue THEN 'venue,' ELSE '' END || CASE WHEN OLD.field IS NOT NEW.field THEN 'field,' ELSE '' END, NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id AS r)
	WHERE r IS NOT NULL AND NOT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = r);
END;

CREATE TRIGGER works_change_delete AFTER DELETE ON works BEGIN
	UPDATE changes SET kind = 3
	WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/works/' || OLD.id;
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 9, 3, ',', OLD.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/works/' || OLD.id AS r)
	WHERE r IS NOT NULL AND NOT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = r);
END;

-- The identifiers: no row stands for both empty, so an insert or delete
-- changes the paths that are not empty.
CREATE TRIGGER person_identifiers_change_insert AFTER INSERT ON person_identifiers BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 THEN fields ELSE fields
			|| CASE WHEN NEW.orcid != '' AND instr(fields, ',orcid,') = 0 THEN 'orcid,' ELSE '' END
			|| CASE WHEN NEW.civil_servant_code != '' AND instr(fields, ',civil_servant_code,') = 0 THEN 'civil_servant_code,' ELSE '' END END
	WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = NEW.person_pk);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2,
		',' || CASE WHEN NEW.orcid != '' THEN 'orcid,' ELSE '' END || CASE WHEN NEW.civil_servant_code != '' THEN 'civil_servant_code,' ELSE '' END, pk, NULL FROM people
	WHERE pk = NEW.person_pk AND NOT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || id);
END;

CREATE TRIGGER person_identifiers_change_update AFTER UPDATE ON person_identifiers
WHEN OLD.orcid IS NOT NEW.orcid OR OLD.civil_servant_code IS NOT NEW.civil_servant_code
BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 THEN fields ELSE fields
			|| CASE WHEN OLD.orcid IS NOT NEW.orcid AND instr(fields, ',orcid,') = 0 THEN 'orcid,' ELSE '' END
			|| CASE WHEN OLD.civil_servant_code IS NOT NEW.civil_servant_code AND instr(fields, ',civil_servant_code,') = 0 THEN 'civil_servant_code,' ELSE '' END END
	WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = NEW.person_pk);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2,
		',' || CASE WHEN OLD.orcid IS NOT NEW.orcid THEN 'orcid,' ELSE '' END || CASE WHEN OLD.civil_servant_code IS NOT NEW.civil_servant_code THEN 'civil_servant_code,' ELSE '' END, pk, NULL FROM people
	WHERE pk = NEW.person_pk AND NOT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || id);
END;

CREATE TRIGGER person_identifiers_change_delete AFTER DELETE ON person_identifiers BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 THEN fields ELSE fields
			|| CASE WHEN OLD.orcid != '' AND instr(fields, ',orcid,') = 0 THEN 'orcid,' ELSE '' END
			|| CASE WHEN OLD.civil_servant_code != '' AND instr(fields, ',civil_servant_code,') = 0 THEN 'civil_servant_code,' ELSE '' END END
	WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = OLD.person_pk);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2,
		',' || CASE WHEN OLD.orcid != '' THEN 'orcid,' ELSE '' END || CASE WHEN OLD.civil_servant_code != '' THEN 'civil_servant_code,' ELSE '' END, pk, NULL FROM people
	WHERE pk = OLD.person_pk AND NOT EXISTS (SELECT 1 FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || id);
END;
