// Package schemaundo holds what tests that start from an older database
// run to take the store's newer migrations back out: one list, so that a
// new migration's undo is written once rather than in each such test
// (cmd/trithuc's upgrade, server's spellings, store's changes and tidy).
package schemaundo

// StandIn makes people_change_update as a trigger that does nothing, for
// tests whose older migrations do not fire it before 0048 makes it again.
const StandIn = `CREATE TRIGGER people_change_update AFTER UPDATE ON people BEGIN SELECT 1; END`

// Since0045 returns the statements that undo migrations 0045 to the
// newest, in the order to run them. peopleChangeUpdate makes the trigger
// people_change_update as it stood before 0048: StandIn, or 0033's where
// the test's older migrations fire it.
func Since0045(peopleChangeUpdate string) []string {
	undo := []string{
		// 0045 undone: its triggers (it makes them again), indexes and columns.
		`DROP TRIGGER positions_work_insert`,
		`DROP TRIGGER positions_work_update`,
		`DROP TRIGGER positions_work_delete`,
		`DROP INDEX people_middle_key`,
		`DROP INDEX people_display_key`,
		`DROP INDEX people_statistics`,
		`ALTER TABLE people DROP COLUMN middle_key`,
		`ALTER TABLE people DROP COLUMN display_key`,
		`ALTER TABLE people DROP COLUMN current_positions`,
		// 0046 undone: its column, which its trigger (made again by it,
		// here a stand-in for 0033's) names.
		`DROP TRIGGER qualifications_change_update`,
		`ALTER TABLE qualifications DROP COLUMN degree_title`,
		`CREATE TRIGGER qualifications_change_update AFTER UPDATE ON qualifications BEGIN SELECT 1; END`,
		// 0047 undone: its column.
		`ALTER TABLE profile_reviews DROP COLUMN confirmer_principal`,
	}
	// 0049 on, undone as they are before 0048's: with a stand-in for its
	// trigger, which goes with its columns next.
	undo = append(undo, Since0049(StandIn)...)
	return append(undo,
		// 0048 undone: its trigger (made again by it, here a stand-in
		// for 0033's or the caller's) and columns.
		`DROP TRIGGER people_change_update`,
		`ALTER TABLE people DROP COLUMN holdings_hidden`,
		`ALTER TABLE people DROP COLUMN holdings_last`,
		`ALTER TABLE people DROP COLUMN holdings_time`,
		`ALTER TABLE people DROP COLUMN consents_hidden`,
		`ALTER TABLE people DROP COLUMN consents_last`,
		`ALTER TABLE people DROP COLUMN consents_time`,
		peopleChangeUpdate)
}

// Since0049 returns the statements that undo migrations 0049 to the
// newest, in the order to run them. peopleChangeUpdate makes the trigger
// people_change_update as 0048 made it (or a stand-in, when 0048 is
// undone next). The caller forgets the versions in schema_migrations.
// Each new migration adds its undo here, at the end.
func Since0049(peopleChangeUpdate string) []string {
	return []string{
		// 0049 undone: its trigger, columns and table, and the feed's
		// marks of the changes of memberships alone (touchHidden appends
		// them last: ~members, then ~a{association_pk} marks).
		`DROP TRIGGER people_change_update`,
		`ALTER TABLE people DROP COLUMN members_hidden`,
		`ALTER TABLE people DROP COLUMN members_last`,
		`ALTER TABLE people DROP COLUMN members_time`,
		`DROP TABLE association_holdings`,
		`UPDATE changes SET fields = CASE WHEN instr(f, ',~a') > 0 THEN substr(f, 1, instr(f, ',~a')) ELSE f END
			FROM (SELECT seq AS s, replace(fields, '~members,', '') AS f FROM changes WHERE instr(fields, ',~') > 0)
			WHERE seq = s`,
		peopleChangeUpdate,
		// 0050 undone: its columns.
		`ALTER TABLE honor_campaigns DROP COLUMN delete_time`,
		`ALTER TABLE expert_pools DROP COLUMN delete_time`,
		// 0051 undone: nothing; what it counted and marked went with 0049.
		// 0052 undone: the attach clock and its triggers.
		`DROP TRIGGER organizations_attach_update`,
		`DROP TRIGGER organizations_attach_delete`,
		`DROP TRIGGER positions_attach_current`,
		`DROP TABLE attach_clock`,
		// 0053 undone: people_change_insert as 0033 made it.
		`DROP TRIGGER people_change_insert`,
		peopleChangeInsert0033,
		// 0054 undone: the indexes as 0032 made them.
		`DROP INDEX people_highest_level_rank`,
		`CREATE INDEX people_highest_level_rank ON people(highest_level_rank, restricted, gender, ethnicity, hometown, birth_year)
			WHERE delete_time IS NULL`,
		`DROP INDEX people_hometown`,
		`CREATE INDEX people_hometown ON people(hometown, restricted, highest_level_rank, gender, ethnicity) WHERE delete_time IS NULL`,
	}
}

// peopleChangeInsert0033 is the trigger people_change_insert as migration
// 0033 made it and 0053 replaced it.
const peopleChangeInsert0033 = `CREATE TRIGGER people_change_insert AFTER INSERT ON people BEGIN
	UPDATE changes SET kind = CASE WHEN 1 = 2 THEN kind ELSE 1 END,
		fields = CASE WHEN kind = 1 THEN fields ELSE fields || '' END
	WHERE seq = (SELECT seq FROM changes WHERE seq > (SELECT start FROM change_clock) AND resource = 'people/' || NEW.id);
	INSERT INTO changes (change_time, resource, type, kind, fields, person_pk, association_pk)
	SELECT CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER), r, 1, 1, ',' || '', NEW.pk, NULL FROM (SELECT 'people/' || NEW.id AS r)
	WHERE r IS NOT NULL AND changes() = 0;
END`
