package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
	"trithuc.gov.vn/trithuc/transfer"
)

// TestRestrictedOnEveryReadPath restricts a member (a completed
// RESTRICTION request) and walks every read a caller other than an admin
// may make, over gRPC and REST, as every such caller: the person appears in
// no answer. A call about the person alone is PERMISSION_DENIED; a listing
// leaves them out.
func TestRestrictedOnEveryReadPath(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	person := f.person.Name
	id := strings.TrimPrefix(person, "people/")
	quals, err := e.client.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: person})
	if err != nil || len(quals.Qualifications) != 1 {
		t.Fatal(quals, err)
	}
	qual := quals.Qualifications[0].Name
	consents, err := e.client.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: person})
	if err != nil || len(consents.Consents) != 1 {
		t.Fatal(consents, err)
	}
	consentName := consents.Consents[0].Name
	_, serviceTok := e.key(RoleService)
	scopedTok := f.scopedToken(t)
	callers := map[string]string{RoleRegistrar: f.registrarTok, RoleHomeAffairs: f.homeAffairsTok, RoleService: serviceTok,
		"association key": scopedTok}

	type read struct {
		name string
		grpc func(c *client.Client) (proto.Message, error)
		rest string // the path and query of the same read over REST
	}
	reads := []read{
		{"GetPerson", func(c *client.Client) (proto.Message, error) {
			return c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person})
		}, "/v1/" + person},
		{"ListPeople", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1000})
		}, "/v1/people?pageSize=1000"},
		{"ListPeople filtered by name", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: `given_name = "Bảo"`})
		}, "/v1/people?filter=" + url.QueryEscape(`given_name = "Bảo"`)},
		{"ListPeople show_deleted", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPeople(ctx, &pb.ListPeopleRequest{ShowDeleted: true})
		}, "/v1/people?showDeleted=true"},
		{"SearchPeople", func(c *client.Client) (proto.Message, error) {
			return c.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "Lâm Quốc Bảo"})
		}, "/v1/people:search?query=" + url.QueryEscape("Lâm Quốc Bảo")},
		{"GetQualification", func(c *client.Client) (proto.Message, error) {
			return c.People.GetQualification(ctx, &pb.GetQualificationRequest{Name: qual})
		}, "/v1/" + qual},
		{"ListQualifications", func(c *client.Client) (proto.Message, error) {
			return c.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: person})
		}, "/v1/" + person + "/qualifications"},
		{"ListQualifications people/-", func(c *client.Client) (proto.Message, error) {
			return c.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/-"})
		}, "/v1/people/-/qualifications"},
		{"ListPositions", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: person})
		}, "/v1/" + person + "/positions"},
		{"ListPositions people/-", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPositions(ctx, &pb.ListPositionsRequest{Parent: "people/-"})
		}, "/v1/people/-/positions"},
		{"ListHonors", func(c *client.Client) (proto.Message, error) {
			return c.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: person})
		}, "/v1/" + person + "/honors"},
		{"ListHonors people/-", func(c *client.Client) (proto.Message, error) {
			return c.People.ListHonors(ctx, &pb.ListHonorsRequest{Parent: "people/-"})
		}, "/v1/people/-/honors"},
		{"GetMembership", func(c *client.Client) (proto.Message, error) {
			return c.Memberships.GetMembership(ctx, &pb.GetMembershipRequest{Name: f.membership.Name})
		}, "/v1/" + f.membership.Name},
		{"ListMemberships", func(c *client.Client) (proto.Message, error) {
			return c.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: f.hyh.Name})
		}, "/v1/" + f.hyh.Name + "/memberships"},
		{"ListMemberships associations/-", func(c *client.Client) (proto.Message, error) {
			return c.Memberships.ListMemberships(ctx, &pb.ListMembershipsRequest{Parent: "associations/-"})
		}, "/v1/associations/-/memberships"},
		{"GetConsent", func(c *client.Client) (proto.Message, error) {
			return c.Privacy.GetConsent(ctx, &pb.GetConsentRequest{Name: consentName})
		}, "/v1/" + consentName},
		{"ListConsents", func(c *client.Client) (proto.Message, error) {
			return c.Privacy.ListConsents(ctx, &pb.ListConsentsRequest{Parent: person})
		}, "/v1/" + person + "/consents"},
		{"ListPersonRevisions", func(c *client.Client) (proto.Message, error) {
			return c.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: person})
		}, "/v1/" + person + "/revisions"},
		{"ExportPersonData", func(c *client.Client) (proto.Message, error) {
			return c.Privacy.ExportPersonData(ctx, &pb.ExportPersonDataRequest{Name: person})
		}, "/v1/" + person + ":exportData"},
		{"ComputeStatistics", func(c *client.Client) (proto.Message, error) {
			return c.Statistics.ComputeStatistics(ctx, &pb.ComputeStatisticsRequest{
				Dimensions: []pb.ComputeStatisticsRequest_Dimension{pb.ComputeStatisticsRequest_GENDER}})
		}, "/v1/statistics:compute?dimensions=GENDER"},
	}

	// Before the restriction, the walk finds the person: it can tell.
	seen := func(token string) map[string]bool {
		t.Helper()
		c := e.clientAs(token)
		got := map[string]bool{}
		for _, r := range reads {
			resp, err := r.grpc(c)
			switch status.Code(err) {
			case codes.OK:
				b, _ := protojson.Marshal(resp)
				got[r.name] = strings.Contains(string(b), id)
			case codes.PermissionDenied:
			default:
				t.Errorf("%s: %v", r.name, err)
			}
			code, body := e.restAs(token, "GET", r.rest, nil)
			switch code {
			case http.StatusOK:
				got["REST "+r.name] = strings.Contains(jsonText(body), id)
			case http.StatusForbidden:
			default:
				t.Errorf("REST %s: %d %v", r.name, code, body)
			}
		}
		got["ExportPeople"] = strings.Contains(string(e.exportAs(token)), f.person.FamilyName+" ")
		return got
	}
	for _, path := range []string{"GetPerson", "REST ListPeople", "SearchPeople", "ListQualifications people/-", "GetMembership", "REST ListMemberships"} {
		if !seen(f.registrarTok)[path] {
			t.Fatalf("before the restriction, the registrar's %s does not find the person", path)
		}
	}

	f.restrict(t)
	for who, token := range callers {
		for path, found := range seen(token) {
			if found {
				t.Errorf("%s: %s shows the restricted person", who, path)
			}
		}
	}

	// Nor do the membership's changes, a registration by name, or the
	// answer of a registration that meets them, as the registrar.
	union := &pb.Association{Name: "associations/lien-hiep"}
	_, err = f.registrar.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: f.membership.Name, Reason: "x"})
	wantCode(t, err, codes.PermissionDenied)
	code, body := e.restAs(f.registrarTok, "POST", "/v1/"+f.membership.Name+":suspend", map[string]any{"reason": "x"})
	wantREST(t, code, body, http.StatusForbidden)
	_, err = f.registrar.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: union.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_Person{Person: person}})
	wantCode(t, err, codes.PermissionDenied)
	// A registration that meets them by national ID is refused
	// (TestRegistrationByIDDoesNotReachRestricted).
	_, err = f.registrar.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: union.Name, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: bao()}})
	wantCode(t, err, codes.FailedPrecondition)
	code, body = e.restAs(f.registrarTok, "POST", "/v1/"+union.Name+"/memberships:register", map[string]any{
		"newPerson": map[string]any{"familyName": "Lâm", "middleName": "Quốc", "givenName": "Bảo", "gender": "MALE",
			"birthDate": map[string]any{"year": 1979, "month": 11, "day": 2}},
		"consent": map[string]any{"purposes": []string{"REGISTRY"}, "textVersion": "2026-01"}})
	if code != http.StatusOK || strings.Contains(jsonText(body), id) {
		t.Errorf("REST: a look-alike's registration: %d %s", code, jsonText(body))
	}
}

// exportAs exports every person as CSV with the caller's key; a caller
// that may not export gets nothing.
func (e *env) exportAs(token string) []byte {
	e.t.Helper()
	stream, err := pb.NewTransferServiceClient(e.clientAs(token).Conn()).ExportPeople(context.Background(), &pb.ExportPeopleRequest{})
	if err != nil {
		e.t.Fatal(err)
	}
	var b []byte
	for {
		chunk, err := stream.Recv()
		if status.Code(err) == codes.PermissionDenied {
			return nil
		}
		if err != nil {
			return b
		}
		b = append(b, chunk.Data...)
	}
}

// An import by a caller other than an admin does not reach a restricted
// person: a row that names them, by Mã hồ sơ or national ID, on any sheet,
// is refused without quoting what is registered (a dry run was a free
// look-up of the whole profile), a look-alike is not named, and nothing
// changes. An admin's import still reaches them.
func TestImportDoesNotReachRestricted(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	person := f.person.Name
	id := strings.TrimPrefix(person, "people/")
	f.restrict(t)
	file := sheets(t, []string{transfer.PeopleSheet, transfer.QualificationsSheet}, map[string][][]any{
		transfer.PeopleSheet: {{"Mã hồ sơ", "Họ", "Tên đệm", "Tên", "Giới tính", "Ngày sinh", "Số CCCD", "Email"},
			{person, "Vũ", "Văn", "Phúc", "Nữ", "01/01/1970", "", "x@example.vn"}, // 2: by Mã hồ sơ
			{"", "Vũ", "Văn", "Phúc", "Nữ", "01/01/1970", "091079000456", ""},     // 3: by national ID
			{"", "Lâm", "Quốc", "Bảo", "Nam", "02/11/1979", "", ""},               // 4: a look-alike
			{"", "Trần", "", "Thử", "Nam", "1990", "", "bao.lam@example.vn"}},     // 5: the person's email
		transfer.QualificationsSheet: {{"Số CCCD", "Loại", "Trình độ", "Chuyên ngành", "Năm"},
			{"091079000456", "Bằng cấp", "TIEN_SI", "Nội khoa", 2020}}})
	registered := []string{"Lâm", "Quốc", "Bảo", "MALE", "02/11/1979", "bao.lam", "0912345678", "Nội khoa\" registered"}
	for _, mode := range []*pb.ImportPeopleRequest{{ValidateOnly: true}, {SkipInvalid: true, Overwrite: true}} {
		mode.File = &httpbody.HttpBody{Data: file}
		resp, _, err := e.importScoped(f.registrarTok, mode)
		if err != nil {
			t.Fatal(err)
		}
		text := protojson.Format(resp)
		for _, v := range registered {
			if strings.Contains(text, v) {
				t.Errorf("validate_only=%v: the answer tells %q of the restricted person: %s", mode.ValidateOnly, v, text)
			}
		}
		for _, p := range resp.Problems {
			if (p.Sheet != transfer.PeopleSheet || p.Row != 2) && strings.Contains(protojson.Format(p), id) {
				t.Errorf("validate_only=%v: row %d, which does not name them, names them: %v", mode.ValidateOnly, p.Row, p)
			}
		}
		refused := problemsBySheet(resp, pb.ImportProblem_ERROR)
		for _, at := range []string{transfer.PeopleSheet + "/2", transfer.PeopleSheet + "/3", transfer.QualificationsSheet + "/2"} {
			if !strings.Contains(refused[at], "restricted") {
				t.Errorf("validate_only=%v: %s is not refused as restricted: %q", mode.ValidateOnly, at, refused[at])
			}
		}
		// The look-alike and the row with their email resemble someone
		// restricted, unnamed, as a registration says.
		if resp.Created != 0 || resp.Updated != 0 || resp.PossibleDuplicates != 2 {
			t.Errorf("validate_only=%v: created %d, updated %d, look-alikes %d: want nothing created, two look-alikes",
				mode.ValidateOnly, resp.Created, resp.Updated, resp.PossibleDuplicates)
		}
	}
	got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person, View: pb.PersonView_PERSON_VIEW_FULL})
	if err != nil || got.FamilyName != "Lâm" || got.Email != "bao.lam@example.vn" || len(got.Qualifications) != 1 {
		t.Errorf("after the registrar's imports the person reads %v, %v: want them unchanged", got, err)
	}
	// An admin's import reaches them.
	resp, st := e.importFile(&pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: file}})
	if !strings.Contains(problemsBySheet(resp, pb.ImportProblem_CONFLICT)[transfer.PeopleSheet+"/2"], `"Lâm"`) {
		t.Errorf("an admin's dry run does not list the conflicts with the restricted person: %v %v", protojson.Format(resp), st)
	}
}

// A person who withholds their contact details (no CONTACT consent)
// keeps them out of an import's answer to a registrar: a row's email or
// phone is neither compared nor applied, even with overwrite, and a new
// row with their email is not their look-alike, as a filter on it finds
// nobody. Registration's look-alikes say the same.
func TestImportDoesNotCompareWithheldContact(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	person := f.person.Name
	f.withholdContact(t)
	// The same email and another one read alike: neither is compared.
	for _, email := range []string{"bao.lam@example.vn", "other@example.vn"} {
		file := workbook(t, []any{"Mã hồ sơ", "Họ", "Tên", "Email", "Điện thoại"}, []any{person, "Lâm", "Bảo", email, "0912345678"})
		for _, mode := range []*pb.ImportPeopleRequest{{ValidateOnly: true}, {Overwrite: true}} {
			mode.File = &httpbody.HttpBody{Data: file}
			resp, _, err := e.importScoped(f.registrarTok, mode)
			if err != nil {
				t.Fatal(err)
			}
			conflicts := problemsBySheet(resp, pb.ImportProblem_CONFLICT)[transfer.PeopleSheet+"/2"]
			if strings.Contains(protojson.Format(resp), "bao.lam") && email != "bao.lam@example.vn" ||
				!strings.Contains(conflicts, "withholds") || strings.Count(conflicts, "withholds") != 2 || resp.Updated != 0 {
				t.Errorf("%s, overwrite=%v: %s", email, mode.Overwrite, protojson.Format(resp))
			}
		}
	}
	admin, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person})
	if err != nil || admin.Email != "bao.lam@example.vn" || admin.Phone != "0912345678" {
		t.Errorf("after the registrar's imports the contact details read %v, %v", admin, err)
	}
	// A new person with the withheld email is nobody's look-alike.
	file := workbook(t, peopleHeader, []any{"Trần", "", "Thử", "Nam", "1990", "", "", "bao.lam@example.vn"})
	resp, _, err := e.importScoped(f.registrarTok, &pb.ImportPeopleRequest{ValidateOnly: true, File: &httpbody.HttpBody{Data: file}})
	if err != nil || resp.PossibleDuplicates != 0 || resp.Created != 1 {
		t.Errorf("a new row with the withheld email: %v %v", protojson.Format(resp), err)
	}
	reg, err := f.registrar.Memberships.RegisterMember(ctx, &pb.RegisterMemberRequest{Parent: f.hyh.Name, ValidateOnly: true, Consent: consent(),
		Applicant: &pb.RegisterMemberRequest_NewPerson{NewPerson: &pb.Person{FamilyName: "Trần", GivenName: "Thử", Email: "bao.lam@example.vn"}}})
	if err != nil || len(reg.GetMembership().GetPossibleDuplicates()) != 0 {
		t.Errorf("a registration with the withheld email: %v %v", reg, err)
	}
}

// Honours are about their people: a caller other than an admin may not
// nominate a restricted person, nor read, review or select a nomination
// of one (an admin's); the list leaves it out.
func TestNominationsOfRestricted(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	year := int32(time.Now().In(store.Vietnam).Year())
	c, err := e.client.Honors.CreateHonorCampaign(ctx, &pb.CreateHonorCampaignRequest{HonorCampaignId: "tieu-bieu", HonorCampaign: &pb.HonorCampaign{
		DisplayName: "Trí thức tiêu biểu", Year: year, Kind: pb.Honor_PROVINCIAL_HONOR, Quota: 1,
		NominationDeadline: dateOf(time.Now().AddDate(0, 1, 0)), Issuer: "UBND tỉnh An Giang"}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := e.client.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, Nomination: &pb.Nomination{
		Person: f.person.Name, Nominator: "Hội Y học", Reason: "Đóng góp"}})
	if err != nil {
		t.Fatal(err)
	}
	f.restrict(t)
	_, err = f.registrar.Honors.CreateNomination(ctx, &pb.CreateNominationRequest{Parent: c.Name, NominationId: "lan-hai",
		Nomination: &pb.Nomination{Person: f.person.Name, Nominator: "Hội Y học", Reason: "Đóng góp"}})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.registrar.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: n.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.homeAffairs.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: n.Name})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.registrar.Honors.ReviewNomination(ctx, &pb.ReviewNominationRequest{Name: n.Name, Decision: pb.Nomination_SHORTLISTED, Note: "x"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = f.registrar.Honors.SelectNomination(ctx, &pb.SelectNominationRequest{Name: n.Name, DecisionNumber: "1/QĐ"})
	wantCode(t, err, codes.PermissionDenied)
	code, body := e.restAs(f.homeAffairsTok, "GET", "/v1/"+n.Name, nil)
	wantREST(t, code, body, http.StatusForbidden)
	list, err := f.homeAffairs.Honors.ListNominations(ctx, &pb.ListNominationsRequest{Parent: c.Name})
	if err != nil || strings.Contains(protojson.Format(list), strings.TrimPrefix(f.person.Name, "people/")) {
		t.Errorf("ListNominations names the restricted person: %v %v", list, err)
	}
	if got, err := e.client.Honors.GetNomination(ctx, &pb.GetNominationRequest{Name: n.Name}); err != nil || got.Person != f.person.Name {
		t.Errorf("the admin's GetNomination: %v %v", got, err)
	}
}

// The change feed keeps a restricted person to admins too: a caller other
// than an admin reads of them only that they are gone (their restriction
// told as DELETED, so that a copy drops them), nothing of their changes
// before or after it, nor of their memberships'.
func TestChangesOfRestricted(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	head, err := e.client.Changes.ListChanges(ctx, &pb.ListChangesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	_, svcTok := e.key(RoleService)
	update := func(phone string) {
		t.Helper()
		if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: f.person.Name, Phone: phone},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}}}); err != nil {
			t.Fatal(err)
		}
	}
	update("0900000001")
	f.restrict(t)
	update("0900000002")
	if _, err := e.client.Memberships.SuspendMembership(ctx, &pb.SuspendMembershipRequest{Name: f.membership.Name, Reason: "x"}); err != nil {
		t.Fatal(err)
	}
	about := func(cs []*pb.Change) []string {
		var out []string
		for _, c := range cs {
			if c.Resource == f.person.Name || strings.HasPrefix(c.Resource, f.person.Name+"/") || c.Resource == f.membership.Name {
				out = append(out, c.Resource+" "+c.Kind.String()+" "+strings.Join(c.ChangedFields, ","))
			}
		}
		return out
	}
	for who, tok := range map[string]string{"registrar": f.registrarTok, "home affairs": f.homeAffairsTok, "service": svcTok} {
		got := about(feedOf(t, e.clientAs(tok).Changes, head.Cursor))
		if want := []string{f.person.Name + " DELETED "}; !slices.Equal(got, want) {
			t.Errorf("%s reads of the restricted person %q, want %q", who, got, want)
		}
	}
	// A key limited to the association that the restricted person then
	// leaves reads of them but DELETED too: a follower that catches up
	// after both drops its copy.
	if _, err := e.client.Memberships.WithdrawMembership(ctx, &pb.WithdrawMembershipRequest{Name: f.membership.Name}); err != nil {
		t.Fatal(err)
	}
	got := about(feedOf(t, f.scoped.Changes, head.Cursor))
	if len(got) == 0 {
		t.Errorf("the association's key is not told that the restricted person is gone")
	}
	for _, c := range got {
		if c != f.person.Name+" DELETED " {
			t.Errorf("the association's key reads of the restricted person %q", got)
		}
	}
	if got := about(feedOf(t, e.client.Changes, head.Cursor)); len(got) < 4 {
		t.Errorf("the admin reads %q: want every change", got)
	}

	// Everything else stays in their feed: the changes of organizations
	// and associations, which have no person, over ListChanges and
	// WatchChanges alike.
	org, err := e.client.Organizations.CreateOrganization(ctx, &pb.CreateOrganizationRequest{Organization: &pb.Organization{DisplayName: "Sở Y tế"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.Memberships.UpdateAssociation(ctx, &pb.UpdateAssociationRequest{Association: &pb.Association{Name: f.hyh.Name, ShortName: "HYH"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"short_name"}}}); err != nil {
		t.Fatal(err)
	}
	if got := resources(feedOf(t, e.clientAs(f.homeAffairsTok).Changes, head.Cursor)); !slices.Contains(got, org.Name) || !slices.Contains(got, f.hyh.Name) {
		t.Errorf("home affairs lists %q: the organization's or the association's change is missing", got)
	}
	for who, tok := range map[string]string{"home affairs": f.homeAffairsTok, "service": svcTok} {
		c := e.clientAs(tok).Changes
		filtered, err := c.ListChanges(ctx, &pb.ListChangesRequest{PageToken: head.Cursor, Filter: "resource_type = ORGANIZATION"})
		if err != nil || len(filtered.Changes) != 1 || filtered.Changes[0].Resource != org.Name {
			t.Errorf("%s lists the organizations' changes: %v %v", who, filtered, err)
		}
		// A watch that misses the change waits for the next: bound it.
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		stream, err := c.WatchChanges(wctx, &pb.WatchChangesRequest{Cursor: head.Cursor, Filter: "resource_type = ORGANIZATION"})
		if err != nil {
			t.Fatal(err)
		}
		m, err := stream.Recv()
		cancel()
		if err != nil || len(m.Changes) != 1 || m.Changes[0].Resource != org.Name {
			t.Errorf("%s watches the organizations' changes: %v %v", who, m, err)
		}
	}
}
