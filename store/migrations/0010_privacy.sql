-- Personal data protection (Law 91/2025/QH15, Decree 356/2025): consents as
-- a resource of the person (people/{person}/consents/{consent}), the
-- RESTRICTED state that a withdrawn consent leads to, the revisions of a
-- person and what they hold, and data-subject requests. (This file's number
-- may change when branches merge; nothing depends on it.)

-- Consents were rows of a registration only; now a person may have any
-- number, each with its legal basis, and those given with a registration
-- name their membership. Rebuilt because membership_pk becomes optional.
CREATE TABLE consents_new (
	pk            INTEGER PRIMARY KEY,
	id            TEXT NOT NULL,              -- the {consent} in people/{person}/consents/{consent}
	person_pk     INTEGER NOT NULL REFERENCES people(pk),
	membership_pk INTEGER UNIQUE REFERENCES memberships(pk),
	purposes      TEXT NOT NULL,              -- Consent.Purpose numbers, comma-separated
	legal_basis   INTEGER NOT NULL DEFAULT 1, -- Consent.LegalBasis
	text_version  TEXT NOT NULL DEFAULT '',
	consent_time  INTEGER NOT NULL,
	withdraw_time INTEGER,
	recorder      TEXT NOT NULL DEFAULT '',   -- the principal who recorded it
	create_time   INTEGER NOT NULL,
	update_time   INTEGER NOT NULL,
	revision      INTEGER NOT NULL DEFAULT 1,
	UNIQUE (person_pk, id)
) STRICT;
INSERT INTO consents_new (pk, id, person_pk, membership_pk, purposes, legal_basis, text_version, consent_time,
		withdraw_time, recorder, create_time, update_time)
	SELECT pk, 'c' || lower(hex(randomblob(7))), person_pk, membership_pk, purposes, 1, text_version, consent_time,
		withdraw_time, '', create_time, COALESCE(withdraw_time, create_time)
	FROM consents;
DROP TABLE consents;
ALTER TABLE consents_new RENAME TO consents;
CREATE INDEX consents_person ON consents(person_pk);

-- restricted is a set of reasons, 0 for none: 1, every consent on record is
-- withdrawn and none rests on a public duty (kept by the triggers below);
-- 2, a data-subject request of kind RESTRICTION. A person with no consent
-- on record is not restricted: they were registered under the public duty
-- of the registry (civil servants and public employees). A restricted
-- profile is read by admins only and left out of every listing
-- (store/consents.go, personListed).
ALTER TABLE people ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER consents_restrict_insert AFTER INSERT ON consents BEGIN
	UPDATE people SET restricted = (restricted & ~1) | NOT EXISTS (SELECT 1 FROM consents c
		WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%'))
	WHERE pk = NEW.person_pk;
END;
CREATE TRIGGER consents_restrict_update AFTER UPDATE ON consents BEGIN
	UPDATE people SET restricted = (restricted & ~1) | NOT EXISTS (SELECT 1 FROM consents c
		WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%'))
	WHERE pk = NEW.person_pk;
END;

UPDATE people SET restricted = 1
WHERE EXISTS (SELECT 1 FROM consents c WHERE c.person_pk = people.pk)
	AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_pk = people.pk AND c.withdraw_time IS NULL
		AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%'));

-- Statistics leave restricted people out; the covering index they read
-- holds the people they count.
DROP INDEX people_statistics;
CREATE INDEX people_statistics ON people(highest_level, highest_level_rank, academic_title, primary_field,
	current_unit, current_org_kind, current_employment, unit_on_20250630, work_location, gender,
	birth_year, birth_month, birth_day, ethnicity) WHERE delete_time IS NULL AND restricted = 0;

-- Every write of a person or of what they hold, stored in the write's
-- transaction: who, how, which fields, and their values before and after
-- (a RevisionValues message holding only the changed fields).
CREATE TABLE person_revisions (
	pk             INTEGER PRIMARY KEY,
	id             TEXT NOT NULL,             -- the {revision} in people/{person}/revisions/{revision}
	person_pk      INTEGER NOT NULL REFERENCES people(pk),
	revision_time  INTEGER NOT NULL,
	principal      TEXT NOT NULL,
	method         TEXT NOT NULL,
	resource       TEXT NOT NULL,             -- what was written
	changed_fields TEXT NOT NULL,             -- comma-separated
	before         BLOB,                      -- NULL for a create
	after          BLOB,                      -- NULL for a delete
	UNIQUE (person_pk, id)
) STRICT;

-- Requests of data subjects (access, correction, erasure, restriction,
-- objection). The person is kept by name, so that the request and its
-- outcome outlive a purge; a purge clears the requester and details.
CREATE TABLE data_subject_requests (
	pk           INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	kind         INTEGER NOT NULL,
	person       TEXT NOT NULL,               -- people/{person}
	requester    TEXT NOT NULL,
	details      TEXT NOT NULL DEFAULT '',
	due_time     INTEGER NOT NULL,
	state        INTEGER NOT NULL,
	state_reason TEXT NOT NULL DEFAULT '',
	actions      TEXT NOT NULL DEFAULT '',    -- one action a line
	create_time  INTEGER NOT NULL,
	update_time  INTEGER NOT NULL,
	revision     INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX data_subject_requests_person ON data_subject_requests(person);

-- A purge removes the tokens of a person from the full-text indexes, not
-- merely marks them deleted.
INSERT INTO people_search(people_search, rank) VALUES ('secure-delete', 1);
INSERT INTO people_names(people_names, rank) VALUES ('secure-delete', 1);
