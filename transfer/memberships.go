package transfer

import (
	"fmt"
	"slices"
	"strings"

	"trithuc.gov.vn/trithuc/labels"
	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// MembershipsSheet is the template's sheet of memberships: each row
// registers a person as a member of an association, as RegisterMember
// does, and moves the membership on to the state the row gives.
const MembershipsSheet = "Hội viên"

// MembershipRecord is a row of the memberships sheet. The person is the
// row's Mã hồ sơ, or the registered person with its Số CCCD, or else a new
// person made of NewPerson (with that national ID), as RegisterMember's
// person and new_person.
type MembershipRecord struct {
	Association string // associations/{association}
	// State is PENDING, ACTIVE or SUSPENDED: the states of a current
	// member list. A membership that has ended (WITHDRAWN, REJECTED) is
	// not imported: a list of ended registrations exported is read back
	// as the registrations it lists, which it leaves as they are.
	State pb.Membership_State
	// MemberNumber is the number the association's approval gave: an
	// export writes it for people to read, and an import compares it with
	// the membership's, never sets it (approvals number members).
	MemberNumber string
	// Reason is why a SUSPENDED membership is suspended.
	Reason string
	// ConsentVersion is the version of the consent text the person agreed
	// to; the consent's purpose is REGISTRY, and CONTACT with Contact.
	ConsentVersion string
	// Contact says the person agreed to be contacted (CONTACT), as the
	// console's registration form asks apart: without it, their email and
	// phone would be hidden from all but admins at once, so a row that
	// gives them without it is refused.
	Contact   bool
	Notes     string
	NewPerson *pb.Person
}

// ImportableStates are the states a membership row may give.
var ImportableStates = []pb.Membership_State{pb.Membership_PENDING, pb.Membership_ACTIVE, pb.Membership_SUSPENDED}

// membershipStateLabels are the words of the importable states.
var membershipStateLabels = func() []string {
	var out []string
	for _, s := range ImportableStates {
		out = append(out, labels.Of(s))
	}
	return out
}()

// newPersonColumn is a column of the people sheet read into the person a
// membership row registers.
func newPersonColumn(field string) RecordColumn {
	c := PeopleColumns[findColumn(field)]
	return RecordColumn{Header: c.Header, Field: "new_person." + c.Field, List: c.List, Width: c.Width, date: c.date,
		parse:  func(m any, cell string) error { return c.parse(m.(*MembershipRecord).NewPerson, cell) },
		format: func(m any) string { return c.format(m.(*MembershipRecord).NewPerson) }}
}

// MembershipsSheetDef is the memberships sheet among the RecordSheets.
var MembershipsSheetDef = RecordSheet{Name: MembershipsSheet, Kind: "membership",
	New: func() any { return &MembershipRecord{NewPerson: &pb.Person{}} },
	Columns: []RecordColumn{
		newPersonColumn("family_name"),
		newPersonColumn("middle_name"),
		newPersonColumn("given_name"),
		newPersonColumn("gender"),
		newPersonColumn("birth_date"),
		newPersonColumn("email"),
		newPersonColumn("phone"),
		associationColumn(),
		stateColumn(),
		rtext("Lý do", "state_reason", 24, func(r *MembershipRecord) *string { return &r.Reason }),
		rtext("Văn bản đồng ý", "consent", 16, func(r *MembershipRecord) *string { return &r.ConsentVersion }),
		rtext("Ghi chú", "notes", 30, func(r *MembershipRecord) *string { return &r.Notes }),
		// Last, so that the columns of files made before it keep their
		// places.
		rtext("Số hội viên", "member_number", 16, func(r *MembershipRecord) *string { return &r.MemberNumber }),
		{Header: contactHeader, Field: "contact_consent", List: "yes_no", Width: 14, parse: func(m any, cell string) error {
			v, err := choice(cell, yesNo)
			m.(*MembershipRecord).Contact = v == 1
			return err
		}, format: func(m any) string {
			if m.(*MembershipRecord).Contact {
				return "Có"
			}
			return ""
		}},
	}}

// stateColumn is a membership's state: the drop-down offers the states an
// import registers (ImportableStates), and an import reads the ended ones
// too, which an export of ended registrations writes.
func stateColumn() RecordColumn {
	c := rchoice("Trạng thái", "state", "membership_state", func(r *MembershipRecord) *pb.Membership_State { return &r.State })
	values := labels.Reader[pb.Membership_State](pb.Membership_State(0).Descriptor())
	c.parse = func(m any, cell string) (err error) {
		m.(*MembershipRecord).State, err = choice(cell, values)
		return err
	}
	return c
}

// contactHeader is the memberships sheet's column of the consent to be
// contacted.
const contactHeader = "Đồng ý liên hệ"

// contactWithoutConsent refuses a membership row's email or phone given
// without the consent to be contacted, naming the cell: registered so,
// nobody but an admin could read them (as the console's form refuses
// them).
func contactWithoutConsent(m *RecordMapping, cells []string, rec any) *CellError {
	r, ok := rec.(*MembershipRecord)
	if !ok || r.Contact {
		return nil
	}
	for _, f := range []string{"email", "phone"} {
		field := "membership.new_person." + f
		if i := m.ColumnOf(field); i >= 0 && i < len(cells) && strings.TrimSpace(cells[i]) != "" {
			e := cellError(m.headers[i], i, field, fmt.Errorf("an email or phone needs the person's consent to be contacted: write Có in the column %q, or leave the email and phone empty (without that consent only an admin may read them)", contactHeader))
			return &e
		}
	}
	return nil
}

// associationColumn is the association, by name (associations/...) or the
// drop-down's "associations/x - Tên".
func associationColumn() RecordColumn {
	c := rcode("Hội", "association", "association", func(r *MembershipRecord) *string { return &r.Association })
	c.Width = 30
	parse := c.parse
	c.parse = func(m any, cell string) error {
		err := parse(m, cell)
		if r := m.(*MembershipRecord); r.Association != "" {
			r.Association = "associations/" + strings.TrimPrefix(r.Association, "associations/")
		}
		return err
	}
	return c
}

// MembershipCells is a membership as a row of the memberships sheet of an
// export: the person by key and national ID, with the name, gender and
// birth date the people sheet shows (as cleared for the caller), so that
// the sheet alone is a member list to print; the association, the member
// number, the state and what the registration recorded. An import reads
// the person by key and leaves the rest of them as registered.
func MembershipCells(person *pb.Person, m *pb.Membership) []string {
	np := &pb.Person{FamilyName: person.GetFamilyName(), MiddleName: person.GetMiddleName(), GivenName: person.GetGivenName(),
		Gender: person.GetGender(), BirthDate: person.GetBirthDate()}
	rec := &MembershipRecord{Association: associationOf(m.GetName()), State: m.GetState(), MemberNumber: m.GetMemberNumber(),
		Reason: m.GetStateReason(), ConsentVersion: m.GetConsent().GetTextVersion(), Notes: m.GetNotes(), NewPerson: np,
		Contact: slices.Contains(m.GetConsent().GetPurposes(), pb.Consent_CONTACT)}
	return MembershipsSheetDef.Cells(person.GetName(), person.GetNationalId(), rec)
}

func associationOf(membership string) string {
	if i := strings.Index(membership, "/memberships/"); i >= 0 {
		return membership[:i]
	}
	return ""
}
