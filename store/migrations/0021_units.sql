-- Keys and console accounts limited to an organization, a unit (issue 21):
-- they read and keep the people who hold a current position there or at an
-- organization under it (store/unitscope.go). A key or an account is
-- limited to an association or to an organization, never both. (This
-- file's number may change when branches merge; nothing depends on it.)
ALTER TABLE api_keys ADD COLUMN organization TEXT;
ALTER TABLE accounts ADD COLUMN organization TEXT;

-- Review campaigns (rà soát): each unit confirms or corrects the profiles
-- of its people by a deadline. The profile reviews are fixed when the
-- campaign opens (the people who then hold a current position at one of
-- its organizations or one under it); whether a profile changed during it
-- is read from the change feed, after start_seq (and up to end_seq once
-- closed).
CREATE TABLE review_campaigns (
	pk           INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	deadline     INTEGER NOT NULL,          -- YYYYMMDD
	state        INTEGER NOT NULL,          -- ReviewCampaign.State
	start_seq    INTEGER NOT NULL,          -- the feed's head when it opened
	end_seq      INTEGER,                   -- the feed's head when it closed
	close_time   INTEGER,
	create_time  INTEGER NOT NULL,
	update_time  INTEGER NOT NULL,
	revision     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE review_campaign_units (
	campaign_pk     INTEGER NOT NULL REFERENCES review_campaigns(pk),
	ord             INTEGER NOT NULL,
	organization_pk INTEGER NOT NULL REFERENCES organizations(pk),
	PRIMARY KEY (campaign_pk, ord)
) STRICT;

CREATE TABLE profile_reviews (
	pk              INTEGER PRIMARY KEY,
	campaign_pk     INTEGER NOT NULL REFERENCES review_campaigns(pk),
	person_pk       INTEGER NOT NULL REFERENCES people(pk),
	organization_pk INTEGER NOT NULL REFERENCES organizations(pk),
	confirm_time    INTEGER,
	confirmer       TEXT NOT NULL DEFAULT '',
	create_time     INTEGER NOT NULL,
	update_time     INTEGER NOT NULL,
	revision        INTEGER NOT NULL DEFAULT 1,
	UNIQUE (campaign_pk, person_pk)
) STRICT;
CREATE INDEX profile_reviews_person ON profile_reviews(person_pk);
-- The feed read per person: did anything of theirs change after a seq.
CREATE INDEX changes_person ON changes(person_pk, seq) WHERE person_pk IS NOT NULL;
