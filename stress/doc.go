// Package stress is the layer above the five: it runs a risk configuration
// through thousands of seeded scenarios and says how often it fails and how
// badly.
//
// A venue under test is a [Model]: it takes one [Tick] at a time (the true
// price and the oracle sources' quotes, faults applied, and the network's
// congestion), reports its [Outcome] and checks its own conservation after
// every tick. A [Generator] draws one [Scenario] per seed. Scenario i of a
// run with base seed s always uses the seed [SeedFor](s, i), so a result
// never depends on how many workers ran it, and a scenario that fails can be
// replayed alone from its seed.
//
// The reference models live in the subpackages stress/perp (the perpetual
// venue of examples/cascade) and stress/lending (the lending pool of
// examples/lending).
//
// # Running
//
// [Run] runs [Options].Scenarios scenarios on every core (Options.Workers,
// default GOMAXPROCS): each is drawn by the generator and built by the
// [Factory] with its own seed, fed its ticks in order, checked with
// Model.Check after every tick, and its Outcome aggregated. A scenario
// whose model errs or breaks conservation fails the run with a
// [*ScenarioError] naming its index and seed (the lowest failing index,
// whatever the workers); [Replay] runs that seed alone. Options.Progress
// receives (done, total) from a goroutine of its own, so a slow progress
// bar never holds the workers; a cancelled context stops the run.
//
//	res, err := stress.Run(ctx, gen, factory, stress.Options{Model: "perp", Scenarios: 1000, Seed: 1})
//	rep, err := res.Report()
//	rep.WriteText(os.Stdout) // a table, then the answer in one sentence
//
// # Statistics
//
// [Result.Report] gives, per cell, [Stats]: bad debt VaR95 and VaR99 —
// Gauntlet's VaR, the 95th percentile of insolvent debt over simulations
// (risk.gauntlet.network/faq; "VaR Deepdive", Gauntlet, 2022) — the
// expected shortfall beyond each, liquidations at risk (LaR95, the 95th
// percentile of value liquidated), and the shares of scenarios with bad
// debt, with the fund exhausted and with a loss socialised. Every figure
// carries a 95% confidence interval and a standard error, so a reader sees
// when N is too small:
//
//   - quantiles are nearest-rank (Hyndman and Fan's type 1: the ⌈Np⌉-th
//     smallest), their intervals distribution-free order statistics
//     (Conover §3.2), their SE the interval's width over 3.92; an interval
//     the sample cannot bound is marked Open;
//   - an expected shortfall is the mean of the ⌊N(1−p)⌋ largest values,
//     its SE Manistre and Hancock's (2005), its interval ES ± 1.96 SE;
//   - proportions have Wilson score intervals and SE √(p(1−p)/N).
//
// All of it is computed in decimals and integers (square roots exact to 18
// places), never in float64, so a report is the same bytes on every
// machine. Aggregation is streamed: counts and exact sums, plus the upper
// 5% or so of bad debts and values liquidated that the quantiles and
// shortfalls read (about 80 bytes a scenario in that tail; see [Result]).
//
// # Sweeps
//
// [Sweep] runs a grid of model parameters — [Axis] values, combined into
// cells of [Setting]s sorted by name — each cell's Factory built by a
// [Builder] (typically: copy a default Config, call its Set(name, value)
// per setting, return a factory over it). Every cell runs the same
// scenario seeds (common random numbers), so two cells differ by their
// parameters only. [Report.WriteCSV] and [Report.WriteJSON] write the grid
// with a fixed column and field order.
//
// # Shards
//
// Options.Shard runs slice i of n of the scenario indexes ([ParseShard]
// reads "i/n"); [Result.WritePartial] writes the slice's aggregate as a
// versioned JSON file; [ReadPartial] checks one in full and [Merge]
// combines all n — refusing a missing, repeated or foreign shard — into
// the result whose report is byte for byte the single machine's. Any batch
// scheduler spreads a run or a sweep this way; examples/stress's README
// has a Kubernetes indexed Job (JOB_COMPLETION_INDEX) and a Slurm array
// (SLURM_ARRAY_TASK_ID).
//
// # Writing a model
//
// A Model owns its state for one scenario and is used by one goroutine.
// Step applies a tick (a model that refuses one returns an error: the run
// fails and names the seed); Check proves conservation to the smallest
// unit and returns an error wrapping [ErrNotConserved] if value appeared
// or vanished; Outcome reports bad debt (before any backstop), the
// liquidations, the fund and the losses socialised or left uncovered. The
// Factory derives every random choice of the model from its seed.
package stress
