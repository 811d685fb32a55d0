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
DROP TRIGGER IF EXISTS memberships_link_confirmed;
DROP VIEW IF EXISTS consents_counted;

CREATE VIEW consents_counted AS
	SELECT c.* FROM consents c
	WHERE c.membership_pk IS NULL
		OR EXISTS (SELECT 1 FROM memberships m WHERE m.pk = c.membership_pk AND m.link_confirmed = 1);

CREATE TRIGGER consents_restrict_insert AFTER INSERT ON consents BEGIN
	UPDATE people SET restricted = (restricted & ~1)
		| (EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk)
			AND NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
				AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%')))
	WHERE pk = NEW.person_pk;
END;
CREATE TRIGGER consents_restrict_update AFTER UPDATE ON consents BEGIN
	UPDATE people SET restricted = (restricted & ~1)
		| (EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk)
			AND NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
				AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%')))
	WHERE pk = NEW.person_pk;
END;
CREATE TRIGGER consents_contact_insert AFTER INSERT ON consents BEGIN
	UPDATE people SET contact_allowed = NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk)
		OR EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))
	WHERE pk = NEW.person_pk;
END;
CREATE TRIGGER consents_contact_update AFTER UPDATE ON consents BEGIN
	UPDATE people SET contact_allowed = NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk)
		OR EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))
	WHERE pk = NEW.person_pk;
END;

-- The approval that confirms a link makes the registration's consent count.
CREATE TRIGGER memberships_link_confirmed AFTER UPDATE OF link_confirmed ON memberships
WHEN NEW.link_confirmed IS NOT OLD.link_confirmed BEGIN
	UPDATE people SET
		restricted = (restricted & ~1)
			| (EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk)
				AND NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
					AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%'))),
		contact_allowed = NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk)
			OR EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
				AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))
	WHERE pk = NEW.person_pk;
END;

-- People whose flags such a consent set already.
UPDATE people SET
	restricted = (restricted & ~1)
		| (EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = people.pk)
			AND NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = people.pk AND c.withdraw_time IS NULL
				AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,1,%'))),
	contact_allowed = NOT EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = people.pk)
		OR EXISTS (SELECT 1 FROM consents_counted c WHERE c.person_pk = people.pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))
WHERE pk IN (SELECT c.person_pk FROM consents c JOIN memberships m ON m.pk = c.membership_pk WHERE m.link_confirmed = 0);
