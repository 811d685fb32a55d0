package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registrar key limited to an association searches its members by name,
// typed without diacritics, as everyone may: the answer, its total_size and
// its page tokens hold the people of its scope alone, never a member of
// another association by the same name, over gRPC and REST.
func TestScopedSearchPeople(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	union, hyh := e.associations()
	kt := e.association("hoi-kinh-te", &pb.Association{DisplayName: "Hội Kinh tế", Code: "HKT", Parent: union.Name})
	member := func(assoc *pb.Association, nid string) string {
		return e.register(&pb.RegisterMemberRequest{Parent: assoc.Name, Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{
			FamilyName: "Nguyễn", MiddleName: "Văn", GivenName: "Hùng", NationalId: nid}}}).Membership.Person
	}
	doctors := []string{member(hyh, "091185000001"), member(hyh, "091185000002")}
	slices.Sort(doctors)
	outside := []string{member(kt, "091185000003"), e.person(&pb.Person{FamilyName: "Nguyễn", MiddleName: "Văn", GivenName: "Hùng"}).Name}

	_, tok, err := e.db.CreateScopedKey(ctx, "Hội Y học", RoleRegistrar, hyh.Name, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	medical := e.clientAs(tok)
	leaks := func(where, text string) {
		t.Helper()
		for _, o := range outside {
			if holdsMark(text, strings.TrimPrefix(o, "people/")) {
				t.Errorf("%s names %s, outside the scope:\n%s", where, o, text)
			}
		}
	}

	// One page of all: the doctors alone, counted alone.
	all, err := medical.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "nguyen van hung"})
	if err != nil {
		t.Fatalf("the limited key's search: %v", err)
	}
	var got []string
	for _, p := range all.People {
		got = append(got, p.Name)
	}
	slices.Sort(got)
	if !slices.Equal(got, doctors) || all.TotalSize != 2 || all.NextPageToken != "" {
		t.Errorf("the limited key finds %v (total_size %d, next %q), want %v alone", got, all.TotalSize, all.NextPageToken, doctors)
	}
	leaks("SearchPeople", all.String())

	// A page at a time: the count and the tokens are the scope's.
	got = nil
	token := ""
	for i := 0; ; i++ {
		page, err := medical.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "Nguyễn Văn Hùng", PageSize: 1, PageToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", i, err)
		}
		if i == 0 && page.TotalSize != 2 {
			t.Errorf("the first page counts %d, want the 2 of the scope", page.TotalSize)
		}
		leaks("a page of SearchPeople", page.String())
		for _, p := range page.People {
			got = append(got, p.Name)
		}
		if token = page.NextPageToken; token == "" || i > 5 {
			break
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, doctors) {
		t.Errorf("paging, the limited key finds %v, want %v", got, doctors)
	}

	// A token of a search without a limit does not continue the limited
	// key's: it would page through everyone.
	wide, err := e.client.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "nguyen van hung", PageSize: 1})
	if err != nil || wide.TotalSize != 4 || wide.NextPageToken == "" {
		t.Fatalf("the search without a limit: %v %v", wide, err)
	}
	_, err = medical.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "nguyen van hung", PageSize: 1, PageToken: wide.NextPageToken})
	wantCode(t, err, codes.InvalidArgument)

	// A filter cannot reach past the scope.
	other, err := medical.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "hung", Filter: `memberships.association = "` + kt.Name + `"`})
	if err != nil || len(other.People) != 0 || other.TotalSize != 0 {
		t.Errorf("a filter for the other association's members: %v %v", other, err)
	}

	// REST, the same.
	code, body := e.restAs(tok, "GET", "/v1/people:search?"+url.Values{"query": {"nguyen van hung"}}.Encode(), nil)
	if code != http.StatusOK {
		t.Fatalf("REST search: %d %v", code, body)
	}
	people, _ := body["people"].([]any)
	if len(people) != 2 || body["totalSize"] != float64(2) {
		t.Errorf("REST search: %d people, totalSize %v; want the 2 of the scope", len(people), body["totalSize"])
	}
	leaks("REST SearchPeople", jsonText(body))
}
