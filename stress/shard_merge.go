package stress

import (
	"fmt"
	"slices"
)

// Merge combines the results of every shard of one run (or sweep) into
// the complete result, whose Report is byte for byte the Report of the
// same run on one machine. The parts may come in any order. It refuses
// parts of different runs (model, generator, seed, scenarios, shard
// count, axes), a shard given twice, and a missing shard, with
// ErrInvalidInput naming which.
func Merge(parts ...*Result) (*Result, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: merge of no partial results", ErrInvalidInput)
	}
	first := parts[0]
	if first == nil {
		return nil, fmt.Errorf("%w: merge: nil partial result", ErrInvalidInput)
	}
	n := first.Shard.Count
	if n < 1 || n > MaxShards || len(parts) > MaxShards {
		return nil, fmt.Errorf("%w: merge: shard count %d", ErrInvalidInput, n)
	}
	seen := make([]bool, n)
	for _, p := range parts {
		if p == nil {
			return nil, fmt.Errorf("%w: merge: nil partial result", ErrInvalidInput)
		}
		if err := sameRun(first, p); err != nil {
			return nil, err
		}
		if i := p.Shard.Index; i < 0 || i >= n {
			return nil, fmt.Errorf("%w: merge: shard %s out of range", ErrInvalidInput, p.Shard)
		} else if seen[i] {
			return nil, fmt.Errorf("%w: merge: shard %s given twice", ErrInvalidInput, p.Shard)
		}
		if from, to := p.Shard.Range(p.Scenarios); p.From != from || p.To != to {
			return nil, fmt.Errorf("%w: merge: shard %s covers [%d, %d), want [%d, %d)", ErrInvalidInput, p.Shard, p.From, p.To, from, to)
		}
		seen[p.Shard.Index] = true
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("%w: merge: shard %d/%d missing", ErrInvalidInput, i, n)
		}
	}
	out := &Result{Model: first.Model, Generator: first.Generator, Seed: first.Seed, Scenarios: first.Scenarios,
		Shard: Shard{Index: 0, Count: 1}, From: 0, To: first.Scenarios, Axes: first.Axes}
	for ci, c := range first.cells {
		t := newTally(first.Scenarios)
		for _, p := range parts {
			t.merge(p.cells[ci].t)
		}
		if t.n != first.Scenarios {
			return nil, fmt.Errorf("%w: merge: cell %d tallies %d of %d scenarios", ErrInvalidInput, ci, t.n, first.Scenarios)
		}
		out.cells = append(out.cells, cell{params: c.params, t: t})
	}
	return out, nil
}

// sameRun refuses b unless it is a shard of the same run as a.
func sameRun(a, b *Result) error {
	switch {
	case a.Model != b.Model:
		return fmt.Errorf("%w: merge: model %q and %q", ErrInvalidInput, a.Model, b.Model)
	case a.Generator != b.Generator:
		return fmt.Errorf("%w: merge: generator %q and %q", ErrInvalidInput, a.Generator, b.Generator)
	case a.Seed != b.Seed:
		return fmt.Errorf("%w: merge: seed %d and %d", ErrInvalidInput, a.Seed, b.Seed)
	case a.Scenarios != b.Scenarios:
		return fmt.Errorf("%w: merge: %d and %d scenarios", ErrInvalidInput, a.Scenarios, b.Scenarios)
	case a.Shard.Count != b.Shard.Count:
		return fmt.Errorf("%w: merge: split into %d and %d shards", ErrInvalidInput, a.Shard.Count, b.Shard.Count)
	case !equalAxes(a.Axes, b.Axes) || len(a.cells) != len(b.cells):
		return fmt.Errorf("%w: merge: different sweep axes", ErrInvalidInput)
	}
	for i := range a.cells {
		if !slices.Equal(a.cells[i].params, b.cells[i].params) {
			return fmt.Errorf("%w: merge: cell %d parameters differ", ErrInvalidInput, i)
		}
	}
	return nil
}
