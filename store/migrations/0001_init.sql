-- The foundation: settings, API keys, people, and the record of requests that
-- makes creates idempotent (AIP-155).
-- Times are microseconds since the Unix epoch, UTC.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value ANY
) STRICT;

CREATE TABLE api_keys (
	id             TEXT PRIMARY KEY,       -- public part, shown in listings
	hash           BLOB NOT NULL UNIQUE,   -- SHA-256 of the whole key
	name           TEXT NOT NULL,
	role           TEXT NOT NULL,
	create_time    INTEGER NOT NULL,
	expire_time    INTEGER,
	revoke_time    INTEGER,
	last_used_time INTEGER
) STRICT;

CREATE TABLE people (
	pk           INTEGER PRIMARY KEY,      -- registration order; keyset for paging
	id           TEXT NOT NULL UNIQUE,     -- the {person} in people/{person}
	family_name  TEXT NOT NULL DEFAULT '',
	middle_name  TEXT NOT NULL DEFAULT '',
	given_name   TEXT NOT NULL DEFAULT '',
	display_name TEXT NOT NULL DEFAULT '',
	gender       INTEGER NOT NULL DEFAULT 0,
	birth_year   INTEGER NOT NULL DEFAULT 0,
	birth_month  INTEGER NOT NULL DEFAULT 0,
	birth_day    INTEGER NOT NULL DEFAULT 0,
	ethnicity    TEXT NOT NULL DEFAULT '',
	national_id  TEXT,                     -- NULL when unknown, so it never collides
	email        TEXT NOT NULL DEFAULT '',
	phone        TEXT NOT NULL DEFAULT '',
	hometown     TEXT NOT NULL DEFAULT '',
	create_time  INTEGER NOT NULL,
	update_time  INTEGER NOT NULL,
	delete_time  INTEGER,
	revision     INTEGER NOT NULL DEFAULT 1
) STRICT;

-- A national ID belongs to one live person; deleted profiles keep theirs.
CREATE UNIQUE INDEX people_national_id ON people(national_id)
	WHERE national_id IS NOT NULL AND delete_time IS NULL;

CREATE TABLE requests (
	principal    TEXT NOT NULL,
	method       TEXT NOT NULL,
	request_id   TEXT NOT NULL,
	payload_hash BLOB NOT NULL,
	response     BLOB NOT NULL,
	create_time  INTEGER NOT NULL,
	PRIMARY KEY (principal, method, request_id)
) STRICT, WITHOUT ROWID;
