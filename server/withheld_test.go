package server

import (
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A registrar is not shown the contact details of a person who gave no
// CONTACT consent, and so may not change them: an update naming them is
// PERMISSION_DENIED, naming the field and why, and changes nothing; a full
// replacement ("*") of the profile as the registrar read it, blanks
// included, keeps them as stored. An admin, who reads them, still writes
// them.
func TestUpdateKeepsWithheldContact(t *testing.T) {
	f := newPrivacyFixture(t)
	e, ctx := f.e, f.ctx
	name := f.person.Name
	const address = "12 Trần Hưng Đạo, Long Xuyên"
	if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: name, Address: address},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"address"}}}); err != nil {
		t.Fatal(err)
	}
	f.withholdContact(t)
	stored := func() *pb.Person {
		t.Helper()
		p, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	before := stored()
	if before.Email != "bao.lam@example.vn" || before.Phone != "0912345678" || before.Address != address {
		t.Fatalf("set-up: the admin reads %q %q %q", before.Email, before.Phone, before.Address)
	}
	kept := func(when string) {
		t.Helper()
		if p := stored(); p.Email != before.Email || p.Phone != before.Phone || p.Address != before.Address {
			t.Errorf("%s: email %q, phone %q, address %q; want them as stored", when, p.Email, p.Phone, p.Address)
		}
	}

	for _, tc := range []struct {
		name   string
		person *pb.Person
		paths  []string
		field  string // a field the refusal names
	}{
		{"ErrEmailInMask", &pb.Person{Name: name, Email: "moi@example.vn"}, []string{"email"}, "email"},
		{"ErrEmptyPhoneInMask", &pb.Person{Name: name}, []string{"phone"}, "phone"},
		{"ErrAddressBesideAnother", &pb.Person{Name: name, GivenName: "Bảo Anh"}, []string{"given_name", "address"}, "address"},
		{"ErrEmailSetWithoutMask", &pb.Person{Name: name, Email: "moi@example.vn"}, nil, "email"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &pb.UpdatePersonRequest{Person: tc.person}
			if tc.paths != nil {
				req.UpdateMask = &fieldmaskpb.FieldMask{Paths: tc.paths}
			}
			_, err := f.registrar.People.UpdatePerson(ctx, req)
			if status.Code(err) != codes.PermissionDenied {
				t.Fatalf("got %v, want PERMISSION_DENIED", err)
			}
			msg := status.Convert(err).Message()
			for _, want := range []string{tc.field + " is withheld from the registrar role", "gave no CONTACT consent"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the refusal %q does not say %q", msg, want)
				}
			}
			if p := stored(); p.GivenName != before.GivenName || p.Etag != before.Etag {
				t.Errorf("a refused update changed the profile: %v", p)
			}
			kept(tc.name)
		})
	}

	// "*" with the profile as the registrar reads it: contact blank.
	read, err := f.registrar.People.GetPerson(ctx, &pb.GetPersonRequest{Name: name})
	if err != nil || read.Email != "" || read.ContactAllowed {
		t.Fatalf("the registrar reads %v, %v; want no contact details", read, err)
	}
	read.GivenName = "Bảo Anh"
	if _, err := f.registrar.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: read,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"*"}}}); err != nil {
		t.Fatalf("a full replacement: %v", err)
	}
	if p := stored(); p.GivenName != "Bảo Anh" {
		t.Errorf("a full replacement did not change the given name: %q", p.GivenName)
	}
	kept(`update_mask "*"`)

	// Over REST the body's fields are the mask: one without contact
	// details is taken, one with a contact detail is 403.
	if code, resp := e.restAs(f.registrarTok, "PATCH", "/v1/"+name, map[string]any{"middleName": "Quốc Văn"}); code != http.StatusOK {
		t.Fatalf("PATCH {middleName}: %d %v", code, resp)
	}
	if code, resp := e.restAs(f.registrarTok, "PATCH", "/v1/"+name, map[string]any{"phone": ""}); code != http.StatusForbidden ||
		!strings.Contains(jsonText(resp), "phone is withheld") {
		t.Errorf("PATCH {phone: \"\"}: %d %v, want 403 naming phone", code, resp)
	}
	kept("REST")

	// The admin reads them, and so writes them.
	if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: name, Phone: "0987654321"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}}}); err != nil {
		t.Fatalf("the admin's update of the phone: %v", err)
	}
	if p := stored(); p.Phone != "0987654321" {
		t.Errorf("the admin's update left the phone %q", p.Phone)
	}
}

// One rule for every field a caller may not read: the personal data a
// role reads cleared is withheld from it as a person's contact details are
// from a registrar. No such role may update a person today
// (permissions.go); the rule holds for whoever may one day.
func TestWithheldFieldsFollowRedaction(t *testing.T) {
	stored := &pb.Person{Name: "people/x", GivenName: "Bảo", NationalId: "079085001234", Ethnicity: "05",
		BirthDate: &date.Date{Year: 1985, Month: 3, Day: 8}, Email: "bao@example.vn", ContactAllowed: true}
	read := redact(stored).(*pb.Person)
	for _, tc := range []struct {
		name     string
		role     string
		contact  bool // contact_allowed
		paths    []string
		denied   string // the field refused, or ""
		withheld []string
	}{
		{"OKHomeAffairsGivenName", RoleHomeAffairs, true, []string{"given_name"}, "", nil},
		{"ErrHomeAffairsNationalID", RoleHomeAffairs, true, []string{"national_id"}, "national_id", nil},
		{"ErrHomeAffairsBirthDay", RoleHomeAffairs, true, []string{"birth_date.day"}, "birth_date", nil},
		{"OKHomeAffairsStarKeepsPersonalData", RoleHomeAffairs, true, []string{"*"}, "",
			[]string{"national_id", "ethnicity", "birth_date", "email"}},
		{"OKRegistrarStarContactAllowed", RoleRegistrar, true, []string{"*"}, "", nil},
		{"OKRegistrarStarContactWithheld", RoleRegistrar, false, []string{"*"}, "", []string{"email"}},
		{"ErrRegistrarEmailWithheld", RoleRegistrar, false, []string{"email"}, "email", nil},
		{"OKAdminEmailWithheld", RoleAdmin, false, []string{"email"}, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := proto.Clone(stored).(*pb.Person)
			s.ContactAllowed = tc.contact
			in := proto.Clone(read).(*pb.Person)
			in.Email = ""
			withheld := withheldFields(&Principal{Role: tc.role}, s)
			mask := &fieldmaskpb.FieldMask{Paths: tc.paths}
			err := checkWithheld(mask, in, withheld)
			if tc.denied != "" {
				if status.Code(err) != codes.PermissionDenied || !strings.Contains(status.Convert(err).Message(), "update_mask: "+tc.denied+" is ") {
					t.Fatalf("got %v, want PERMISSION_DENIED naming %s", err, tc.denied)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.withheld == nil {
				return
			}
			updated := proto.Clone(in).(*pb.Person) // what "*" makes of it
			keepWithheld(updated, s, withheld)
			for _, f := range tc.withheld {
				fd := updated.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(f))
				got, want := updated.ProtoReflect().Get(fd), s.ProtoReflect().Get(fd)
				if fd.Message() != nil && !proto.Equal(got.Message().Interface(), want.Message().Interface()) ||
					fd.Message() == nil && got.Interface() != want.Interface() {
					t.Errorf("%s not kept: %v, stored %v", f, got, want)
				}
			}
		})
	}
}
