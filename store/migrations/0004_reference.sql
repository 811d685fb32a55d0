-- Reference lists (ReferenceService): seeded from the CSV files embedded in
-- the binary (store/reference/) and updated by `trithuc reference load`.
--
-- origin says who wrote a row last: 'seed' rows follow the data of the
-- binary that runs, 'admin' rows were loaded by an administrator and are
-- never overwritten by seeding. Rows are never deleted: profiles keep
-- referring to codes that a newer list dropped.
-- load_time is microseconds since the Unix epoch, UTC.

CREATE TABLE ref_qualification_levels (
	code       TEXT PRIMARY KEY,
	rank       INTEGER NOT NULL,   -- higher is a higher level; unique, checked on load
	nqf_level  INTEGER NOT NULL,
	isced_2011 INTEGER NOT NULL,   -- 0: none given
	name_vi    TEXT NOT NULL,
	name_en    TEXT NOT NULL,
	awarded    INTEGER NOT NULL,
	origin     TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time  INTEGER NOT NULL
) STRICT;

CREATE TABLE ref_academic_titles (
	code      TEXT PRIMARY KEY,
	rank      INTEGER NOT NULL,
	name_vi   TEXT NOT NULL,
	abbrev_vi TEXT NOT NULL,
	name_en   TEXT NOT NULL,
	origin    TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time INTEGER NOT NULL
) STRICT;

-- S&T fields of every scheme side by side: vn2008, vn2025...
CREATE TABLE ref_fields (
	scheme      TEXT NOT NULL,
	code        TEXT NOT NULL,
	parent_code TEXT NOT NULL,     -- '' at level 1; same scheme
	level       INTEGER NOT NULL,
	name_vi     TEXT NOT NULL,
	name_en     TEXT NOT NULL,
	verified    INTEGER NOT NULL,
	origin      TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time   INTEGER NOT NULL,
	PRIMARY KEY (scheme, code)
) STRICT, WITHOUT ROWID;

CREATE INDEX ref_fields_parent ON ref_fields(scheme, parent_code);

CREATE TABLE ref_ethnic_groups (
	code      TEXT PRIMARY KEY,
	name_vi   TEXT NOT NULL,
	verified  INTEGER NOT NULL,
	origin    TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time INTEGER NOT NULL
) STRICT;

CREATE TABLE ref_countries (
	code      TEXT PRIMARY KEY,
	name_vi   TEXT NOT NULL,
	name_en   TEXT NOT NULL,
	origin    TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time INTEGER NOT NULL
) STRICT;

-- Administrative units, one row per version: a code can name different
-- units at different times (91 was Tỉnh Kiên Giang until 2025-06-30 and is
-- Tỉnh An Giang from 2025-07-01), so a version is keyed by its code and
-- first day. Dates are 'YYYY-MM-DD'; '' is an open end on either side (''
-- sorts before every date, so valid_from <= d holds for an open start).
-- Versions of one code never overlap; loading checks it.
CREATE TABLE ref_admin_units (
	code            TEXT NOT NULL,
	valid_from      TEXT NOT NULL,
	valid_to        TEXT NOT NULL,
	name            TEXT NOT NULL,
	kind            TEXT NOT NULL,    -- province, city, district, ward, commune, special_zone...
	parent_code     TEXT NOT NULL,    -- '' for a province
	successor_codes TEXT NOT NULL,    -- space-separated codes given by the data
	origin          TEXT NOT NULL CHECK (origin IN ('seed', 'admin')),
	load_time       INTEGER NOT NULL,
	PRIMARY KEY (code, valid_from)
) STRICT, WITHOUT ROWID;

CREATE INDEX ref_admin_units_parent ON ref_admin_units(parent_code, code);
