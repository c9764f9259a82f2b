package perp

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/oracle"
)

// RestoreModel rebuilds the model a ModelSnapshot was taken of, for cfg
// (the Config it was built with: the snapshot's Config must equal
// cfg.Defaults() without Crash). The restored model continues exactly as
// the original would: the same digest after every later tick, the same
// Outcome, Totals and Report. It validates everything first — each
// package's snapshot through its own Restore, every figure of the ledger
// (num.Check, signs, IDs, auctions and queue consistent with the
// accounts), the rng's count (at most MaxDraws) and, once opened, that the
// venue balances (Σ sizes = 0, value equal to ValueStart to the unit) and
// the waterfall's allocations agree with the journal. A refused snapshot is an error
// wrapping ErrConfig (cfg invalid) or ErrSnapshot, never a panic. The
// restored model has no Observer. Restoring costs the rng's draws (about
// 2 ns each) plus one pass over the book.
func RestoreModel(cfg Config, snap ModelSnapshot) (*Model, error) {
	s, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := sameConfig(s, snap.Config); err != nil {
		return nil, err
	}
	if snap.Ticks < 0 || snap.Checks < 0 {
		return nil, fmt.Errorf("%w: ticks %d, checks %d", ErrSnapshot, snap.Ticks, snap.Checks)
	}
	if snap.Venue.Opened != (snap.Ticks > 0) { // the first tick opens the venue, or fails and counts none
		return nil, fmt.Errorf("%w: opened %t after %d ticks", ErrSnapshot, snap.Venue.Opened, snap.Ticks)
	}
	src := newCountingSource(snap.Rng.Seed)
	if err := src.reset(snap.Rng.Seed, snap.Rng.Draws); err != nil {
		return nil, err
	}
	v, err := restoreVenue(s, snap.Venue)
	if err != nil {
		return nil, err
	}
	v.src, v.rng = src, rand.New(src)
	m := &Model{v: v, ticks: snap.Ticks, last: snap.Last, checks: snap.Checks}
	if snap.Failed != "" {
		m.failed = errors.New(snap.Failed)
	}
	return m, nil
}

// sameConfig refuses a snapshot taken with another Config.
func sameConfig(s settled, got Config) error {
	want, err := s.Config.Defaults()
	if err != nil {
		return err
	}
	want.Crash = Crash{}
	a, errA := json.Marshal(want)
	b, errB := json.Marshal(got)
	if errA != nil || errB != nil || string(a) != string(b) {
		return fmt.Errorf("%w: taken with another config", ErrSnapshot)
	}
	return nil
}

// restoreVenue builds the venue s describes and loads snap into it,
// validating every field (see RestoreModel). The rng is the caller's.
func restoreVenue(s settled, snap VenueSnapshot) (*Venue, error) {
	v, err := newVenue(s)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrSnapshot}, args...)...)
	}
	if snap.Congestion < 0 || snap.Congestion > 100 {
		return nil, bad("congestion %d outside [0, 100]", snap.Congestion)
	}
	if err := checkDecimals(snap); err != nil {
		return nil, err
	}
	if snap.Opened {
		if !snap.Open.IsPositive() || snap.Band == nil {
			return nil, bad("opened without an opening price or a band")
		}
		if len(snap.Traders) != s.Accounts || len(snap.Keepers) != s.Keepers {
			return nil, bad("%d traders and %d keepers, the config has %d and %d", len(snap.Traders), len(snap.Keepers), s.Accounts, s.Keepers)
		}
	} else if len(snap.Traders) != 0 || len(snap.Keepers) != 0 || snap.Band != nil || len(snap.Holes) != 0 || len(snap.Allocations) != 0 {
		return nil, bad("a book, a band or losses before the opening")
	}
	v.open, v.opened, v.congestion, v.fees = snap.Open, snap.Opened, snap.Congestion, snap.Fees
	v.before, v.valueStart = snap.Before, snap.ValueStart

	// Every package through its own Restore (each validates its snapshot).
	if v.feed, err = oracle.RestoreFeed(v.set.feed, snap.Feed); err != nil {
		return nil, bad("feed: %w", err)
	}
	if snap.Band != nil {
		v.set.band.Reference = snap.Open
		if v.band, err = breaker.RestoreMarket(v.set.band, *snap.Band); err != nil {
			return nil, bad("breaker: %w", err)
		}
	}
	if v.engine, err = liquidation.RestoreEngine(v.set.engine, snap.Engine); err != nil {
		return nil, bad("liquidation engine: %w", err)
	}
	if v.house, err = liquidation.RestoreDutchHouse(v.set.house, snap.Auctions); err != nil {
		return nil, bad("auctions: %w", err)
	}
	if v.desk, err = liquidation.RestoreBookDesk(v.set.book, snap.Book); err != nil {
		return nil, bad("book desk: %w", err)
	}
	if v.calls, err = margin.RestoreCalls(snap.Calls); err != nil {
		return nil, bad("margin calls: %w", err)
	}
	if got, want := v.calls.Settings(), v.set.calls; !want.WarningRatio.Equal(got.WarningRatio) || !want.CallRatio.Equal(got.CallRatio) ||
		!want.LiquidationRatio.Equal(got.LiquidationRatio) || !want.Hysteresis.Equal(got.Hysteresis) {
		return nil, bad("margin calls: other settings")
	}
	if len(snap.Book.Live) != 0 {
		return nil, bad("a book liquidation open between ticks")
	}
	if v.fund, err = backstop.RestoreInsuranceFund(v.set.fund, snap.Fund); err != nil {
		return nil, bad("insurance fund: %w", err)
	}
	if v.journal, err = backstop.RestoreJournal(snap.Journal); err != nil {
		return nil, bad("journal: %w", err)
	}
	v.allocs = make([]backstop.Allocation, len(snap.Allocations))
	for i, a := range snap.Allocations {
		if err := backstop.CheckAllocation(a); err != nil {
			return nil, bad("allocation %d: %w", i, err)
		}
		a.Events = nil
		v.allocs[i] = a
	}

	// The ledger.
	v.mm = snap.MarketMaker.book()
	for i, k := range snap.Keepers {
		if !k.Capital.IsPositive() || k.Discount.IsNegative() || !k.Discount.LessThan(decimal.New(1, 0)) {
			return nil, bad("keeper %d: capital %s, discount %s", i+1, k.Capital, k.Discount)
		}
		v.keepers = append(v.keepers, keeper{id: fmt.Sprintf("keeper-%d", i+1), book: k.BookSnapshot.book(), capital: k.Capital, discount: k.Discount})
	}
	auctions := map[uint64]string{}
	for _, a := range snap.Auctions.Auctions {
		auctions[a.ID] = a.Owner
	}
	owners := 0
	v.traders = make([]trader, len(snap.Traders))
	for i, ts := range snap.Traders {
		t, err := ts.trader(i)
		if err != nil {
			return nil, err
		}
		if t.auction != 0 {
			if auctions[t.auction] != t.id() {
				return nil, bad("%s: auction %d is not its running auction", t.id(), t.auction)
			}
			owners++
		}
		v.traders[i] = t
	}
	if owners != len(auctions) {
		return nil, bad("%d running auctions, %d accounts in auction", len(auctions), owners)
	}
	queued, called := 0, 0
	for _, t := range v.traders {
		if t.queued {
			queued++
		}
		if t.call != margin.CallOK {
			if st, ok := v.calls.Status(t.id()); !ok || st.State != t.call {
				return nil, bad("%s: margin-call state %s, the protocol's differs", t.id(), t.call)
			}
			called++
		}
	}
	if called != v.calls.Len() {
		return nil, bad("%d accounts in the margin-call protocol, %d traders not ok", v.calls.Len(), called)
	}
	seen := map[int]bool{}
	for _, i := range snap.Holes {
		if i < 0 || i >= len(v.traders) || seen[i] || !v.traders[i].queued {
			return nil, bad("hole queue: index %d unknown, repeated or not queued", i)
		}
		seen[i] = true
	}
	if len(snap.Holes) != queued {
		return nil, bad("%d accounts queued, %d in the hole queue", queued, len(snap.Holes))
	}
	v.holes = append([]int(nil), snap.Holes...)

	// The running totals and the recorder.
	if v.stats, err = snap.Stats.stats(); err != nil {
		return nil, err
	}
	v.minute = snap.Activity
	if v.funding, err = restoreFunding(s.Config, snap.Opened, snap.Funding); err != nil {
		return nil, err
	}
	if v.log, err = snap.Recorder.recorder(v); err != nil {
		return nil, err
	}

	if v.opened {
		for i := range v.traders { // validated by margin, as on a fill
			if t := &v.traders[i]; t.open {
				if _, err := v.prepared(t); err != nil {
					return nil, bad("%w", err)
				}
			}
		}
		// Each package's Restore checked its own invariants; what is left
		// is the venue's: conservation, and the waterfall's allocations
		// against the journal.
		if err := v.conserved(v.valueStart); err != nil {
			return nil, bad("the venue does not balance: %w", err)
		}
		if err := backstop.CheckInvariants(v.journal, v.allocs...); err != nil {
			return nil, bad("%w", err)
		}
	}
	return v, nil
}

func (b BookSnapshot) book() book { return book{cash: b.Cash, size: b.Size, cost: b.Cost} }

// trader rebuilds trader i from its snapshot.
func (ts TraderSnapshot) trader(i int) (trader, error) {
	id := traderID(i)
	bad := func(format string, args ...any) (trader, error) {
		return trader{}, fmt.Errorf("%w: %s: "+format, append([]any{ErrSnapshot, id}, args...)...)
	}
	for _, d := range []decimal.Decimal{ts.Hole, ts.Uncovered, ts.BadDebt, ts.Lost} {
		if d.IsNegative() {
			return bad("negative hole, uncovered, bad debt or lost size")
		}
	}
	if ts.Leverage < 1 || ts.Leverage > 100 || !ts.Entry.IsPositive() {
		return bad("seeded leverage %d or entry %s", ts.Leverage, ts.Entry)
	}
	t := trader{idx: int32(i), auction: ts.Auction, short: ts.Short, leverage: ts.Leverage,
		liquidated: ts.Liquidated, deleveraged: ts.Deleveraged, queued: ts.Queued,
		call: ts.Call, called: ts.Called, recovered: ts.Recovered}
	// The ledger keeps every figure in the kernel: one of more than 18
	// digits is refused (fail closed).
	for _, f := range []struct {
		to *fixed.Num
		d  decimal.Decimal
	}{{&t.wallet, ts.Wallet}, {&t.hole, ts.Hole}, {&t.uncovered, ts.Uncovered}, {&t.badDebt, ts.BadDebt}, {&t.lost, ts.Lost}, {&t.entry, ts.Entry}} {
		n, ok := fixed.FromDecimal(f.d)
		if !ok {
			return bad("%s does not fit the ledger's 18 digits", f.d)
		}
		*f.to = trim(n)
	}
	if ts.Call < margin.CallOK || ts.Call > margin.CallLiquidation || ts.Recovered && !ts.Called {
		return bad("margin-call state %d, recovered without a call", int(ts.Call))
	}
	if p := ts.Position; p != nil {
		if p.Size.IsZero() || p.Size.IsNegative() != ts.Short || !p.EntryPrice.IsPositive() || !p.Leverage.IsPositive() ||
			(!p.Isolated && !p.Margin.IsZero()) {
			return bad("position: size %s, entry %s, leverage %s, margin %s", p.Size, p.EntryPrice, p.Leverage, p.Margin)
		}
		if !p.EntryPrice.Equal(ts.Entry) { // positions only shrink: the entry is the seeded one
			return bad("position entry %s, seeded entry %s", p.EntryPrice, ts.Entry)
		}
		size, ok1 := fixed.FromDecimal(p.Size)
		mrg, ok2 := fixed.FromDecimal(p.Margin)
		lev, ok3 := fixed.FromDecimal(p.Leverage)
		if !ok1 || !ok2 || !ok3 {
			return bad("position: size %s, margin %s or leverage %s does not fit the ledger's 18 digits", p.Size, p.Margin, p.Leverage)
		}
		t.open, t.isolated, t.size, t.margin, t.lev = true, p.Isolated, trim(size), trim(mrg), trim(lev)
	} else if ts.Auction != 0 {
		return bad("in auction without a position")
	}
	return t, nil
}

// stats rebuilds the running totals.
func (s StatsSnapshot) stats() (stats, error) {
	for _, n := range []int{s.Auctions, s.Book, s.BookRestored, s.BookFills, s.ToAuction, s.Backstop, s.Warnings, s.Calls, s.CalledAccounts, s.Recovered, s.Takes, s.Redos, s.Claims, s.Deleveraged, s.Below, s.NoPrice, s.Held, s.Limits, s.Pauses, s.MostWaiting} {
		if n < 0 {
			return stats{}, fmt.Errorf("%w: a negative count in the totals", ErrSnapshot)
		}
	}
	out := stats{auctions: s.Auctions, book: s.Book, bookRestored: s.BookRestored, bookFills: s.BookFills,
		toAuction: s.ToAuction, backstop: s.Backstop, bookSold: s.BookSold, bookNotional: s.BookNotional, bookFees: s.BookFees,
		backstopSize: s.BackstopSize, backstopLoss: s.BackstopLoss, warnings: s.Warnings, calls: s.Calls, calledAccounts: s.CalledAccounts, recovered: s.Recovered,
		takes: s.Takes, redos: s.Redos, claims: s.Claims,
		deleveraged: s.Deleveraged, below: s.Below, sold: s.Sold, proceeds: s.Proceeds, penalties: s.Penalties,
		rewards: s.Rewards, edge: s.Edge, penaltyDue: s.PenaltyDue, badDebt: s.BadDebt, fundDrawn: s.FundDrawn,
		adlDrawn: s.ADLDrawn, socialised: s.Socialised, residual: s.Residual, adlSize: s.ADLSize, liquidated: s.Liquidated,
		refused: map[oracle.Reason]int{}, noPrice: s.NoPrice, held: s.Held, limits: s.Limits, pauses: s.Pauses,
		mostWaiting: s.MostWaiting, fundMin: s.FundMin, exhausted: s.Exhausted}
	for i, r := range s.Refused {
		if r.Count <= 0 || r.Reason.String() == "unknown" || i > 0 && r.Reason <= s.Refused[i-1].Reason {
			return stats{}, fmt.Errorf("%w: refusals: %d of reason %d, not ascending or not positive", ErrSnapshot, r.Count, int(r.Reason))
		}
		out.refused[r.Reason] = r.Count
	}
	return out, nil
}

// recorder rebuilds the recorder of v.
func (r RecorderSnapshot) recorder(v *Venue) (*recorder, error) {
	if r.State > breaker.Halted || r.Status.String() == "unknown" {
		return nil, fmt.Errorf("%w: recorder: breaker state %d, feed status %d", ErrSnapshot, r.State, int(r.Status))
	}
	return &recorder{v: v, now: r.Now, status: r.Status, state: r.State, refusing: append([]string(nil), r.Refusing...),
		priceless: r.Priceless, acted: r.Acted, layersUsed: append([]string(nil), r.LayersUsed...)}, nil
}

// checkDecimals bounds every decimal of the venue's own ledger and totals
// (num.Check: no absurd exponent) before any arithmetic or formatting;
// the packages' snapshots are checked by their own Restore.
func checkDecimals(s VenueSnapshot) error {
	ds := []decimal.Decimal{s.Open, s.Fees, s.ValueStart, s.MarketMaker.Cash, s.MarketMaker.Size, s.MarketMaker.Cost,
		s.Before.Traders, s.Before.MarketMaker, s.Before.Keepers, s.Before.FeePool, s.Before.Fund}
	st := s.Stats
	ds = append(ds, st.BackstopLoss, st.BookSold, st.BookNotional, st.BookFees, st.BackstopSize, st.Sold, st.Proceeds, st.Penalties, st.Rewards, st.Edge, st.PenaltyDue, st.BadDebt, st.FundDrawn,
		st.ADLDrawn, st.Socialised, st.Residual, st.ADLSize, st.Liquidated, st.FundMin)
	a := s.Activity
	ds = append(ds, a.BookSold, a.Sold, a.Proceeds, a.Losses, a.Fund, a.ADL, a.Social, a.Uncovered)
	for _, k := range s.Keepers {
		ds = append(ds, k.Cash, k.Size, k.Cost, k.Capital, k.Discount)
	}
	for _, d := range ds {
		if err := num.Check(d); err != nil {
			return fmt.Errorf("%w: %w", ErrSnapshot, err)
		}
	}
	for i, t := range s.Traders {
		for _, d := range []decimal.Decimal{t.Wallet, t.Hole, t.Uncovered, t.BadDebt, t.Lost, t.Entry} {
			if err := num.Check(d); err != nil {
				return fmt.Errorf("%w: %s: %w", ErrSnapshot, traderID(i), err)
			}
		}
		if p := t.Position; p != nil {
			for _, d := range []decimal.Decimal{p.Size, p.EntryPrice, p.Margin, p.Leverage} {
				if err := num.Check(d); err != nil {
					return fmt.Errorf("%w: %s: %w", ErrSnapshot, traderID(i), err)
				}
			}
		}
	}
	return nil
}
