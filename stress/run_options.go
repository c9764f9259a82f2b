package stress

import (
	"fmt"
	"runtime"
)

// Bounds of a run, checked before any scenario starts.
const (
	// MaxScenarios is the most scenarios one run may have.
	MaxScenarios = 10_000_000
	// MaxWorkers is the most goroutines a run may spread scenarios over.
	MaxWorkers = 1024
	// MaxTicksLimit is the most ticks Options.MaxTicks may allow a scenario.
	MaxTicksLimit = 100_000_000
	// DefaultMaxTicks is the ticks a scenario may take when
	// Options.MaxTicks is 0: a generator that never ends fails its scenario
	// instead of running forever.
	DefaultMaxTicks = 1_000_000
)

// Options configure a run. The zero value is refused (Scenarios must be
// set); every other field has a usable zero.
type Options struct {
	// Model names the model under test, for reports and to refuse
	// merging shards of different models. Default "" (unnamed).
	Model string
	// Scenarios is the number of scenarios N of the whole run, 1 to
	// MaxScenarios. Required.
	Scenarios int
	// Seed is the base seed: scenario i is drawn and built with
	// SeedFor(Seed, i). Default 0.
	Seed int64
	// Workers is the number of goroutines, 1 to MaxWorkers. Default (0):
	// runtime.GOMAXPROCS(0). The result never depends on it.
	Workers int
	// Shard selects the slice of the scenario indexes this process runs.
	// Default (zero value): all of them.
	Shard Shard
	// MaxTicks bounds the ticks of one scenario, 1 to MaxTicksLimit; a
	// scenario that would take more fails the run. Default (0):
	// DefaultMaxTicks.
	MaxTicks int
	// Progress, if not nil, is called with the number of scenarios done
	// and the total this process runs: from one goroutine (never two calls
	// at once), with done never decreasing, and a last call with
	// done == total before a successful Run returns. The workers never
	// wait for it: a slow callback sees fewer, later counts.
	Progress func(done, total int)
}

// withDefaults validates o and fills its defaults.
func (o Options) withDefaults() (Options, error) {
	if o.Scenarios < 1 || o.Scenarios > MaxScenarios {
		return o, fmt.Errorf("%w: scenarios %d outside [1, %d]", ErrInvalidInput, o.Scenarios, MaxScenarios)
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Workers < 1 || o.Workers > MaxWorkers {
		return o, fmt.Errorf("%w: workers %d outside [1, %d]", ErrInvalidInput, o.Workers, MaxWorkers)
	}
	if o.MaxTicks == 0 {
		o.MaxTicks = DefaultMaxTicks
	}
	if o.MaxTicks < 1 || o.MaxTicks > MaxTicksLimit {
		return o, fmt.Errorf("%w: max ticks %d outside [1, %d]", ErrInvalidInput, o.MaxTicks, MaxTicksLimit)
	}
	if o.Shard == (Shard{}) {
		o.Shard = Shard{Index: 0, Count: 1}
	}
	if err := o.Shard.check(o.Scenarios); err != nil {
		return o, err
	}
	if len(o.Model) > maxLabel {
		return o, fmt.Errorf("%w: model name of %d bytes (at most %d)", ErrInvalidInput, len(o.Model), maxLabel)
	}
	return o, nil
}

// maxLabel bounds a model's or generator's name and a parameter's name or
// value, in bytes.
const maxLabel = 200
