package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/type/date"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/transfer"
)

// A birth date in the future is an error on a row that names a
// registered person as on one that creates a person, with or without
// overwrite; a date the person already has is not refused again.
func TestImportFutureBirthDateOfARegisteredPerson(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p, err := e.client.People.CreatePerson(ctx, &pb.CreatePersonRequest{Person: &pb.Person{FamilyName: "Lê", GivenName: "Hoa",
		NationalId: "001080000001", BirthDate: &date.Date{Year: 1980, Month: 3, Day: 15}}})
	if err != nil {
		t.Fatal(err)
	}
	future := fmt.Sprintf("15/03/%d", time.Now().Year()+1)
	for _, overwrite := range []bool{false, true} {
		rows := map[string][][]any{transfer.PeopleSheet: {{"Mã hồ sơ", "Họ", "Tên", "Ngày sinh", "Số CCCD"},
			{p.Name, "Lê", "Hoa", future, ""},         // 2: by Mã hồ sơ
			{"", "Lê", "Hoa", future, "001080000001"}, // 3: by national ID
			{p.Name, "Lê", "Hoa", "15/03/1980", ""},   // 4: the registered date
		}}
		resp, st := e.importFile(&pb.ImportPeopleRequest{File: &httpbody.HttpBody{Data: sheets(t, []string{transfer.PeopleSheet}, rows)},
			SkipInvalid: true, Overwrite: overwrite})
		if st != nil || resp.Refused != 2 || resp.Unchanged != 1 {
			t.Fatalf("overwrite %v: %v, %v", overwrite, st, resp)
		}
		errs := problemsAt(resp)
		for _, row := range []int32{2, 3} {
			if !strings.Contains(errs[row], "D (Ngày sinh): is in the future") {
				t.Errorf("overwrite %v, row %d: errors %q", overwrite, row, errs[row])
			}
		}
	}
	got, err := e.client.People.GetPerson(ctx, &pb.GetPersonRequest{Name: p.Name})
	if err != nil {
		t.Fatal(err)
	}
	if got.BirthDate.GetYear() != 1980 {
		t.Errorf("birth date %v, want 1980's", got.BirthDate)
	}
}
