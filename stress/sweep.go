package stress

import (
	"context"
	"fmt"
	"sort"
)

// Bounds of a sweep's grid.
const (
	// MaxAxes is the most parameters a sweep may vary.
	MaxAxes = 8
	// MaxCells is the most cells (parameter combinations) of a sweep.
	MaxCells = 10_000
)

// Setting is one named model parameter and its value, written as text
// (the model parses it: "0.03", "500000", "dutch").
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Axis is one parameter of a sweep and the values it takes.
type Axis struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// Builder builds the factory of one cell of a sweep from its settings, in
// the order of the axes (sorted by name). A model exposes its parameters
// this way: typically it copies a default Config, sets each named field
// from its text, validates, and returns a Factory over the result. An
// unknown name or bad value is an error (the sweep refuses to start).
type Builder func(settings []Setting) (Factory, error)

// Sweep runs the scenarios of o on every cell of the grid the axes span:
// each cell's model is built by build from its settings, and every cell
// runs the same scenario seeds (common random numbers, so differences
// between cells are the parameters', not the draws'). Axes are sorted by
// name; cells are in row-major order (the last axis varies fastest). All
// cells are built before the first scenario runs, so a bad value fails
// fast. Progress counts scenarios over all cells. Errors as Run's.
func Sweep(ctx context.Context, gen Generator, build Builder, axes []Axis, o Options) (*Result, error) {
	if build == nil {
		return nil, fmt.Errorf("%w: nil builder", ErrInvalidInput)
	}
	axes, err := normAxes(axes)
	if err != nil {
		return nil, err
	}
	grid := Cells(axes)
	specs := make([]cellSpec, len(grid))
	for i, ss := range grid {
		f, err := build(ss)
		if err != nil {
			return nil, fmt.Errorf("%w: cell %v: %w", ErrInvalidInput, ss, err)
		}
		if f == nil {
			return nil, fmt.Errorf("%w: cell %v: nil factory", ErrInvalidInput, ss)
		}
		specs[i] = cellSpec{params: ss, factory: f}
	}
	return execute(ctx, gen, specs, axes, o)
}

// normAxes validates axes and returns a copy sorted by name.
func normAxes(axes []Axis) ([]Axis, error) {
	if len(axes) < 1 || len(axes) > MaxAxes {
		return nil, fmt.Errorf("%w: %d axes: want 1 to %d", ErrInvalidInput, len(axes), MaxAxes)
	}
	out := make([]Axis, len(axes))
	cells := 1
	for i, a := range axes {
		if a.Name == "" || len(a.Name) > maxLabel {
			return nil, fmt.Errorf("%w: axis %d: a name of 1 to %d bytes", ErrInvalidInput, i, maxLabel)
		}
		if len(a.Values) < 1 || len(a.Values) > MaxCells {
			return nil, fmt.Errorf("%w: axis %q: %d values, want 1 to %d", ErrInvalidInput, a.Name, len(a.Values), MaxCells)
		}
		seen := map[string]bool{}
		for _, v := range a.Values {
			if v == "" || len(v) > maxLabel || seen[v] {
				return nil, fmt.Errorf("%w: axis %q: value %q empty, too long or repeated", ErrInvalidInput, a.Name, v)
			}
			seen[v] = true
		}
		if cells *= len(a.Values); cells > MaxCells {
			return nil, fmt.Errorf("%w: more than %d cells", ErrInvalidInput, MaxCells)
		}
		out[i] = Axis{Name: a.Name, Values: append([]string(nil), a.Values...)}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	for i := 1; i < len(out); i++ {
		if out[i].Name == out[i-1].Name {
			return nil, fmt.Errorf("%w: axis %q given twice", ErrInvalidInput, out[i].Name)
		}
	}
	return out, nil
}

// Cells returns the settings of every cell of the grid the axes span, in
// row-major order (the last axis varies fastest), each in axis order.
// The axes are taken as given; Sweep sorts them by name first.
func Cells(axes []Axis) [][]Setting {
	out := [][]Setting{nil}
	for _, a := range axes {
		var next [][]Setting
		for _, prefix := range out {
			for _, v := range a.Values {
				next = append(next, append(append([]Setting(nil), prefix...), Setting{Name: a.Name, Value: v}))
			}
		}
		out = next
	}
	return out
}
