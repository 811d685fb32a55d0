package console

import (
	"strconv"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// namesake is how a listed person is told from another of the same name
// (a link's aria-label, read out in a screen reader's list of links; a
// tooltip): the name shown, then the birth year and the current
// workplace, as far as p (the profile the account reads, nil when none)
// tells them. Every list of people links to them by it.
func namesake(shown string, p *pb.Person) string {
	if shown == "" {
		shown = p.GetDisplayName()
	}
	return shown + namesakeTail(p)
}

// namesakeTail is what namesake adds to the name.
func namesakeTail(p *pb.Person) string {
	s := ""
	if y := p.GetBirthDate().GetYear(); y > 0 {
		s += ", sinh năm " + strconv.Itoa(int(y))
	}
	for _, pos := range p.GetCurrentPositions() {
		if org := pos.GetOrganizationName(); org != "" {
			s += ", " + org
			break
		}
	}
	return s
}

func init() {
	funcs["namesake"] = namesake
	funcs["namesakeTail"] = namesakeTail
}
