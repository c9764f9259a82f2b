package stress

import (
	"errors"
	"fmt"
	"strings"
)

// More errors of the runner (the contract's are in model.go).
var (
	// ErrScenario is a generator that could not draw a scenario or a tick,
	// or drew a tick out of order.
	ErrScenario = errors.New("stress: scenario failed")
	// ErrCancelled is a run stopped by its context; it also wraps the
	// context's error (context.Canceled or DeadlineExceeded).
	ErrCancelled = errors.New("stress: run cancelled")
)

// ScenarioError is the error of a run in which a scenario failed: its
// model broke conservation (ErrNotConserved) or refused a tick (ErrModel),
// or its generator failed (ErrScenario). It names the scenario's index and
// seed, so that Replay(ctx, gen, factory, Seed) runs it again alone. Of
// several failing scenarios, a run reports the lowest index, whatever
// the number of workers.
type ScenarioError struct {
	// Index is the scenario's index in the run (−1 in a Replay), Seed its
	// seed (SeedFor(base, Index)).
	Index int
	Seed  int64
	// Tick is the tick at which it failed (its Seq), or −1 before the
	// first tick (building the model, drawing the scenario).
	Tick int
	// Err is the failure, wrapping one of the package's sentinels.
	Err error
}

// scenarioErr wraps err of scenario (index, seed) at tick, adding def (a
// sentinel) if err wraps none of the package's own.
func scenarioErr(index int, seed int64, tick int, def, err error) *ScenarioError {
	if sentinelOf(err) == nil {
		err = fmt.Errorf("%w: %w", def, err)
	}
	return &ScenarioError{Index: index, Seed: seed, Tick: tick, Err: err}
}

// sentinelOf returns the package sentinel err wraps, or nil.
func sentinelOf(err error) error {
	for _, s := range []error{ErrNotConserved, ErrModel, ErrScenario, ErrInvalidInput, ErrCancelled} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// Error reads "stress: value not conserved: scenario 7 (seed 123), tick
// 41: …": the sentinel once, then where, then what.
func (e *ScenarioError) Error() string {
	s := sentinelOf(e.Err)
	msg := e.Err.Error()
	where := fmt.Sprintf("scenario %d (seed %d)", e.Index, e.Seed)
	if e.Index < 0 {
		where = fmt.Sprintf("replayed scenario (seed %d)", e.Seed)
	}
	if e.Tick >= 0 {
		where += fmt.Sprintf(", tick %d", e.Tick)
	}
	if s == nil {
		return where + ": " + msg
	}
	return fmt.Sprintf("%s: %s: %s", s.Error(), where, strings.TrimPrefix(msg, s.Error()+": "))
}

// Unwrap returns the failure.
func (e *ScenarioError) Unwrap() error { return e.Err }
