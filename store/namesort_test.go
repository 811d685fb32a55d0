package store

import (
	"context"
	"slices"
	"testing"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// Names in a province's lists, in the order official lists give them:
// Vietnamese collation (a < ă < â, d < đ, o < ô < ơ, u < ư; tones after the
// letter), which code points do not follow ("Trạm" after "Trường", "Ủy
// ban" after "Viện").
var vietnameseOrder = []string{
	"Bệnh viện Đa khoa tỉnh", "Đài Phát thanh", "Sở Y tế", "Trạm Y tế xã Vĩnh Hòa", "Trường Đại học An Giang",
	"Trường THCS Lê Quý Đôn", "Trường THPT Chuyên Thoại Ngọc Hầu", "Ủy ban nhân dân tỉnh", "Viện Lúa Đồng bằng sông Cửu Long",
}

func TestOrganizationsAndAssociationsInVietnameseOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// Registered in code-point order, the order to beat.
	names := slices.Clone(vietnameseOrder)
	slices.Sort(names)
	for i, n := range names {
		if _, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: n}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateAssociation(ctx, &pb.Association{DisplayName: "Hội " + n, Code: "H" + string(rune('A'+i))}, CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// A rename moves the organization to its new place.
	orgs, _, err := db.ListOrganizations(ctx, ListQuery{PageSize: 100, Filter: `display_name = "Sở Y tế"`})
	if err != nil || len(orgs) != 1 {
		t.Fatal(orgs, err)
	}
	if _, err := db.UpdateOrganization(ctx, orgs[0].Name, WriteOptions{}, func(o *pb.Organization) error {
		o.DisplayName = "Ủy ban nhân dân huyện"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(vietnameseOrder)
	want = slices.Insert(slices.DeleteFunc(want, func(s string) bool { return s == "Sở Y tế" }), 6, "Ủy ban nhân dân huyện")
	checkOrgOrder(t, db, want)

	var got []string
	as, _, err := db.ListAssociations(ctx, ListQuery{PageSize: 100, OrderBy: "display_name"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		got = append(got, a.DisplayName[len("Hội "):])
	}
	if !slices.Equal(got, vietnameseOrder) {
		t.Errorf("associations by display_name:\n%q\nwant\n%q", got, vietnameseOrder)
	}
}

// checkOrgOrder lists organizations by display_name, a few a page so that
// page tokens carry the key, both ways.
func checkOrgOrder(t *testing.T, db *DB, want []string) {
	t.Helper()
	for _, order := range []string{"display_name", "display_name desc"} {
		var got []string
		token := ""
		for {
			orgs, page, err := db.ListOrganizations(context.Background(), ListQuery{PageSize: 2, PageToken: token, OrderBy: order})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range orgs {
				got = append(got, o.DisplayName)
			}
			if token = page.NextPageToken; token == "" {
				break
			}
		}
		w := slices.Clone(want)
		if order != "display_name" {
			slices.Reverse(w)
		}
		if !slices.Equal(got, w) {
			t.Errorf("organizations by %s:\n%q\nwant\n%q", order, got, w)
		}
	}
}

// Organizations registered before the sort keys get theirs when the
// database is migrated.
func TestOrganizationSortKeysBackfilled(t *testing.T) {
	old, path := dbBefore(t, "_name_sort_keys.sql")
	for i, n := range vietnameseOrder {
		if _, err := old.writer.Exec(`INSERT INTO organizations(id, display_name, kind, create_time, update_time) VALUES (?, ?, 0, 1, 1)`,
			"o"+string(rune('a'+len(vietnameseOrder)-i)), n); err != nil {
			t.Fatal(err)
		}
	}
	db := reopen(t, old, path)
	checkOrgOrder(t, db, vietnameseOrder)
}

// Statistics by organization list the rows by name, not by resource id.
func TestStatisticsByOrganizationInNameOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	orgs := map[string]string{"cty-a": "Ủy ban nhân dân tỉnh", "cd-b": "Viện Lúa", "bv-c": "Trường THPT", "tr-d": "Trạm Y tế"}
	for id, name := range orgs {
		if _, err := db.CreateOrganization(ctx, &pb.Organization{DisplayName: name}, CreateOptions{ID: id}); err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			p, err := db.CreatePerson(ctx, &pb.Person{GivenName: name + string(rune('A'+i))}, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreatePosition(ctx, p.Name, &pb.Position{Organization: "organizations/" + id, Title: "Cán bộ", Current: true}, CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	r, err := db.ComputeStatistics(ctx, StatsQuery{Dimensions: []Dimension{pb.ComputeStatisticsRequest_ORGANIZATION}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range r.GetRows() {
		if v := row.GetValues()[0]; v != "" {
			got = append(got, orgs[v[len("organizations/"):]])
		}
	}
	if want := []string{"Trạm Y tế", "Trường THPT", "Ủy ban nhân dân tỉnh", "Viện Lúa"}; !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}
