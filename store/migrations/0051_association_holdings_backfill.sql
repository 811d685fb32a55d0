-- Migration 0049 counted, per person and association, the revisions that
-- changed memberships alone from then on; those before it, which 0048
-- counted (holdings_hidden) and marked in the feed (~holdings), a key
-- limited to an association still saw as changes of the profile: its
-- member's registration with another association, or a change of that
-- membership, from before the upgrade moved the person's etag and
-- update_time as it read them, and its feed told of them. This counts
-- them as 0049 would have (store/holdings.go, touchHidden), from what the
-- database holds.
--
-- The feed says which resource such a change was of: the person's row of
-- the change (~holdings, without ~members) comes right after, in seq, the
-- rows of its transaction's membership and consent of the same person
-- (the write inserts or updates those first, then touches the person;
-- its transaction's rows are consecutive). A change of memberships alone
-- is of the membership the row before it, or, a consent between, the one
-- before that, names; a change of consents alone (~consents) of the
-- consent the row before it names: of its registration's association, or,
-- recorded without a registration, one every key limited to an
-- association reads (0049 left it a change of the profile to them).
--
-- What cannot be told so is hidden from every key limited to an
-- association, its own too: a change whose rows before it are not of that
-- shape, or whose membership, consent or association is gone (~members
-- without ~a{association_pk}), and the revisions the counters hold beyond
-- the feed's rows (a pruned feed, two in one transaction). To hide one of
-- its own association's changes from a key costs it only that the
-- person's etag and update_time do not move for it, as for a change of
-- another's; to show one of another's would tell it what 0049 hides.
-- Admins and the others read revision and update_time, which stay.
CREATE TEMP TABLE backfill_0051 AS
SELECT c.seq, c.person_pk, instr(c.fields, ',~consents,') > 0 AS consents,
	x1.type AS t1, x1.seq AS s1, x1.resource AS r1, x1.association_pk AS a1,
	x2.type AS t2, x2.seq AS s2, x2.resource AS r2, x2.association_pk AS a2,
	CAST(NULL AS INTEGER) AS assoc, CAST(NULL AS TEXT) AS via, 0 AS last_time
FROM changes c
LEFT JOIN changes x1 ON x1.seq = c.seq - 1 AND x1.person_pk = c.person_pk AND x1.type IN (7, 8)
LEFT JOIN changes x2 ON x2.seq = c.seq - 2 AND x2.person_pk = c.person_pk AND x2.type IN (7, 8)
WHERE c.type = 1 AND c.kind = 2 AND c.person_pk IS NOT NULL
	AND instr(c.fields, ',~holdings,') > 0 AND instr(c.fields, ',~members,') = 0;

-- assoc: the association whose change it was; 0 for a consent recorded
-- without a registration (shown to every key); NULL for one not told.
-- via: the row of the resource that says so.
UPDATE backfill_0051 SET via = CASE
	WHEN consents THEN (CASE WHEN t1 = 8 THEN r1 END)
	WHEN t1 = 7 THEN r1
	WHEN t1 = 8 AND t2 = 7 THEN r2 END;
UPDATE backfill_0051 SET assoc = CASE
	WHEN via LIKE 'people/%' THEN (SELECT CASE WHEN k.membership_pk IS NULL THEN 0 ELSE m.association_pk END
		FROM consents k JOIN people p ON p.pk = k.person_pk LEFT JOIN memberships m ON m.pk = k.membership_pk
		WHERE k.person_pk = backfill_0051.person_pk AND via = 'people/' || p.id || '/consents/' || k.id)
	ELSE (SELECT m.association_pk FROM memberships m JOIN associations a ON a.pk = m.association_pk
		WHERE m.person_pk = backfill_0051.person_pk AND via = 'associations/' || a.id || '/memberships/' || m.id) END
WHERE via IS NOT NULL;
-- The membership's (or consent's) update_time is the time of the newest
-- revision that changed it: that of this change when its row is the
-- resource's newest in the feed. For an older one 0 (the person's
-- update_time from before their run of such changes stands for it: an
-- earlier time, never a later one).
UPDATE backfill_0051 SET last_time = IFNULL(CASE
	WHEN via LIKE 'people/%' THEN (SELECT k.update_time FROM consents k JOIN people p ON p.pk = k.person_pk
		WHERE k.person_pk = backfill_0051.person_pk AND via = 'people/' || p.id || '/consents/' || k.id)
	ELSE (SELECT m.update_time FROM memberships m JOIN associations a ON a.pk = m.association_pk
		WHERE m.person_pk = backfill_0051.person_pk AND via = 'associations/' || a.id || '/memberships/' || m.id) END, 0)
WHERE assoc > 0 AND NOT EXISTS (SELECT 1 FROM changes y WHERE y.resource = backfill_0051.via AND y.seq > backfill_0051.seq);

INSERT INTO association_holdings (person_pk, association_pk, changes, last_time)
SELECT person_pk, assoc, count(*), MAX(last_time) FROM backfill_0051 WHERE assoc > 0 GROUP BY person_pk, assoc
ON CONFLICT (person_pk, association_pk) DO UPDATE SET changes = changes + excluded.changes, last_time = MAX(last_time, excluded.last_time);

-- The counters: the changes told (their association's, or none's), and
-- the revisions counted hidden beyond the feed's rows of them. Of
-- holdings_hidden, members_hidden (0049 on) holds its own; the rest are
-- before 0049 or of consents without a registration, each with a row
-- here while the feed keeps it.
CREATE TEMP TABLE backfill_0051_people AS
SELECT p.pk, (SELECT count(*) FROM backfill_0051 b WHERE b.person_pk = p.pk AND (b.assoc IS NULL OR b.assoc > 0))
	+ MAX(0, p.holdings_hidden - p.members_hidden - (SELECT count(*) FROM backfill_0051 b WHERE b.person_pk = p.pk)) AS added
FROM people p WHERE p.holdings_hidden > p.members_hidden;
DELETE FROM backfill_0051_people WHERE added = 0;

-- When the newest revision is one of those, the key reads the update_time
-- from before the run of them: holdings_time is that of the run of all
-- changes of memberships or consents alone, which holds it (the same when
-- all of the run is of memberships; earlier when it holds consents without
-- a registration). Not when the newest is a consent without one.
UPDATE people SET members_last = revision, members_time = CASE WHEN members_last = revision THEN MIN(members_time, holdings_time) ELSE holdings_time END
WHERE pk IN (SELECT pk FROM backfill_0051_people) AND holdings_last = revision
	AND NOT EXISTS (SELECT 1 FROM backfill_0051 b WHERE b.seq = (SELECT MAX(n.seq) FROM changes n
		WHERE n.person_pk = people.pk AND n.type = 1 AND n.resource = 'people/' || people.id) AND b.assoc = 0);
UPDATE people SET members_hidden = members_hidden + (SELECT added FROM backfill_0051_people b WHERE b.pk = people.pk)
WHERE pk IN (SELECT pk FROM backfill_0051_people);

-- The feed's rows, as touchHidden marks them.
UPDATE changes SET fields = fields || '~members,' || IFNULL((SELECT '~a' || b.assoc || ',' FROM backfill_0051 b
	WHERE b.seq = changes.seq AND b.assoc > 0), '')
WHERE seq IN (SELECT seq FROM backfill_0051 WHERE assoc IS NULL OR assoc > 0);

DROP TABLE backfill_0051;
DROP TABLE backfill_0051_people;
