-- Console accounts: people who sign in to the web console with a password,
-- beside API keys, and their sessions.

CREATE TABLE accounts (
	id                TEXT PRIMARY KEY,
	email             TEXT NOT NULL UNIQUE,  -- lower case
	name              TEXT NOT NULL,
	role              TEXT NOT NULL,
	association       TEXT,                  -- associations/{id} for a limited registrar
	password_hash     BLOB,                  -- bcrypt; NULL until set through the link
	password_time     INTEGER,
	-- The one-time link to set a password: a hash of its token, and when it
	-- stops working.
	setup_hash        BLOB UNIQUE,
	setup_expire_time INTEGER,
	create_time       INTEGER NOT NULL,
	disable_time      INTEGER
) STRICT;

-- A session is known by a hash of its cookie; id names it in lists.
CREATE TABLE sessions (
	hash           BLOB PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	account_id     TEXT NOT NULL REFERENCES accounts(id),
	csrf           TEXT NOT NULL,
	client_address TEXT NOT NULL,
	create_time    INTEGER NOT NULL,
	last_seen_time INTEGER NOT NULL,
	expire_time    INTEGER NOT NULL,
	revoke_time    INTEGER
) STRICT;

CREATE INDEX sessions_account ON sessions(account_id);
