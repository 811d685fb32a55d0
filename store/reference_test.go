package store

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/refdata"
)

func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func pbDate(y, m, d int32) *date.Date { return &date.Date{Year: y, Month: m, Day: d} }

func TestReferenceSeeded(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	all := ListQuery{PageSize: refMaxPageSize}

	levels, page, err := db.ListQualificationLevels(ctx, all)
	if err != nil || len(levels) != 9 || page.TotalSize != 9 {
		t.Errorf("qualification levels: %d (total %d), %v; want 9", len(levels), page.TotalSize, err)
	}
	for i, l := range levels {
		if int(l.Rank) != i+1 {
			t.Errorf("level %d is %s with rank %d; want lowest first, ranked 1 to 9", i, l.Code, l.Rank)
		}
	}
	if levels[0].Code != "SO_CAP_1" || levels[8].Code != "TIEN_SI_KHOA_HOC" || levels[8].Awarded || levels[6].Isced_2011 != 7 {
		t.Errorf("levels: first %v, last %v", levels[0], levels[8])
	}

	titles, _, err := db.ListAcademicTitles(ctx, all)
	if err != nil || len(titles) != 2 || titles[0].Code != "PHO_GIAO_SU" || titles[1].Code != "GIAO_SU" || titles[1].AbbrevVi != "GS" {
		t.Errorf("academic titles, lowest first: %v, %v", titles, err)
	}

	fields, page, err := db.ListFields(ctx, FieldQuery{ListQuery: all, Scheme: "vn2008"})
	if err != nil || len(fields) != 52 || page.TotalSize != 52 {
		t.Fatalf("vn2008 fields: %d (total %d), %v; want the 52 rows of fields_2008.csv", len(fields), page.TotalSize, err)
	}
	tops := 0
	for i, f := range fields {
		if f.Level == 1 {
			tops++
			if f.Parent != "" {
				t.Errorf("%s at level 1 has parent %s", f.Name, f.Parent)
			}
		} else if i == 0 || !strings.HasPrefix(f.Code, strings.TrimPrefix(f.Parent, "fields/vn2008-")) {
			t.Errorf("%s does not follow its parent %s in tree order", f.Name, f.Parent)
		}
	}
	if tops != 6 {
		t.Errorf("%d top-level areas, want 6", tops)
	}
	f, err := db.GetField(ctx, "fields/vn2008-502")
	if err != nil || f.NameVi != "Kinh tế và kinh doanh" || f.Parent != "fields/vn2008-5" || f.Level != 2 || !f.Verified {
		t.Errorf("fields/vn2008-502: %v, %v", f, err)
	}
	if f, _ := db.GetField(ctx, "fields/vn2008-601"); f.GetVerified() {
		t.Error("fields/vn2008-601 is unverified in the source file")
	}

	groups, _, err := db.ListEthnicGroups(ctx, all)
	if err != nil || len(groups) != 54 || groups[4].Code != "05" || groups[4].NameVi != "Khmer" {
		t.Errorf("ethnic groups: %d, %v", len(groups), err)
	}

	countries, page, err := db.ListCountries(ctx, all)
	if err != nil || len(countries) != 249 || page.TotalSize != 249 {
		t.Errorf("countries: %d, %v; want 249", len(countries), err)
	}
	vn, err := db.GetCountry(ctx, "countries/VN")
	if err != nil || vn.NameVi != "Việt Nam" || vn.NameEn != "Vietnam" {
		t.Errorf("countries/VN: %v, %v", vn, err)
	}

	for _, c := range []struct {
		asOf    *date.Date
		history bool
		want    int
	}{
		{pbDate(2019, 6, 1), false, 16},  // Kiên Giang and its 15 district-level units
		{pbDate(2025, 6, 30), false, 16}, // their last day
		{pbDate(2025, 7, 1), false, 103}, // An Giang and its 102 communes
		{nil, false, 103},                // today
		{nil, true, 119},                 // both, with both versions of 91
	} {
		units, page, err := db.ListAdministrativeUnits(ctx, UnitQuery{ListQuery: all, AsOf: c.asOf, ShowHistory: c.history})
		if err != nil || len(units) != c.want || page.TotalSize != c.want {
			t.Errorf("units as of %v (history %v): %d (total %d), %v; want %d", c.asOf, c.history, len(units), page.TotalSize, err, c.want)
		}
	}
}

func TestCheckRef(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, c := range []struct {
		kind RefKind
		code string
		on   time.Time
		want string // a part of the message; "" when valid
	}{
		{RefQualificationLevel, "THAC_SI", time.Time{}, ""},
		{RefQualificationLevel, "TIEN_SI_KHOA_HOC", time.Time{}, ""},
		{RefQualificationLevel, "MASTER", time.Time{}, `unknown qualification level code "MASTER"; see ListQualificationLevels`},
		{RefQualificationLevel, "thac_si", time.Time{}, `codes are upper case: "THAC_SI"`},
		{RefAcademicTitle, "PHO_GIAO_SU", time.Time{}, ""},
		{RefAcademicTitle, "TIEN_SI", time.Time{}, `unknown academic title code "TIEN_SI"; see ListAcademicTitles`},
		{RefField, "fields/vn2008-502", time.Time{}, ""},
		{RefField, "fields/vn2008-5", time.Time{}, ""},
		{RefField, "fields/vn2008-509", time.Time{}, `unknown field "fields/vn2008-509"; see ListFields`},
		{RefField, "fields/vn2025-502", time.Time{}, `unknown field "fields/vn2025-502"`},
		{RefField, "502", time.Time{}, `"502" is not a field's name: want fields/{scheme}-{code}`},
		{RefField, "fields/VN2008-502", time.Time{}, "is not a field's name"},
		{RefEthnicGroup, "05", time.Time{}, ""},
		{RefEthnicGroup, "54", time.Time{}, ""},
		{RefEthnicGroup, "99", time.Time{}, `unknown ethnic group code "99"; see ListEthnicGroups`},
		{RefEthnicGroup, "5", time.Time{}, `unknown ethnic group code "5"`},
		{RefCountry, "JP", time.Time{}, ""},
		{RefCountry, "vn", time.Time{}, `unknown country code "vn" (codes are upper case: "VN"); see ListCountries`},
		{RefCountry, "XK", time.Time{}, `unknown country code "XK"`},
		{RefAdminUnit, "906", civil(2019, 6, 1), ""},
		{RefAdminUnit, "906", civil(2025, 6, 30), ""},
		{RefAdminUnit, "906", civil(2026, 1, 1), "administrative unit 906 was not valid on 2026-01-01 (Huyện Giồng Riềng was valid until 2025-06-30)"},
		{RefAdminUnit, "906", time.Time{}, ""},
		{RefAdminUnit, "30742", civil(2026, 1, 1), ""},
		{RefAdminUnit, "30742", civil(2025, 7, 1), ""},
		{RefAdminUnit, "30742", civil(2019, 6, 1), "Phường Rạch Giá is valid from 2025-07-01"},
		{RefAdminUnit, "30742", time.Time{}, ""},
		{RefAdminUnit, "91", civil(2019, 6, 1), ""},
		{RefAdminUnit, "91", civil(2026, 1, 1), ""},
		{RefAdminUnit, "99999", time.Time{}, `unknown administrative unit code "99999"; see ListAdministrativeUnits`},
		{RefAdminUnit, "99999", civil(2026, 1, 1), `unknown administrative unit code "99999"`},
		// An empty code is the caller's to require or not.
		{RefCountry, "", time.Time{}, ""},
		{RefAdminUnit, "", civil(2026, 1, 1), ""},
	} {
		var v Invalids
		err := db.read(ctx, func(tx *Tx) error {
			return tx.checkRef(ctx, &v, c.kind, "person.field", c.code, c.on)
		})
		if err != nil {
			t.Fatalf("%v %q: %v", c.kind, c.code, err)
		}
		switch {
		case c.want == "" && len(v) > 0:
			t.Errorf("%v %q on %v: %v, want it valid", c.kind, c.code, c.on, v)
		case c.want != "" && len(v) != 1:
			t.Errorf("%v %q on %v: %d errors, want one saying %q", c.kind, c.code, c.on, len(v), c.want)
		case c.want != "" && (v[0].Field != "person.field" || v[0].Code != Invalid || !strings.Contains(v[0].Message, c.want)):
			t.Errorf("%v %q on %v: %s: %q, want person.field: %q", c.kind, c.code, c.on, v[0].Field, v[0].Message, c.want)
		}
	}
}

func TestLevelRank(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	order := []string{"SO_CAP_1", "SO_CAP_2", "SO_CAP_3", "TRUNG_CAP", "CAO_DANG", "DAI_HOC", "THAC_SI", "TIEN_SI", "TIEN_SI_KHOA_HOC"}
	err := db.read(ctx, func(tx *Tx) error {
		prev := 0
		for i, code := range order {
			r, err := tx.levelRank(ctx, code)
			if err != nil {
				return err
			}
			if r != i+1 || r <= prev {
				t.Errorf("levelRank(%s) = %d, want %d", code, r, i+1)
			}
			prev = r
		}
		for _, code := range []string{"", "MASTER", "thac_si"} {
			if r, err := tx.levelRank(ctx, code); r != 0 || err != nil {
				t.Errorf("levelRank(%q) = %d, %v; want 0", code, r, err)
			}
		}
		// "Master or above" means something.
		master, _ := tx.levelRank(ctx, "THAC_SI")
		doctor, _ := tx.levelRank(ctx, "TIEN_SI")
		if !(doctor >= master) {
			t.Error("a doctorate is not master or above")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAdministrativeUnitVersions(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()

	kg, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/91", pbDate(2024, 3, 1))
	if err != nil || kg.DisplayName != "Tỉnh Kiên Giang" || kg.Kind != pb.AdministrativeUnit_PROVINCE || kg.ValidFrom != nil ||
		kg.ValidTo.GetYear() != 2025 || kg.ValidTo.GetMonth() != 6 || kg.ValidTo.GetDay() != 30 {
		t.Fatalf("91 in 2024: %v, %v", kg, err)
	}
	if strings.Join(kg.SuccessorCodes, ",") != "91" {
		t.Errorf("Kiên Giang's successors %q, want 91 (An Giang took over under the same code)", kg.SuccessorCodes)
	}
	ag, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/91", pbDate(2026, 1, 1))
	if err != nil || ag.DisplayName != "Tỉnh An Giang" || ag.ValidTo != nil || ag.ValidFrom.GetYear() != 2025 || len(ag.SuccessorCodes) != 0 {
		t.Fatalf("91 in 2026: %v, %v", ag, err)
	}
	if now, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/91", nil); err != nil || now.DisplayName != "Tỉnh An Giang" {
		t.Errorf("91 today: %v, %v", now, err)
	}

	// Without a date, a unit no longer valid is its last version; with
	// one, it is only the version of that date.
	gr, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/906", nil)
	if err != nil || gr.DisplayName != "Huyện Giồng Riềng" || gr.Kind != pb.AdministrativeUnit_DISTRICT || gr.ParentCode != "91" {
		t.Errorf("906 without a date: %v, %v", gr, err)
	}
	if got := strings.Join(gr.GetSuccessorCodes(), " "); got != "30904 30910 30928 30934 30943 30949" {
		t.Errorf("906's successors %q, want the six communes of the successor table", got)
	}
	_, err = db.GetAdministrativeUnit(ctx, "administrativeUnits/906", pbDate(2026, 1, 1))
	var se *Error
	if !errors.As(err, &se) || se.Code != NotFound || !strings.Contains(se.Message, "valid until 2025-06-30") {
		t.Errorf("906 in 2026: %v, want NOT_FOUND saying until when it was valid", err)
	}
	_, err = db.GetAdministrativeUnit(ctx, "administrativeUnits/12345", nil)
	if !errors.As(err, &se) || se.Code != NotFound {
		t.Errorf("an unknown unit: %v", err)
	}
	for _, bad := range []*date.Date{{Year: 2025}, {Year: 2025, Month: 2, Day: 29}, {Year: 2025, Month: 13, Day: 1}} {
		_, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/91", bad)
		if !errors.As(err, &se) || se.Code != Invalid || !strings.HasPrefix(se.Field, "as_of.") {
			t.Errorf("as_of %v: %v, want an invalid as_of", bad, err)
		}
	}

	units, _, err := db.ListAdministrativeUnits(ctx, UnitQuery{ParentCode: "91", AsOf: pbDate(2019, 6, 1), ListQuery: ListQuery{PageSize: 100}})
	if err != nil || len(units) != 15 {
		t.Errorf("units of 91 in 2019: %d, %v; want 15", len(units), err)
	}
	// Provinces, then districts, then communes, each by code.
	if units[0].Code != "899" || units[len(units)-1].Code != "914" {
		t.Errorf("units of 91 in 2019 run from %s to %s", units[0].Code, units[len(units)-1].Code)
	}
	wards, _, err := db.ListAdministrativeUnits(ctx, UnitQuery{Kind: pb.AdministrativeUnit_WARD, ListQuery: ListQuery{PageSize: 100}})
	if err != nil || len(wards) != 14 {
		t.Errorf("wards today: %d, %v; want 14", len(wards), err)
	}
	zones, _, err := db.ListAdministrativeUnits(ctx, UnitQuery{Kind: pb.AdministrativeUnit_SPECIAL_ZONE, AsOf: pbDate(2024, 1, 1)})
	if err != nil || len(zones) != 0 {
		t.Errorf("special zones in 2024: %d, %v; want none", len(zones), err)
	}
	history, _, err := db.ListAdministrativeUnits(ctx, UnitQuery{ShowHistory: true, ListQuery: ListQuery{PageSize: 2}})
	if err != nil || len(history) != 2 || history[0].DisplayName != "Tỉnh Kiên Giang" || history[1].DisplayName != "Tỉnh An Giang" {
		t.Errorf("history starts with %v, %v; want both versions of 91", history, err)
	}
	_, _, err = db.ListAdministrativeUnits(ctx, UnitQuery{ShowHistory: true, AsOf: pbDate(2024, 1, 1)})
	if invalidField(err) != "show_history" {
		t.Errorf("show_history with as_of: %v", err)
	}
}

// invalidField is the field of an Invalid error, whether one or many.
func invalidField(err error) string {
	var v Invalids
	if errors.As(err, &v) {
		return v[0].Field
	}
	var se *Error
	if errors.As(err, &se) && se.Code == Invalid {
		return se.Field
	}
	return ""
}

func TestReferencePaging(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	seen := map[string]bool{}
	token := ""
	for {
		cs, page, err := db.ListCountries(ctx, ListQuery{PageSize: 17, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if seen[c.Code] {
				t.Errorf("%s seen twice", c.Code)
			}
			seen[c.Code] = true
		}
		if page.TotalSize != 249 {
			t.Errorf("total %d on a later page", page.TotalSize)
		}
		if token = page.NextPageToken; token == "" {
			break
		}
	}
	if len(seen) != 249 {
		t.Errorf("paged through %d countries, want 249", len(seen))
	}

	_, page, err := db.ListCountries(ctx, ListQuery{PageSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	var se *Error
	if _, _, err := db.ListEthnicGroups(ctx, ListQuery{PageToken: page.NextPageToken}); !errors.As(err, &se) || se.Field != "page_token" {
		t.Errorf("a countries token for ethnic groups: %v", err)
	}
	_, fpage, err := db.ListFields(ctx, FieldQuery{Scheme: "vn2008", ListQuery: ListQuery{PageSize: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ListFields(ctx, FieldQuery{Level: 2, ListQuery: ListQuery{PageToken: fpage.NextPageToken}}); !errors.As(err, &se) || se.Field != "page_token" {
		t.Errorf("a token with another filter: %v", err)
	}
	if _, _, err := db.ListFields(ctx, FieldQuery{Scheme: "vn2008", ListQuery: ListQuery{PageToken: "x" + fpage.NextPageToken}}); !errors.As(err, &se) || se.Field != "page_token" {
		t.Errorf("a tampered token: %v", err)
	}
	if fs, _, err := db.ListFields(ctx, FieldQuery{Scheme: "vn2008", ListQuery: ListQuery{PageSize: 100, PageToken: fpage.NextPageToken}}); err != nil || len(fs) != 47 {
		t.Errorf("the rest of vn2008: %d, %v; want 47", len(fs), err)
	}
}

const vn2025 = `code,parent_code,level,name_vi,name_en,verified
1,,1,Khoa học tự nhiên,Natural sciences,false
101,1,2,Toán học,Mathematics,false
10101,101,3,Toán học thuần túy,Pure mathematics,false
10102,101,3,Toán học ứng dụng,,false
2,,1,Khoa học kỹ thuật và công nghệ,,false
201,2,2,Kỹ thuật dân dụng,,false
`

func loadString(db *DB, kind RefKind, scheme, csv string, dryRun bool) (LoadResult, error) {
	return db.LoadReference(context.Background(), kind, scheme, strings.NewReader(csv), dryRun)
}

func fieldCount(t *testing.T, db *DB, scheme string) int {
	t.Helper()
	_, page, err := db.ListFields(context.Background(), FieldQuery{Scheme: scheme, ListQuery: ListQuery{PageSize: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return page.TotalSize
}

func TestLoadFieldsScheme(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()

	// The six areas of vn2025 are seeded; the file names them again (1 with
	// an English name) and adds four fields below them.
	seeded := fieldCount(t, db, "vn2025")
	if seeded != 6 {
		t.Fatalf("vn2025 is seeded with %d fields, want the 6 areas", seeded)
	}
	want := LoadResult{Added: 4, Updated: 1, Unchanged: 1}
	res, err := loadString(db, RefField, "vn2025", vn2025, true)
	if err != nil || res != want || fieldCount(t, db, "vn2025") != seeded {
		t.Fatalf("dry run: %+v, %v, and it has %d", res, err, fieldCount(t, db, "vn2025"))
	}
	res, err = loadString(db, RefField, "vn2025", vn2025, false)
	if err != nil || res != want {
		t.Fatalf("load: %+v, %v", res, err)
	}
	if n := fieldCount(t, db, "vn2025"); n != seeded+4 {
		t.Errorf("vn2025 has %d fields, want %d", n, seeded+4)
	}
	if n := fieldCount(t, db, "vn2008"); n != 52 {
		t.Errorf("vn2008 has %d fields after loading vn2025, want 52: the schemes stand side by side", n)
	}
	f, err := db.GetField(ctx, "fields/vn2025-10101")
	if err != nil || f.Parent != "fields/vn2025-101" || f.Level != 3 || f.NameEn != "Pure mathematics" {
		t.Errorf("fields/vn2025-10101: %v, %v", f, err)
	}
	children, _, err := db.ListFields(ctx, FieldQuery{Parent: "fields/vn2025-101"})
	if err != nil || len(children) != 2 {
		t.Errorf("children of 101: %v, %v", children, err)
	}
	var v Invalids
	db.read(ctx, func(tx *Tx) error { return tx.checkRef(ctx, &v, RefField, "f", "fields/vn2025-10102", time.Time{}) })
	if len(v) != 0 {
		t.Errorf("a loaded field is not accepted: %v", v)
	}

	// Loading again changes nothing; a corrected row is updated.
	res, err = loadString(db, RefField, "vn2025", strings.Replace(vn2025, "Toán học ứng dụng,,false", "Toán học ứng dụng,Applied mathematics,true", 1), false)
	if err != nil || res != (LoadResult{Updated: 1, Unchanged: 5}) {
		t.Errorf("reload: %+v, %v", res, err)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	before := func() []string {
		var out []string
		for _, kind := range []RefKind{RefQualificationLevel, RefAcademicTitle, RefField, RefEthnicGroup, RefCountry, RefAdminUnit, RefFieldCrosswalk, RefSector} {
			var n int
			var sum string
			db.read(ctx, func(tx *Tx) error {
				return tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(load_time), 0) || group_concat(origin) FROM `+refdata.Of(kind).Table).Scan(&n, &sum)
			})
			out = append(out, kind.String(), strings.Repeat("x", n), sum)
		}
		return out
	}
	start := strings.Join(before(), "|")

	for _, c := range []struct {
		name   string
		kind   RefKind
		scheme string
		csv    string
		want   []string // field: message part
	}{
		{"BadCells", RefField, "vn2025", `code,parent_code,level,name_vi
1,,1,Khoa học tự nhiên
101,1,two,Toán học
102,9,2,Vật lý
103,1,2,
1 04,1,2,Hoá học
105,,2,Sinh học
`, []string{
			`row 3, column level: "two": want a whole number from 1 to 9`,
			"row 5, column name_vi: required",
			`row 6, column code: "1 04" is not a code`,
			"row 7, column parent_code: required",
			"row 4, column parent_code: 9 is not in scheme vn2025",
		}},
		{"Header", RefField, "vn2025", "code,parent,level,name_vi\n1,,1,A\n", []string{
			"row 1, column parent: unknown column; the columns of fields are code, parent_code, level, name_vi (and optionally name_en, verified)",
			"row 1, column parent_code: missing",
		}},
		{"Empty", RefEthnicGroup, "", "", []string{"row 1: the file is empty"}},
		{"HeaderOnly", RefEthnicGroup, "", "code,name_vi\n", []string{"row 2: the file has no rows"}},
		{"TrailingComma", RefEthnicGroup, "", "code,name_vi,\n01,Kinh,\n02,Tày,x\n", []string{"row 3: cell 3 is under a column with no name"}},
		{"ShortRow", RefEthnicGroup, "", "code,name_vi\n01,Kinh\n02\n", []string{"row 3: has 1 cell(s); the header has 2"}},
		{"Quote", RefEthnicGroup, "", "code,name_vi\n01,Ki\"nh\n", []string{"line 2: character"}},
		{"NotUTF8", RefEthnicGroup, "", "code,name_vi\n01,Kinh\n02,T\xe0y\n", []string{"line 3: is not UTF-8 text"}},
		{"Duplicate", RefCountry, "", "code,name_vi,name_en\nJP,Nhật Bản,Japan\nJP,Nhật,Japan\n", []string{"row 3, column code: country JP is given twice (first in row 2)"}},
		{"SchemeMissing", RefField, "", vn2025, []string{"scheme:"}},
		{"SchemeForOthers", RefCountry, "vn2025", "code,name_vi,name_en\nJP,Nhật Bản,Japan\n", []string{"scheme: only fields belong to a scheme"}},
		{"LevelSkipped", RefField, "vn2008", "code,parent_code,level,name_vi\n50201,502,4,Kinh tế học\n", []string{"row 2, column level: 4, but its parent 502 is at level 2"}},
		{"RankTaken", RefQualificationLevel, "", "code,rank,nqf_level,isced_2011,name_vi,name_en,awarded\nTHAC_SI_2,7,7,7,Thạc sĩ 2,Master 2,true\n", []string{"row 2, column rank: 7 is also the rank of THAC_SI"}},
		{"Awarded", RefQualificationLevel, "", "code,nqf_level,isced_2011,name_vi,name_en,awarded\nX,9,,X,X,yes\n", []string{
			`row 2, column nqf_level: "9": want a whole number from 1 to 8`, `row 2, column awarded: "yes": want true or false`,
		}},
		{"UnitOverlap", RefAdminUnit, "", "code,name,kind,parent_code,valid_from,valid_to\n91,Tỉnh An Giang mới,province,,2025-06-01,\n", []string{
			"row 2, column valid_from: unit 91 valid 2025-06-01 to … overlaps its version valid … to 2025-06-30",
		}},
		{"UnitDates", RefAdminUnit, "", "code,name,kind,parent_code,valid_from,valid_to\n30999,Xã Mới,commune,91,2026-01-01,2025-01-01\n30998,Xã Mới,hamlet,91,2025-13-01,\n", []string{
			"row 2, column valid_to: 2025-01-01 is before valid_from 2026-01-01",
			`row 3, column kind: "hamlet": want one of province, municipality, city, town, district, urban_district, ward, commune, township, special_zone`,
			`row 3, column valid_from: "2025-13-01": want a date`,
		}},
		{"UnitParent", RefAdminUnit, "", "code,name,kind,parent_code,valid_from,valid_to\n30999,Xã Mới,commune,89,2025-07-01,\n", []string{
			"row 2, column parent_code: no unit 89 is valid at any time in 2025-07-01 to …",
		}},
		{"UnitSuccessors", RefAdminUnit, "", "code,name,kind,parent_code,valid_from,valid_to,successors\n906,Huyện Giồng Riềng,district,91,,2025-06-30,30904 30999\n907,Huyện Gò Quao,district,91,,,30952\n", []string{
			"row 2, column successors: no unit 30999 is valid on the day after 2025-06-30",
			"row 3, column successors: a unit that is still valid has no successors",
		}},
		{"CrosswalkUnknownFields", RefFieldCrosswalk, "", "from_scheme,from_code,to_scheme,to_code\nvn2008,502,vn2025,50201\nvn2007,5,vn2025,5\n", []string{
			"row 2, column to_code: 50201 is not in scheme vn2025",
			"row 3, column from_code: 5 is not in scheme vn2007",
		}},
		{"CrosswalkOneScheme", RefFieldCrosswalk, "", "from_scheme,from_code,to_scheme,to_code\nvn2008,5,vn2008,502\nvn2008,5,VN2025,5\n", []string{
			"row 2, column to_scheme: a crosswalk joins two schemes",
			`row 3, column to_scheme: "VN2025" is not a scheme`,
		}},
		{"CrosswalkScheme", RefFieldCrosswalk, "vn2008", "from_scheme,from_code,to_scheme,to_code\nvn2008,5,vn2025,5\n", []string{
			"scheme: only fields belong to a scheme",
		}},
		{"SectorCode", RefSector, "", "code,name_vi\nP1,Giáo dục\n", []string{`row 2, column code: "P1" is not a code`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadString(db, c.kind, c.scheme, c.csv, false)
			var v Invalids
			if !errors.As(err, &v) {
				t.Fatalf("got %v, want Invalids", err)
			}
			var got []string
			for _, e := range v {
				got = append(got, e.Error())
			}
			if len(got) != len(c.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
			for _, w := range c.want {
				found := false
				for _, g := range got {
					found = found || strings.Contains(g, w)
				}
				if !found {
					t.Errorf("no problem says %q; got:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
	if after := strings.Join(before(), "|"); after != start {
		t.Error("a rejected load changed the reference tables")
	}
}

func TestLoadRanksAndSuccessors(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()

	// Without ranks, known codes keep theirs and new codes rank above.
	res, err := loadString(db, RefAcademicTitle, "", "code,name_vi,abbrev_vi,name_en\nGIAO_SU,Giáo sư,GS.,Professor\nVIEN_SI,Viện sĩ,VS,Academician\n", false)
	if err != nil || res != (LoadResult{Added: 1, Updated: 1}) {
		t.Fatalf("%+v, %v", res, err)
	}
	titles, _, _ := db.ListAcademicTitles(ctx, ListQuery{})
	var got []string
	for _, a := range titles {
		got = append(got, a.Code+"="+a.AbbrevVi)
	}
	if strings.Join(got, " ") != "PHO_GIAO_SU=PGS GIAO_SU=GS. VIEN_SI=VS" {
		t.Errorf("titles after load: %v", got)
	}
	// A reordered list with ranks swaps them in one load.
	_, err = loadString(db, RefAcademicTitle, "", "code,rank,name_vi,abbrev_vi,name_en\nGIAO_SU,1,Giáo sư,GS,Professor\nPHO_GIAO_SU,2,Phó giáo sư,PGS,Associate Professor\n", false)
	if err != nil {
		t.Errorf("swapping ranks: %v", err)
	}

	// Successors given by the file are kept beside the derived one.
	_, err = loadString(db, RefAdminUnit, "", "code,name,kind,parent_code,valid_from,valid_to,successors\n906,Huyện Giồng Riềng,district,91,,2025-06-30,30904 30898\n", false)
	if err != nil {
		t.Fatal(err)
	}
	gr, err := db.GetAdministrativeUnit(ctx, "administrativeUnits/906", pbDate(2020, 1, 1))
	if err != nil || strings.Join(gr.SuccessorCodes, " ") != "30904 30898" {
		t.Errorf("906's successors: %v, %v", gr.GetSuccessorCodes(), err)
	}
}

// Seeding fills what is missing and follows a newer binary's data, but
// never overwrites what an administrator loaded.
func TestSeedKeepsAdminRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "seed.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadString(db, RefEthnicGroup, "", "code,name_vi,verified\n21,Thổ (đã kiểm tra),true\n", false); err != nil {
		t.Fatal(err)
	}
	err = db.write(ctx, false, nil, func(tx *Tx) error {
		// As if the binary's data had changed and a row had gone missing.
		if _, err := tx.ExecContext(ctx, `UPDATE settings SET value = x'00' WHERE key = 'reference_seed'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ref_ethnic_groups SET name_vi = 'Tày (cũ)' WHERE code = '02'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM ref_countries WHERE code = 'JP'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if g, err := db.GetEthnicGroup(ctx, "ethnicGroups/21"); err != nil || g.NameVi != "Thổ (đã kiểm tra)" || !g.Verified {
		t.Errorf("the admin's row was overwritten: %v, %v", g, err)
	}
	if g, err := db.GetEthnicGroup(ctx, "ethnicGroups/02"); err != nil || g.NameVi != "Tày" {
		t.Errorf("a seeded row was not brought back to the binary's data: %v, %v", g, err)
	}
	if _, err := db.GetCountry(ctx, "countries/JP"); err != nil {
		t.Errorf("a missing row was not filled: %v", err)
	}
	if _, page, _ := db.ListEthnicGroups(ctx, ListQuery{}); page.TotalSize != 54 {
		t.Errorf("%d ethnic groups after reseeding", page.TotalSize)
	}
}

// Every embedded file loads through the same parser an administrator's
// file goes through, and loading it again changes nothing.
func TestSeedFilesLoadCleanly(t *testing.T) {
	db := openTest(t)
	for _, s := range refdata.Seeds {
		b, err := refdata.ReadSeed(s.File)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.LoadReference(context.Background(), s.Kind, s.Scheme, bytes.NewReader(b), true)
		if err != nil || res.Added != 0 || res.Updated != 0 || res.Unchanged == 0 {
			t.Errorf("%s: %+v, %v; want every row unchanged", s.File, res, err)
		}
	}
}

func FuzzParseRefCSV(f *testing.F) {
	for _, s := range refdata.Seeds {
		b, _ := refdata.ReadSeed(s.File)
		f.Add(int(s.Kind), s.Scheme, string(b))
	}
	f.Add(int(RefField), "vn2025", vn2025)
	f.Add(int(RefAdminUnit), "", "code,name,kind,parent_code,valid_from,valid_to,successors\n906,A,district,91,,2025-06-30,30904;30898\n")
	f.Add(int(RefEthnicGroup), "", "\ufeffcode,name_vi\n\"01\",\"Ki\nnh\"\n")
	f.Fuzz(func(t *testing.T, kind int, scheme, data string) {
		if kind < int(RefQualificationLevel) || kind > int(RefAdminUnit) {
			return
		}
		l := refdata.Of(RefKind(kind))
		recs, bad := parseRefCSV(l, scheme, strings.NewReader(data))
		if len(recs) == 0 && len(bad) == 0 {
			t.Fatal("no rows and no error")
		}
		badRows := map[int]bool{}
		for _, e := range bad {
			if e.Message == "" || e.Code != Invalid {
				t.Fatalf("a problem without a message: %+v", e)
			}
			badRows[rowOf(e.Field)] = true
		}
		keys := map[string]bool{}
		for _, r := range recs {
			if r.Row < 2 {
				t.Fatalf("row number %d", r.Row)
			}
			if badRows[r.Row] {
				t.Fatalf("row %d is both good and bad: %v", r.Row, bad)
			}
			k := r.Key(l)
			if keys[k] {
				t.Fatalf("key %q twice", k)
			}
			keys[k] = true
			for _, c := range l.Columns {
				if _, ok := r.Vals[c.SQLName()]; !ok && c.Name != "rank" {
					t.Fatalf("row %d lacks %s", r.Row, c.Name)
				}
			}
		}
	})
}
