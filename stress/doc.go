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
package stress
