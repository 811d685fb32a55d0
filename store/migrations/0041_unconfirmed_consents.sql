-- A consent given through a registration whose link to the person is not
-- confirmed (a key limited to an association that named someone outside
-- its scope, by national ID or by name: memberships.link_confirmed, 0009)
-- may not be that person's at all. Until a registrar without a limit
-- confirms the link, it neither restores contact details the person
-- withholds, nor hides those they allow, nor keeps a profile whose own
-- consents are withdrawn from being restricted: people.restricted (bit 1)
-- and people.contact_allowed (0010, 0016) count the other consents only,
-- and a person whose consents on record are all such is one with none.
-- Every statement may run again (tests replay migrations).
DROP TRIGGER IF EXISTS consents_restrict_insert;
DROP TRIGGER IF EXISTS consents_restrict_update;
DROP TRIGGER IF EXISTS consents_contact_insert;
DROP TRIGGER IF EXISTS consents_contact_update;
DROP TRIGGER IF EXISTS consents_flags_insert;
DROP TRIGGER IF EXISTS consents_flags_update;
DROP TRIGGER IF EXISTS memberships_link_confirmed;
DROP VIEW IF EXISTS consent_flags;
DROP VIEW IF EXISTS consents_counted;

CREATE VIEW consents_counted AS
	SELECT c.* FROM consents c
	WHERE c.membership_pk IS NULL
		OR EXISTS (SELECT 1 FROM memberships m WHERE m.pk = c.membership_pk AND m.link_confirmed = 1);

-- What a person's counted consents make of the two flags, in one place:
-- withdrawn (restricted's bit 1) when there are consents and none in force
-- is for the registry (purpose 1) or a legal duty (basis 2); contact
-- allowed when there are none, or one in force is for contact (purpose 2)
-- or a legal duty.
CREATE VIEW consent_flags AS
	SELECT p.pk AS person_pk,
		(EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = p.pk)
			AND NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = p.pk AND c.withdraw_time IS NULL
				AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%'))) AS withdrawn,
		(NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = p.pk)
			OR EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = p.pk AND c.withdraw_time IS NULL
				AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))) AS contact_allowed
	FROM people p;

CREATE TRIGGER consents_flags_insert AFTER INSERT ON consents BEGIN
	UPDATE people SET
		restricted = (restricted & ~1) | (SELECT f.withdrawn FROM consent_flags f WHERE f.person_pk = NEW.person_pk),
		contact_allowed = (SELECT f.contact_allowed FROM consent_flags f WHERE f.person_pk = NEW.person_pk)
	WHERE pk = NEW.person_pk;
END;
CREATE TRIGGER consents_flags_update AFTER UPDATE ON consents BEGIN
	UPDATE people SET
		restricted = (restricted & ~1) | (SELECT f.withdrawn FROM consent_flags f WHERE f.person_pk = NEW.person_pk),
		contact_allowed = (SELECT f.contact_allowed FROM consent_flags f WHERE f.person_pk = NEW.person_pk)
	WHERE pk = NEW.person_pk;
END;

-- The approval that confirms a link makes the registration's consent count.
CREATE TRIGGER memberships_link_confirmed AFTER UPDATE OF link_confirmed ON memberships
WHEN NEW.link_confirmed IS NOT OLD.link_confirmed BEGIN
	UPDATE people SET
		restricted = (restricted & ~1) | (SELECT f.withdrawn FROM consent_flags f WHERE f.person_pk = NEW.person_pk),
		contact_allowed = (SELECT f.contact_allowed FROM consent_flags f WHERE f.person_pk = NEW.person_pk)
	WHERE pk = NEW.person_pk;
END;

-- People whose flags such a consent set already.
UPDATE people SET
	restricted = (restricted & ~1) | (SELECT f.withdrawn FROM consent_flags f WHERE f.person_pk = people.pk),
	contact_allowed = (SELECT f.contact_allowed FROM consent_flags f WHERE f.person_pk = people.pk)
WHERE pk IN (SELECT c.person_pk FROM consents c JOIN memberships m ON m.pk = c.membership_pk WHERE m.link_confirmed = 0);
