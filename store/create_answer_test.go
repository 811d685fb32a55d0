package store

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// TestCreateAnswersAsRead: a create answers the person as a BASIC read
// of them gives them back, though the writer builds the answer from what
// it inserted instead of reading the row (insertedPerson): output-only
// fields a caller sets are what the table's defaults make them, a birth
// date without a year is none, a registry date is as stored, and the
// revision stored for the create holds the same person.
func TestCreateAnswersAsRead(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	people := variedNewPeople()
	for i, p := range people {
		sent := proto.Clone(p).(*pb.Person)
		got, err := db.CreatePerson(ctx, p, CreateOptions{})
		if err != nil {
			t.Fatalf("person %d: %v", i, err)
		}
		read, err := db.GetPerson(ctx, got.Name, pb.PersonView_PERSON_VIEW_BASIC)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(read, got) {
			t.Errorf("person %d (%v): the create answered\n%v\nwhere a read gives\n%v", i, sent, got, read)
		}
		revs, _, err := db.ListPersonRevisions(ctx, got.Name, 10, "", "", true)
		if err != nil {
			t.Fatal(err)
		}
		if len(revs) != 1 {
			t.Fatalf("person %d: %d revisions, want 1", i, len(revs))
		}
		_, _, want := diffFields(nil, read)
		if after := revs[0].GetAfter().GetPerson(); !proto.Equal(after, want) {
			t.Errorf("person %d: the create's revision holds %v, want %v", i, after, want)
		}
	}
}

// variedNewPeople are people to create that make a create's answer and
// revision take every form: identifiers, fields with and without a
// primary, roles repeated, registry and birth dates given or not.
func variedNewPeople() []*pb.Person {
	people := []*pb.Person{
		{GivenName: "An"},
		{FamilyName: "Nguyễn", MiddleName: "Thị", GivenName: "Thủy", Gender: pb.Person_FEMALE,
			BirthDate: &date.Date{Year: 1980, Month: 2, Day: 29}, NationalId: "001180000001",
			Email: "thuy@example.vn", Phone: "0912 345 678", Hometown: "30742", Address: "12 Hàng Bài",
			Ethnicity: "01", Availability: pb.Person_AVAILABLE, WorkLocation: pb.Person_ABROAD, WorkCountry: "JP",
			RegistryDate: &date.Date{Year: 2001, Month: 7, Day: 1},
			Fields:       []*pb.FieldOfExpertise{{Field: "fields/vn2008-502", Primary: true}, {Field: "fields/vn2008-101"}},
			ExpertRoles:  []pb.Person_ExpertRole{pb.Person_CONSULTING}},
		// Output-only fields a caller sets are ignored.
		{GivenName: "Bảo", Restricted: true, ContactAllowed: false, HighestQualificationLevel: "TIEN_SI",
			AcademicTitle: &pb.ConferredTitle{Title: "GIAO_SU", Year: 2010}, Etag: "x", Name: "people/other",
			CreateTime: timestamppb.Now(), UpdateTime: timestamppb.Now(), DeleteTime: timestamppb.Now()},
		{GivenName: "Năm", BirthDate: &date.Date{Year: 1975}},
		{DisplayName: "Hòa thượng Thích Minh Châu", GivenName: "Châu"},
		// Fields, roles and identifiers as attachNew makes them from what
		// was inserted: fields in their order with codes and the primary
		// flag, roles once each in order, either identifier alone.
		{GivenName: "Đức", Orcid: "0000-0002-1825-0097", CivilServantCode: "CB-0042",
			Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-301"}, {Field: "fields/vn2008-101", Primary: true},
				{Field: "fields/vn2008-502", Code: "x"}},
			ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE, pb.Person_CONSULTING, pb.Person_CRITIQUE}},
		{GivenName: "Lan", Orcid: "0000-0002-1825-0097", ExpertRoles: []pb.Person_ExpertRole{pb.Person_CRITIQUE}},
		{GivenName: "Mai", CivilServantCode: "A1", Fields: []*pb.FieldOfExpertise{{Field: "fields/vn2008-502"}}},
	}
	families := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", ""}
	givens := []string{"Anh", "Thuỷ", "Hòa", "Đức", "Ngọc Hân"}
	for i := range 30 {
		p := &pb.Person{FamilyName: families[i%len(families)], MiddleName: []string{"", "Văn", "Thị"}[i%3],
			GivenName: givens[i%len(givens)], Gender: pb.Person_Gender(i % 3), Hometown: []string{"", "30742", "906"}[i%3]}
		if i%2 == 0 {
			p.BirthDate = &date.Date{Year: int32(1950 + i), Month: int32(1 + i%12), Day: int32(1 + i%28)}
		}
		if i%4 == 1 {
			p.RegistryDate = &date.Date{Year: int32(1990 + i), Month: 12, Day: 31}
		}
		if i%5 == 2 {
			p.Fields = []*pb.FieldOfExpertise{{Field: "fields/vn2008-101", Primary: i%2 == 0}}
		}
		if i%7 == 3 {
			p.ExpertRoles = []pb.Person_ExpertRole{pb.Person_ExpertRole(1 + i%3), pb.Person_CRITIQUE}
			p.CivilServantCode = fmt.Sprintf("CB-%d", i)
		}
		people = append(people, p)
	}
	return people
}
