package stress

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MaxFaults is the most faults one Faults wrapper applies.
const MaxFaults = 256

// MaxTotalDelay bounds the sum of the Delay of a wrapper's delay faults:
// each remembers up to Delay quotes per scenario.
const MaxTotalDelay = 100_000

// FaultKind names an oracle fault.
type FaultKind int

// The oracle faults. Each acts on one source within a window of ticks
// [From, To) and on nothing else.
const (
	// FaultStale: the source keeps resending its last quote from before
	// the window — price and time — as a stuck feed does (the stale
	// dex-c of examples/cascade). With no earlier quote it freezes its
	// first quote in the window.
	FaultStale FaultKind = iota + 1
	// FaultSpike: the source prints price × Factor, a wick (cascade's
	// cex-b prints 0.6 × the price).
	FaultSpike
	// FaultDrift: the source's bias grows by BiasBP basis points each
	// tick: at tick t it prints price × (1 + BiasBP × (t − From + 1) /
	// 10,000).
	FaultDrift
	// FaultDelay: the source's quotes arrive Delay ticks late: at tick t
	// it shows its quote of tick t − Delay (that quote's price and
	// time), or nothing if it had none then.
	FaultDelay
)

// String names the kind: "stale", "spike", "drift", "delay".
func (k FaultKind) String() string {
	switch k {
	case FaultStale:
		return "stale"
	case FaultSpike:
		return "spike"
	case FaultDrift:
		return "drift"
	case FaultDelay:
		return "delay"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is one oracle fault: Kind, on Source, over ticks [From, To).
// Only the field of its kind may be set (Factor for a spike, BiasBP for a
// drift, Delay for a delay); any other is refused, so a mistyped fault
// does not silently do nothing.
type Fault struct {
	// Kind is the fault.
	Kind FaultKind
	// Source is the faulty source's name, non-empty, at most 64 bytes.
	Source string
	// From and To bound the window in ticks: 0 ≤ From < To ≤ MaxTicks.
	From, To int
	// Factor is a spike's multiplier, in (0, 1000], ≠ 1, at most 8
	// places.
	Factor decimal.Decimal
	// BiasBP is a drift's growth per tick in basis points, in
	// [−1000, 1000], ≠ 0.
	BiasBP int
	// Delay is a delay's lag in ticks, in [1, 10,000].
	Delay int
}

// String describes the fault, e.g. "spike src-b ×0.6 [30,32)".
func (f Fault) String() string {
	detail := ""
	switch f.Kind {
	case FaultSpike:
		detail = " ×" + f.Factor.String()
	case FaultDrift:
		detail = fmt.Sprintf(" %+dbp/tick", f.BiasBP)
	case FaultDelay:
		detail = fmt.Sprintf(" %d ticks late", f.Delay)
	}
	return fmt.Sprintf("%s %s%s [%d,%d)", f.Kind, f.Source, detail, f.From, f.To)
}

// check says what is wrong with f, if anything.
func (f Fault) check() error {
	bad := func(what string) error {
		return fmt.Errorf("%w: fault %d on %q [%d,%d): %s", ErrInvalidInput, int(f.Kind), f.Source, f.From, f.To, what)
	}
	if f.Source == "" || len(f.Source) > 64 {
		return bad("source name empty or longer than 64 bytes")
	}
	if f.From < 0 || f.To <= f.From || f.To > MaxTicks {
		return bad(fmt.Sprintf("window outside 0 ≤ From < To ≤ %d", MaxTicks))
	}
	if err := num.Check(f.Factor); err != nil {
		return bad("factor: " + err.Error())
	}
	spike, drift, delay := !f.Factor.IsZero(), f.BiasBP != 0, f.Delay != 0
	switch f.Kind {
	case FaultStale:
		if spike || drift || delay {
			return bad("a stale fault takes no factor, bias or delay")
		}
	case FaultSpike:
		if !f.Factor.IsPositive() || f.Factor.GreaterThan(decimal.New(1000, 0)) || f.Factor.Equal(decimal.New(1, 0)) || finer(f.Factor, 8) {
			return bad("factor must be in (0, 1000], not 1, at most 8 places")
		}
		if drift || delay {
			return bad("a spike takes no bias or delay")
		}
	case FaultDrift:
		if f.BiasBP < -1000 || f.BiasBP > 1000 || !drift {
			return bad("bias must be in [−1000, 1000] bp and not 0")
		}
		if spike || delay {
			return bad("a drift takes no factor or delay")
		}
	case FaultDelay:
		if f.Delay < 1 || f.Delay > 10_000 {
			return bad("delay must be 1 to 10,000 ticks")
		}
		if spike || drift {
			return bad("a delay takes no factor or bias")
		}
	default:
		return bad("unknown kind")
	}
	return nil
}

// FaultSettings configure the Faults wrapper.
type FaultSettings struct {
	// Faults are applied in order, each to the quotes the previous ones
	// left; at most MaxFaults, their delays summing to at most
	// MaxTotalDelay.
	Faults []Fault
	// Scale is the decimal places a spiked or drifted quote is rounded
	// to (half-even), in [1, MaxScale]. Zero means 8.
	Scale int32
}

// Faults wraps any generator and breaks its oracle sources: stale,
// spiking, drifting and delayed quotes (see FaultKind). It changes only
// Tick.Quotes, only of each fault's source and only within its window;
// the quotes stay sorted by Source. It draws nothing, so the seed's path
// is unchanged. Wrap it around a generator that quotes (Quotes, or a CSV
// with quote columns). A fault that cannot fire is an error, never a
// silent no-op: when the inner generator is this package's, a window
// starting after its last tick or a source it never quotes is refused by
// NewFaults; otherwise a scenario whose path ends before a fault found
// its source within its window returns an error wrapping ErrInvalidInput
// from Next at the end. Safe for concurrent use.
type Faults struct {
	inner Generator
	s     FaultSettings
}

// NewFaults validates s and wraps inner.
func NewFaults(inner Generator, s FaultSettings) (*Faults, error) {
	if inner == nil {
		return nil, fmt.Errorf("%w: faults: no inner generator", ErrInvalidInput)
	}
	if len(s.Faults) > MaxFaults {
		return nil, fmt.Errorf("%w: faults: %d faults, at most %d", ErrInvalidInput, len(s.Faults), MaxFaults)
	}
	if s.Scale == 0 {
		s.Scale = 8
	}
	if s.Scale < 1 || s.Scale > MaxScale {
		return nil, fmt.Errorf("%w: faults: scale %d outside [1, %d]", ErrInvalidInput, s.Scale, MaxScale)
	}
	total := 0
	for _, f := range s.Faults {
		if err := f.check(); err != nil {
			return nil, err
		}
		total += f.Delay // each ≤ 10,000 and at most MaxFaults of them: no overflow
	}
	if total > MaxTotalDelay {
		return nil, fmt.Errorf("%w: faults: delays sum to %d ticks, at most %d", ErrInvalidInput, total, MaxTotalDelay)
	}
	if sh, ok := shapeOf(inner); ok {
		for _, f := range s.Faults {
			if err := checkReach(f, sh); err != nil {
				return nil, err
			}
		}
	}
	s.Faults = append([]Fault(nil), s.Faults...)
	return &Faults{inner: inner, s: s}, nil
}

// Name says what is drawn, e.g. "merton(…) + quotes(…) + faults(stale src-c [10,40))".
func (g *Faults) Name() string {
	parts := make([]string, len(g.s.Faults))
	for i, f := range g.s.Faults {
		parts[i] = f.String()
	}
	return fmt.Sprintf("%s + faults(%s)", g.inner.Name(), strings.Join(parts, "; "))
}

// Scenario returns the inner path of seed with the faults applied.
func (g *Faults) Scenario(seed int64) (Scenario, error) {
	in, err := g.inner.Scenario(seed)
	if err != nil {
		return nil, err
	}
	// A delay's ring grows as ticks come (see apply), so a short path
	// never holds Delay slots.
	return &faulted{g: g, in: in, st: make([]faultState, len(g.s.Faults))}, nil
}
