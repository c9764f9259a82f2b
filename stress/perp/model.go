package perp

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress"
)

// Model is the perpetual venue as a stress.Model: each Step feeds one
// tick's quotes through the venue's whole risk stack (Venue.Step). The
// first tick opens the venue: its quotes price the feed, the breaker's
// band is centred on its price, and the book is seeded around it (the
// default crash opens at 30,000). Not safe for concurrent use.
type Model struct {
	v      *Venue
	ticks  int
	last   time.Time
	failed error
	checks int // Check calls so far
}

// FullCheckEvery is how often Model.Check also runs every package's own
// invariant replay (the liquidation engine's, the auctions', the
// insurance fund's, the backstop journal's and allocations'), whose cost
// grows with the run's history: on every FullCheckEvery-th call, and on
// the first (calls 1, 65 and 129 of the default crash's 168 ticks). Those
// calls also read every ledger entry afresh. Conservation itself — Σ sizes
// = 0 and the value of every ledger entry equal to the opening's to the
// unit — is proved on every call (from the ledger's fixed-point figures,
// see traderSums), so a one-unit leak fails the tick it happens on; Venue.Check always runs
// everything.
const FullCheckEvery = 64

var _ stress.Model = (*Model)(nil)

// New returns the venue cfg describes, its book, keepers and keeper
// behaviour drawn from seed (the book is seeded by the first Step). An
// invalid cfg is an error wrapping ErrConfig.
func New(cfg Config, seed int64) (*Model, error) {
	s, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return newModel(s, newCountingSource(seed))
}

// Factory returns a stress.Factory building New(cfg, seed) for every
// scenario; cfg is checked once, here.
func Factory(cfg Config) (stress.Factory, error) {
	if _, err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	return func(seed int64) (stress.Model, error) { return New(cfg, seed) }, nil
}

// NewWithCrash returns the venue and its default crash drawing from one
// generator seeded with seed, in the order examples/cascade has always
// drawn: the path's noise, then, each tick, the sources' jitter before the
// venue's own draws (the book at the opening, the keepers every tick). It
// reproduces the cascade's runs; the harness instead seeds the two apart
// (New and DefaultCrash), so a scenario's path does not depend on the
// venue drawn with it.
func NewWithCrash(cfg Config, seed int64) (*Model, *CrashPath, error) {
	s, err := cfg.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	src := newCountingSource(seed)
	m, err := newModel(s, src)
	if err != nil {
		return nil, nil, err
	}
	p := newPath(s.Crash, m.v.rng) // drawn first: newModel draws nothing
	return m, p, nil
}

func newModel(s settled, src *countingSource) (*Model, error) {
	v, err := newVenue(s)
	if err != nil {
		return nil, err
	}
	v.src, v.rng = src, rand.New(src)
	v.log = &recorder{v: v, state: breaker.Open}
	v.stats.refused = map[oracle.Reason]int{}
	return &Model{v: v}, nil
}

// Venue returns the venue the model drives, for a host that reports on it
// between ticks (it must only read).
func (m *Model) Venue() *Venue { return m.v }

// Step advances the venue by one tick (stress.Model). Quotes go to the
// oracle as they are; a tick without quotes is quoted by every source
// (Sources) at its Price and Time. Congestion is the share, in percent, of
// keeper actions (resets and takes) that do not land this tick. A bad
// tick (price ≤ 0, congestion outside [0, 100], time before the previous
// tick's) is an error wrapping ErrTick and changes nothing; after any
// error the model refuses further ticks.
func (m *Model) Step(t stress.Tick) error {
	if m.failed != nil {
		return fmt.Errorf("%w: the venue failed at an earlier tick: %v", ErrTick, m.failed)
	}
	if t.Congestion < 0 || t.Congestion > 100 {
		return fmt.Errorf("%w: tick %d: congestion %d%% outside [0, 100]", ErrTick, t.Seq, t.Congestion)
	}
	if !t.Price.IsPositive() {
		return fmt.Errorf("%w: tick %d: price not positive", ErrTick, t.Seq)
	}
	if m.ticks > 0 && t.Time.Before(m.last) {
		return fmt.Errorf("%w: tick %d goes back in time", ErrTick, t.Seq)
	}
	quotes := t.Quotes
	if len(quotes) == 0 {
		for _, s := range sources {
			quotes = append(quotes, oracle.Quote{Source: s, Price: t.Price, Time: t.Time})
		}
	}
	v := m.v
	v.log.now, v.log.acted = t.Time, false
	v.congestion = t.Congestion
	var err error
	if !v.opened {
		err = v.openAt(t.Time, t.Price, quotes)
	} else {
		err = v.Step(t.Time, quotes)
	}
	if err == nil {
		err = v.fundingTick(t.Time)
	}
	if err != nil {
		m.failed = err
		return fmt.Errorf("tick %d: %w", t.Seq, err)
	}
	m.ticks++
	m.last = t.Time
	v.lowFund()
	return nil
}

// lowFund records the fund's balance if it is the lowest yet.
func (v *Venue) lowFund() {
	if b := v.fundBalance(); v.opened && b.LessThan(v.stats.fundMin) {
		v.stats.fundMin = b
	}
}

// openAt prices the feed with the first tick's quotes, centres the
// breaker's band on price, and seeds the book around it.
func (v *Venue) openAt(now time.Time, price decimal.Decimal, quotes []oracle.Quote) error {
	v.open = price
	v.set.band.Reference = price
	var err error
	if v.band, err = breaker.NewMarket(v.set.band); err != nil {
		return err
	}
	if err := v.Step(now, quotes); err != nil { // the opening price
		return err
	}
	if err := v.seed(now); err != nil {
		return err
	}
	v.opened = true
	v.before = v.holdings(v.open)
	v.valueStart = v.before.Total()
	v.stats.fundMin = v.fundBalance()
	v.funding.next = now.UTC().Add(v.funding.every)
	return nil
}

// Check proves conservation (stress.Model): Σ sizes = 0 and value equal
// to the opening's to the unit on every call, and every package's own
// invariants on every FullCheckEvery-th call (see there). A failure wraps
// stress.ErrNotConserved. Nil before the opening.
func (m *Model) Check() error {
	if !m.v.opened {
		return nil
	}
	m.checks++
	if m.checks%FullCheckEvery == 1 {
		return m.v.Check()
	}
	if err := m.v.conservedFast(m.v.valueStart); err != nil {
		return fmt.Errorf("%w: %w", stress.ErrNotConserved, err)
	}
	return nil
}

// Outcome reports the measures so far (stress.Outcome): BadDebt is Σ the
// shortfalls sent to the waterfall, Liquidations the liquidations through
// the order book (each account the engine planned or skipped as dust; the
// book's fallbacks, auctions and takeovers, are part of them), Liquidated
// Σ the debt they took over (for dust, the notional at the mark), the fund at the opening,
// now and at its lowest (read after every tick and every loss), whether a
// loss found the fund empty or emptied it, Socialised the loss absorbed
// by auto-deleveraging and by the haircut of winners' profits, Uncovered
// what no layer absorbed.
func (m *Model) Outcome() stress.Outcome {
	v := m.v
	s := v.stats
	fundEnd := v.fundBalance()
	o := stress.Outcome{Ticks: m.ticks, BadDebt: s.badDebt, Liquidations: s.book, Liquidated: s.liquidated,
		FundStart: v.before.Fund, FundEnd: fundEnd, FundMin: s.fundMin, FundExhausted: s.exhausted,
		Socialised: s.adlDrawn.Add(s.socialised), Uncovered: s.residual}
	if !v.opened {
		o.FundStart, o.FundMin = decimal.Zero, decimal.Zero
	}
	return o
}

// Observe sets the function told of the venue's events from now on (nil:
// none).
func (v *Venue) Observe(o Observer) { v.log.obs = o }

// Opened reports whether the first tick has opened the venue.
func (v *Venue) Opened() bool { return v.opened }

// Keepers returns the number of keepers.
func (v *Venue) Keepers() int { return len(v.keepers) }

// OpenInterest returns Σ |size| of the traders' longs.
func (v *Venue) OpenInterest() decimal.Decimal { return v.openInterest() }

// Config returns the venue's configuration, defaults filled in.
func (v *Venue) Config() Config { return v.cfg.Config }

// Check proves the venue's promises: Σ sizes = 0, value equals the
// opening's to the unit, and every package's own invariants. A failure
// wraps stress.ErrNotConserved.
func (v *Venue) Check() error {
	if err := v.check(v.valueStart); err != nil {
		return fmt.Errorf("%w: %w", stress.ErrNotConserved, err)
	}
	return nil
}

// Settled reports whether the venue's queues are empty: no auction
// running, no loss waiting for the waterfall, and nobody found below
// maintenance by the last step's scan.
func (v *Venue) Settled() bool { return v.settled() }

// Done reports whether a run may stop at now: the queues are empty
// (Settled) and a fresh margin scan of every account with a position,
// auctions included, finds nobody below maintenance.
func (v *Venue) Done(now time.Time) (bool, error) { return v.done(now) }

// Liquidatable counts the accounts below maintenance at now, with or
// without a running auction.
func (v *Venue) Liquidatable(now time.Time) (int, error) { return v.liquidatable(now) }

// FundBalance returns the insurance fund's balance.
func (v *Venue) FundBalance() decimal.Decimal { return v.fundBalance() }

// Failover hands the venue's risk state to a standby (see failover.go);
// the run must go on exactly as without it.
func (v *Venue) Failover() error { return v.failover() }

// Journal returns the backstop's journal (every movement of the
// waterfall), read-only.
func (v *Venue) Journal() []backstop.Entry { return v.journal.Entries() }

// Mark returns the feed's price at now, or its error when it has no fresh
// one (stale, halted, never priced).
func (v *Venue) Mark(now time.Time) (decimal.Decimal, error) { return v.mark(now) }

// Activity returns what the venue did since the last Interval call,
// without starting a new interval.
func (v *Venue) Activity() Activity { return v.minute }
