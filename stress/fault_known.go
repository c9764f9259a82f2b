package stress

import (
	"fmt"
	"slices"
)

// pathShape is what a generator knows of every path it draws before
// drawing one: its number of ticks and the sources it quotes (sorted).
type pathShape struct {
	ticks   int
	sources []string
}

// shaper is a generator of this package that knows its paths' shape;
// ok is false when it cannot (a wrapper around a host's generator).
type shaper interface {
	shape() (pathShape, bool)
}

// shapeOf is g's shape, if g knows it.
func shapeOf(g Generator) (pathShape, bool) {
	if s, ok := g.(shaper); ok {
		return s.shape()
	}
	return pathShape{}, false
}

// shape: Ticks ticks, no quotes.
func (g *Merton) shape() (pathShape, bool) { return pathShape{ticks: g.s.Path.Ticks}, true }

// shape: Ticks ticks, no quotes.
func (g *GARCH) shape() (pathShape, bool) { return pathShape{ticks: g.s.Path.Ticks}, true }

// shape: Ticks ticks, no quotes.
func (g *Scripted) shape() (pathShape, bool) { return pathShape{ticks: g.path.Ticks}, true }

// shape: one tick a row; the sources quoted in at least one row.
func (g *CSV) shape() (pathShape, bool) {
	return pathShape{ticks: len(g.ticks), sources: g.sources}, true
}

// shape: the inner's ticks; its sources and ours.
func (q *Quotes) shape() (pathShape, bool) {
	in, ok := shapeOf(q.inner)
	if !ok {
		return pathShape{}, false
	}
	src := append(slices.Clone(in.sources), q.s.Sources...)
	slices.Sort(src)
	return pathShape{ticks: in.ticks, sources: slices.Compact(src)}, true
}

// shape: the inner's (a fault adds no tick and no source).
func (g *Faults) shape() (pathShape, bool) { return shapeOf(g.inner) }

// checkReach refuses a fault that the inner's known shape says can never
// fire: a window that starts after the last tick, or a source never
// quoted.
func checkReach(f Fault, sh pathShape) error {
	if f.From >= sh.ticks {
		return fmt.Errorf("%w: fault %s: the window starts after the path's %d ticks", ErrInvalidInput, f, sh.ticks)
	}
	if _, found := slices.BinarySearch(sh.sources, f.Source); !found {
		return fmt.Errorf("%w: fault %s: the inner generator never quotes %q", ErrInvalidInput, f, f.Source)
	}
	return nil
}
