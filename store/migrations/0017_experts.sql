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

-- The associations' pools of experts (issue 17).
CREATE TABLE expert_pools (
	pk             INTEGER PRIMARY KEY,
	id             TEXT NOT NULL,
	association_pk INTEGER NOT NULL REFERENCES associations(pk),
	display_name   TEXT NOT NULL,
	description    TEXT NOT NULL DEFAULT '',
	fields         TEXT NOT NULL DEFAULT '',  -- field names, comma-separated
	roles          TEXT NOT NULL DEFAULT '',  -- Person.ExpertRole numbers, comma-separated
	create_time    INTEGER NOT NULL,
	update_time    INTEGER NOT NULL,
	revision       INTEGER NOT NULL DEFAULT 1,
	UNIQUE (association_pk, id)
) STRICT;

CREATE TABLE expert_pool_members (
	pk          INTEGER PRIMARY KEY,
	id          TEXT NOT NULL,
	pool_pk     INTEGER NOT NULL REFERENCES expert_pools(pk),
	person_pk   INTEGER NOT NULL REFERENCES people(pk),
	role        INTEGER NOT NULL DEFAULT 0,
	status      INTEGER NOT NULL DEFAULT 1,
	create_time INTEGER NOT NULL,
	update_time INTEGER NOT NULL,
	revision    INTEGER NOT NULL DEFAULT 1,
	UNIQUE (pool_pk, id),
	UNIQUE (pool_pk, person_pk)
) STRICT;
CREATE INDEX expert_pool_members_person ON expert_pool_members(person_pk);

CREATE TABLE engagements (
	pk                       INTEGER PRIMARY KEY,
	id                       TEXT NOT NULL,
	pool_pk                  INTEGER NOT NULL REFERENCES expert_pools(pk),
	person_pk                INTEGER NOT NULL REFERENCES people(pk),
	matter_title             TEXT NOT NULL,
	requesting_agency        TEXT NOT NULL DEFAULT '',
	matter_organization_pk   INTEGER REFERENCES organizations(pk),
	decision_number          TEXT NOT NULL DEFAULT '',
	role                     INTEGER NOT NULL,
	start_date               INTEGER NOT NULL,  -- YYYYMMDD
	end_date                 INTEGER NOT NULL DEFAULT 0,
	declared_conflict        TEXT NOT NULL DEFAULT '',
	conflict_override_reason TEXT NOT NULL DEFAULT '',
	outcome                  TEXT NOT NULL DEFAULT '',
	rating                   INTEGER NOT NULL DEFAULT 0,
	create_time              INTEGER NOT NULL,
	update_time              INTEGER NOT NULL,
	revision                 INTEGER NOT NULL DEFAULT 1,
	UNIQUE (pool_pk, id)
) STRICT;
-- The finder counts each person's engagements of the last twelve months.
CREATE INDEX engagements_person_start ON engagements(person_pk, start_date);

-- The yearly campaigns that honour outstanding intellectuals (issue 17).
CREATE TABLE honor_campaigns (
	pk                  INTEGER PRIMARY KEY,
	id                  TEXT NOT NULL UNIQUE,
	display_name        TEXT NOT NULL,
	year                INTEGER NOT NULL,
	kind                INTEGER NOT NULL DEFAULT 0,
	quota               INTEGER NOT NULL,
	nomination_deadline INTEGER NOT NULL,  -- YYYYMMDD
	issuer              TEXT NOT NULL DEFAULT '',
	create_time         INTEGER NOT NULL,
	update_time         INTEGER NOT NULL,
	revision            INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE nominations (
	pk          INTEGER PRIMARY KEY,
	id          TEXT NOT NULL,
	campaign_pk INTEGER NOT NULL REFERENCES honor_campaigns(pk),
	person_pk   INTEGER NOT NULL REFERENCES people(pk),
	nominator   TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	state       INTEGER NOT NULL,
	honor       TEXT NOT NULL DEFAULT '',
	create_time INTEGER NOT NULL,
	update_time INTEGER NOT NULL,
	revision    INTEGER NOT NULL DEFAULT 1,
	UNIQUE (campaign_pk, id),
	UNIQUE (campaign_pk, person_pk)
) STRICT;
CREATE INDEX nominations_person ON nominations(person_pk);

-- Every decision on a nomination, kept beside it.
CREATE TABLE nomination_decisions (
	pk            INTEGER PRIMARY KEY,
	nomination_pk INTEGER NOT NULL REFERENCES nominations(pk),
	state         INTEGER NOT NULL,
	note          TEXT NOT NULL DEFAULT '',
	decider       TEXT NOT NULL DEFAULT '',
	decide_time   INTEGER NOT NULL
) STRICT;
CREATE INDEX nomination_decisions_nomination ON nomination_decisions(nomination_pk);
