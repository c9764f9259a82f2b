package stress

import (
	"errors"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// Errors. Every error of the package wraps one of these once.
var (
	// ErrInvalidInput is a bad argument: a seed count, shard, quantile,
	// parameter or path the harness cannot run.
	ErrInvalidInput = errors.New("stress: invalid input")
	// ErrNotConserved is a model whose conservation check failed: value
	// appeared or vanished. The run fails and names the scenario's seed.
	ErrNotConserved = errors.New("stress: value not conserved")
	// ErrModel is a model that refused a tick or could not be built.
	ErrModel = errors.New("stress: model failed")
)

// Tick is one step of a scenario, as a model sees it.
type Tick struct {
	// Seq counts the scenario's ticks from 0.
	Seq int
	// Time is the simulated clock: the scenario's start plus Seq steps.
	Time time.Time
	// Price is the true price of the scenario's asset (> 0), in the quote
	// currency, to the scenario's price scale.
	Price decimal.Decimal
	// Quotes are the oracle sources' quotes of Price at Time, faults
	// applied (a stale source resends an old quote, a spiking one prints a
	// wick), sorted by Source. A model feeds them to its oracle.
	Quotes []oracle.Quote
	// Congestion is the network's congestion in percent, 0 to 100: the
	// share of keepers' and traders' actions that do not land this tick.
	Congestion int
}

// Scenario is one seeded draw of a market, read a tick at a time so a
// long path never sits in memory.
type Scenario interface {
	// Next returns the next tick; ok is false once the path has ended.
	Next() (t Tick, ok bool, err error)
}

// Generator draws scenarios. Scenario(seed) must return the same ticks for
// the same seed on every machine and every call.
type Generator interface {
	// Name says what is drawn, for reports (e.g. "merton(σ=0.8, λ=12)").
	Name() string
	// Scenario returns the path for seed.
	Scenario(seed int64) (Scenario, error)
}

// Model is a venue under test. The harness builds a fresh one per
// scenario, feeds it every tick in order, calls Check after each, and
// reads Outcome at the end. A model is used by one goroutine.
type Model interface {
	// Step advances the venue by one tick: oracle, breaker, margin,
	// liquidation, backstop, and its agents' actions. An error fails the
	// scenario (and the run, naming the seed).
	Step(t Tick) error
	// Check proves conservation: nil when every unit of value the venue
	// started with (plus what entered from outside, if the model allows
	// it) is still accounted for, to the smallest unit; otherwise an
	// error wrapping ErrNotConserved that says what differs.
	Check() error
	// Outcome reports the measures so far.
	Outcome() Outcome
}

// Factory builds the model for one scenario. seed is the scenario's own
// seed (the one its Scenario was drawn with); a model derives from it any
// randomness of its own (its book of accounts, its agents).
type Factory func(seed int64) (Model, error)

// Outcome is what a model reports of one scenario: the measures the
// statistics aggregate. Amounts are in the quote currency.
type Outcome struct {
	// Ticks is the number of ticks the model took.
	Ticks int
	// BadDebt is the insolvent debt: Σ of what liquidations could not
	// recover (each liquidation's shortfall), before any backstop layer
	// absorbed it. Gauntlet's VaR is its 95th percentile over scenarios.
	BadDebt decimal.Decimal
	// Liquidations counts liquidation events (orders executed or auctions
	// started).
	Liquidations int
	// Liquidated is the value liquidated: Σ debt (or notional) the
	// liquidations took over. Gauntlet's liquidations at risk (LaR) is its
	// 95th percentile.
	Liquidated decimal.Decimal
	// FundStart and FundEnd are the insurance fund (or surplus buffer)
	// before the first tick and now; FundMin is its lowest balance.
	FundStart, FundEnd, FundMin decimal.Decimal
	// FundExhausted is true once a loss found the fund empty or emptied
	// it.
	FundExhausted bool
	// Socialised is the loss passed on to other users (auto-deleveraging,
	// a haircut of profits, a debt auction diluting token holders).
	Socialised decimal.Decimal
	// Uncovered is the loss no layer absorbed.
	Uncovered decimal.Decimal
}
