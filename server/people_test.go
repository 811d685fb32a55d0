package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

func anh() *pb.Person {
	return &pb.Person{
		FamilyName: "Nguyễn",
		MiddleName: "Thị Ngọc",
		GivenName:  "Ánh",
		Gender:     pb.Person_FEMALE,
		BirthDate:  &date.Date{Year: 1985, Month: 3, Day: 8},
		Ethnicity:  "01",
		NationalId: "091185000123",
		Email:      "anh.nguyen@example.vn",
		Phone:      "0912 345 678",
		Hometown:   "30742",
	}
}

func (e *env) count() int {
	e.t.Helper()
	resp, err := e.client.People.ListPeople(context.Background(), &pb.ListPeopleRequest{ShowDeleted: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return int(resp.TotalSize)
}

func TestCreateAndGetPerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	t.Run("gRPC", func(t *testing.T) {
		p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.Name, "people/") || p.Etag == "" || p.CreateTime == nil || p.UpdateTime == nil || p.DeleteTime != nil {
			t.Fatalf("server-set fields missing: %v", p)
		}
		if p.DisplayName != "Nguyễn Thị Ngọc Ánh" {
			t.Errorf("display name %q, want it derived from the parts", p.DisplayName)
		}
		got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got, p) {
			t.Errorf("get returned\n%v\nwant\n%v", got, p)
		}
		full, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name, View: pb.PersonView_PERSON_VIEW_FULL})
		if err != nil {
			t.Fatal(err)
		}
		if full.Name != p.Name {
			t.Errorf("full view of %s returned %s", p.Name, full.Name)
		}
	})

	t.Run("REST", func(t *testing.T) {
		code, body := e.rest("POST", "/v1/people?personId=tran-van-binh", map[string]any{
			"familyName": "Trần", "middleName": "Văn", "givenName": "Bình", "gender": "MALE",
			"birthDate": map[string]any{"year": 1979}, "displayName": "TS. Trần Văn Bình",
		})
		if code != http.StatusOK {
			t.Fatalf("create: HTTP %d %v", code, body)
		}
		if body["name"] != "people/tran-van-binh" || body["displayName"] != "TS. Trần Văn Bình" {
			t.Fatalf("create returned %v", body)
		}
		code, got := e.rest("GET", "/v1/people/tran-van-binh", nil)
		if code != http.StatusOK || got["givenName"] != "Bình" || got["etag"] != body["etag"] {
			t.Fatalf("get: HTTP %d %v", code, got)
		}
		code, got = e.rest("GET", "/v1/people/nobody", nil)
		wantREST(t, code, got, http.StatusNotFound)
	})

	t.Run("ClientChosenIDTaken", func(t *testing.T) {
		_, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "X"}, PersonId: "tran-van-binh"})
		wantCode(t, err, codes.AlreadyExists, "person_id")
	})

	t.Run("NamesKeptAsEnteredInNFC", func(t *testing.T) {
		// "Nguyễn" typed with combining marks (NFD) is stored precomposed.
		decomposed := "Nguye\u0302\u0303n"
		p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: decomposed, GivenName: "Đức"}})
		if err != nil {
			t.Fatal(err)
		}
		if p.FamilyName != "Nguyễn" || p.GivenName != "Đức" {
			t.Errorf("stored %q %q, want %q %q", p.FamilyName, p.GivenName, "Nguyễn", "Đức")
		}
	})

	t.Run("OutputOnlyFieldsIgnored", func(t *testing.T) {
		in := anh()
		in.NationalId = ""
		in.Name = "people/chosen-by-client"
		in.Etag = "made-up"
		p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: in})
		if err != nil {
			t.Fatal(err)
		}
		if p.Name == in.Name || p.Etag == in.Etag {
			t.Errorf("client-set name or etag kept: %v", p)
		}
	})
}

func TestCreatePersonValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()}); err != nil {
		t.Fatal(err)
	}
	before := e.count()

	tests := []struct {
		name   string
		edit   func(r *pb.CreatePersonRequest)
		code   codes.Code
		fields []string
	}{
		{"ErrPersonRequired", func(r *pb.CreatePersonRequest) { r.Person = nil }, codes.InvalidArgument, []string{"person"}},
		{"ErrGivenNameRequired", func(r *pb.CreatePersonRequest) { r.Person.GivenName = "" }, codes.InvalidArgument, []string{"person.given_name"}},
		{"ErrGivenNameBlank", func(r *pb.CreatePersonRequest) { r.Person.GivenName = "   " }, codes.InvalidArgument, []string{"person.given_name"}},
		{"ErrGivenNameTooLong", func(r *pb.CreatePersonRequest) { r.Person.GivenName = strings.Repeat("Á", 51) }, codes.InvalidArgument, []string{"person.given_name"}},
		{"ErrControlCharacter", func(r *pb.CreatePersonRequest) { r.Person.FamilyName = "Lê\x07" }, codes.InvalidArgument, []string{"person.family_name"}},
		{"ErrZeroWidthSpace", func(r *pb.CreatePersonRequest) { r.Person.GivenName = "Á\u200bnh" }, codes.InvalidArgument, []string{"person.given_name"}},
		{"ErrRightToLeftOverride", func(r *pb.CreatePersonRequest) { r.Person.FamilyName = "\u202eNguyễn" }, codes.InvalidArgument, []string{"person.family_name"}},
		{"ErrByteOrderMarkInEmail", func(r *pb.CreatePersonRequest) { r.Person.Email = "\ufeffanh@example.vn" }, codes.InvalidArgument, []string{"person.email"}},
		{"ErrSoftHyphenInField", func(r *pb.CreatePersonRequest) {
			r.Person.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-5\u00ad02", Primary: true}}
		}, codes.InvalidArgument, []string{"person.fields[0].field"}},
		{"ErrNationalIDLetters", func(r *pb.CreatePersonRequest) { r.Person.NationalId = "09118500012A" }, codes.InvalidArgument, []string{"person.national_id"}},
		{"ErrNationalIDLength", func(r *pb.CreatePersonRequest) { r.Person.NationalId = "0911850001" }, codes.InvalidArgument, []string{"person.national_id"}},
		{"ErrNationalIDTaken", func(r *pb.CreatePersonRequest) {}, codes.AlreadyExists, []string{"person.national_id"}},
		{"ErrEmail", func(r *pb.CreatePersonRequest) { r.Person.Email = "anh@" }, codes.InvalidArgument, []string{"person.email"}},
		{"ErrPhone", func(r *pb.CreatePersonRequest) { r.Person.Phone = "call me" }, codes.InvalidArgument, []string{"person.phone"}},
		{"ErrEthnicity", func(r *pb.CreatePersonRequest) { r.Person.Ethnicity = "Kinh" }, codes.InvalidArgument, []string{"person.ethnicity"}},
		{"ErrHometown", func(r *pb.CreatePersonRequest) { r.Person.Hometown = "Rạch Giá" }, codes.InvalidArgument, []string{"person.hometown"}},
		{"ErrGender", func(r *pb.CreatePersonRequest) { r.Person.Gender = 7 }, codes.InvalidArgument, []string{"person.gender"}},
		{"ErrBirthDateFuture", func(r *pb.CreatePersonRequest) { r.Person.BirthDate = &date.Date{Year: 2999, Month: 1, Day: 1} }, codes.InvalidArgument, []string{"person.birth_date"}},
		{"ErrBirthDateDay", func(r *pb.CreatePersonRequest) { r.Person.BirthDate = &date.Date{Year: 1990, Month: 2, Day: 30} }, codes.InvalidArgument, []string{"person.birth_date.day"}},
		{"ErrBirthDateMonth", func(r *pb.CreatePersonRequest) { r.Person.BirthDate = &date.Date{Year: 1990, Month: 13} }, codes.InvalidArgument, []string{"person.birth_date.month"}},
		{"ErrBirthDateDayWithoutMonth", func(r *pb.CreatePersonRequest) { r.Person.BirthDate = &date.Date{Year: 1990, Day: 3} }, codes.InvalidArgument, []string{"person.birth_date.month"}},
		{"ErrBirthDateTooEarly", func(r *pb.CreatePersonRequest) { r.Person.BirthDate = &date.Date{Year: 1850} }, codes.InvalidArgument, []string{"person.birth_date.year"}},
		{"ErrPersonID", func(r *pb.CreatePersonRequest) { r.PersonId = "Bad_ID" }, codes.InvalidArgument, []string{"person_id"}},
		{"ErrPersonIDTrailingHyphen", func(r *pb.CreatePersonRequest) { r.PersonId = "abc-" }, codes.InvalidArgument, []string{"person_id"}},
		{"ErrRequestID", func(r *pb.CreatePersonRequest) { r.RequestId = "has spaces" }, codes.InvalidArgument, []string{"request_id"}},
		{"ErrSeveral", func(r *pb.CreatePersonRequest) {
			r.Person.Email, r.Person.Phone = "x", "y"
		}, codes.InvalidArgument, []string{"person.email", "person.phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &pb.CreatePersonRequest{Person: anh()}
			tt.edit(req)
			_, err := e.client.People.CreatePerson(ctx, req)
			wantCode(t, err, tt.code, tt.fields...)
			req.ValidateOnly = true
			_, err = e.client.People.CreatePerson(ctx, req)
			wantCode(t, err, tt.code, tt.fields...)
		})
	}
	if after := e.count(); after != before {
		t.Errorf("rejected creates changed the count from %d to %d", before, after)
	}

	t.Run("REST", func(t *testing.T) {
		code, body := e.rest("POST", "/v1/people", map[string]any{"givenName": "An", "nationalId": "12"})
		wantREST(t, code, body, http.StatusBadRequest, "person.national_id")
		code, body = e.rest("POST", "/v1/people", map[string]any{"givenName": "An", "nickName": "Bé"})
		wantREST(t, code, body, http.StatusBadRequest, "nickName")
		code, body = e.rest("POST", "/v1/people", `{"givenName": "An",`)
		wantREST(t, code, body, http.StatusBadRequest)
		code, body = e.rest("POST", "/v1/people", map[string]any{"givenName": "An", "gender": "UNKNOWN_GENDER"})
		wantREST(t, code, body, http.StatusBadRequest)
		code, body = e.rest("POST", "/v1/people", `{"givenName": "`+strings.Repeat("a", 70<<10)+`"}`)
		wantREST(t, code, body, http.StatusRequestEntityTooLarge)
		code, body = e.rest("GET", "/v1/people?pageSize=abc", nil)
		wantREST(t, code, body, http.StatusBadRequest)
		for _, b := range []map[string]any{body} {
			if msg := b["message"].(string); strings.Contains(msg, "strconv") || strings.Contains(msg, "proto:") {
				t.Errorf("message leaks Go internals: %q", msg)
			}
		}
	})
	if after := e.count(); after != before {
		t.Errorf("rejected creates changed the count from %d to %d", before, after)
	}

	t.Run("ValidateOnlyCreatesNothing", func(t *testing.T) {
		req := &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Mai"}, PersonId: "mai", ValidateOnly: true}
		p, err := e.client.People.CreatePerson(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "people/mai" || p.DisplayName != "Mai" {
			t.Errorf("validate_only returned %v", p)
		}
		_, err = e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: "people/mai"})
		wantCode(t, err, codes.NotFound)
	})
}

func TestIdempotentCreate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	req := &pb.CreatePersonRequest{Person: anh(), RequestId: "6a1f4c3e-8d5b-4c1a-9e1e-2b7d3f9c0a11"}
	first, err := e.client.People.CreatePerson(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.client.People.CreatePerson(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(first, again) {
		t.Errorf("repeat returned\n%v\nwant the first result\n%v", again, first)
	}
	code, body := e.rest("POST", "/v1/people?requestId="+req.RequestId, map[string]any{
		"familyName": "Nguyễn", "middleName": "Thị Ngọc", "givenName": "Ánh", "gender": "FEMALE",
		"birthDate": map[string]any{"year": 1985, "month": 3, "day": 8}, "ethnicity": "01",
		"nationalId": "091185000123", "email": "anh.nguyen@example.vn", "phone": "0912 345 678", "hometown": "30742",
	})
	if code != http.StatusOK || body["name"] != first.Name {
		t.Errorf("REST repeat: HTTP %d %v, want %s", code, body, first.Name)
	}
	if n := e.count(); n != 1 {
		t.Fatalf("%d people after repeats, want 1", n)
	}

	changed := proto.Clone(req).(*pb.CreatePersonRequest)
	changed.Person.GivenName = "Anh"
	_, err = e.client.People.CreatePerson(ctx, changed)
	wantCode(t, err, codes.InvalidArgument, "request_id")
	if n := e.count(); n != 1 {
		t.Fatalf("%d people after a reused request_id, want 1", n)
	}

	// Another caller's request ids are their own.
	_, other := e.key("admin")
	c2 := e.clientAs(other)
	p, err := c2.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: "Khác"}, RequestId: req.RequestId})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name == first.Name {
		t.Error("a different caller's request with the same request_id returned the first caller's result")
	}
}

func TestUpdatePerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("FieldMask", func(t *testing.T) {
		got, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person:     &pb.Person{Name: p.Name, Email: "anh@ctu.edu.vn", Phone: "should not change", Etag: p.Etag},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"email"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "anh@ctu.edu.vn" || got.Phone != p.Phone || got.GivenName != p.GivenName {
			t.Errorf("update changed more or less than the mask: %v", got)
		}
		if got.Etag == p.Etag || !got.UpdateTime.AsTime().After(p.UpdateTime.AsTime()) {
			t.Errorf("etag or update_time did not change")
		}
		if !proto.Equal(got.CreateTime, p.CreateTime) {
			t.Errorf("create_time changed")
		}
		p = got
	})

	t.Run("StaleEtag", func(t *testing.T) {
		stale := p.Etag
		if _, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person: &pb.Person{Name: p.Name, Phone: "0901 000 111"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}},
		}); err != nil {
			t.Fatal(err)
		}
		_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person: &pb.Person{Name: p.Name, Phone: "0901 999 999", Etag: stale}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone"}},
		})
		wantCode(t, err, codes.Aborted)
		got, _ := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
		if got.Phone != "0901 000 111" {
			t.Errorf("a stale update changed the phone to %q", got.Phone)
		}
		code, body := e.rest("PATCH", "/v1/"+p.Name, map[string]any{"phone": "0901 888 888", "etag": stale})
		wantREST(t, code, body, http.StatusConflict)
		p = got
	})

	t.Run("BadMasks", func(t *testing.T) {
		for _, path := range []string{"nickname", "birth_date.century", "given_name.first"} {
			_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
				Person: &pb.Person{Name: p.Name, GivenName: "X"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{path}},
			})
			wantCode(t, err, codes.InvalidArgument, "update_mask")
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the path %q", err, path)
			}
		}
		got, _ := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
		if !proto.Equal(got, p) {
			t.Errorf("rejected updates changed the person")
		}
	})

	t.Run("InvalidValue", func(t *testing.T) {
		_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person: &pb.Person{Name: p.Name}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"given_name"}},
		})
		wantCode(t, err, codes.InvalidArgument, "person.given_name")
	})

	t.Run("Wildcard", func(t *testing.T) {
		repl := anh()
		repl.Name, repl.GivenName, repl.Email, repl.NationalId = p.Name, "Ánh Dương", "", ""
		got, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: repl, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"*"}}})
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "" || got.NationalId != "" || got.GivenName != "Ánh Dương" || got.DisplayName != "Nguyễn Thị Ngọc Ánh Dương" {
			t.Errorf("full replacement gave %v", got)
		}
		p = got
	})

	t.Run("DerivedDisplayNameFollowsTheParts", func(t *testing.T) {
		got, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, MiddleName: "Thị"}, UpdateMask: mask("middle_name")})
		if err != nil || got.DisplayName != "Nguyễn Thị Ánh Dương" {
			t.Fatalf("display name %q, %v", got.GetDisplayName(), err)
		}
		got, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, DisplayName: "PGS.TS. Nguyễn Thị Ánh Dương"}, UpdateMask: mask("display_name")})
		if err != nil {
			t.Fatal(err)
		}
		got, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, MiddleName: "Thị Ngọc"}, UpdateMask: mask("middle_name")})
		if err != nil || got.DisplayName != "PGS.TS. Nguyễn Thị Ánh Dương" {
			t.Fatalf("a display name of the client's own changed: %q, %v", got.GetDisplayName(), err)
		}
		p = got
	})

	t.Run("RESTPatchUpdatesOnlyTheBodyFields", func(t *testing.T) {
		code, body := e.rest("PATCH", "/v1/"+p.Name, map[string]any{"hometown": "30766", "birthDate": map[string]any{"year": 1986}})
		if code != http.StatusOK {
			t.Fatalf("HTTP %d %v", code, body)
		}
		if body["hometown"] != "30766" || body["givenName"] != p.GivenName || body["familyName"] != p.FamilyName {
			t.Errorf("patch gave %v", body)
		}
		// An output-only field in the mask is ignored (AIP-203).
		created := body["createTime"]
		code, body = e.rest("PATCH", "/v1/"+p.Name+"?updateMask=createTime", map[string]any{"createTime": "2020-01-01T00:00:00Z"})
		if code != http.StatusOK || body["createTime"] != created {
			t.Errorf("a mask of create_time: HTTP %d %v, want the person as it was", code, body)
		}
	})

	t.Run("Missing", func(t *testing.T) {
		_, err := e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{
			Person: &pb.Person{Name: "people/nobody", GivenName: "X"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"given_name"}},
		})
		wantCode(t, err, codes.NotFound)
	})
}

func TestDeleteAndUndelete(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: anh()})
	if err != nil {
		t.Fatal(err)
	}

	_, err = e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name, Etag: "stale"})
	wantCode(t, err, codes.Aborted)

	del, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name, Etag: p.Etag})
	if err != nil {
		t.Fatal(err)
	}
	if del.DeleteTime == nil {
		t.Fatal("deleted person has no delete_time")
	}
	got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
	if err != nil || got.DeleteTime == nil {
		t.Fatalf("get of a deleted person: %v %v", got, err)
	}
	list, _ := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
	if len(list.People) != 0 || list.TotalSize != 0 {
		t.Errorf("list shows a deleted person: %v", list)
	}
	list, _ = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{ShowDeleted: true})
	if len(list.People) != 1 {
		t.Errorf("show_deleted lists %d people, want 1", len(list.People))
	}

	_, err = e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: p.Name})
	wantCode(t, err, codes.NotFound)
	code, body := e.rest("DELETE", "/v1/"+p.Name, nil)
	wantREST(t, code, body, http.StatusNotFound)
	_, err = e.client.People.UpdatePerson(ctx, &pb.UpdatePersonRequest{Person: &pb.Person{Name: p.Name, GivenName: "X"}})
	wantCode(t, err, codes.NotFound)

	// The national ID is free while its holder is deleted; undeleting then
	// would make two live people share it.
	twin := anh()
	twin.GivenName = "Ánh Hai"
	other, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: twin})
	if err != nil {
		t.Fatalf("reusing a deleted person's national ID: %v", err)
	}
	_, err = e.client.People.UndeletePerson(ctx, &pb.UndeletePersonRequest{Name: p.Name})
	wantCode(t, err, codes.AlreadyExists)
	if _, err := e.client.People.DeletePerson(ctx, &pb.DeletePersonRequest{Name: other.Name}); err != nil {
		t.Fatal(err)
	}

	code, body = e.rest("POST", "/v1/"+p.Name+":undelete", map[string]any{})
	if code != http.StatusOK || body["deleteTime"] != nil {
		t.Fatalf("undelete: HTTP %d %v", code, body)
	}
	_, err = e.client.People.UndeletePerson(ctx, &pb.UndeletePersonRequest{Name: p.Name})
	wantCode(t, err, codes.FailedPrecondition)
	code, body = e.rest("DELETE", "/v1/"+p.Name+"?validateOnly=true", nil)
	if code != http.StatusOK || body["deleteTime"] == nil {
		t.Fatalf("validate-only delete: HTTP %d %v", code, body)
	}
	got, _ = e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
	if got.DeleteTime != nil {
		t.Error("a validate-only delete deleted")
	}
	code, _ = e.rest("DELETE", "/v1/"+p.Name, nil)
	if code != http.StatusOK {
		t.Errorf("REST delete: HTTP %d", code)
	}
}

func TestListPeoplePaging(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	const n = 1000
	for i := range n {
		if _, err := e.db.CreatePerson(ctx, &pb.Person{GivenName: fmt.Sprintf("Người %04d", i)}, storeCreate()); err != nil {
			t.Fatal(err)
		}
	}

	// Page through while others insert: every person who existed
	// throughout is seen exactly once.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{GivenName: fmt.Sprintf("Mới %d", i)}}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	seen := map[string]int{}
	token := ""
	pages := 0
	for {
		resp, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 37, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, p := range resp.People {
			seen[p.Name]++
		}
		if pages == 1 && resp.TotalSize < n {
			t.Errorf("total_size %d, want at least %d", resp.TotalSize, n)
		}
		if resp.NextPageToken == "" {
			break
		}
		token = resp.NextPageToken
	}
	close(stop)
	wg.Wait()
	original := 0
	for name, c := range seen {
		if c > 1 {
			t.Errorf("%s seen %d times", name, c)
		}
	}
	all, _, err := e.db.ListPeople(ctx, storeList(n), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if seen[p.Name] == 1 {
			original++
		}
	}
	if original != n {
		t.Errorf("saw %d of the %d people who existed throughout", original, n)
	}

	t.Run("PageSize", func(t *testing.T) {
		resp, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{})
		if err != nil || len(resp.People) != 50 {
			t.Errorf("default page: %d people, %v; want 50", len(resp.People), err)
		}
		resp, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 5000})
		if err != nil || len(resp.People) != 1000 {
			t.Errorf("page_size 5000: %d people, %v; want the maximum, 1000", len(resp.People), err)
		}
		_, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: -1})
		wantCode(t, err, codes.InvalidArgument, "page_size")
		code, body := e.rest("GET", "/v1/people?pageSize=-3", nil)
		wantREST(t, code, body, http.StatusBadRequest, "page_size")
	})

	t.Run("TamperedToken", func(t *testing.T) {
		resp, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		tok := []byte(resp.NextPageToken)
		for _, i := range []int{0, len(tok) / 2, len(tok) - 1} {
			bad := append([]byte(nil), tok...)
			if bad[i] == 'A' {
				bad[i] = 'B'
			} else {
				bad[i] = 'A'
			}
			_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 10, PageToken: string(bad)})
			wantCode(t, err, codes.InvalidArgument, "page_token")
		}
		for _, bad := range []string{"garbage", "!!!", strings.Repeat("A", 500)} {
			_, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageToken: bad})
			wantCode(t, err, codes.InvalidArgument, "page_token")
		}
		// A token is bound to its query.
		_, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 10, PageToken: resp.NextPageToken, OrderBy: "create_time desc"})
		wantCode(t, err, codes.InvalidArgument, "page_token")
		_, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 10, PageToken: resp.NextPageToken, ShowDeleted: true})
		wantCode(t, err, codes.InvalidArgument, "page_token")
		// A different page size is the same query.
		if _, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 20, PageToken: resp.NextPageToken}); err != nil {
			t.Errorf("changing page_size between pages: %v", err)
		}
	})

	t.Run("OrderBy", func(t *testing.T) {
		resp, err := e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{PageSize: 3, OrderBy: "create_time desc"})
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(resp.People); i++ {
			if resp.People[i].CreateTime.AsTime().After(resp.People[i-1].CreateTime.AsTime()) {
				t.Errorf("not in descending create_time")
			}
		}
		_, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "national_id; DROP TABLE people"})
		wantCode(t, err, codes.InvalidArgument, "order_by")
		_, err = e.client.People.ListPeople(ctx, &pb.ListPeopleRequest{OrderBy: "shoe_size"})
		wantCode(t, err, codes.InvalidArgument, "order_by")
	})
}
