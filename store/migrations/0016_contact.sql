-- The CONTACT purpose takes effect: people.contact_allowed says whether a
-- person's email, phone and address may be used, kept by the triggers
-- below as people.restricted is by those of 0010. A person with no consent
-- on record was registered under the registry's public duty and may be
-- contacted; otherwise a consent in force must list CONTACT (purpose 2) or
-- rest on a public duty (basis 2). Only admins read the contact details of
-- the others (server/contact.go). (This file's number may change when
-- branches merge; nothing depends on it.)
ALTER TABLE people ADD COLUMN contact_allowed INTEGER NOT NULL DEFAULT 1;

CREATE TRIGGER consents_contact_insert AFTER INSERT ON consents BEGIN
	UPDATE people SET contact_allowed = EXISTS (SELECT 1 FROM consents c
		WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))
	WHERE pk = NEW.person_pk;
END;
CREATE TRIGGER consents_contact_update AFTER UPDATE ON consents BEGIN
	UPDATE people SET contact_allowed = EXISTS (SELECT 1 FROM consents c
		WHERE c.person_pk = NEW.person_pk AND c.withdraw_time IS NULL
			AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'))
	WHERE pk = NEW.person_pk;
END;

UPDATE people SET contact_allowed = 0
WHERE EXISTS (SELECT 1 FROM consents c WHERE c.person_pk = people.pk)
	AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.person_pk = people.pk AND c.withdraw_time IS NULL
		AND (c.legal_basis = 2 OR ',' || c.purposes || ',' LIKE '%,2,%'));
