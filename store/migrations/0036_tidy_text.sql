-- Short text as the input now keeps it (vntext.Clean: one ASCII space
-- between words whatever space was typed, Đ for an Eth typed for it), for
-- what earlier versions stored as typed: a value stored with a no-break
-- space was found by no filter (whose values are tidied), listed as a
-- conflict when its export was imported again, and an Ðặng sorted among
-- the D's. The columns are those the writes pass through normText, but
-- for resource names (fields, parents), which are checked to exist.
--
-- A column at a time, and only the rows it changes: the change feed's
-- triggers record what changed of each (the tidied value is what a
-- reader now gets), and the triggers AFTER UPDATE OF a column do not run
-- for a value left as it was. Revisions stay: the text is the same to
-- every comparison. The writer's connection has trithuc_clean for this;
-- search version 8 (store/search.go) then rebuilds every sort key and
-- the search indexes from the tidied text.

UPDATE people SET family_name = trithuc_clean(family_name) WHERE family_name != trithuc_clean(family_name);
UPDATE people SET middle_name = trithuc_clean(middle_name) WHERE middle_name != trithuc_clean(middle_name);
UPDATE people SET given_name = trithuc_clean(given_name) WHERE given_name != trithuc_clean(given_name);
UPDATE people SET display_name = trithuc_clean(display_name) WHERE display_name != trithuc_clean(display_name);
UPDATE people SET ethnicity = trithuc_clean(ethnicity) WHERE ethnicity != trithuc_clean(ethnicity);
UPDATE people SET national_id = trithuc_clean(national_id) WHERE national_id != trithuc_clean(IFNULL(national_id, ''));
UPDATE people SET email = trithuc_clean(email) WHERE email != trithuc_clean(email);
UPDATE people SET phone = trithuc_clean(phone) WHERE phone != trithuc_clean(phone);
UPDATE people SET hometown = trithuc_clean(hometown) WHERE hometown != trithuc_clean(hometown);
UPDATE people SET address = trithuc_clean(address) WHERE address != trithuc_clean(address);
UPDATE people SET work_country = trithuc_clean(work_country) WHERE work_country != trithuc_clean(work_country);

UPDATE person_identifiers SET orcid = trithuc_clean(orcid) WHERE orcid != trithuc_clean(orcid);
UPDATE person_identifiers SET civil_servant_code = trithuc_clean(civil_servant_code) WHERE civil_servant_code != trithuc_clean(civil_servant_code);

UPDATE qualifications SET level = trithuc_clean(level) WHERE level != trithuc_clean(level);
UPDATE qualifications SET major = trithuc_clean(major) WHERE major != trithuc_clean(major);
UPDATE qualifications SET field = trithuc_clean(field) WHERE field != trithuc_clean(field);
UPDATE qualifications SET institution = trithuc_clean(institution) WHERE institution != trithuc_clean(institution);
UPDATE qualifications SET country = trithuc_clean(country) WHERE country != trithuc_clean(country);
UPDATE qualifications SET document_number = trithuc_clean(document_number) WHERE document_number != trithuc_clean(document_number);
UPDATE qualifications SET language = trithuc_clean(language) WHERE language != trithuc_clean(language);

UPDATE positions SET organization_name = trithuc_clean(organization_name) WHERE organization_name != trithuc_clean(organization_name);
UPDATE positions SET title = trithuc_clean(title) WHERE title != trithuc_clean(title);
UPDATE positions SET department = trithuc_clean(department) WHERE department != trithuc_clean(department);
UPDATE positions SET country = trithuc_clean(country) WHERE country != trithuc_clean(country);
UPDATE positions SET administrative_unit = trithuc_clean(administrative_unit) WHERE administrative_unit != trithuc_clean(administrative_unit);

UPDATE honors SET title = trithuc_clean(title) WHERE title != trithuc_clean(title);
UPDATE honors SET issuer = trithuc_clean(issuer) WHERE issuer != trithuc_clean(issuer);
UPDATE honors SET decision_number = trithuc_clean(decision_number) WHERE decision_number != trithuc_clean(decision_number);

UPDATE works SET title = trithuc_clean(title) WHERE title != trithuc_clean(title);
UPDATE works SET doi = trithuc_clean(doi) WHERE doi != trithuc_clean(doi);
UPDATE works SET document_number = trithuc_clean(document_number) WHERE document_number != trithuc_clean(document_number);
UPDATE works SET venue = trithuc_clean(venue) WHERE venue != trithuc_clean(venue);
UPDATE works SET field = trithuc_clean(field) WHERE field != trithuc_clean(field);

UPDATE organizations SET display_name = trithuc_clean(display_name) WHERE display_name != trithuc_clean(display_name);
UPDATE organizations SET short_name = trithuc_clean(short_name) WHERE short_name != trithuc_clean(short_name);
UPDATE organizations SET sector = trithuc_clean(sector) WHERE sector != trithuc_clean(sector);
UPDATE organizations SET administrative_unit = trithuc_clean(administrative_unit) WHERE administrative_unit != trithuc_clean(administrative_unit);
UPDATE organizations SET country = trithuc_clean(country) WHERE country != trithuc_clean(country);

UPDATE associations SET display_name = trithuc_clean(display_name) WHERE display_name != trithuc_clean(display_name);
UPDATE associations SET short_name = trithuc_clean(short_name) WHERE short_name != trithuc_clean(short_name);
UPDATE associations SET code = trithuc_clean(code) WHERE code != trithuc_clean(code);
UPDATE associations SET member_number_format = trithuc_clean(member_number_format) WHERE member_number_format != trithuc_clean(member_number_format);

UPDATE expert_pools SET display_name = trithuc_clean(display_name) WHERE display_name != trithuc_clean(display_name);

UPDATE engagements SET matter_title = trithuc_clean(matter_title) WHERE matter_title != trithuc_clean(matter_title);
UPDATE engagements SET requesting_agency = trithuc_clean(requesting_agency) WHERE requesting_agency != trithuc_clean(requesting_agency);
UPDATE engagements SET decision_number = trithuc_clean(decision_number) WHERE decision_number != trithuc_clean(decision_number);

UPDATE honor_campaigns SET display_name = trithuc_clean(display_name) WHERE display_name != trithuc_clean(display_name);
UPDATE honor_campaigns SET issuer = trithuc_clean(issuer) WHERE issuer != trithuc_clean(issuer);

UPDATE nominations SET nominator = trithuc_clean(nominator) WHERE nominator != trithuc_clean(nominator);

UPDATE review_campaigns SET display_name = trithuc_clean(display_name) WHERE display_name != trithuc_clean(display_name);

UPDATE data_subject_requests SET requester = trithuc_clean(requester) WHERE requester != trithuc_clean(requester);

UPDATE consents SET text_version = trithuc_clean(text_version) WHERE text_version != trithuc_clean(text_version);
