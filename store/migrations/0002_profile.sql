-- The full profile: fields of expertise, expert roles, where a person works,
-- the derived highest qualification and academic title, and the resources
-- kept under a person (qualifications, positions, honours) or beside them
-- (organizations).

ALTER TABLE people ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN availability INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN work_location INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN work_country TEXT NOT NULL DEFAULT '';
-- Kept by the store from the person's qualifications.
ALTER TABLE people ADD COLUMN highest_level TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN highest_level_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN academic_title TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN academic_title_year INTEGER NOT NULL DEFAULT 0;

CREATE INDEX people_highest_level_rank ON people(highest_level_rank) WHERE delete_time IS NULL;
CREATE INDEX people_work_location ON people(work_location) WHERE delete_time IS NULL;

CREATE TABLE person_fields (
	person_pk  INTEGER NOT NULL REFERENCES people(pk) ON DELETE CASCADE,
	ordinal    INTEGER NOT NULL,
	field      TEXT NOT NULL,   -- the Field's name, fields/{scheme}-{code}
	code       TEXT NOT NULL,
	is_primary INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (person_pk, field)
) STRICT, WITHOUT ROWID;
CREATE INDEX person_fields_code ON person_fields(code, person_pk);

CREATE TABLE person_expert_roles (
	person_pk INTEGER NOT NULL REFERENCES people(pk) ON DELETE CASCADE,
	role      INTEGER NOT NULL,
	PRIMARY KEY (person_pk, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX person_expert_roles_role ON person_expert_roles(role, person_pk);

CREATE TABLE organizations (
	pk                  INTEGER PRIMARY KEY,
	id                  TEXT NOT NULL UNIQUE,
	display_name        TEXT NOT NULL,
	short_name          TEXT NOT NULL DEFAULT '',
	kind                INTEGER NOT NULL DEFAULT 0,
	sector              TEXT NOT NULL DEFAULT '',
	administrative_unit TEXT NOT NULL DEFAULT '',
	country             TEXT NOT NULL DEFAULT 'VN',
	parent_pk           INTEGER REFERENCES organizations(pk),
	create_time         INTEGER NOT NULL,
	update_time         INTEGER NOT NULL,
	delete_time         INTEGER,
	revision            INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX organizations_kind ON organizations(kind);
CREATE INDEX organizations_unit ON organizations(administrative_unit);
CREATE INDEX organizations_parent ON organizations(parent_pk);

CREATE TABLE qualifications (
	pk                 INTEGER PRIMARY KEY,
	id                 TEXT NOT NULL,
	person_pk          INTEGER NOT NULL REFERENCES people(pk),
	kind               INTEGER NOT NULL,
	level              TEXT NOT NULL DEFAULT '',
	level_rank         INTEGER NOT NULL DEFAULT 0, -- rank of a DEGREE level or ACADEMIC_TITLE
	major              TEXT NOT NULL DEFAULT '',
	field              TEXT NOT NULL DEFAULT '',
	field_code         TEXT NOT NULL DEFAULT '',
	institution        TEXT NOT NULL DEFAULT '',
	country            TEXT NOT NULL DEFAULT '',
	year               INTEGER NOT NULL DEFAULT 0,
	mode_of_study      INTEGER NOT NULL DEFAULT 0,
	document_number    TEXT NOT NULL DEFAULT '',
	language           TEXT NOT NULL DEFAULT '',
	verification_state INTEGER NOT NULL DEFAULT 1,
	verifier           TEXT NOT NULL DEFAULT '',
	verify_time        INTEGER,
	verify_note        TEXT NOT NULL DEFAULT '',
	create_time        INTEGER NOT NULL,
	update_time        INTEGER NOT NULL,
	revision           INTEGER NOT NULL DEFAULT 1,
	UNIQUE (person_pk, id)
) STRICT;
CREATE INDEX qualifications_level ON qualifications(kind, level_rank, person_pk);
CREATE INDEX qualifications_field ON qualifications(field_code, person_pk);

CREATE TABLE positions (
	pk                  INTEGER PRIMARY KEY,
	id                  TEXT NOT NULL,
	person_pk           INTEGER NOT NULL REFERENCES people(pk),
	organization_pk     INTEGER REFERENCES organizations(pk),
	organization_name   TEXT NOT NULL DEFAULT '', -- for an unregistered workplace
	title               TEXT NOT NULL DEFAULT '',
	department          TEXT NOT NULL DEFAULT '',
	employment_type     INTEGER NOT NULL DEFAULT 0,
	start_date          INTEGER NOT NULL DEFAULT 0, -- YYYYMMDD, 0 unknown
	end_date            INTEGER NOT NULL DEFAULT 0, -- YYYYMMDD, 0 open
	is_current          INTEGER NOT NULL DEFAULT 0,
	country             TEXT NOT NULL DEFAULT '',
	administrative_unit TEXT NOT NULL DEFAULT '',
	create_time         INTEGER NOT NULL,
	update_time         INTEGER NOT NULL,
	revision            INTEGER NOT NULL DEFAULT 1,
	UNIQUE (person_pk, id)
) STRICT;
CREATE INDEX positions_organization ON positions(organization_pk, person_pk);
CREATE INDEX positions_current ON positions(person_pk) WHERE is_current = 1;

CREATE TABLE honors (
	pk              INTEGER PRIMARY KEY,
	id              TEXT NOT NULL,
	person_pk       INTEGER NOT NULL REFERENCES people(pk),
	title           TEXT NOT NULL,
	kind            INTEGER NOT NULL DEFAULT 0,
	year            INTEGER NOT NULL DEFAULT 0,
	issuer          TEXT NOT NULL DEFAULT '',
	decision_number TEXT NOT NULL DEFAULT '',
	create_time     INTEGER NOT NULL,
	update_time     INTEGER NOT NULL,
	revision        INTEGER NOT NULL DEFAULT 1,
	UNIQUE (person_pk, id)
) STRICT;
CREATE INDEX honors_kind_year ON honors(kind, year);
