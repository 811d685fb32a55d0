package suppress

import "math"

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

// solvable reports whether the system has a solution with every variable
// at least lo, and settled whether the method reached an answer within
// its steps (a budget of pivots); unsettled, the caller takes the worse
// case. work is what it did, in the allowance's steps (some 250
// multiplications each).
func (s *system) solvable(lo []float64, steps int) (ok, settled bool, work int) {
	m := len(s.rows)
	if m == 0 {
		return true, true, 0
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
	size := 1 + m*(n+m)/250
	for step := 0; step < steps; step++ {
		enter := -1
		for j := 0; j < cols; j++ {
			if cost[j] < -epsilon {
				enter = j
				break
			}
		}
		if enter < 0 {
			return -cost[cols] < epsilon*float64(1+m), true, (step + 1) * size
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
			return false, false, (step + 1) * size // cannot be: the artificials bound it
		}
		pivot(t, cost, leave, enter)
		basis[leave] = enter
	}
	return false, false, steps * size
}

// pivot makes column enter basic in row leave.
func pivot(t [][]float64, cost []float64, leave, enter int) {
	p := t[leave][enter]
	for j := range t[leave] {
		t[leave][j] /= p
	}
	for i := range t {
		if i != leave && t[i][enter] != 0 {
			f := t[i][enter]
			for j := range t[i] {
				t[i][j] -= f * t[leave][j]
			}
		}
	}
	if f := cost[enter]; f != 0 {
		for j := range cost {
			cost[j] -= f * t[leave][j]
		}
	}
}
