package console

import (
	"strings"

	pb "trithuc.gov.vn/trithuc/proto/trithuc/v1"
)

// A form that names a person (a pool's new member, a nominee) finds them
// by name too: a search box (GET ?find=) lists the matches with a button
// each that chooses one (?pick=ID), which fills the form's box with the
// profile's id. It is the search page's call, SearchPeople, made as the
// account, so it finds only the people the account may see, by words
// with or without their diacritics; no script is needed.

// pickLimit bounds the matches listed: a name more common than this needs
// more words (a year of birth, a workplace).
const pickLimit = 20

// personPick is the search and its outcome, for the template "pickperson".
type personPick struct {
	// Action is the page the search reloads; Anchor the form it serves.
	Action, Anchor string
	Find           string
	Searched       bool
	Found          []*pb.Person
	// More: more matched than listed.
	More bool
	// Chosen is the profile chosen (its id), ChosenName its name.
	Chosen, ChosenName string
	// Error says why the search failed.
	Error string
}

// pickPerson runs the search of the page's query, and reads the person
// chosen; action and anchor place the search's form.
func (h *Handler) pickPerson(q *request, action, anchor string) personPick {
	v := q.r.URL.Query()
	pk := personPick{Action: action, Anchor: anchor, Find: strings.TrimSpace(v.Get("find"))}
	if q.r.Method != "GET" {
		return pk
	}
	ctx := q.ctx()
	if pk.Find != "" {
		resp, err := h.people.SearchPeople(ctx, &pb.SearchPeopleRequest{Query: pk.Find, PageSize: pickLimit, View: pb.PersonView_PERSON_VIEW_BASIC})
		if err != nil {
			pk.Error, _, _ = explain(err)
		} else {
			pk.Searched, pk.Found, pk.More = true, resp.GetPeople(), resp.GetNextPageToken() != ""
		}
	}
	if id := typedPerson(v.Get("pick")); id != "" {
		pk.Chosen = idOf(id)
		if p, err := h.people.GetPerson(ctx, &pb.GetPersonRequest{Name: id, View: pb.PersonView_PERSON_VIEW_BASIC}); err == nil {
			pk.ChosenName = p.GetDisplayName()
		}
	}
	return pk
}
