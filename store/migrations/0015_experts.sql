-- What a person has produced (issue 17), and the identifiers that tie a
-- profile to other registries. (Reserved as 0018 on main; renumbered at
-- merge.)
CREATE TABLE works (
	pk              INTEGER PRIMARY KEY,
	id              TEXT NOT NULL,
	person_pk       INTEGER NOT NULL REFERENCES people(pk),
	kind            INTEGER NOT NULL,
	title           TEXT NOT NULL,
	year            INTEGER NOT NULL DEFAULT 0,
	role            INTEGER NOT NULL DEFAULT 0,
	level           INTEGER NOT NULL DEFAULT 0,
	doi             TEXT NOT NULL DEFAULT '',
	document_number TEXT NOT NULL DEFAULT '',
	venue           TEXT NOT NULL DEFAULT '',
	field           TEXT NOT NULL DEFAULT '',
	create_time     INTEGER NOT NULL,
	update_time     INTEGER NOT NULL,
	revision        INTEGER NOT NULL DEFAULT 1,
	UNIQUE (person_pk, id)
) STRICT;
CREATE INDEX works_kind_year ON works(kind, year);

-- One row per person who has an external identifier; most have none, so
-- the people row stays as it is.
CREATE TABLE person_identifiers (
	person_pk          INTEGER PRIMARY KEY REFERENCES people(pk),
	orcid              TEXT NOT NULL DEFAULT '',
	civil_servant_code TEXT NOT NULL DEFAULT ''
) STRICT;
