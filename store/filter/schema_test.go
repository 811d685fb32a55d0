package filter_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"trithuc.gov.vn/trithuc/store/filter"
	"trithuc.gov.vn/trithuc/vntext"
)

// The tests' people: columns of the person, and related rows reached by
// joins, as the store will have them.
var (
	qualifications = &filter.Join{From: "qualifications q", On: "q.person_pk = p.pk AND q.delete_time IS NULL"}
	positions      = &filter.Join{
		From: "positions pos JOIN organizations o ON o.pk = pos.organization_pk",
		On:   "pos.person_pk = p.pk AND pos.delete_time IS NULL",
	}

	testSchema = filter.Schema{
		"gender":          {Type: filter.Enum, SQL: "p.gender", Enum: map[string]int64{"GENDER_UNSPECIFIED": 0, "MALE": 1, "FEMALE": 2}},
		"birth_date":      {Type: filter.Date, SQL: "(p.birth_year * 10000 + p.birth_month * 100 + p.birth_day)"},
		"birth_date.year": {Type: filter.Int, SQL: "p.birth_year"},
		"family_name":     {Type: filter.String, SQL: "p.family_name", Fold: vntext.NFC, Prefixes: vntext.Prefixes},
		"given_name":      {Type: filter.String, SQL: "p.given_name_fold", Fold: vntext.Fold},
		"display_name":    {Type: filter.String, SQL: "p.display_name_fold", Fold: vntext.Fold},
		"hometown":        {Type: filter.String, SQL: "p.hometown"},
		"work_location": {Type: filter.Enum, SQL: "p.work_location", Enum: map[string]int64{
			"WORK_LOCATION_UNSPECIFIED": 0, "IN_PROVINCE": 1, "ELSEWHERE_IN_VIETNAM": 2, "ABROAD": 3,
		}},
		"create_time": {Type: filter.Timestamp, SQL: "p.create_time"},
		"fields.code": {Type: filter.String, SQL: "f.code", Repeated: true,
			Join: &filter.Join{From: "person_fields f", On: "f.person_pk = p.pk"}},
		"qualifications.level": {Type: filter.Ranked, SQL: "q.level_rank", Join: qualifications, Ranks: map[string]int64{
			"SO_CAP_1": 1, "SO_CAP_2": 2, "SO_CAP_3": 3, "TRUNG_CAP": 4, "CAO_DANG": 5,
			"DAI_HOC": 6, "THAC_SI": 7, "TIEN_SI": 8, "TIEN_SI_KHOA_HOC": 9,
		}},
		"qualifications.year": {Type: filter.Int, SQL: "q.year", Join: qualifications},
		"positions.organization.kind": {Type: filter.Enum, SQL: "o.kind", Join: positions, Enum: map[string]int64{
			"KIND_UNSPECIFIED": 0, "STATE_AGENCY": 1, "PUBLIC_SERVICE_UNIT": 2, "UNIVERSITY": 3,
			"RESEARCH_INSTITUTE": 4, "HOSPITAL": 5, "SCHOOL": 6, "ENTERPRISE": 7, "ASSOCIATION": 8, "FOREIGN": 9,
		}},
		"positions.current": {Type: filter.Bool, SQL: "pos.current", Join: positions},
	}
)

const testTables = `
CREATE TABLE people (
	pk                INTEGER PRIMARY KEY,
	family_name       TEXT NOT NULL,
	middle_name       TEXT NOT NULL,
	given_name        TEXT NOT NULL,
	given_name_fold   TEXT NOT NULL,
	display_name      TEXT NOT NULL,
	display_name_fold TEXT NOT NULL,
	gender            INTEGER NOT NULL,
	birth_year        INTEGER NOT NULL,
	birth_month       INTEGER NOT NULL,
	birth_day         INTEGER NOT NULL,
	hometown          TEXT NOT NULL,
	work_location     INTEGER NOT NULL,
	create_time       INTEGER NOT NULL
) STRICT;
CREATE TABLE person_fields (
	person_pk INTEGER NOT NULL REFERENCES people,
	code      TEXT NOT NULL
) STRICT;
CREATE TABLE qualifications (
	pk          INTEGER PRIMARY KEY,
	person_pk   INTEGER NOT NULL REFERENCES people,
	level_rank  INTEGER NOT NULL,
	year        INTEGER NOT NULL,
	delete_time INTEGER
) STRICT;
CREATE TABLE organizations (
	pk   INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	kind INTEGER NOT NULL
) STRICT;
CREATE TABLE positions (
	pk              INTEGER PRIMARY KEY,
	person_pk       INTEGER NOT NULL REFERENCES people,
	organization_pk INTEGER NOT NULL REFERENCES organizations,
	current         INTEGER NOT NULL,
	delete_time     INTEGER
) STRICT;
`

type testPerson struct {
	family, middle, given string
	gender                int64
	birth                 [3]int64 // year, month, day; 0 when unknown
	hometown              string
	workLocation          int64
	created               string // RFC 3339
	fields                []string
	quals                 [][3]int64 // rank, year, deleted (0 or 1)
	positions             [][2]int64 // organization, current (0 or 1)
}

// Organizations, by pk: name and kind.
var testOrganizations = map[int64]struct {
	name string
	kind int64
}{
	1: {"Trường Đại học Kiên Giang", 3},
	2: {"Viện Lúa đồng bằng sông Cửu Long", 4},
	3: {"University of Tokyo", 9},
	4: {"Sở Khoa học và Công nghệ", 1},
}

// The test's people; their pks are their index plus one.
var testPeople = []testPerson{
	{family: "Nguyễn", middle: "Thị", given: "Ánh", gender: 2, birth: [3]int64{1985, 3, 12}, hometown: "30742", workLocation: 1,
		created: "2024-01-10T09:00:00+07:00", fields: []string{"101", "102"},
		quals: [][3]int64{{6, 2007, 0}, {7, 2012, 0}}, positions: [][2]int64{{1, 1}}},
	{family: "Trần", middle: "Văn", given: "Đức", gender: 1, birth: [3]int64{1970, 11, 2}, hometown: "30280", workLocation: 3,
		created: "2024-02-01T10:30:00+07:00", fields: []string{"502"},
		quals: [][3]int64{{8, 2001, 0}, {9, 2010, 1}}, positions: [][2]int64{{2, 0}, {3, 1}}},
	{family: "Lê", middle: "Thị", given: "Đào", gender: 2, birth: [3]int64{1992, 7, 30}, workLocation: 2,
		created: "2024-03-15T08:00:00+07:00",
		quals:   [][3]int64{{5, 2013, 0}}},
	{family: "Nguyễn", middle: "Văn", given: "An", gender: 1, birth: [3]int64{1960, 0, 0}, hometown: "30742", workLocation: 1,
		created: "2023-12-31T23:59:59Z", fields: []string{"502", "101"},
		quals: [][3]int64{{9, 1995, 0}}, positions: [][2]int64{{1, 0}, {4, 1}}},
	{family: "O'Brien", given: "Hương", gender: 2, birth: [3]int64{1999, 9, 9}, hometown: "30742", workLocation: 3,
		created: "2024-04-01T00:00:00Z", fields: []string{"205"},
		quals: [][3]int64{{6, 2021, 0}}},
}

// openTestDB makes the test tables in a new database file and fills them.
func openTestDB(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(tb.TempDir(), "filter.db")+"?_foreign_keys=on")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	exec := func(q string, args ...any) {
		tb.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	exec(testTables)
	for pk, o := range testOrganizations {
		exec("INSERT INTO organizations VALUES (?, ?, ?)", pk, o.name, o.kind)
	}
	for i, p := range testPeople {
		pk := i + 1
		created, err := time.Parse(time.RFC3339, p.created)
		if err != nil {
			tb.Fatal(err)
		}
		display := p.family + " " + p.given
		if p.middle != "" {
			display = p.family + " " + p.middle + " " + p.given
		}
		exec("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			pk, p.family, p.middle, p.given, vntext.Fold(p.given), display, vntext.Fold(display),
			p.gender, p.birth[0], p.birth[1], p.birth[2], p.hometown, p.workLocation, created.UnixMicro())
		for _, code := range p.fields {
			exec("INSERT INTO person_fields VALUES (?, ?)", pk, code)
		}
		for _, q := range p.quals {
			var deleted any
			if q[2] == 1 {
				deleted = created.UnixMicro()
			}
			exec("INSERT INTO qualifications (person_pk, level_rank, year, delete_time) VALUES (?, ?, ?, ?)", pk, q[0], q[1], deleted)
		}
		for _, pos := range p.positions {
			exec("INSERT INTO positions (person_pk, organization_pk, current) VALUES (?, ?, ?)", pk, pos[0], pos[1])
		}
	}
	return db
}
