package store_test

import (
	"context"
	"fmt"
	"testing"

	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/proto"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
	"trithuc.gov.vn/trithuc/store"
)

// TestHeldPersonAsRead wants GetPerson, in each view and as each kind of
// caller reads people's holdings, the same with the profiles earlier
// reads left in memory (heldperson.go) as read afresh, after each kind of
// write that changes what a profile shows: the person's row, fields and
// identifiers; qualifications (and their verification), honours, works
// and positions added, edited and deleted; a position made current and
// ended by its date; an organization renamed; delete and undelete;
// consents and restriction; a membership registered and approved, and a
// possible duplicate it lists purged.
func TestHeldPersonAsRead(t *testing.T) {
	ctx := context.Background()
	db, now, orgs, hoa := heldRegistry(t, 23, 60, &pb.Person{BirthDate: &date.Date{Year: 1980, Month: 4, Day: 2}, Email: "hoa@example.vn"})
	org := orgs[0]
	others, _, err := db.ListPeople(ctx, store.ListQuery{PageSize: 15}, pb.PersonView_PERSON_VIEW_BASIC)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{hoa.Name}
	for _, p := range others {
		if p.Name != hoa.Name {
			names = append(names, p.Name)
		}
	}
	shown := map[string]store.Shown{
		"all": store.ShownAll, "memberships": store.ShownMemberships, "profile": store.ShownProfile,
		"association": store.ShownAssociation("associations/lien-hiep-hoi"),
	}
	views := []pb.PersonView{pb.PersonView_PERSON_VIEW_UNSPECIFIED, pb.PersonView_PERSON_VIEW_BASIC, pb.PersonView_PERSON_VIEW_FULL}
	readAll := func(step string) map[string]*pb.Person {
		out := map[string]*pb.Person{}
		for sname, s := range shown {
			for _, view := range views {
				for _, name := range names {
					p, err := db.GetPersonShown(ctx, name, view, s)
					if err != nil {
						t.Fatalf("%s: %s, %s, %v: %v", step, name, sname, view, err)
					}
					out[fmt.Sprintf("%s, %s, %v", name, sname, view)] = p
				}
			}
		}
		return out
	}
	compare := func(step, what string, got, want map[string]*pb.Person) {
		t.Helper()
		for k, w := range want {
			if !proto.Equal(got[k], w) {
				t.Fatalf("%s: %s, %s:\n got  %v\n want %v", step, what, k, got[k], w)
			}
		}
	}
	check := func(step string) {
		t.Helper()
		got := readAll(step) // with what the step before left in memory
		if db.HeldEntries() == 0 || db.HeldFullEntries() == 0 {
			t.Fatalf("%s: %d BASIC and %d FULL profiles in memory", step, db.HeldEntries(), db.HeldFullEntries())
		}
		db.ForgetHeld()
		want := readAll(step)
		compare(step, "after the write", got, want)
		compare(step, "from memory again", readAll(step), want)
	}
	check("first")

	updatePerson := func(step string, apply func(p *pb.Person)) {
		t.Helper()
		if _, err := db.UpdatePerson(ctx, hoa.Name, store.WriteOptions{}, func(p *pb.Person) error { apply(p); return nil }); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	updatePerson("renamed", func(p *pb.Person) { p.GivenName = "Hoa" })
	updatePerson("field added", func(p *pb.Person) {
		p.Fields = append(p.Fields, &pb.FieldOfExpertise{Field: "fields/vn2008-5"})
	})
	updatePerson("ORCID", func(p *pb.Person) { p.Orcid = "0000-0002-1825-0097" })

	q, err := db.CreateQualification(ctx, hoa.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "THAC_SI", Major: "Nông học", Year: 2010}, store.CreateOptions{})
	must("qualification added", err)
	_, err = db.UpdateQualification(ctx, q.Name, store.WriteOptions{}, func(q *pb.Qualification) error { q.Major = "Thú y"; return nil })
	must("qualification edited", err)
	_, err = db.VerifyQualification(ctx, q.Name, pb.Verification_VERIFIED, "accounts/x", "đã xem bản gốc", store.WriteOptions{})
	must("qualification verified", err)
	q2, err := db.CreateQualification(ctx, hoa.Name, &pb.Qualification{Kind: pb.Qualification_DEGREE, Level: "TIEN_SI", Year: 2016}, store.CreateOptions{})
	must("second qualification", err)
	must("qualification deleted", db.DeleteQualification(ctx, q2.Name, store.WriteOptions{}))

	h, err := db.CreateHonor(ctx, hoa.Name, &pb.Honor{Title: "Bằng khen của Chủ tịch UBND tỉnh", Year: 2020}, store.CreateOptions{})
	must("honour added", err)
	_, err = db.UpdateHonor(ctx, h.Name, store.WriteOptions{}, func(h *pb.Honor) error { h.Year = 2021; return nil })
	must("honour edited", err)
	must("honour deleted", db.DeleteHonor(ctx, h.Name, store.WriteOptions{}))

	w, err := db.CreateWork(ctx, hoa.Name, &pb.Work{Kind: pb.Work_PUBLICATION, Title: "Lúa chịu mặn", Year: 2019}, store.CreateOptions{})
	must("work added", err)
	_, err = db.UpdateWork(ctx, w.Name, store.WriteOptions{}, func(w *pb.Work) error { w.Title = "Lúa chịu mặn ở An Giang"; return nil })
	must("work edited", err)
	w2, err := db.CreateWork(ctx, hoa.Name, &pb.Work{Kind: pb.Work_PATENT, Title: "Quy trình", Year: 2020}, store.CreateOptions{})
	must("second work", err)
	must("work deleted", db.DeleteWork(ctx, w2.Name, store.WriteOptions{}))

	pos, err := db.CreatePosition(ctx, hoa.Name, &pb.Position{Organization: org.Name, Title: "Giảng viên",
		Start: &date.Date{Year: 2005}}, store.CreateOptions{})
	must("past position", err)
	_, err = db.UpdatePosition(ctx, pos.Name, store.WriteOptions{}, func(p *pb.Position) error { p.Department = "Khoa Nông nghiệp"; return nil })
	must("past position edited", err)
	_, err = db.UpdatePosition(ctx, pos.Name, store.WriteOptions{}, func(p *pb.Position) error { p.Current = true; return nil })
	must("position made current", err)
	must("position deleted", db.DeletePosition(ctx, pos.Name, store.WriteOptions{}))

	heldWrites(t, db, now, orgs, hoa.Name, 23, check)
	reg, err := db.RegisterMember(ctx, "associations/lien-hiep-hoi", store.Registration{Person: hoa.Name,
		Consent: &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}}, store.CreateOptions{})
	must("registered", err)
	_, err = db.ApproveMembership(ctx, reg.GetMembership().GetName(), store.Transition{ConfirmDistinctPerson: true})
	must("approved", err)

	// A new member whose registration lists a person with the same email
	// as a possible duplicate, who is then purged: a change of what the
	// member's profile shows that does not move their revision.
	twin, err := db.CreatePerson(ctx, &pb.Person{FamilyName: "Trần", GivenName: "Mai", Email: "mai@example.vn"}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	newReg, err := db.RegisterMember(ctx, "associations/lien-hiep-hoi", store.Registration{
		NewPerson: &pb.Person{FamilyName: "Trần", MiddleName: "Thị", GivenName: "Mai", Email: "mai@example.vn"},
		Consent:   &pb.Consent{Purposes: []pb.Consent_Purpose{pb.Consent_REGISTRY}, TextVersion: "2026-01"}}, store.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mai := newReg.GetPerson().GetName()
	names = append(names, mai)
	check("a member with a possible duplicate")
	if got, err := db.GetPerson(ctx, mai, pb.PersonView_PERSON_VIEW_FULL); err != nil || len(got.GetMemberships()) != 1 ||
		len(got.Memberships[0].PossibleDuplicates) != 1 || got.Memberships[0].PossibleDuplicates[0].Person != twin.Name {
		t.Fatalf("%s: %v, %v; want a membership listing %s as a possible duplicate", mai, got, err, twin.Name)
	}
	dsr, err := db.CreateDataSubjectRequest(ctx, &pb.DataSubjectRequest{Kind: pb.DataSubjectRequest_ERASURE, Person: twin.Name,
		Requester: "Trần Mai"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.TransitionDataSubjectRequest(ctx, dsr.Name, pb.DataSubjectRequest_COMPLETED, "", "", store.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PurgePerson(ctx, twin.Name, dsr.Name, "erasure requested", nil); err != nil {
		t.Fatal(err)
	}
	check("the possible duplicate purged")
}
