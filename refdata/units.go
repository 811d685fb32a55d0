package refdata

import "strings"

// LastDay2024 is the last day of the district level of administrative
// units, abolished on 2025-07-01.
const LastDay2024 = "2025-06-30"

// districtKinds are the kinds of the district level.
var districtKinds = map[string]bool{"city": true, "town": true, "district": true, "urban_district": true}

// Unit is one version of an administrative unit, as the list keeps it:
// days are YYYY-MM-DD, an open end is "", successors are codes separated
// by spaces.
type Unit struct {
	Code, From, To, Name, Kind, Parent, Successors string
}

// ValidOn reports whether the version is valid on day.
func (u Unit) ValidOn(day string) bool { return u.From <= day && (u.To == "" || u.To >= day) }

// UnitHistory is every version of every administrative unit: the one
// place that answers which unit a code was on a day, and which 2024
// district a unit belongs to.
type UnitHistory struct {
	versions map[string][]Unit // by code, oldest first
}

// NewUnitHistory returns an empty history; Add fills it.
func NewUnitHistory() *UnitHistory { return &UnitHistory{versions: map[string][]Unit{}} }

// Add adds a version; a code's versions are added oldest first.
func (h *UnitHistory) Add(u Unit) { h.versions[u.Code] = append(h.versions[u.Code], u) }

// On returns the version of code valid on day, or its last version before
// it, or its first one.
func (h *UnitHistory) On(code, day string) (Unit, bool) {
	vs := h.versions[code]
	if len(vs) == 0 {
		return Unit{}, false
	}
	best := vs[0]
	for _, v := range vs {
		if v.From <= day {
			best = v
		}
	}
	return best, true
}

// District is the 2024 district a unit valid on day belongs to: itself, or
// the nearest district above it; "" when there is none.
func (h *UnitHistory) District(code, day string) string {
	for range 5 {
		u, ok := h.On(code, day)
		if !ok || !u.ValidOn(day) {
			return ""
		}
		if districtKinds[u.Kind] {
			return u.Code
		}
		code = u.Parent
	}
	return ""
}

// DistrictsSucceeded maps a unit created after the districts (a 2025
// commune) to the districts that the reference data names it a successor
// of.
func (h *UnitHistory) DistrictsSucceeded() map[string][]string {
	successorOf := map[string][]string{}
	for code, vs := range h.versions {
		for _, v := range vs {
			if v.ValidOn(LastDay2024) && districtKinds[v.Kind] {
				for _, s := range strings.Fields(v.Successors) {
					if s != code {
						successorOf[s] = append(successorOf[s], code)
					}
				}
			}
		}
	}
	return successorOf
}

// Under is a unit as it stood on day and every unit in its area, as the
// codes a record may carry for a place there: the units under it on day
// (its districts, their communes); the later units its area went into (a
// 2024 district's 2025 communes, by their successors); and the earlier
// units whose area went wholly into it (a 2024 district all of whose
// successors are here). A code of no unit on day is taken as it stood last
// before (or first after); an unknown code stands for itself alone.
func (h *UnitHistory) Under(code, day string) []string {
	in := map[string]bool{code: true}
	u, ok := h.On(code, day)
	if !ok {
		return []string{code}
	}
	if !u.ValidOn(day) {
		if u.To != "" && u.To < day {
			day = u.To
		} else {
			day = u.From
		}
	}
	// Children, grandchildren... on day.
	for changed := true; changed; {
		changed = false
		for c, vs := range h.versions {
			for _, v := range vs {
				if !in[c] && v.ValidOn(day) && in[v.Parent] {
					in[c], changed = true, true
				}
			}
		}
	}
	// Later units the area went into.
	for c := range in {
		for _, v := range h.versions[c] {
			if v.ValidOn(day) {
				for _, s := range strings.Fields(v.Successors) {
					in[s] = true
				}
			}
		}
	}
	// Earlier units whose area went wholly into it.
	for c, vs := range h.versions {
		for _, v := range vs {
			ss := strings.Fields(v.Successors)
			all := len(ss) > 0 && !v.ValidOn(day)
			for _, s := range ss {
				all = all && in[s] && s != c
			}
			if all {
				in[c] = true
			}
		}
	}
	out := make([]string, 0, len(in))
	for c := range in {
		out = append(out, c)
	}
	return out
}
