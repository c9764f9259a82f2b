package main

import (
	"fmt"
	"io"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
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

// Result carries the numbers of the final table.
type Result struct {
	Ticks               int             // ticks simulated, settling included
	Accounts            int             // traders seeded
	Liquidations        int             // liquidation orders executed (auctions + direct closes)
	Auctions            int             // Dutch auctions started
	MostHeldBack        int             // most liquidatable accounts one plan left waiting for cap or throttle room
	DirectCloses        int             // shorts and dust closed at the mark
	AccountsLiquidated  int             // distinct accounts liquidated
	Takes, Redos        int             // keeper takes and auction resets
	CollateralSold      decimal.Decimal // contracts (BTC) sold in auctions
	AuctionProceeds     decimal.Decimal // Σ paid by keepers
	Penalties           decimal.Decimal // liquidation penalties paid into the fund
	PenaltiesDue        decimal.Decimal // Σ the orders' penalties; the rest was not earned (recovered last, never from a negative balance)
	KeeperRewards       decimal.Decimal // kick and redo incentives paid from the fee pool
	KeeperDiscounts     decimal.Decimal // Σ lot × mark − price paid: what the keepers earned hedging their takes at the mark
	KeeperProfit        decimal.Decimal // keepers' value at the end − their capital (= discounts + rewards)
	Shortfalls          int             // losses sent to the waterfall
	BadDebt             decimal.Decimal // Σ those losses: unrecovered debt (a penalty is never part of it)
	ByLeverage          []LeverageRow   // liquidations and bad debt by seeded leverage
	WorstTick           TickLoss        // the tick that sent the most bad debt to the waterfall
	FundBefore          decimal.Decimal // insurance fund at the start
	FundAfter           decimal.Decimal // and at the end
	FundDrawn           decimal.Decimal // drawn by the waterfall
	DeleveragedAccounts int             // distinct accounts auto-deleveraged
	DeleveragedSize     decimal.Decimal // contracts they closed
	DeleveragedLoss     decimal.Decimal // loss absorbed by deleveraging
	SocialisedLoss      decimal.Decimal // haircut of winners' profits
	Uncovered           decimal.Decimal // loss no layer could absorb (still owed by the defaulters)
	QuotesRefused       map[string]int  // by reason ("stale", "outlier", …)
	NoPriceTicks        int             // ticks without a fresh mark
	HeldTicks           int             // ticks the breaker held (limit beyond band or pause)
	Limits, Pauses      int             // times the breaker entered limit state / paused
	ValueStart          decimal.Decimal // Σ of every ledger entry at the start
	ValueEnd            decimal.Decimal // and at the end: equal to the unit
	Before, After       Holdings        // the entries at the start (start price) and the end (final mark)
	LiquidatableAtEnd   int             // accounts still below maintenance once settled
	Settled             bool            // the run stopped because it was done, not because it ran out of ticks
	FinalMark           decimal.Decimal
	History             []Point

	venue *Venue // the final state, for tests
}

// LeverageRow is one leverage band of the report: how many accounts were
// seeded and liquidated in it, how many were left with bad debt, and how
// much.
type LeverageRow struct {
	Label                           string // e.g. "16–20×"
	Min, Max                        int64  // leverage range, inclusive
	Accounts, Liquidated, Shortfall int
	BadDebt                         decimal.Decimal
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

// Conserved reports whether value at the end equals value at the start.
func (r Result) Conserved() bool { return r.ValueStart.Equal(r.ValueEnd) }

// Run simulates the crash described by cfg, printing the narrative to w,
// and returns the final figures. The run is deterministic: a simulated
// clock and one seeded generator, no map iteration in anything printed.
func Run(cfg Config, w io.Writer) (Result, error) {
	v, p, start, err := setUp(cfg)
	if err != nil {
		return Result{}, err
	}
	cfg = v.cfg
	v.log.w = w // the opening tick and the seeding are not part of the story
	res := Result{Accounts: len(v.traders), FundBefore: v.fundBalance(), ValueStart: v.total(), Before: v.holdings(startPrice)}
	fmt.Fprintf(w, "%s: %d accounts, open interest %s BTC (%s), insurance fund %s, %d keepers with %s\n",
		Market, len(v.traders), v.openInterest().StringFixed(3), money(v.openInterest().Mul(startPrice)),
		money(res.FundBefore), len(v.keepers), money(cfg.KeeperCapital))
	fmt.Fprintf(w, "crash: %s over %d minutes, then %s%% of the move undone; cex-b prints a wick, dex-c goes stale\n\n",
		move(cfg.Crash, "-"), cfg.CrashMinutes, cfg.Recovery.Shift(2).StringFixed(0))
	k := 1
	for ; k < p.scripted()+settleTicks; k++ {
		now := start.Add(time.Duration(k) * Tick)
		v.log.now, v.log.acted = now, false
		if k == cfg.FailoverAt {
			if err := v.failover(); err != nil {
				return Result{}, fmt.Errorf("tick %d: failover: %w", k, err)
			}
		}
		if err := v.Step(now, p.quotes(k, now)); err != nil {
			return Result{}, fmt.Errorf("tick %d: %w", k, err)
		}
		_, markErr := v.feed.Price(now)
		if cfg.Strict {
			if err := v.check(res.ValueStart); err != nil {
				return Result{}, fmt.Errorf("tick %d: %w", k, err)
			}
		}
		last := v.feed.Snapshot().Price
		fund := v.fundBalance()
		res.History = append(res.History, v.point(now, last, fund))
		if cfg.OnTick != nil {
			cfg.OnTick(v, k, now)
		}
		settling := k >= p.scripted()
		busy := v.minute.kicks+v.minute.takes+v.minute.claims > 0
		if k%6 == 0 && (busy || (!settling && (k <= warmTicks+6*cfg.CrashMinutes || crashTick(k)%30 == 0))) {
			v.minuteLine(last) // every minute of the crash, then every five calm ones
		}
		if settling && markErr == nil {
			done, err := v.done(now)
			if err != nil {
				return Result{}, fmt.Errorf("tick %d: %w", k, err)
			}
			if done {
				res.Settled = true
				break
			}
		}
	}
	if err := v.check(res.ValueStart); err != nil {
		return Result{}, err
	}
	if res, err = v.result(res, k, start.Add(time.Duration(k)*Tick)); err != nil {
		return res, err
	}
	printTable(w, res)
	return res, nil
}

// setUp builds the venue for cfg, prices the opening tick and seeds the
// book; start is the opening time (two minutes before the crash).
func setUp(cfg Config) (*Venue, *path, time.Time, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	v, err := newVenue(cfg)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	v.rng = rand.New(rand.NewSource(cfg.Seed))
	p := newPath(cfg, v.rng)
	start := time.Date(2026, 3, 12, 12, 0, 0, 0, time.UTC)
	v.log = &narrator{w: io.Discard, v: v, start: start.Add(warmTicks * Tick), now: start, state: breaker.Open, layersUsed: map[string]bool{}}
	v.stats.refused = map[oracle.Reason]int{}
	if err := v.Step(start, p.quotes(0, start)); err != nil { // the opening price
		return nil, nil, time.Time{}, err
	}
	if err := v.seed(start); err != nil {
		return nil, nil, time.Time{}, err
	}
	return v, p, start, nil
}

// settled reports whether the venue's queues are empty: no auction
// running, no loss waiting for the waterfall, and nobody found below
// maintenance by the last step's scan.
func (v *Venue) settled() bool {
	return len(v.house.Active()) == 0 && len(v.holes) == 0 && v.stats.below == 0
}

// done reports whether the run may stop at now: the queues are empty
// (settled) and a fresh margin scan of every account with a position,
// auctions included, finds nobody below maintenance.
func (v *Venue) done(now time.Time) (bool, error) {
	if !v.settled() {
		return false, nil
	}
	n, err := v.liquidatable(now)
	return n == 0, err
}

// fundBalance returns the insurance fund's balance.
func (v *Venue) fundBalance() decimal.Decimal {
	b, _ := v.fund.Balance(Fund)
	return b
}

// openInterest returns Σ |size| of the traders' longs.
func (v *Venue) openInterest() decimal.Decimal {
	oi := decimal.Zero
	for i := range v.traders {
		if s := v.traders[i].size(); s.IsPositive() {
			oi = oi.Add(s)
		}
	}
	return oi
}

// total is the value of every ledger entry: traders, keepers, the market
// maker, the fee pool and the insurance fund. Because Σ sizes = 0 it does
// not depend on the price it is valued at; the start price is used.
func (v *Venue) total() decimal.Decimal {
	return v.holdings(startPrice).Total()
}

// Holdings is the value of each kind of ledger entry at one mark.
type Holdings struct {
	Traders, MarketMaker, Keepers, FeePool, Fund decimal.Decimal
}

// Total is the sum of the entries.
func (h Holdings) Total() decimal.Decimal {
	return h.Traders.Add(h.MarketMaker).Add(h.Keepers).Add(h.FeePool).Add(h.Fund)
}

// holdings values every ledger entry at mark.
func (v *Venue) holdings(mark decimal.Decimal) Holdings {
	h := Holdings{MarketMaker: v.mm.value(mark), FeePool: v.fees, Fund: v.fundBalance()}
	for i := range v.traders {
		h.Traders = h.Traders.Add(v.traders[i].value(mark))
	}
	for i := range v.keepers {
		h.Keepers = h.Keepers.Add(v.keepers[i].value(mark))
	}
	return h
}

// check proves the venue's promises: Σ sizes = 0, value equals the start to
// the unit, and every package's own invariants.
func (v *Venue) check(start decimal.Decimal) error {
	size := v.mm.size
	for i := range v.traders {
		size = size.Add(v.traders[i].size())
	}
	for i := range v.keepers {
		size = size.Add(v.keepers[i].size)
	}
	if !size.IsZero() {
		return fmt.Errorf("cascade: Σ sizes = %s, not 0", size)
	}
	if end := v.total(); !end.Equal(start) {
		return fmt.Errorf("cascade: value %s at the end, %s at the start (diff %s)", end, start, end.Sub(start))
	}
	if err := v.engine.CheckInvariants(); err != nil {
		return err
	}
	if err := v.house.CheckInvariants(); err != nil {
		return err
	}
	if err := v.fund.CheckInvariants(); err != nil {
		return err
	}
	if err := v.feed.CheckInvariants(); err != nil {
		return err
	}
	if err := v.band.CheckInvariants(); err != nil {
		return err
	}
	return backstop.CheckInvariants(v.journal, v.allocs...)
}

// result fills the final figures.
func (v *Venue) result(res Result, ticks int, now time.Time) (Result, error) {
	s := v.stats
	res.Ticks = ticks
	res.Liquidations = s.auctions + s.direct
	res.MostHeldBack = s.mostWaiting
	res.Auctions, res.DirectCloses, res.Takes, res.Redos = s.auctions, s.direct, s.takes, s.redos
	res.CollateralSold, res.AuctionProceeds, res.Penalties, res.KeeperRewards = s.sold, s.proceeds, s.penalties, s.rewards
	res.PenaltiesDue, res.KeeperDiscounts = s.penaltyDue, s.edge
	res.ByLeverage, res.WorstTick = v.byLeverage(), worstTick(res.History)
	res.Shortfalls, res.BadDebt, res.FundDrawn = s.claims, s.badDebt, s.fundDrawn
	res.DeleveragedAccounts, res.DeleveragedSize, res.DeleveragedLoss = s.deleveraged, s.adlSize, s.adlDrawn
	res.SocialisedLoss, res.Uncovered = s.socialised, s.residual
	res.NoPriceTicks, res.HeldTicks, res.Limits, res.Pauses = s.noPrice, s.held, s.limits, s.pauses
	res.FundAfter, res.ValueEnd = v.fundBalance(), v.total()
	res.QuotesRefused = map[string]int{}
	for reason, n := range s.refused {
		res.QuotesRefused[reason.String()] = n
	}
	res.FinalMark = v.feed.Snapshot().Price
	res.After = v.holdings(res.FinalMark)
	res.KeeperProfit = decimal.Zero
	for i := range v.keepers {
		res.KeeperProfit = res.KeeperProfit.Add(v.keepers[i].value(res.FinalMark).Sub(v.keepers[i].capital))
	}
	for i := range v.traders {
		if v.traders[i].liquidated {
			res.AccountsLiquidated++
		}
	}
	n, err := v.liquidatable(now)
	if err != nil {
		return res, err
	}
	res.LiquidatableAtEnd = n
	res.venue = v
	return res, nil
}

// liquidatable counts the accounts below maintenance at now, with or
// without a running auction.
func (v *Venue) liquidatable(now time.Time) (int, error) {
	n := 0
	for i := range v.traders {
		t := &v.traders[i]
		if len(t.acct.Positions) == 0 {
			continue
		}
		r, err := v.calc.Risk(now, marginView(t))
		if err != nil {
			return 0, err
		}
		if r.Liquidatable || r.IsolatedLiquidatable {
			n++
		}
	}
	return n, nil
}
