-- The scope of registrar keys limited to an association (DESIGN.md §10).
-- A membership brings its person into the association's scope only while
-- it is PENDING, ACTIVE or SUSPENDED and its link to the person is
-- confirmed: the registration created the person, or a registrar not
-- limited to an association registered or approved it. A limited key that
-- registers someone already in the registry (by national ID or by
-- people/{person}) gets no access to them until then. (This file's number
-- may change when branches merge; nothing depends on it.)
ALTER TABLE memberships ADD COLUMN link_confirmed INTEGER NOT NULL DEFAULT 1;

-- Memberships registered before: a limited key's registration of a person
-- it did not create, never approved by a key without a limit, is
-- unconfirmed. The audit trail says who registered and who approved; a
-- person created by the registration has its create_time.
UPDATE memberships SET link_confirmed = 0
WHERE EXISTS (SELECT 1 FROM people p WHERE p.pk = memberships.person_pk AND p.create_time != memberships.create_time)
	AND EXISTS (SELECT 1 FROM audit_event_resources r JOIN audit_events e ON e.pk = r.event_pk
		WHERE r.resource = (SELECT 'associations/' || a.id FROM associations a WHERE a.pk = memberships.association_pk) || '/memberships/' || memberships.id
			AND e.method = '/trithuc.v1.MembershipService/RegisterMember' AND e.association != '' AND e.code = 'OK')
	AND NOT EXISTS (SELECT 1 FROM audit_event_resources r JOIN audit_events e ON e.pk = r.event_pk
		WHERE r.resource = (SELECT 'associations/' || a.id FROM associations a WHERE a.pk = memberships.association_pk) || '/memberships/' || memberships.id
			AND e.method = '/trithuc.v1.MembershipService/ApproveMembership' AND e.association = '' AND e.code = 'OK');
