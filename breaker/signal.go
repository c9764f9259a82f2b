package breaker

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Signal is what an observation of a trigger reports.
type Signal uint8

const (
	// Normal: the trigger is not tripped (and did not just reset).
	Normal Signal = iota
	// Tripped: the trigger is tripped (Result.Changed says whether it
	// tripped on this observation).
	Tripped
	// Reset: the trigger was tripped and reset on this observation. The next
	// observation that does not trip reports Normal.
	Reset
)

// String returns "normal", "tripped" or "reset".
func (s Signal) String() string {
	switch s {
	case Normal:
		return "normal"
	case Tripped:
		return "tripped"
	case Reset:
		return "reset"
	}
	return fmt.Sprintf("signal(%d)", uint8(s))
}

// Reason says why a trigger reports its signal. It is a code rather than a
// formatted string so that observing stays allocation-free; Result.String
// renders it with the numbers.
type Reason uint8

// Reasons reported in Result.Reason.
const (
	ReasonNone      Reason = iota // normal, nothing to report
	ReasonBreach                  // the value crossed the trip level; Result.Level is the level
	ReasonPending                 // breaching, but fewer consecutive breaches than required
	ReasonHolding                 // tripped; not yet back past the reset level
	ReasonMinTime                 // back past the reset level, but the minimum time tripped has not elapsed
	ReasonRecovered               // back past the reset level after the minimum time: reset
	ReasonComposite               // composite: see Result.Detail for the active members
	ReasonWarmUp                  // beyond the trip level while an adaptive trigger is still warming up
)

// String names the reason.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "none"
	case ReasonBreach:
		return "breach"
	case ReasonPending:
		return "pending"
	case ReasonHolding:
		return "holding"
	case ReasonMinTime:
		return "min-time"
	case ReasonRecovered:
		return "recovered"
	case ReasonComposite:
		return "composite"
	case ReasonWarmUp:
		return "warm-up"
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Result is the value an observation returns.
type Result struct {
	Signal  Signal          // normal, tripped or reset
	Changed bool            // true when this observation tripped or reset the trigger
	Reason  Reason          // why
	Value   decimal.Decimal // the observed metric (for a change trigger: the relative move, see ChangeTrigger)
	Level   decimal.Decimal // the level compared against (trip level, reset level or reference)
	Count   int             // consecutive breaches so far
	Since   time.Time       // when the current tripped period started (zero when not tripped)
	Detail  string          // composite only: names of the active members
	// Events are the state changes this observation caused (a trip or a
	// reset), returned here and nowhere else.
	Events []Event
}

// String renders the result, e.g. "tripped (breach): value 105 vs level 100".
func (r Result) String() string {
	s := fmt.Sprintf("%s (%s)", r.Signal, r.Reason)
	if r.Reason == ReasonComposite {
		return s + ": " + r.Detail
	}
	if r.Reason != ReasonNone {
		s += fmt.Sprintf(": value %s vs level %s", r.Value, r.Level)
	}
	if r.Reason == ReasonPending {
		s += fmt.Sprintf(", %d consecutive", r.Count)
	}
	return s
}

// Direction says which side of a level is a breach.
type Direction uint8

const (
	// Above: values at or above the trip level breach; the reset level is
	// below the trip level.
	Above Direction = iota
	// Below: values at or below the trip level breach; the reset level is
	// above the trip level.
	Below
)

// String returns "above" or "below".
func (d Direction) String() string {
	if d == Below {
		return "below"
	}
	return "above"
}
