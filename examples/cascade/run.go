package main

import (
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress/perp"
)

// Point is one tick of the run, for the chart.
type Point struct {
	At      time.Duration   // since the crash started
	Mark    decimal.Decimal // the oracle's last good price
	Fund    decimal.Decimal // insurance fund balance
	BadDebt decimal.Decimal // cumulative bad debt sent to the waterfall
	HasMark bool            // false while the feed had never priced
	Acted   bool            // a fresh mark, and the breaker let liquidations run
	Held    bool            // the breaker held liquidations (limit state or pause)
	Stale   bool            // no fresh mark, or a source refused as stale
}

// Result carries the numbers of the final table: the venue's report
// (perp.Report) and what the run adds to it.
type Result struct {
	perp.Report
	Ticks     int      // ticks simulated, settling included
	WorstTick TickLoss // the tick that sent the most bad debt to the waterfall
	Settled   bool     // the run stopped because it was done, not because it ran out of ticks
	History   []Point

	venue *perp.Venue // the final state, for tests
}

// TickLoss is the tick with the most new bad debt, and how far the mark
// had moved since liquidations last ran before it (the gap they could not
// follow: a breaker pause or a stale oracle).
type TickLoss struct {
	At      time.Duration   // since the crash started
	BadDebt decimal.Decimal // new bad debt that tick
	From    decimal.Decimal // the mark when liquidations last ran before it
	To      decimal.Decimal // the mark that tick
	Held    int             // ticks in between without liquidations
}

// crashStart is when the crash begins: two calm minutes after the opening.
var crashStart = perp.Start.Add(perp.WarmTicks * Tick)

// Run simulates the crash described by cfg, printing the narrative to w,
// and returns the final figures. The run is deterministic: a simulated
// clock and one seeded generator, no map iteration in anything printed.
// The venue and its crash are stress/perp's (perp.NewWithCrash); this is
// the loop that drives them, stops once the venue has settled, and tells
// the story.
func Run(cfg Config, w io.Writer) (Result, error) {
	m, p, err := setUp(cfg)
	if err != nil {
		return Result{}, err
	}
	cfg, _ = cfg.withDefaults() // checked by setUp
	v := m.Venue()
	n := &narrator{w: w, start: crashStart, now: perp.Start}
	v.Observe(n.event) // the opening tick and the seeding are not part of the story
	var res Result
	oi := v.OpenInterest()
	fmt.Fprintf(w, "%s: %d accounts, open interest %s BTC (%s), insurance fund %s, %d keepers with %s\n",
		perp.Market, v.Totals().Accounts, oi.StringFixed(3), money(oi.Mul(perp.OpenPrice)),
		money(v.FundBalance()), v.Keepers(), money(cfg.KeeperCapital))
	fmt.Fprintf(w, "crash: %s over %d minutes, then %s%% of the move undone; cex-b prints a wick, dex-c goes stale\n\n",
		move(cfg.Crash, "-"), cfg.CrashMinutes, cfg.Recovery.Shift(2).StringFixed(0))
	k := 1
	for ; k < p.Len(); k++ {
		tick, ok, err := p.Next()
		if err != nil || !ok {
			return Result{}, fmt.Errorf("tick %d: path ended early: %v", k, err)
		}
		now := tick.Time
		n.now = now
		if k == cfg.FailoverAt {
			if err := v.Failover(); err != nil {
				return Result{}, fmt.Errorf("tick %d: failover: %w", k, err)
			}
		}
		if err := m.Step(tick); err != nil {
			return Result{}, err
		}
		_, markErr := v.Mark(now)
		if cfg.Strict {
			if err := m.Check(); err != nil {
				return Result{}, fmt.Errorf("tick %d: %w", k, err)
			}
		}
		tot := v.Totals()
		res.History = append(res.History, point(now, tot))
		if cfg.OnTick != nil {
			cfg.OnTick(v, k, now)
		}
		settling := k >= p.Scripted()
		a := v.Activity()
		busy := a.Kicks+a.Takes+a.Claims > 0
		if k%6 == 0 && (busy || (!settling && (k <= perp.WarmTicks+6*cfg.CrashMinutes || perp.CrashTick(k)%30 == 0))) {
			n.minuteLine(v.Interval(), tot) // every minute of the crash, then every five calm ones
		}
		if settling && markErr == nil {
			done, err := v.Done(now)
			if err != nil {
				return Result{}, fmt.Errorf("tick %d: %w", k, err)
			}
			if done {
				res.Settled = true
				break
			}
		}
	}
	if err := m.Check(); err != nil {
		return Result{}, err
	}
	rep, err := v.Report(perp.Start.Add(time.Duration(k) * Tick))
	if err != nil {
		return res, err
	}
	res.Report, res.Ticks, res.WorstTick, res.venue = rep, k, worstTick(res.History), v
	printTable(w, res)
	return res, nil
}

// setUp builds the venue and its crash for cfg and runs the opening tick,
// which prices the feed and seeds the book.
func setUp(cfg Config) (*perp.Model, *perp.CrashPath, error) {
	if _, err := cfg.withDefaults(); err != nil {
		return nil, nil, err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = 1
	}
	m, p, err := perp.NewWithCrash(cfg.venueConfig(), seed)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	open, ok, err := p.Next()
	if err != nil || !ok {
		return nil, nil, fmt.Errorf("opening tick: %v", err)
	}
	if err := m.Step(open); err != nil {
		return nil, nil, err
	}
	return m, p, nil
}

// point records a tick for the chart: the mark, the fund, the bad debt so
// far, and whether the breaker held or the oracle was stale.
func point(now time.Time, t perp.Totals) Point {
	return Point{At: now.Sub(crashStart), Mark: t.Mark, Fund: t.Fund, BadDebt: t.BadDebt,
		HasMark: !t.Mark.IsZero(), Acted: t.Acted, Held: t.Held, Stale: t.Stale}
}
