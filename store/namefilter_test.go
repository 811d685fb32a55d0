package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// namesFilterTest registers people by family and given name, and returns
// a function listing the display names a ListPeople filter finds, sorted.
func namesFilterTest(t *testing.T, names [][2]string) (*DB, func(filter string) ([]string, error)) {
	t.Helper()
	db := openTest(t)
	ctx := context.Background()
	for _, n := range names {
		if _, err := db.CreatePerson(ctx, &pb.Person{FamilyName: n[0], MiddleName: "Văn", GivenName: n[1]}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return db, func(filter string) ([]string, error) {
		people, _, err := db.ListPeople(ctx, ListQuery{PageSize: 100, Filter: filter}, pb.PersonView_PERSON_VIEW_BASIC)
		var got []string
		for _, p := range people {
			got = append(got, p.DisplayName)
		}
		slices.Sort(got)
		return got, err
	}
}

var filterNames = [][2]string{
	{"Nguyễn", "An"}, {"NGUYỄN", "Ăn"}, {"Nguyên", "Ân"}, {"Ngô", "Bảo"}, {"Trần", "Dũng"}, {"Tran", "Đức"},
	{"Đặng", "Hòa"}, {"Dương", "Hoà"}, {"Hồ", "Hùng"}, {"Hổ", "Hà"}, {"Hoàng", "Hằng"}, {"Ư", "Em"}, {"Lê", "Ê"},
}

func displayNames(names ...string) []string {
	out := slices.Clone(names)
	for i, n := range out {
		family, given, _ := strings.Cut(n, " ")
		out[i] = family + " Văn " + given
	}
	slices.Sort(out)
	return out
}

// A prefix typed without marks finds the names that begin with it with any
// marks, in any case; one typed with marks matches as typed (the tone of
// oa, oe and uy in either place, a last letter typed bare with any marks).
func TestPrefixWithoutMarks(t *testing.T) {
	db, list := namesFilterTest(t, filterNames)
	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{`family_name = "Nguyen*"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân")},
		{`family_name = "nguyen*"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân")},
		{`family_name = "Ng*"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân", "Ngô Bảo")},
		{`family_name = "Tran*"`, displayNames("Trần Dũng", "Tran Đức")},
		{`family_name = "Dang*"`, displayNames("Đặng Hòa")},
		{`family_name = "D*"`, displayNames("Đặng Hòa", "Dương Hoà")},
		{`family_name = "Duong"`, nil},
		{`family_name = "Duong*"`, displayNames("Dương Hoà")},
		{`family_name = "Ho*"`, displayNames("Hồ Hùng", "Hổ Hà", "Hoàng Hằng")},
		{`family_name = "U*"`, displayNames("Ư Em")},
		{`family_name != "Ng*"`, displayNames("Trần Dũng", "Tran Đức", "Đặng Hòa", "Dương Hoà", "Hồ Hùng", "Hổ Hà", "Hoàng Hằng", "Ư Em", "Lê Ê")},
		{`given_name = "A*"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân")},
		{`given_name = "Hoa*"`, displayNames("Đặng Hòa", "Dương Hoà")},
		{`given_name = "Ha*"`, displayNames("Hổ Hà", "Hoàng Hằng")},
		{`given_name = "E*"`, displayNames("Ư Em", "Lê Ê")},
		{`middle_name = "Van*"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân", "Ngô Bảo", "Trần Dũng", "Tran Đức",
			"Đặng Hòa", "Dương Hoà", "Hồ Hùng", "Hổ Hà", "Hoàng Hằng", "Ư Em", "Lê Ê")},
		{`display_name = "Nguyen Van A*"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân")},
		{`display_name = "Nguyen Van Ă*"`, nil}, // with a mark: as typed
		// With marks: as typed, the last letter typed bare with any marks.
		{`family_name = "Nguyễ*"`, displayNames("Nguyễn An")},
		{`family_name = "Nguyê*"`, displayNames("Nguyên Ân")},
		{`family_name = "Trầ*"`, displayNames("Trần Dũng")},
		{`family_name = "Đ*"`, displayNames("Đặng Hòa")},
		{`given_name = "Hoà*"`, displayNames("Đặng Hòa", "Dương Hoà")},
	} {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := list(tt.filter)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("%q, %v; want %q", got, err, tt.want)
			}
		})
	}
	// Organizations and associations by display_name too.
	ctx := context.Background()
	for i, n := range []string{"Trường Đại học An Giang", "Trạm Y tế", "Sở Y tế"} {
		if _, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: n}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: n, Code: "H" + string(rune('A'+i))}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	orgs, _, err := db.ListOrganizations(ctx, ListQuery{Filter: `display_name = "truong dai*"`, PageSize: 10})
	if err != nil || len(orgs) != 1 || orgs[0].DisplayName != "Trường Đại học An Giang" {
		t.Errorf("organizations truong dai*: %v %v", orgs, err)
	}
	as, _, err := db.ListAssociations(ctx, ListQuery{Filter: `display_name = "Tra*"`, PageSize: 10})
	if err != nil || len(as) != 1 || as[0].DisplayName != "Trạm Y tế" {
		t.Errorf("associations Tra*: %v %v", as, err)
	}
}

// < <= > >= on names compare in Vietnamese order, as order_by sorts.
func TestNameComparisonsInVietnameseOrder(t *testing.T) {
	db, list := namesFilterTest(t, filterNames)
	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{`family_name < "Đ"`, displayNames("Dương Hoà")},
		{`family_name < "E" AND family_name >= "D"`, displayNames("Dương Hoà", "Đặng Hòa")},
		// Tones order huyền before hỏi: Hồ before Hổ.
		{`family_name >= "Đ" AND family_name < "Hồ"`, displayNames("Đặng Hòa", "Hoàng Hằng")},
		{`family_name > "Hồ" AND family_name < "I"`, displayNames("Hổ Hà")},
		{`family_name >= "N" AND family_name < "O"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân", "Ngô Bảo")},
		{`family_name > "Trần"`, displayNames("Ư Em")},
		{`family_name >= "Trần"`, displayNames("Trần Dũng", "Ư Em")},
		{`family_name <= "Tran"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân", "Ngô Bảo", "Tran Đức",
			"Đặng Hòa", "Dương Hoà", "Hồ Hùng", "Hổ Hà", "Hoàng Hằng", "Lê Ê")},
		{`family_name > "Tran"`, displayNames("Trần Dũng", "Ư Em")},
		{`NOT family_name < "U"`, displayNames("Ư Em")},
		{`given_name < "B"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân")},
		{`given_name > "Ăn" AND given_name <= "Đức"`, displayNames("Nguyên Ân", "Ngô Bảo", "Trần Dũng", "Tran Đức")},
		{`given_name = "Hoà" AND given_name <= "Hòa"`, displayNames("Đặng Hòa", "Dương Hoà")}, // one name, either spelling
		{`middle_name >= "Văn"`, displayNames("Nguyễn An", "NGUYỄN Ăn", "Nguyên Ân", "Ngô Bảo", "Trần Dũng", "Tran Đức",
			"Đặng Hòa", "Dương Hoà", "Hồ Hùng", "Hổ Hà", "Hoàng Hằng", "Ư Em", "Lê Ê")},
		{`middle_name > "Văn"`, nil},
		{`display_name < "E"`, displayNames("Dương Hoà", "Đặng Hòa")},
	} {
		t.Run(tt.filter, func(t *testing.T) {
			got, err := list(tt.filter)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("%q, %v; want %q", got, err, tt.want)
			}
		})
	}
	ctx := context.Background()
	for _, n := range vietnameseOrder {
		if _, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: n}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	orgs, _, err := db.ListOrganizations(ctx, ListQuery{Filter: `display_name >= "Trạm" AND display_name < "V"`, PageSize: 20, OrderBy: "display_name"})
	var got []string
	for _, o := range orgs {
		got = append(got, o.DisplayName)
	}
	if want := vietnameseOrder[3:8]; err != nil || !slices.Equal(got, want) {
		t.Errorf("organizations from Trạm to V: %q, %v; want %q", got, err, want)
	}
}

// Mistakes in a name's comparison or prefix name the field.
func TestNameFilterErrors(t *testing.T) {
	_, list := namesFilterTest(t, nil)
	for filter, want := range map[string]string{
		`family_name < "Ng*"`: "family_name: a trailing * (a prefix match) works only with = and !=",
		`given_name >= 5`:     "given_name is text",
		`display_name = "Doan Duong Doan Duong Nguyen*"`: "display_name: \"doan duong doan duong nguyen\" typed without marks stands for more than 64 spellings",
	} {
		_, err := list(filter)
		var e *Error
		if !errors.As(err, &e) || e.Code != Invalid || e.Field != "filter" || !strings.Contains(e.Message, want) {
			t.Errorf("%s: %v; want INVALID_ARGUMENT on filter saying %q", filter, err, want)
		}
	}
}

// A prefix typed without marks, and a comparison, on a name with a stored
// key read a range of the key's index, not every person.
func TestNameKeyFiltersUseIndex(t *testing.T) {
	db, _ := namesFilterTest(t, filterNames)
	ctx := context.Background()
	for filter, index := range map[string]string{
		`family_name = "Nguyen*"`:                     "people_family_key",
		`family_name < "Đ"`:                           "people_family_key",
		`given_name >= "Hoa" AND given_name < "Hoan"`: "people_sort_key",
		`given_name = "Ho*"`:                          "people_sort_key",
		`family_name = "Ng*"`:                         "people_family_key",
	} {
		err := db.read(ctx, func(tx *Tx) error {
			l, err := tx.peopleListing(ctx, ListQuery{Filter: filter})
			if err != nil {
				return err
			}
			q, args := l.countSQL()
			if plan := queryPlan(t, tx, q, args...); !strings.Contains(plan, "USING INDEX "+index+" (") {
				t.Errorf("%s: count's plan %s; want a range of %s", filter, plan, index)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// A registrar limited to some associations compares no key of a member
// outside them, as no name: the key would tell the name's place.
func TestScopedMembershipNameKeysHidden(t *testing.T) {
	s := scopedMembershipSchema([]int64{1})(ranks{})
	for _, name := range []string{"person.family_name", "person.given_name", "person.middle_name", "person.display_name"} {
		f := s[name]
		if f.Order == nil || !strings.HasPrefix(f.Order.SQL, "(CASE WHEN ") || f.Order.SQL[len(f.Order.SQL)-5:] != " END)" {
			t.Errorf("%s: key %v, want it hidden outside the scope as the text is (%s)", name, f.Order, f.SQL)
		}
	}
}

// A name's prefix typed without marks may hold for much of the registry
// ("Nguyen*" is some two people in five). A page in registration order
// scans that order and stops at its LIMIT, rather than read the prefix's
// range from the key's index and sort every match (seconds at a million
// people); a page in name order reads the range in its order.
func TestBroadNamePrefixPages(t *testing.T) {
	db, _ := namesFilterTest(t, filterNames)
	ctx := context.Background()
	// Typed with marks too: "Trần*" in name order read the name index from
	// A, testing each name, past the read budget at a million.
	for _, filter := range []string{`family_name = "Nguyen*"`, `family_name = "Ng*"`, `family_name = "L*"`, `family_name = "Trần*"`, `family_name = "Nguyễ*"`} {
		for _, order := range []string{"", "family_name"} {
			err := db.read(ctx, func(tx *Tx) error {
				l, err := tx.peopleListing(ctx, ListQuery{Filter: filter, OrderBy: order})
				if err != nil {
					return err
				}
				for _, b := range l.pageBands() {
					q, withArgs, _ := l.bandSQL(b, l.where, nil)
					plan := queryPlan(t, tx, q, append(append([]any(nil), withArgs...), l.args...)...)
					if strings.Contains(plan, "TEMP B-TREE") {
						t.Errorf("%s ordered by %q: plan %s; want the page read in its order", filter, order, plan)
					}
					if order != "" && !strings.Contains(plan, "USING INDEX people_family_key (") {
						t.Errorf("%s ordered by %q: plan %s; want a range of people_family_key", filter, order, plan)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}
