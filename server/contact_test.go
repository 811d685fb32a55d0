package server

import (
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"trithuc.gov.vn/trithuc/client"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A member whose CONTACT consent is withdrawn (their registry consent
// stays) keeps their profile, but their email, phone and address leave
// every answer to a registrar, the association's own key included, over
// gRPC and REST: the profile, lists, search, the FULL view, the
// qualifications across people, revisions, the export, and filters on
// those fields. Admins still read them; a new CONTACT consent restores them.
func TestContactDetailsFollowContactConsent(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	person := f.person.Name
	const address = "12 Trần Hưng Đạo, Long Xuyên"
	if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: person, Address: address},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"address"}}}); err != nil {
		t.Fatal(err)
	}
	contact := []string{"bao.lam@example.vn", "0912345678", "Trần Hưng Đạo"}
	callers := map[string]string{"registrar": f.registrarTok, "association key": f.scopedToken(t)}

	type read struct {
		name string
		grpc func(c *client.Client) (proto.Message, error)
		rest string
	}
	byEmail := `email = "bao.lam@example.vn"`
	reads := []read{
		{"GetPerson", func(c *client.Client) (proto.Message, error) {
			return c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person})
		}, "/v1/" + person},
		{"GetPerson FULL", func(c *client.Client) (proto.Message, error) {
			return c.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person, View: pb.PersonView_PERSON_VIEW_FULL})
		}, "/v1/" + person + "?view=PERSON_VIEW_FULL"},
		{"ListPeople", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 1000, View: pb.PersonView_PERSON_VIEW_FULL})
		}, "/v1/people?pageSize=1000&view=PERSON_VIEW_FULL"},
		{"ListPeople by email", func(c *client.Client) (proto.Message, error) {
			return c.People.ListPeople(ctx, &pb.ListPeopleRequest{Filter: byEmail})
		}, "/v1/people?filter=" + url.QueryEscape(byEmail)},
		{"SearchPeople", func(c *client.Client) (proto.Message, error) {
			return c.People.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: "Lâm Quốc Bảo"})
		}, "/v1/people:search?query=" + url.QueryEscape("Lâm Quốc Bảo")},
		{"ListQualifications across people by person.phone", func(c *client.Client) (proto.Message, error) {
			return c.People.ListQualifications(ctx, &pb.ListQualificationsRequest{Parent: "people/-", Filter: `person.phone = "0912345678"`})
		}, "/v1/people/-/qualifications?filter=" + url.QueryEscape(`person.phone = "0912345678"`)},
		{"ListPersonRevisions", func(c *client.Client) (proto.Message, error) {
			return c.Privacy.ListPersonRevisions(ctx, &pb.ListPersonRevisionsRequest{Parent: person})
		}, "/v1/" + person + "/revisions"},
	}
	// reveals says which reads, as the caller, show any contact detail or
	// (for the filtered ones) find the person at all.
	reveals := func(token string) map[string]bool {
		t.Helper()
		c := e.clientAs(token)
		got := map[string]bool{}
		for _, r := range reads {
			m, err := r.grpc(c)
			if status.Code(err) == codes.PermissionDenied {
				continue // not this caller's to make (a limited key lists nobody)
			}
			if err != nil {
				t.Fatalf("%s: %v", r.name, err)
			}
			b, _ := protojson.Marshal(m)
			got[r.name] = containsAny(string(b), contact) || strings.Contains(r.name, " by ") && strings.Contains(string(b), f.person.Name)
			code, body := e.restAs(token, "GET", r.rest, nil)
			if code != 200 {
				t.Fatalf("REST %s: %d %s", r.name, code, jsonText(body))
			}
			text := jsonText(body)
			got["REST "+r.name] = containsAny(text, contact) || strings.Contains(r.name, " by ") && strings.Contains(text, f.person.Name)
		}
		if export := e.exportAs(token); export != nil {
			got["ExportPeople"] = containsAny(string(export), contact)
		}
		return got
	}
	for who, tok := range callers {
		for what, shown := range reveals(tok) {
			if !shown {
				t.Errorf("with CONTACT consented, %s: %s does not show the contact details", who, what)
			}
		}
	}

	// The registration's consent (REGISTRY, CONTACT) is withdrawn and a
	// REGISTRY-only one recorded: the profile stays, contact does not.
	f.withholdContact(t)
	for who, tok := range callers {
		for what, shown := range reveals(tok) {
			if shown {
				t.Errorf("CONTACT withdrawn, %s: %s shows the contact details", who, what)
			}
		}
	}
	got, err := f.registrar.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person})
	if err != nil || got.ContactAllowed || got.Restricted || got.GivenName != "Bảo" {
		t.Errorf("registrar reads %v, %v: want the profile without contact details, contact_allowed false", got, err)
	}
	admin, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: person})
	if err != nil || admin.Email != "bao.lam@example.vn" || admin.Phone != "0912345678" || admin.Address != address || admin.ContactAllowed {
		t.Errorf("admin reads %v, %v: want every contact detail", admin, err)
	}

	// Granting CONTACT again restores them.
	if _, err := e.client.Privacy.CreateConsent(ctx, &pb.CreateConsentRequest{Parent: person,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY, pb.Consent_CONTACT}, TextVersion: "2026-02"}}); err != nil {
		t.Fatal(err)
	}
	back := reveals(f.registrarTok)
	for _, what := range []string{"GetPerson", "REST GetPerson FULL", "ListPeople by email", "REST ListQualifications across people by person.phone", "ListPersonRevisions", "ExportPeople"} {
		if !back[what] {
			t.Errorf("CONTACT given again: %s does not show the contact details", what)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
