package suppress

import (
	"math"
	"slices"
)

// A system of linear equalities over variables with lower bounds, and
// whether it has a solution: phase one of the simplex method on a dense
// tableau, with Bland's rule, so that it cannot cycle. The systems
// suppression audits are small (hidden cells, published sums) and their
// coefficients are 0 and ±1, whose solutions are rationals of small
// denominators, well within float64; where the method would not settle
// the answer is "feasible" is withheld: see solvable.

// system is rows of coefficients by variable, and their values.
type system struct {
	rows [][]float64
	rhs  []float64
}

// add appends the equality Σ coef[v]·x[v] = value.
func (s *system) add(coef map[int]float64, vars int, value float64) {
	row := make([]float64, vars)
	for v, c := range coef {
		row[v] += c
	}
	s.rows, s.rhs = append(s.rows, row), append(s.rhs, value)
}

// epsilon is the slack the arithmetic is allowed: the quantities are
// whole numbers of people or small fractions of them.
const epsilon = 1e-7

// solvable returns a solution of the system with every variable at least
// lo, nil when it has none, and settled whether the method reached an
// answer within its steps (a budget of pivots) and budget (of work, 0
// for none); unsettled, the caller
// takes the worse case. work is what it did, in the allowance's steps
// (some 100 multiplications each, as made: a step of the allowance is
// some 0.2 to 0.3 µs).
func (s *system) solvable(lo []float64, steps, budget int) (x []float64, settled bool, work int) {
	m := len(s.rows)
	if m == 0 {
		return slices.Clone(lo), true, 0
	}
	n := len(lo)
	// x = lo + y, y ≥ 0: A·y = b − A·lo, each row signed so that its
	// value is not negative, plus an artificial variable a row.
	cols := n + m
	t := make([][]float64, m)
	basis := make([]int, m)
	for i, row := range s.rows {
		b := s.rhs[i]
		for v, c := range row {
			b -= c * lo[v]
		}
		sign := 1.0
		if b < 0 {
			sign = -1
		}
		t[i] = make([]float64, cols+1)
		for v, c := range row {
			t[i][v] = sign * c
		}
		t[i][n+i] = 1
		t[i][cols] = sign * b
		basis[i] = n + i
	}
	// The objective: the artificials' sum, in reduced costs.
	cost := make([]float64, cols+1)
	for i := range t {
		for j := 0; j <= cols; j++ {
			if j < n || j == cols {
				cost[j] -= t[i][j]
			}
		}
	}
	// What the pivots did, in multiplications, and the choice of each
	// (a look at the costs and at the column entering).
	did := 0
	spent := func() int { return 1 + did/100 }
	for step := 0; step < steps && (budget <= 0 || spent() <= budget); step++ {
		did += cols + m
		enter := -1
		for j := 0; j < cols; j++ {
			if cost[j] < -epsilon {
				enter = j
				break
			}
		}
		if enter < 0 {
			if -cost[cols] >= epsilon*float64(1+m) {
				return nil, true, spent()
			}
			x = slices.Clone(lo)
			for i, v := range basis {
				if v < n {
					x[v] += t[i][cols]
				}
			}
			return x, true, spent()
		}
		leave := -1
		best := math.Inf(1)
		for i := range t {
			if a := t[i][enter]; a > epsilon {
				r := t[i][cols] / a
				if leave < 0 || r < best-epsilon || r < best+epsilon && basis[i] < basis[leave] {
					leave, best = i, r
				}
			}
		}
		if leave < 0 {
			return nil, false, spent() // cannot be: the artificials bound it
		}
		did += pivot(t, cost, leave, enter)
		basis[leave] = enter
	}
	return nil, false, spent()
}

// pivot makes column enter basic in row leave, and returns how many
// multiplications it took. The rows are sparse (sums of a few cells), so
// only the columns where row leave is not 0 change.
func pivot(t [][]float64, cost []float64, leave, enter int) int {
	p := t[leave][enter]
	var nz []int
	for j := range t[leave] {
		if t[leave][j] != 0 {
			t[leave][j] /= p
			nz = append(nz, j)
		}
	}
	did := len(t) // each row's column enter looked at
	for i := range t {
		if i != leave && t[i][enter] != 0 {
			f := t[i][enter]
			row := t[i]
			for _, j := range nz {
				row[j] -= f * t[leave][j]
			}
			did += len(nz)
		}
	}
	if f := cost[enter]; f != 0 {
		for _, j := range nz {
			cost[j] -= f * t[leave][j]
		}
	}
	return did + len(t[leave])
}
