-- Association membership (MembershipService): the science associations, the
-- memberships of people in them with their consents and possible
-- duplicates, and the running counters member numbers are made from.

CREATE TABLE associations (
	pk                   INTEGER PRIMARY KEY,
	id                   TEXT NOT NULL UNIQUE,
	display_name         TEXT NOT NULL,
	short_name           TEXT NOT NULL DEFAULT '',
	code                 TEXT NOT NULL,          -- upper case; begins member numbers
	parent_pk            INTEGER REFERENCES associations(pk),
	member_number_format TEXT NOT NULL,
	create_time          INTEGER NOT NULL,
	update_time          INTEGER NOT NULL,
	delete_time          INTEGER,
	revision             INTEGER NOT NULL DEFAULT 1
) STRICT;
-- A code belongs to one live association.
CREATE UNIQUE INDEX associations_code ON associations(code) WHERE delete_time IS NULL;
CREATE INDEX associations_parent ON associations(parent_pk);

-- The S&T fields an association focuses on.
CREATE TABLE association_fields (
	association_pk INTEGER NOT NULL REFERENCES associations(pk) ON DELETE CASCADE,
	ordinal        INTEGER NOT NULL,
	field          TEXT NOT NULL,   -- fields/{scheme}-{code}
	code           TEXT NOT NULL,
	PRIMARY KEY (association_pk, field)
) STRICT, WITHOUT ROWID;

CREATE TABLE memberships (
	pk                  INTEGER PRIMARY KEY,  -- registration order; keyset for paging
	id                  TEXT NOT NULL,
	association_pk      INTEGER NOT NULL REFERENCES associations(pk),
	person_pk           INTEGER NOT NULL REFERENCES people(pk),
	state               INTEGER NOT NULL,     -- Membership.State
	member_number       TEXT NOT NULL DEFAULT '',
	apply_time          INTEGER NOT NULL,
	approve_time        INTEGER,
	end_time            INTEGER,
	state_time          INTEGER NOT NULL,
	state_reason        TEXT NOT NULL DEFAULT '',
	notes               TEXT NOT NULL DEFAULT '',
	duplicates_resolved INTEGER NOT NULL DEFAULT 0,
	create_time         INTEGER NOT NULL,
	update_time         INTEGER NOT NULL,
	revision            INTEGER NOT NULL DEFAULT 1,
	UNIQUE (association_pk, id)
) STRICT;
-- A member number is unique within its association.
CREATE UNIQUE INDEX memberships_number ON memberships(association_pk, member_number) WHERE member_number != '';
-- A person holds at most one membership of an association that has not
-- ended: PENDING (1), ACTIVE (2) or SUSPENDED (3).
CREATE UNIQUE INDEX memberships_open ON memberships(association_pk, person_pk) WHERE state IN (1, 2, 3);
CREATE INDEX memberships_person ON memberships(person_pk);
CREATE INDEX memberships_state ON memberships(state, association_pk);

-- The registered people a registration resembles; reasons are
-- PossibleDuplicate.Reason numbers, comma-separated.
CREATE TABLE membership_duplicates (
	membership_pk INTEGER NOT NULL REFERENCES memberships(pk) ON DELETE CASCADE,
	person_pk     INTEGER NOT NULL REFERENCES people(pk),
	reasons       TEXT NOT NULL,
	PRIMARY KEY (membership_pk, person_pk)
) STRICT, WITHOUT ROWID;

-- The consent given with a registration; purposes are Consent.Purpose
-- numbers, comma-separated. A withdrawal is recorded, never deleted.
CREATE TABLE consents (
	pk            INTEGER PRIMARY KEY,
	person_pk     INTEGER NOT NULL REFERENCES people(pk),
	membership_pk INTEGER NOT NULL UNIQUE REFERENCES memberships(pk),
	purposes      TEXT NOT NULL,
	text_version  TEXT NOT NULL,
	consent_time  INTEGER NOT NULL,
	withdraw_time INTEGER,
	create_time   INTEGER NOT NULL
) STRICT;
CREATE INDEX consents_person ON consents(person_pk);

-- The last running number of member numbers given, per association and year
-- of approval (year 0 when the association's format has no {year}). It is
-- advanced inside the approval's write transaction, so that numbers have
-- neither duplicates nor gaps.
CREATE TABLE member_counters (
	association_pk INTEGER NOT NULL REFERENCES associations(pk),
	year           INTEGER NOT NULL,
	last_seq       INTEGER NOT NULL,
	PRIMARY KEY (association_pk, year)
) STRICT, WITHOUT ROWID;

-- What a registration's possible duplicates are found by: the same email
-- (ASCII case-insensitive), or the same birth date and name.
CREATE INDEX people_email ON people(email COLLATE NOCASE) WHERE delete_time IS NULL AND email != '';
CREATE INDEX people_birth_date ON people(birth_year, birth_month, birth_day) WHERE delete_time IS NULL;
