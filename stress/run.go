package stress

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Run runs the scenarios of o.Shard (all of them by default) of a run of
// o.Scenarios on o.Workers goroutines: scenario i is drawn by gen and
// built by f with the seed SeedFor(o.Seed, i), fed every tick in order,
// checked for conservation after each, and its Outcome aggregated.
//
// The result is identical whatever the number of workers: each scenario
// depends only on its seed, and the aggregate (exact sums, counts, the
// upper tails ordered by value then index) does not depend on the order
// of arrival. Memory is flat in the scenarios but for the upper tails:
// about 5% of the scenarios' bad debts and liquidated values (see
// Result's doc).
//
// A scenario whose model errs or breaks conservation fails the run with a
// *ScenarioError naming its index and seed (the lowest such index). A
// cancelled ctx stops the run with ErrCancelled. Run is safe for
// concurrent use if gen and f are; it calls gen.Scenario and f from
// several goroutines at once.
func Run(ctx context.Context, gen Generator, f Factory, o Options) (*Result, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: nil factory", ErrInvalidInput)
	}
	return execute(ctx, gen, []cellSpec{{factory: f}}, nil, o)
}

// Replay runs the one scenario with seed alone — the seed a
// *ScenarioError or Stats.Worst names — and returns its outcome, with the
// same checks as Run (conservation after every tick, DefaultMaxTicks).
func Replay(ctx context.Context, gen Generator, f Factory, seed int64) (Outcome, error) {
	if gen == nil || f == nil {
		return Outcome{}, fmt.Errorf("%w: nil generator or factory", ErrInvalidInput)
	}
	o, err := runScenario(ctx, gen, f, -1, seed, DefaultMaxTicks)
	if err != nil {
		return Outcome{}, err
	}
	return o, nil
}

// cellSpec is one cell of a run: its parameters and its model's factory.
type cellSpec struct {
	params  []Setting
	factory Factory
}

// execute runs the shard of o for every cell in turn, on the same seeds.
func execute(ctx context.Context, gen Generator, cells []cellSpec, axes []Axis, o Options) (*Result, error) {
	if gen == nil {
		return nil, fmt.Errorf("%w: nil generator", ErrInvalidInput)
	}
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	name := gen.Name()
	if len(name) > maxLabel {
		return nil, fmt.Errorf("%w: generator name of %d bytes (at most %d)", ErrInvalidInput, len(name), maxLabel)
	}
	from, to := o.Shard.Range(o.Scenarios)
	per := to - from
	prog := startProgress(o.Progress, per*len(cells))
	defer prog.stop()
	res := &Result{Model: o.Model, Generator: name, Seed: o.Seed, Scenarios: o.Scenarios, Shard: o.Shard, From: from, To: to, Axes: axes}
	for _, c := range cells {
		t, err := runSlice(ctx, gen, c.factory, o, from, to, prog)
		if err != nil {
			return nil, err
		}
		res.cells = append(res.cells, cell{params: c.params, t: t})
	}
	prog.finish()
	return res, nil
}

// runSlice runs scenarios [from, to) on o.Workers goroutines and returns
// their tally.
func runSlice(ctx context.Context, gen Generator, f Factory, o Options, from, to int, prog *progress) (*tally, error) {
	var (
		next    atomic.Int64 // the next index to take
		mu      sync.Mutex
		failed  *ScenarioError // the lowest failing index so far
		failIdx atomic.Int64   // its index, or to when none
		wg      sync.WaitGroup
	)
	next.Store(int64(from))
	failIdx.Store(int64(to))
	workers := min(o.Workers, to-from)
	tallies := make([]*tally, workers)
	for w := range workers {
		t := newTally(o.Scenarios)
		tallies[w] = t
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				// Indexes above a failure are skipped; those below still
				// run, so the lowest failure is found whatever the workers.
				if i >= to || int64(i) > failIdx.Load() || ctx.Err() != nil {
					return
				}
				seed := SeedFor(o.Seed, i)
				out, err := runScenario(ctx, gen, f, i, seed, o.MaxTicks)
				if err != nil {
					se, ok := err.(*ScenarioError)
					if !ok { // cancelled
						return
					}
					mu.Lock()
					if failed == nil || se.Index < failed.Index {
						failed = se
						failIdx.Store(int64(se.Index))
					}
					mu.Unlock()
					continue
				}
				t.add(i, out)
				prog.add()
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		return nil, failed
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	total := tallies[0]
	for _, t := range tallies[1:] {
		total.merge(t)
	}
	return total, nil
}

// ctxEvery is how many ticks a scenario runs between looks at its
// context.
const ctxEvery = 64

// runScenario draws, builds and runs scenario index (−1: a replay) with
// seed. Its errors are *ScenarioError, or ErrCancelled.
func runScenario(ctx context.Context, gen Generator, f Factory, index int, seed int64, maxTicks int) (Outcome, error) {
	sc, err := gen.Scenario(seed)
	if err != nil {
		return Outcome{}, scenarioErr(index, seed, -1, ErrScenario, err)
	}
	if sc == nil {
		return Outcome{}, scenarioErr(index, seed, -1, ErrScenario, fmt.Errorf("%w: generator returned a nil scenario", ErrScenario))
	}
	m, err := f(seed)
	if err != nil {
		return Outcome{}, scenarioErr(index, seed, -1, ErrModel, err)
	}
	if m == nil {
		return Outcome{}, scenarioErr(index, seed, -1, ErrModel, fmt.Errorf("%w: factory returned a nil model", ErrModel))
	}
	for seq := 0; ; seq++ {
		if seq%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return Outcome{}, fmt.Errorf("%w: %w", ErrCancelled, err)
			}
		}
		tk, ok, err := sc.Next()
		if err != nil {
			return Outcome{}, scenarioErr(index, seed, seq, ErrScenario, err)
		}
		if !ok {
			break
		}
		if seq >= maxTicks {
			return Outcome{}, scenarioErr(index, seed, seq, ErrScenario, fmt.Errorf("%w: more than %d ticks", ErrScenario, maxTicks))
		}
		if tk.Seq != seq {
			return Outcome{}, scenarioErr(index, seed, seq, ErrScenario, fmt.Errorf("%w: tick numbered %d, want %d", ErrScenario, tk.Seq, seq))
		}
		if err := m.Step(tk); err != nil {
			return Outcome{}, scenarioErr(index, seed, seq, ErrModel, err)
		}
		if err := m.Check(); err != nil {
			return Outcome{}, scenarioErr(index, seed, seq, ErrNotConserved, err)
		}
	}
	out := m.Outcome()
	if err := checkOutcome(out); err != nil {
		return Outcome{}, scenarioErr(index, seed, -1, ErrModel, err)
	}
	return out, nil
}
