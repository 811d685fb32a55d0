package suppress

import "errors"

// The work of secondary suppression grows faster than the cells: each
// empty cell added makes the marginals again, and a three-way answer of a
// few thousand cells can take seconds of CPU. A caller that must answer
// within a bound (a read that anyone may ask for) gives the suppression an
// Allowance of work, counted in steps (a cell looked at, a combination of
// values tried for an empty cell): a count, not a clock, so that the same
// table is refused or not whatever the load of the machine.

// ErrAllowance is the error of a suppression that would need more work
// than its allowance: what it has marked is incomplete, and must not be
// shown.
var ErrAllowance = errors.New("suppress: the work allowance is spent")

// Allowance is the work the suppressions of one answer may do together.
// A nil *Allowance bounds nothing and counts nothing.
type Allowance struct {
	limit int64 // 0: counts without a bound
	spent int64
	// choose keys the choice of the empty cells hidden beside small
	// counts (withEmpties); nil takes them in the values' order.
	choose []byte
}

// Keyed keys the choice of the empty cells that an answer by three
// dimensions may hide beside its small counts, so that it cannot be
// foretold without key; the same key chooses the same cells for the same
// counts. On a nil *Allowance it makes one that bounds nothing.
func (a *Allowance) Keyed(key []byte) *Allowance {
	if a == nil {
		a = NewAllowance(0)
	}
	a.choose = key
	return a
}

// choiceKey is the key of Keyed, nil on a nil *Allowance.
func (a *Allowance) choiceKey() []byte {
	if a == nil {
		return nil
	}
	return a.choose
}

// NewAllowance is an allowance of steps; 0 or less counts the work
// without bounding it (Spent tells how much it was).
func NewAllowance(steps int64) *Allowance {
	return &Allowance{limit: max(0, steps)}
}

// Spent is the work done so far, in steps.
func (a *Allowance) Spent() int64 {
	if a == nil {
		return 0
	}
	return a.spent
}

// spend charges n steps and reports whether the allowance still holds.
func (a *Allowance) spend(n int) bool {
	if a == nil {
		return true
	}
	a.spent += int64(n)
	return !a.over()
}

// over reports whether more was spent than allowed.
func (a *Allowance) over() bool {
	return a != nil && a.limit > 0 && a.spent > a.limit
}

// err is ErrAllowance once more was spent than allowed.
func (a *Allowance) err() error {
	if a.over() {
		return ErrAllowance
	}
	return nil
}

// Table is Table within the allowance: ErrAllowance, and no table, when
// it would need more.
func (a *Allowance) Table(cells []*Cell, dims, threshold int) ([]*Cell, bool, error) {
	out, hidden := tableWithin(cells, dims, threshold, nil, nil, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}

// NestedTable is NestedTable within the allowance.
func (a *Allowance) NestedTable(cells []*Cell, dims, threshold int, ns ...Nesting) ([]*Cell, bool, error) {
	out, hidden := nestedTable(cells, dims, threshold, ns, nil, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}

// NestedTableOneWay is NestedTableOneWay within the allowance.
func (a *Allowance) NestedTableOneWay(cells []*Cell, dims, threshold int, oneWay []map[string]bool, ns ...Nesting) ([]*Cell, bool, error) {
	out, hidden := nestedOneWay(cells, dims, threshold, oneWay, nil, ns, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}

// NestedTableKnown is NestedTableOneWay within the allowance knowing, for
// three dimensions, what the answers by two of them hide too: twoWay, by
// the mask of the two (bit d for dimension d), the sums hidden, by
// MaskKey; an answer whose total is hidden hides every sum. A mask it
// lacks is taken as publishing every sum of the threshold.
func (a *Allowance) NestedTableKnown(cells []*Cell, dims, threshold int, oneWay []map[string]bool, twoWay map[int]map[string]bool,
	ns ...Nesting) ([]*Cell, bool, error) {
	out, hidden := nestedOneWay(cells, dims, threshold, oneWay, twoWay, ns, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}

// Linked is Linked within the allowance; the coarser answers' cells are
// incomplete too when it returns ErrAllowance.
func (a *Allowance) Linked(fine []*Cell, dims, threshold int, ns []Nesting, coarse []*Coarse) ([]*Cell, bool, error) {
	out, hidden := linked(fine, dims, threshold, nil, nil, ns, coarse, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}

// LinkedOneWay is LinkedOneWay within the allowance.
func (a *Allowance) LinkedOneWay(fine []*Cell, dims, threshold int, oneWay []map[string]bool, ns []Nesting,
	coarse []*Coarse) ([]*Cell, bool, error) {
	out, hidden := linked(fine, dims, threshold, oneWay, nil, ns, coarse, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}

// LinkedKnown is LinkedOneWay knowing, for three dimensions, what the
// answers by two of them hide too: of the finer table (twoWay, as in
// NestedTableKnown) and of the coarser one (its TwoWay).
func (a *Allowance) LinkedKnown(fine []*Cell, dims, threshold int, oneWay []map[string]bool, twoWay map[int]map[string]bool,
	ns []Nesting, coarse []*Coarse) ([]*Cell, bool, error) {
	out, hidden := linked(fine, dims, threshold, oneWay, twoWay, ns, coarse, a)
	if err := a.err(); err != nil {
		return nil, false, err
	}
	return out, hidden, nil
}
