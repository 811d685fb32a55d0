package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"trithuc.gov.vn/trithuc/internal/schemaundo"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// makeDatabase makes a database of this version at path, holding one
// person named given, and returns the id of an admin key made in it.
func makeDatabase(t *testing.T, path, given string) string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Lê", GivenName: given, Phone: "0912 345 678"}, store.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	k, _, err := db.CreateKey(ctx, "ops", "admin", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return k.ID
}

// makeOlder turns the database at path into one of schema 36, as the
// previous version left it, with a search index of an older version. With
// broken set, migration 0037's column is left in place: the database says
// it has schema 36 but 0037 fails on it ("duplicate column").
func makeOlder(t *testing.T, path string, broken bool) {
	t.Helper()
	stmts := []string{
		`DELETE FROM schema_migrations WHERE version >= 37`,
		`UPDATE settings SET value = 3 WHERE key = 'search_version'`,
		// 0040 undone, whose index needs 0038's column.
		`DROP INDEX positions_current_last_day`,
		`DROP INDEX positions_start`,
		// 0038 undone, its view as the triggers of 0007 need it meanwhile.
		`DROP VIEW person_work`,
		`CREATE VIEW person_work(person_pk, current_unit, current_org_kind, current_employment, unit_on_20250630) AS SELECT 0, '', 0, 0, ''`,
		`ALTER TABLE positions DROP COLUMN last_day`,
		// 0039 rekeys phones alone: it runs again as it is.
		// 0042 undone, as it runs again: its column, and its triggers,
		// which write it (0042 makes them again).
		`DROP TRIGGER positions_change_update`,
		`DROP TRIGGER positions_change_delete`,
		// 0044's index of the column, which runs again after it.
		`DROP INDEX changes_moved_organization`,
		`ALTER TABLE changes DROP COLUMN organization_pk`,
		// 0043 undone.
		`ALTER TABLE people DROP COLUMN registry_start`,
	}
	stmts = append(stmts, schemaundo.Since0045(schemaundo.StandIn)...)
	if !broken {
		stmts = append(stmts, `DROP INDEX people_phone_key`, `ALTER TABLE people DROP COLUMN phone_key`)
	}
	execSQL(t, path, stmts...)
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// schemaOf is the schema version of the database at path, read without
// changing it.
func schemaOf(t *testing.T, path string) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var v int
	if err := conn.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// givenNames lists the given names of the people in the database at path,
// read without changing it.
func givenNames(t *testing.T, path string) []string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT given_name FROM people ORDER BY pk`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// Restoring an older backup migrates a copy of it before it replaces the
// database: a backup that fails to migrate leaves the database as it was,
// and the error says so; one that migrates replaces it, saying on stderr
// what it did meanwhile.
func TestRestoreUpgradesBeforeReplacing(t *testing.T) {
	dir := t.TempDir()
	cur := filepath.Join(dir, "cur.db")
	makeDatabase(t, cur, "Hiện")

	broken := filepath.Join(dir, "broken.db")
	makeDatabase(t, broken, "Hỏng")
	makeOlder(t, broken, true)
	out, err := cli(t, "restore", "--db", cur, "--force", broken)
	if err == nil {
		t.Fatalf("restored a backup whose migration fails:\n%s", out)
	}
	if msg := err.Error(); !strings.Contains(msg, "0037_phone_keys.sql") || !strings.Contains(msg, cur+" was not replaced") {
		t.Errorf("error %q does not say the migration failed and the database was kept", msg)
	}
	if got := givenNames(t, cur); len(got) != 1 || got[0] != "Hiện" {
		t.Errorf("after a failed restore the database holds %q, want the previous one's [Hiện]", got)
	}
	if v := schemaOf(t, cur); v != store.SchemaVersion() {
		t.Errorf("after a failed restore the database has schema %d, want %d", v, store.SchemaVersion())
	}
	if left, _ := filepath.Glob(cur + ".restoring*"); len(left) != 0 {
		t.Errorf("a failed restore left %q", left)
	}

	old := filepath.Join(dir, "old.db")
	makeDatabase(t, old, "Cũ")
	makeOlder(t, old, false)
	stdout, stderr, err := cliApart(t, "restore", "--db", cur, "--force", old)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "Restored "+cur) {
		t.Errorf("stdout %q", stdout)
	}
	for _, want := range []string{"applying migration 0037_phone_keys.sql", "applied migration 0037_phone_keys.sql in", "rebuilding the search index", "search index rebuilt"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("restore's stderr does not say %q:\n%s", want, stderr)
		}
	}
	if got := givenNames(t, cur); len(got) != 1 || got[0] != "Cũ" {
		t.Errorf("after restoring the database holds %q, want the backup's [Cũ]", got)
	}
	if v := schemaOf(t, cur); v != store.SchemaVersion() {
		t.Errorf("the restored database has schema %d, want %d", v, store.SchemaVersion())
	}
}

// backup only reads: the database of an older server keeps its schema,
// and so does its backup, which restore upgrades.
func TestBackupLeavesOlderSchema(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	makeDatabase(t, live, "Cũ")
	makeOlder(t, live, false)
	before, err := os.ReadFile(live)
	if err != nil {
		t.Fatal(err)
	}
	pre := filepath.Join(dir, "pre.db")
	if out, err := cli(t, "backup", "--db", live, pre); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if v := schemaOf(t, live); v != 36 {
		t.Errorf("backup changed the database's schema to %d, want 36", v)
	}
	if after, _ := os.ReadFile(live); string(after) != string(before) {
		t.Error("backup wrote to the database")
	}
	if v := schemaOf(t, pre); v != 36 {
		t.Errorf("the backup has schema %d, want the database's 36", v)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, err := cli(t, "restore", "--db", restored, pre); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := givenNames(t, restored); len(got) != 1 || got[0] != "Cũ" {
		t.Errorf("restored %q, want [Cũ]", got)
	}
}

// Admin commands refuse a database of an older schema, saying what to do,
// rather than upgrade it behind a server of that version.
func TestAdminCommandsRefuseOlderSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	id := makeDatabase(t, path, "Cũ")
	makeOlder(t, path, false)
	for _, args := range [][]string{
		{"keys", "create", "--role", "admin", "--name", "x"},
		{"keys", "list"},
		{"keys", "revoke", id},
		{"users", "create", "--role", "admin", "--email", "a@example.vn", "--name", "A"},
		{"users", "list"},
	} {
		t.Run(strings.Join(args[:2], "_"), func(t *testing.T) {
			out, err := cli(t, append(args, "--db", path)...)
			want := fmt.Sprintf("has schema 36, older than this binary's %d: start `trithuc serve` once to upgrade it, or use the trithuc that made it", store.SchemaVersion())
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%v\n%s\nwant an error saying %q", err, out, want)
			}
			if v := schemaOf(t, path); v != 36 {
				t.Fatalf("the database was upgraded to %d", v)
			}
		})
	}
}

// backup and keys list work on a database on a read-only mount. (The
// tests run as root, whom file modes do not stop: a read-only tmpfs.)
func TestReadOnlyMount(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=8m"); err != nil {
		t.Skipf("cannot mount a tmpfs to test on (%v): this test needs root or CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	path := filepath.Join(dir, "t.db")
	id := makeDatabase(t, path, "Lan")
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Fatal(err)
	}
	if out, err := cli(t, "keys", "list", "--db", path); err != nil || !strings.Contains(out, id) {
		t.Errorf("keys list on a read-only mount: %v\n%s", err, out)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if out, err := cli(t, "backup", "--db", path, backup); err != nil {
		t.Fatalf("backup on a read-only mount: %v\n%s", err, out)
	}
	if got := givenNames(t, backup); len(got) != 1 || got[0] != "Lan" {
		t.Errorf("the backup holds %q, want [Lan]", got)
	}
	if _, err := cli(t, "keys", "revoke", id, "--db", path); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("keys revoke on a read-only mount: %v", err)
	}
}

// serve, run as a user who may not write the database file that root
// made, says whose the file is and whom it runs as.
func TestServeNamesDatabaseOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not root: cannot run the server as another user")
	}
	const nobody = 65534
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// This test binary is trithuc (TestMain), copied where nobody may run it.
	bin := filepath.Join(base, "trithuc")
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(base, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(data, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(data, "t.db")
	makeDatabase(t, path, "Lan") // root's, 0600

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "TRITHUC_TEST_MAIN="+strings.Join([]string{"serve", "--db", path,
		"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"}, "\x1f"))
	cmd.Dir = base
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	if err == nil || ctx.Err() != nil {
		t.Fatalf("served it (%v)\n%s", err, out)
	}
	for _, want := range []string{"is owned by root (uid 0) and not writable for the user trithuc runs as", "(uid 65534)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("serve said:\n%s\nwant %q", out, want)
		}
	}
}
