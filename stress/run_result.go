package stress

import "fmt"

// Result is the aggregate of a run or a sweep, or of one shard of it:
// per cell, the streamed tally of its scenarios (counts, exact sums, and
// the upper tails of bad debt and value liquidated). Write a shard's with
// WritePartial; combine shards with Merge; read the statistics of a
// complete result with Report.
//
// Memory: a cell holds two upper tails of tailCap(Scenarios) entries each
// — about Scenarios/20 + 2√Scenarios, an index and a decimal of about 80
// bytes — so 1,000 scenarios keep 72 entries per measure and a million
// about 52,000 (≈ 8 MB for both measures); everything else is a fixed
// number of counters and sums. No outcome is kept beyond its tail. While
// a run is under way each worker keeps its own tails, merged at the end,
// so its peak is Workers times that.
type Result struct {
	// Model and Generator name what was run; Seed is the base seed and
	// Scenarios the run's N (of all shards).
	Model     string
	Generator string
	Seed      int64
	Scenarios int
	// Shard is the slice this result covers, [From, To) of the scenario
	// indexes; a complete result is shard 0 of 1, [0, Scenarios).
	Shard    Shard
	From, To int
	// Axes are a sweep's axes (nil for a plain run).
	Axes  []Axis
	cells []cell
}

// cell is one cell's parameters and tally.
type cell struct {
	params []Setting
	t      *tally
}

// Complete reports whether r covers every scenario of the run.
func (r *Result) Complete() bool { return r.From == 0 && r.To == r.Scenarios && r.Shard.Count == 1 }

// Report computes the statistics of every cell of a complete result, as a
// Report whose text, JSON and CSV are the same bytes on every machine for
// the same run, however it was split into workers or shards.
func (r *Result) Report() (*Report, error) {
	if !r.Complete() {
		return nil, fmt.Errorf("%w: shard %s covers scenarios [%d, %d) of %d: merge every shard first", ErrInvalidInput, r.Shard, r.From, r.To, r.Scenarios)
	}
	rep := &Report{Model: r.Model, Generator: r.Generator, Seed: r.Seed, Scenarios: r.Scenarios, Axes: r.Axes}
	for _, c := range r.cells {
		rep.Cells = append(rep.Cells, CellReport{Params: c.params, Stats: c.t.stats(r.Seed)})
	}
	return rep, nil
}
