-- The change feed's triggers (0015, 0019 and later) first update the
-- resource's row of this transaction, if it has one, then insert one when
-- the update found none. Both statements made SQLite build a temporary
-- b-tree, with a page cache of its own, on every run: the update, whose
-- WHERE could match several rows, to collect them first, and the insert,
-- whose NOT EXISTS read the table it writes, to hold its rows first. A
-- create paid two, in the single writer (BENCHMARKS.md, issue 19, tenth
-- pass). The update now names its row by seq (there is at most one row
-- per resource and transaction), and the insert asks changes(), which in
-- a trigger counts the rows of the trigger's previous statement, the
-- update. What the triggers write is unchanged.
DROP TRIGGER people_change_insert;
CREATE TRIGGER people_change_insert AFTER INSERT ON people BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 1, 1, ',' || '', NEW.pk, NULL FROM (SELECT 'people/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER people_change_update;
CREATE TRIGGER people_change_update AFTER UPDATE ON people
WHEN OLD.revision IS NOT NEW.revision OR OLD.family_name IS NOT NEW.family_name OR OLD.middle_name IS NOT NEW.middle_name OR OLD.given_name IS NOT NEW.given_name OR OLD.display_name IS NOT NEW.display_name OR OLD.gender IS NOT NEW.gender OR OLD.birth_year IS NOT NEW.birth_year OR OLD.birth_month IS NOT NEW.birth_month OR OLD.birth_day IS NOT NEW.birth_day OR OLD.ethnicity IS NOT NEW.ethnicity OR OLD.national_id IS NOT NEW.national_id OR OLD.email IS NOT NEW.email OR OLD.phone IS NOT NEW.phone OR OLD.hometown IS NOT NEW.hometown OR OLD.address IS NOT NEW.address OR OLD.availability IS NOT NEW.availability OR OLD.work_location IS NOT NEW.work_location OR OLD.work_country IS NOT NEW.work_country OR OLD.highest_level IS NOT NEW.highest_level OR OLD.academic_title IS NOT NEW.academic_title OR OLD.academic_title_year IS NOT NEW.academic_title_year OR OLD.restricted IS NOT NEW.restricted OR (OLD.delete_time IS NULL) != (NEW.delete_time IS NULL)
BEGIN
	UPDATE changes SET kind = CASE WHEN (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END) = 2 THEN kind ELSE (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END) END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.family_name IS NOT NEW.family_name) AND instr(fields, ',family_name,') = 0 THEN 'family_name,' ELSE '' END || CASE WHEN (OLD.middle_name IS NOT NEW.middle_name) AND instr(fields, ',middle_name,') = 0 THEN 'middle_name,' ELSE '' END || CASE WHEN (OLD.given_name IS NOT NEW.given_name) AND instr(fields, ',given_name,') = 0 THEN 'given_name,' ELSE '' END || CASE WHEN (OLD.display_name IS NOT NEW.display_name) AND instr(fields, ',display_name,') = 0 THEN 'display_name,' ELSE '' END || CASE WHEN (OLD.gender IS NOT NEW.gender) AND instr(fields, ',gender,') = 0 THEN 'gender,' ELSE '' END || CASE WHEN (OLD.birth_year IS NOT NEW.birth_year OR OLD.birth_month IS NOT NEW.birth_month OR OLD.birth_day IS NOT NEW.birth_day) AND instr(fields, ',birth_date,') = 0 THEN 'birth_date,' ELSE '' END || CASE WHEN (OLD.ethnicity IS NOT NEW.ethnicity) AND instr(fields, ',ethnicity,') = 0 THEN 'ethnicity,' ELSE '' END || CASE WHEN (OLD.national_id IS NOT NEW.national_id) AND instr(fields, ',national_id,') = 0 THEN 'national_id,' ELSE '' END || CASE WHEN (OLD.email IS NOT NEW.email) AND instr(fields, ',email,') = 0 THEN 'email,' ELSE '' END || CASE WHEN (OLD.phone IS NOT NEW.phone) AND instr(fields, ',phone,') = 0 THEN 'phone,' ELSE '' END || CASE WHEN (OLD.hometown IS NOT NEW.hometown) AND instr(fields, ',hometown,') = 0 THEN 'hometown,' ELSE '' END || CASE WHEN (OLD.address IS NOT NEW.address) AND instr(fields, ',address,') = 0 THEN 'address,' ELSE '' END || CASE WHEN (OLD.availability IS NOT NEW.availability) AND instr(fields, ',availability,') = 0 THEN 'availability,' ELSE '' END || CASE WHEN (OLD.work_location IS NOT NEW.work_location) AND instr(fields, ',work_location,') = 0 THEN 'work_location,' ELSE '' END || CASE WHEN (OLD.work_country IS NOT NEW.work_country) AND instr(fields, ',work_country,') = 0 THEN 'work_country,' ELSE '' END || CASE WHEN (OLD.highest_level IS NOT NEW.highest_level) AND instr(fields, ',highest_qualification_level,') = 0 THEN 'highest_qualification_level,' ELSE '' END || CASE WHEN (OLD.academic_title IS NOT NEW.academic_title OR OLD.academic_title_year IS NOT NEW.academic_title_year) AND instr(fields, ',academic_title,') = 0 THEN 'academic_title,' ELSE '' END || CASE WHEN (OLD.restricted IS NOT NEW.restricted) AND instr(fields, ',restricted,') = 0 THEN 'restricted,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 1, (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END), ',' || CASE WHEN OLD.family_name IS NOT NEW.family_name THEN 'family_name,' ELSE '' END || CASE WHEN OLD.middle_name IS NOT NEW.middle_name THEN 'middle_name,' ELSE '' END || CASE WHEN OLD.given_name IS NOT NEW.given_name THEN 'given_name,' ELSE '' END || CASE WHEN OLD.display_name IS NOT NEW.display_name THEN 'display_name,' ELSE '' END || CASE WHEN OLD.gender IS NOT NEW.gender THEN 'gender,' ELSE '' END || CASE WHEN OLD.birth_year IS NOT NEW.birth_year OR OLD.birth_month IS NOT NEW.birth_month OR OLD.birth_day IS NOT NEW.birth_day THEN 'birth_date,' ELSE '' END || CASE WHEN OLD.ethnicity IS NOT NEW.ethnicity THEN 'ethnicity,' ELSE '' END || CASE WHEN OLD.national_id IS NOT NEW.national_id THEN 'national_id,' ELSE '' END || CASE WHEN OLD.email IS NOT NEW.email THEN 'email,' ELSE '' END || CASE WHEN OLD.phone IS NOT NEW.phone THEN 'phone,' ELSE '' END || CASE WHEN OLD.hometown IS NOT NEW.hometown THEN 'hometown,' ELSE '' END || CASE WHEN OLD.address IS NOT NEW.address THEN 'address,' ELSE '' END || CASE WHEN OLD.availability IS NOT NEW.availability THEN 'availability,' ELSE '' END || CASE WHEN OLD.work_location IS NOT NEW.work_location THEN 'work_location,' ELSE '' END || CASE WHEN OLD.work_country IS NOT NEW.work_country THEN 'work_country,' ELSE '' END || CASE WHEN OLD.highest_level IS NOT NEW.highest_level THEN 'highest_qualification_level,' ELSE '' END || CASE WHEN OLD.academic_title IS NOT NEW.academic_title OR OLD.academic_title_year IS NOT NEW.academic_title_year THEN 'academic_title,' ELSE '' END || CASE WHEN OLD.restricted IS NOT NEW.restricted THEN 'restricted,' ELSE '' END, NEW.pk, NULL FROM (SELECT 'people/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER people_change_delete;
CREATE TRIGGER people_change_delete AFTER DELETE ON people BEGIN
	UPDATE changes SET kind = CASE WHEN 5 = 2 THEN kind ELSE 5 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 1, 5, ',' || '', OLD.pk, NULL FROM (SELECT 'people/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER qualifications_change_insert;
CREATE TRIGGER qualifications_change_insert AFTER INSERT ON qualifications BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/qualifications/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 2, 1, ',' || '', NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/qualifications/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER qualifications_change_update;
CREATE TRIGGER qualifications_change_update AFTER UPDATE ON qualifications
WHEN OLD.revision IS NOT NEW.revision OR OLD.kind IS NOT NEW.kind OR OLD.level IS NOT NEW.level OR OLD.major IS NOT NEW.major OR OLD.field IS NOT NEW.field OR OLD.institution IS NOT NEW.institution OR OLD.country IS NOT NEW.country OR OLD.year IS NOT NEW.year OR OLD.mode_of_study IS NOT NEW.mode_of_study OR OLD.document_number IS NOT NEW.document_number OR OLD.language IS NOT NEW.language OR OLD.verification_state IS NOT NEW.verification_state OR OLD.verifier IS NOT NEW.verifier OR OLD.verify_time IS NOT NEW.verify_time OR OLD.verify_note IS NOT NEW.verify_note
BEGIN
	UPDATE changes SET kind = CASE WHEN 2 = 2 THEN kind ELSE 2 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.kind IS NOT NEW.kind) AND instr(fields, ',kind,') = 0 THEN 'kind,' ELSE '' END || CASE WHEN (OLD.level IS NOT NEW.level) AND instr(fields, ',level,') = 0 THEN 'level,' ELSE '' END || CASE WHEN (OLD.major IS NOT NEW.major) AND instr(fields, ',major,') = 0 THEN 'major,' ELSE '' END || CASE WHEN (OLD.field IS NOT NEW.field) AND instr(fields, ',field,') = 0 THEN 'field,' ELSE '' END || CASE WHEN (OLD.institution IS NOT NEW.institution) AND instr(fields, ',institution,') = 0 THEN 'institution,' ELSE '' END || CASE WHEN (OLD.country IS NOT NEW.country) AND instr(fields, ',country,') = 0 THEN 'country,' ELSE '' END || CASE WHEN (OLD.year IS NOT NEW.year) AND instr(fields, ',year,') = 0 THEN 'year,' ELSE '' END || CASE WHEN (OLD.mode_of_study IS NOT NEW.mode_of_study) AND instr(fields, ',mode_of_study,') = 0 THEN 'mode_of_study,' ELSE '' END || CASE WHEN (OLD.document_number IS NOT NEW.document_number) AND instr(fields, ',document_number,') = 0 THEN 'document_number,' ELSE '' END || CASE WHEN (OLD.language IS NOT NEW.language) AND instr(fields, ',language,') = 0 THEN 'language,' ELSE '' END || CASE WHEN (OLD.verification_state IS NOT NEW.verification_state OR OLD.verifier IS NOT NEW.verifier OR OLD.verify_time IS NOT NEW.verify_time OR OLD.verify_note IS NOT NEW.verify_note) AND instr(fields, ',verification,') = 0 THEN 'verification,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/qualifications/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 2, 2, ',' || CASE WHEN OLD.kind IS NOT NEW.kind THEN 'kind,' ELSE '' END || CASE WHEN OLD.level IS NOT NEW.level THEN 'level,' ELSE '' END || CASE WHEN OLD.major IS NOT NEW.major THEN 'major,' ELSE '' END || CASE WHEN OLD.field IS NOT NEW.field THEN 'field,' ELSE '' END || CASE WHEN OLD.institution IS NOT NEW.institution THEN 'institution,' ELSE '' END || CASE WHEN OLD.country IS NOT NEW.country THEN 'country,' ELSE '' END || CASE WHEN OLD.year IS NOT NEW.year THEN 'year,' ELSE '' END || CASE WHEN OLD.mode_of_study IS NOT NEW.mode_of_study THEN 'mode_of_study,' ELSE '' END || CASE WHEN OLD.document_number IS NOT NEW.document_number THEN 'document_number,' ELSE '' END || CASE WHEN OLD.language IS NOT NEW.language THEN 'language,' ELSE '' END || CASE WHEN OLD.verification_state IS NOT NEW.verification_state OR OLD.verifier IS NOT NEW.verifier OR OLD.verify_time IS NOT NEW.verify_time OR OLD.verify_note IS NOT NEW.verify_note THEN 'verification,' ELSE '' END, NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/qualifications/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER qualifications_change_delete;
CREATE TRIGGER qualifications_change_delete AFTER DELETE ON qualifications BEGIN
	UPDATE changes SET kind = CASE WHEN 3 = 2 THEN kind ELSE 3 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/qualifications/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 2, 3, ',' || '', OLD.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/qualifications/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER positions_change_insert;
CREATE TRIGGER positions_change_insert AFTER INSERT ON positions BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/positions/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 3, 1, ',' || '', NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/positions/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER positions_change_update;
CREATE TRIGGER positions_change_update AFTER UPDATE ON positions
WHEN OLD.revision IS NOT NEW.revision OR OLD.organization_pk IS NOT NEW.organization_pk OR OLD.organization_name IS NOT NEW.organization_name OR OLD.title IS NOT NEW.title OR OLD.department IS NOT NEW.department OR OLD.employment_type IS NOT NEW.employment_type OR OLD.start_date IS NOT NEW.start_date OR OLD.end_date IS NOT NEW.end_date OR OLD.is_current IS NOT NEW.is_current OR OLD.country IS NOT NEW.country OR OLD.administrative_unit IS NOT NEW.administrative_unit
BEGIN
	UPDATE changes SET kind = CASE WHEN 2 = 2 THEN kind ELSE 2 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.organization_pk IS NOT NEW.organization_pk) AND instr(fields, ',organization,') = 0 THEN 'organization,' ELSE '' END || CASE WHEN (OLD.organization_name IS NOT NEW.organization_name) AND instr(fields, ',organization_name,') = 0 THEN 'organization_name,' ELSE '' END || CASE WHEN (OLD.title IS NOT NEW.title) AND instr(fields, ',title,') = 0 THEN 'title,' ELSE '' END || CASE WHEN (OLD.department IS NOT NEW.department) AND instr(fields, ',department,') = 0 THEN 'department,' ELSE '' END || CASE WHEN (OLD.employment_type IS NOT NEW.employment_type) AND instr(fields, ',employment_type,') = 0 THEN 'employment_type,' ELSE '' END || CASE WHEN (OLD.start_date IS NOT NEW.start_date) AND instr(fields, ',start,') = 0 THEN 'start,' ELSE '' END || CASE WHEN (OLD.end_date IS NOT NEW.end_date) AND instr(fields, ',end,') = 0 THEN 'end,' ELSE '' END || CASE WHEN (OLD.is_current IS NOT NEW.is_current) AND instr(fields, ',current,') = 0 THEN 'current,' ELSE '' END || CASE WHEN (OLD.country IS NOT NEW.country) AND instr(fields, ',country,') = 0 THEN 'country,' ELSE '' END || CASE WHEN (OLD.administrative_unit IS NOT NEW.administrative_unit) AND instr(fields, ',administrative_unit,') = 0 THEN 'administrative_unit,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/positions/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 3, 2, ',' || CASE WHEN OLD.organization_pk IS NOT NEW.organization_pk THEN 'organization,' ELSE '' END || CASE WHEN OLD.organization_name IS NOT NEW.organization_name THEN 'organization_name,' ELSE '' END || CASE WHEN OLD.title IS NOT NEW.title THEN 'title,' ELSE '' END || CASE WHEN OLD.department IS NOT NEW.department THEN 'department,' ELSE '' END || CASE WHEN OLD.employment_type IS NOT NEW.employment_type THEN 'employment_type,' ELSE '' END || CASE WHEN OLD.start_date IS NOT NEW.start_date THEN 'start,' ELSE '' END || CASE WHEN OLD.end_date IS NOT NEW.end_date THEN 'end,' ELSE '' END || CASE WHEN OLD.is_current IS NOT NEW.is_current THEN 'current,' ELSE '' END || CASE WHEN OLD.country IS NOT NEW.country THEN 'country,' ELSE '' END || CASE WHEN OLD.administrative_unit IS NOT NEW.administrative_unit THEN 'administrative_unit,' ELSE '' END, NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/positions/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER positions_change_delete;
CREATE TRIGGER positions_change_delete AFTER DELETE ON positions BEGIN
	UPDATE changes SET kind = CASE WHEN 3 = 2 THEN kind ELSE 3 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/positions/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 3, 3, ',' || '', OLD.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/positions/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER honors_change_insert;
CREATE TRIGGER honors_change_insert AFTER INSERT ON honors BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/honors/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 4, 1, ',' || '', NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/honors/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER honors_change_update;
CREATE TRIGGER honors_change_update AFTER UPDATE ON honors
WHEN OLD.revision IS NOT NEW.revision OR OLD.title IS NOT NEW.title OR OLD.kind IS NOT NEW.kind OR OLD.year IS NOT NEW.year OR OLD.issuer IS NOT NEW.issuer OR OLD.decision_number IS NOT NEW.decision_number
BEGIN
	UPDATE changes SET kind = CASE WHEN 2 = 2 THEN kind ELSE 2 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.title IS NOT NEW.title) AND instr(fields, ',title,') = 0 THEN 'title,' ELSE '' END || CASE WHEN (OLD.kind IS NOT NEW.kind) AND instr(fields, ',kind,') = 0 THEN 'kind,' ELSE '' END || CASE WHEN (OLD.year IS NOT NEW.year) AND instr(fields, ',year,') = 0 THEN 'year,' ELSE '' END || CASE WHEN (OLD.issuer IS NOT NEW.issuer) AND instr(fields, ',issuer,') = 0 THEN 'issuer,' ELSE '' END || CASE WHEN (OLD.decision_number IS NOT NEW.decision_number) AND instr(fields, ',decision_number,') = 0 THEN 'decision_number,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/honors/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 4, 2, ',' || CASE WHEN OLD.title IS NOT NEW.title THEN 'title,' ELSE '' END || CASE WHEN OLD.kind IS NOT NEW.kind THEN 'kind,' ELSE '' END || CASE WHEN OLD.year IS NOT NEW.year THEN 'year,' ELSE '' END || CASE WHEN OLD.issuer IS NOT NEW.issuer THEN 'issuer,' ELSE '' END || CASE WHEN OLD.decision_number IS NOT NEW.decision_number THEN 'decision_number,' ELSE '' END, NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/honors/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER honors_change_delete;
CREATE TRIGGER honors_change_delete AFTER DELETE ON honors BEGIN
	UPDATE changes SET kind = CASE WHEN 3 = 2 THEN kind ELSE 3 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/honors/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 4, 3, ',' || '', OLD.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/honors/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER organizations_change_insert;
CREATE TRIGGER organizations_change_insert AFTER INSERT ON organizations BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'organizations/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 5, 1, ',' || '', NULL, NULL FROM (SELECT 'organizations/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER organizations_change_update;
CREATE TRIGGER organizations_change_update AFTER UPDATE ON organizations
WHEN OLD.revision IS NOT NEW.revision OR OLD.display_name IS NOT NEW.display_name OR OLD.short_name IS NOT NEW.short_name OR OLD.kind IS NOT NEW.kind OR OLD.sector IS NOT NEW.sector OR OLD.administrative_unit IS NOT NEW.administrative_unit OR OLD.country IS NOT NEW.country OR OLD.parent_pk IS NOT NEW.parent_pk OR (OLD.delete_time IS NULL) != (NEW.delete_time IS NULL)
BEGIN
	UPDATE changes SET kind = CASE WHEN (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END) = 2 THEN kind ELSE (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END) END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.display_name IS NOT NEW.display_name) AND instr(fields, ',display_name,') = 0 THEN 'display_name,' ELSE '' END || CASE WHEN (OLD.short_name IS NOT NEW.short_name) AND instr(fields, ',short_name,') = 0 THEN 'short_name,' ELSE '' END || CASE WHEN (OLD.kind IS NOT NEW.kind) AND instr(fields, ',kind,') = 0 THEN 'kind,' ELSE '' END || CASE WHEN (OLD.sector IS NOT NEW.sector) AND instr(fields, ',sector,') = 0 THEN 'sector,' ELSE '' END || CASE WHEN (OLD.administrative_unit IS NOT NEW.administrative_unit) AND instr(fields, ',administrative_unit,') = 0 THEN 'administrative_unit,' ELSE '' END || CASE WHEN (OLD.country IS NOT NEW.country) AND instr(fields, ',country,') = 0 THEN 'country,' ELSE '' END || CASE WHEN (OLD.parent_pk IS NOT NEW.parent_pk) AND instr(fields, ',parent,') = 0 THEN 'parent,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'organizations/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 5, (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END), ',' || CASE WHEN OLD.display_name IS NOT NEW.display_name THEN 'display_name,' ELSE '' END || CASE WHEN OLD.short_name IS NOT NEW.short_name THEN 'short_name,' ELSE '' END || CASE WHEN OLD.kind IS NOT NEW.kind THEN 'kind,' ELSE '' END || CASE WHEN OLD.sector IS NOT NEW.sector THEN 'sector,' ELSE '' END || CASE WHEN OLD.administrative_unit IS NOT NEW.administrative_unit THEN 'administrative_unit,' ELSE '' END || CASE WHEN OLD.country IS NOT NEW.country THEN 'country,' ELSE '' END || CASE WHEN OLD.parent_pk IS NOT NEW.parent_pk THEN 'parent,' ELSE '' END, NULL, NULL FROM (SELECT 'organizations/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER organizations_change_delete;
CREATE TRIGGER organizations_change_delete AFTER DELETE ON organizations BEGIN
	UPDATE changes SET kind = CASE WHEN 5 = 2 THEN kind ELSE 5 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'organizations/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 5, 5, ',' || '', NULL, NULL FROM (SELECT 'organizations/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER associations_change_insert;
CREATE TRIGGER associations_change_insert AFTER INSERT ON associations BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'associations/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 6, 1, ',' || '', NULL, NEW.pk FROM (SELECT 'associations/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER associations_change_update;
CREATE TRIGGER associations_change_update AFTER UPDATE ON associations
WHEN OLD.revision IS NOT NEW.revision OR OLD.display_name IS NOT NEW.display_name OR OLD.short_name IS NOT NEW.short_name OR OLD.code IS NOT NEW.code OR OLD.parent_pk IS NOT NEW.parent_pk OR OLD.member_number_format IS NOT NEW.member_number_format OR (OLD.delete_time IS NULL) != (NEW.delete_time IS NULL)
BEGIN
	UPDATE changes SET kind = CASE WHEN (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END) = 2 THEN kind ELSE (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END) END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.display_name IS NOT NEW.display_name) AND instr(fields, ',display_name,') = 0 THEN 'display_name,' ELSE '' END || CASE WHEN (OLD.short_name IS NOT NEW.short_name) AND instr(fields, ',short_name,') = 0 THEN 'short_name,' ELSE '' END || CASE WHEN (OLD.code IS NOT NEW.code) AND instr(fields, ',code,') = 0 THEN 'code,' ELSE '' END || CASE WHEN (OLD.parent_pk IS NOT NEW.parent_pk) AND instr(fields, ',parent,') = 0 THEN 'parent,' ELSE '' END || CASE WHEN (OLD.member_number_format IS NOT NEW.member_number_format) AND instr(fields, ',member_number_format,') = 0 THEN 'member_number_format,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'associations/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 6, (CASE WHEN OLD.delete_time IS NULL AND NEW.delete_time IS NOT NULL THEN 3 WHEN OLD.delete_time IS NOT NULL AND NEW.delete_time IS NULL THEN 4 ELSE 2 END), ',' || CASE WHEN OLD.display_name IS NOT NEW.display_name THEN 'display_name,' ELSE '' END || CASE WHEN OLD.short_name IS NOT NEW.short_name THEN 'short_name,' ELSE '' END || CASE WHEN OLD.code IS NOT NEW.code THEN 'code,' ELSE '' END || CASE WHEN OLD.parent_pk IS NOT NEW.parent_pk THEN 'parent,' ELSE '' END || CASE WHEN OLD.member_number_format IS NOT NEW.member_number_format THEN 'member_number_format,' ELSE '' END, NULL, NEW.pk FROM (SELECT 'associations/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER associations_change_delete;
CREATE TRIGGER associations_change_delete AFTER DELETE ON associations BEGIN
	UPDATE changes SET kind = CASE WHEN 5 = 2 THEN kind ELSE 5 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'associations/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 6, 5, ',' || '', NULL, OLD.pk FROM (SELECT 'associations/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER memberships_change_insert;
CREATE TRIGGER memberships_change_insert AFTER INSERT ON memberships BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'associations/' || (SELECT id FROM associations WHERE pk = NEW.association_pk) || '/memberships/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 7, 1, ',' || '', NEW.person_pk, NEW.association_pk FROM (SELECT 'associations/' || (SELECT id FROM associations WHERE pk = NEW.association_pk) || '/memberships/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER memberships_change_update;
CREATE TRIGGER memberships_change_update AFTER UPDATE ON memberships
WHEN OLD.revision IS NOT NEW.revision OR OLD.state IS NOT NEW.state OR OLD.member_number IS NOT NEW.member_number OR OLD.approve_time IS NOT NEW.approve_time OR OLD.end_time IS NOT NEW.end_time OR OLD.state_time IS NOT NEW.state_time OR OLD.state_reason IS NOT NEW.state_reason OR OLD.notes IS NOT NEW.notes OR OLD.duplicates_resolved IS NOT NEW.duplicates_resolved
BEGIN
	UPDATE changes SET kind = CASE WHEN 2 = 2 THEN kind ELSE 2 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.state IS NOT NEW.state) AND instr(fields, ',state,') = 0 THEN 'state,' ELSE '' END || CASE WHEN (OLD.member_number IS NOT NEW.member_number) AND instr(fields, ',member_number,') = 0 THEN 'member_number,' ELSE '' END || CASE WHEN (OLD.approve_time IS NOT NEW.approve_time) AND instr(fields, ',approve_time,') = 0 THEN 'approve_time,' ELSE '' END || CASE WHEN (OLD.end_time IS NOT NEW.end_time) AND instr(fields, ',end_time,') = 0 THEN 'end_time,' ELSE '' END || CASE WHEN (OLD.state_time IS NOT NEW.state_time) AND instr(fields, ',state_time,') = 0 THEN 'state_time,' ELSE '' END || CASE WHEN (OLD.state_reason IS NOT NEW.state_reason) AND instr(fields, ',state_reason,') = 0 THEN 'state_reason,' ELSE '' END || CASE WHEN (OLD.notes IS NOT NEW.notes) AND instr(fields, ',notes,') = 0 THEN 'notes,' ELSE '' END || CASE WHEN (OLD.duplicates_resolved IS NOT NEW.duplicates_resolved) AND instr(fields, ',duplicates_resolved,') = 0 THEN 'duplicates_resolved,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'associations/' || (SELECT id FROM associations WHERE pk = NEW.association_pk) || '/memberships/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 7, 2, ',' || CASE WHEN OLD.state IS NOT NEW.state THEN 'state,' ELSE '' END || CASE WHEN OLD.member_number IS NOT NEW.member_number THEN 'member_number,' ELSE '' END || CASE WHEN OLD.approve_time IS NOT NEW.approve_time THEN 'approve_time,' ELSE '' END || CASE WHEN OLD.end_time IS NOT NEW.end_time THEN 'end_time,' ELSE '' END || CASE WHEN OLD.state_time IS NOT NEW.state_time THEN 'state_time,' ELSE '' END || CASE WHEN OLD.state_reason IS NOT NEW.state_reason THEN 'state_reason,' ELSE '' END || CASE WHEN OLD.notes IS NOT NEW.notes THEN 'notes,' ELSE '' END || CASE WHEN OLD.duplicates_resolved IS NOT NEW.duplicates_resolved THEN 'duplicates_resolved,' ELSE '' END, NEW.person_pk, NEW.association_pk FROM (SELECT 'associations/' || (SELECT id FROM associations WHERE pk = NEW.association_pk) || '/memberships/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER memberships_change_delete;
CREATE TRIGGER memberships_change_delete AFTER DELETE ON memberships BEGIN
	UPDATE changes SET kind = CASE WHEN 3 = 2 THEN kind ELSE 3 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'associations/' || (SELECT id FROM associations WHERE pk = OLD.association_pk) || '/memberships/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 7, 3, ',' || '', OLD.person_pk, OLD.association_pk FROM (SELECT 'associations/' || (SELECT id FROM associations WHERE pk = OLD.association_pk) || '/memberships/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER consents_change_insert;
CREATE TRIGGER consents_change_insert AFTER INSERT ON consents BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/consents/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 8, 1, ',' || '', NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/consents/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER consents_change_update;
CREATE TRIGGER consents_change_update AFTER UPDATE ON consents
WHEN OLD.revision IS NOT NEW.revision OR OLD.purposes IS NOT NEW.purposes OR OLD.legal_basis IS NOT NEW.legal_basis OR OLD.text_version IS NOT NEW.text_version OR OLD.consent_time IS NOT NEW.consent_time OR OLD.withdraw_time IS NOT NEW.withdraw_time OR OLD.membership_pk IS NOT NEW.membership_pk
BEGIN
	UPDATE changes SET kind = CASE WHEN 2 = 2 THEN kind ELSE 2 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.purposes IS NOT NEW.purposes) AND instr(fields, ',purposes,') = 0 THEN 'purposes,' ELSE '' END || CASE WHEN (OLD.legal_basis IS NOT NEW.legal_basis) AND instr(fields, ',legal_basis,') = 0 THEN 'legal_basis,' ELSE '' END || CASE WHEN (OLD.text_version IS NOT NEW.text_version) AND instr(fields, ',text_version,') = 0 THEN 'text_version,' ELSE '' END || CASE WHEN (OLD.consent_time IS NOT NEW.consent_time) AND instr(fields, ',consent_time,') = 0 THEN 'consent_time,' ELSE '' END || CASE WHEN (OLD.withdraw_time IS NOT NEW.withdraw_time) AND instr(fields, ',withdraw_time,') = 0 THEN 'withdraw_time,' ELSE '' END || CASE WHEN (OLD.membership_pk IS NOT NEW.membership_pk) AND instr(fields, ',membership,') = 0 THEN 'membership,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/consents/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 8, 2, ',' || CASE WHEN OLD.purposes IS NOT NEW.purposes THEN 'purposes,' ELSE '' END || CASE WHEN OLD.legal_basis IS NOT NEW.legal_basis THEN 'legal_basis,' ELSE '' END || CASE WHEN OLD.text_version IS NOT NEW.text_version THEN 'text_version,' ELSE '' END || CASE WHEN OLD.consent_time IS NOT NEW.consent_time THEN 'consent_time,' ELSE '' END || CASE WHEN OLD.withdraw_time IS NOT NEW.withdraw_time THEN 'withdraw_time,' ELSE '' END || CASE WHEN OLD.membership_pk IS NOT NEW.membership_pk THEN 'membership,' ELSE '' END, NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/consents/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER consents_change_delete;
CREATE TRIGGER consents_change_delete AFTER DELETE ON consents BEGIN
	UPDATE changes SET kind = CASE WHEN 3 = 2 THEN kind ELSE 3 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/consents/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 8, 3, ',' || '', OLD.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/consents/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER person_fields_change_insert;
CREATE TRIGGER person_fields_change_insert AFTER INSERT ON person_fields BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 OR instr(fields, ',fields,') THEN fields ELSE fields || 'fields,' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = NEW.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2, ',fields,', pk, NULL FROM people
	WHERE pk = NEW.person_pk AND changes() = 0;
END;

DROP TRIGGER person_fields_change_delete;
CREATE TRIGGER person_fields_change_delete AFTER DELETE ON person_fields BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 OR instr(fields, ',fields,') THEN fields ELSE fields || 'fields,' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = OLD.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2, ',fields,', pk, NULL FROM people
	WHERE pk = OLD.person_pk AND changes() = 0;
END;

DROP TRIGGER person_expert_roles_change_insert;
CREATE TRIGGER person_expert_roles_change_insert AFTER INSERT ON person_expert_roles BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 OR instr(fields, ',expert_roles,') THEN fields ELSE fields || 'expert_roles,' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = NEW.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2, ',expert_roles,', pk, NULL FROM people
	WHERE pk = NEW.person_pk AND changes() = 0;
END;

DROP TRIGGER person_expert_roles_change_delete;
CREATE TRIGGER person_expert_roles_change_delete AFTER DELETE ON person_expert_roles BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 OR instr(fields, ',expert_roles,') THEN fields ELSE fields || 'expert_roles,' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = OLD.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2, ',expert_roles,', pk, NULL FROM people
	WHERE pk = OLD.person_pk AND changes() = 0;
END;

DROP TRIGGER association_fields_change_insert;
CREATE TRIGGER association_fields_change_insert AFTER INSERT ON association_fields BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 OR instr(fields, ',fields,') THEN fields ELSE fields || 'fields,' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'associations/' || id FROM associations WHERE pk = NEW.association_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'associations/' || id, 6, 2, ',fields,', NULL, pk FROM associations
	WHERE pk = NEW.association_pk AND changes() = 0;
END;

DROP TRIGGER association_fields_change_delete;
CREATE TRIGGER association_fields_change_delete AFTER DELETE ON association_fields BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 OR instr(fields, ',fields,') THEN fields ELSE fields || 'fields,' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'associations/' || id FROM associations WHERE pk = OLD.association_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'associations/' || id, 6, 2, ',fields,', NULL, pk FROM associations
	WHERE pk = OLD.association_pk AND changes() = 0;
END;

DROP TRIGGER works_change_insert;
CREATE TRIGGER works_change_insert AFTER INSERT ON works BEGIN
	UPDATE changes SET kind = 1
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 9, 1, ',', NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER works_change_update;
CREATE TRIGGER works_change_update AFTER UPDATE ON works
WHEN OLD.revision IS NOT NEW.revision OR OLD.kind IS NOT NEW.kind OR OLD.title IS NOT NEW.title OR OLD.year IS NOT NEW.year OR OLD.role IS NOT NEW.role OR OLD.level IS NOT NEW.level OR OLD.doi IS NOT NEW.doi OR OLD.document_number IS NOT NEW.document_number OR OLD.venue IS NOT NEW.venue OR OLD.field IS NOT NEW.field
BEGIN
	UPDATE changes SET
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || CASE WHEN (OLD.kind IS NOT NEW.kind) AND instr(fields, ',kind,') = 0 THEN 'kind,' ELSE '' END || CASE WHEN (OLD.title IS NOT NEW.title) AND instr(fields, ',title,') = 0 THEN 'title,' ELSE '' END || CASE WHEN (OLD.year IS NOT NEW.year) AND instr(fields, ',year,') = 0 THEN 'year,' ELSE '' END || CASE WHEN (OLD.role IS NOT NEW.role) AND instr(fields, ',role,') = 0 THEN 'role,' ELSE '' END || CASE WHEN (OLD.level IS NOT NEW.level) AND instr(fields, ',level,') = 0 THEN 'level,' ELSE '' END || CASE WHEN (OLD.doi IS NOT NEW.doi) AND instr(fields, ',doi,') = 0 THEN 'doi,' ELSE '' END || CASE WHEN (OLD.document_number IS NOT NEW.document_number) AND instr(fields, ',document_number,') = 0 THEN 'document_number,' ELSE '' END || CASE WHEN (OLD.venue IS NOT NEW.venue) AND instr(fields, ',venue,') = 0 THEN 'venue,' ELSE '' END || CASE WHEN (OLD.field IS NOT NEW.field) AND instr(fields, ',field,') = 0 THEN 'field,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 9, 2, ',' || CASE WHEN OLD.kind IS NOT NEW.kind THEN 'kind,' ELSE '' END || CASE WHEN OLD.title IS NOT NEW.title THEN 'title,' ELSE '' END || CASE WHEN OLD.year IS NOT NEW.year THEN 'year,' ELSE '' END || CASE WHEN OLD.role IS NOT NEW.role THEN 'role,' ELSE '' END || CASE WHEN OLD.level IS NOT NEW.level THEN 'level,' ELSE '' END || CASE WHEN OLD.doi IS NOT NEW.doi THEN 'doi,' ELSE '' END || CASE WHEN OLD.document_number IS NOT NEW.document_number THEN 'document_number,' ELSE '' END || CASE WHEN OLD.venue IS NOT NEW.venue THEN 'venue,' ELSE '' END || CASE WHEN OLD.field IS NOT NEW.field THEN 'field,' ELSE '' END, NEW.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = NEW.person_pk) || '/works/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER works_change_delete;
CREATE TRIGGER works_change_delete AFTER DELETE ON works BEGIN
	UPDATE changes SET kind = 3
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/works/' || OLD.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 9, 3, ',', OLD.person_pk, NULL FROM (SELECT 'people/' || (SELECT id FROM people WHERE pk = OLD.person_pk) || '/works/' || OLD.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END;

DROP TRIGGER person_identifiers_change_insert;
CREATE TRIGGER person_identifiers_change_insert AFTER INSERT ON person_identifiers BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 THEN fields ELSE fields
			|| CASE WHEN NEW.orcid != '' AND instr(fields, ',orcid,') = 0 THEN 'orcid,' ELSE '' END
			|| CASE WHEN NEW.civil_servant_code != '' AND instr(fields, ',civil_servant_code,') = 0 THEN 'civil_servant_code,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = NEW.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2,
		',' || CASE WHEN NEW.orcid != '' THEN 'orcid,' ELSE '' END || CASE WHEN NEW.civil_servant_code != '' THEN 'civil_servant_code,' ELSE '' END, pk, NULL FROM people
	WHERE pk = NEW.person_pk AND changes() = 0;
END;

DROP TRIGGER person_identifiers_change_update;
CREATE TRIGGER person_identifiers_change_update AFTER UPDATE ON person_identifiers
WHEN OLD.orcid IS NOT NEW.orcid OR OLD.civil_servant_code IS NOT NEW.civil_servant_code
BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 THEN fields ELSE fields
			|| CASE WHEN OLD.orcid IS NOT NEW.orcid AND instr(fields, ',orcid,') = 0 THEN 'orcid,' ELSE '' END
			|| CASE WHEN OLD.civil_servant_code IS NOT NEW.civil_servant_code AND instr(fields, ',civil_servant_code,') = 0 THEN 'civil_servant_code,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = NEW.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2,
		',' || CASE WHEN OLD.orcid IS NOT NEW.orcid THEN 'orcid,' ELSE '' END || CASE WHEN OLD.civil_servant_code IS NOT NEW.civil_servant_code THEN 'civil_servant_code,' ELSE '' END, pk, NULL FROM people
	WHERE pk = NEW.person_pk AND changes() = 0;
END;

DROP TRIGGER person_identifiers_change_delete;
CREATE TRIGGER person_identifiers_change_delete AFTER DELETE ON person_identifiers BEGIN
	UPDATE changes SET fields = CASE WHEN kind = 1 THEN fields ELSE fields
			|| CASE WHEN OLD.orcid != '' AND instr(fields, ',orcid,') = 0 THEN 'orcid,' ELSE '' END
			|| CASE WHEN OLD.civil_servant_code != '' AND instr(fields, ',civil_servant_code,') = 0 THEN 'civil_servant_code,' ELSE '' END END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = (SELECT 'people/' || id FROM people WHERE pk = OLD.person_pk));
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), 'people/' || id, 1, 2,
		',' || CASE WHEN OLD.orcid != '' THEN 'orcid,' ELSE '' END || CASE WHEN OLD.civil_servant_code != '' THEN 'civil_servant_code,' ELSE '' END, pk, NULL FROM people
	WHERE pk = OLD.person_pk AND changes() = 0;
END;
