package main

import (
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"
)

// Mechanisms, in the order they run; each is RunResult.Mechanism.
const (
	// EnglishNoReserve is the Flipper as on 12 March 2020: any bid above
	// zero opens an auction.
	EnglishNoReserve = "english, no reserve (Flipper, March 2020)"
	// EnglishReserve refuses a first bid below lot × OSM × Config.Reserve.
	EnglishReserve = "english, reserve"
	// Dutch is a Clipper: a price falling on a curve, bought at once.
	Dutch = "dutch (Clipper, price curve)"
)

// RunResult is one replay of the crash with one auction mechanism.
type RunResult struct {
	// Mechanism names the auction house and its settings.
	Mechanism string
	// Records are the auctions, by ID.
	Records []AuctionRecord
	// Auctions counts the auctions started; Open those still running
	// when the run stopped.
	Auctions, Open int
	// ZeroBids counts auctions that settled for less than 1% of their tab.
	ZeroBids int
	// Resets counts English restarts or Dutch redos.
	Resets int
	// Totals over every auction: Shortfall is the tab left unpaid (debt
	// and bonus), BadDebt only its debt part (Σ max(0, debt − recovered)),
	// DebtClosed the debt the auctions took over from borrowers.
	Lot, Sold, Returned, Tab, Recovered, Shortfall, BadDebt, DebtClosed decimal.Decimal
	// OpenLot and OpenTab are what open auctions still hold.
	OpenLot, OpenTab decimal.Decimal
	// Rewards are the keeper incentives the pool paid.
	Rewards decimal.Decimal
	// EthStart and EthEnd are the borrowers' collateral; DebtStart and
	// DebtEnd their debt.
	EthStart, EthEnd, DebtStart, DebtEnd decimal.Decimal
	// DEXEth is the ETH keepers sold on the market.
	DEXEth decimal.Decimal
	// Holders is who held the value, start and end, ETH at the final spot.
	Holders []Holder
	// ValueStart and ValueEnd are Σ Holders; equal when nothing was lost.
	ValueStart, ValueEnd decimal.Decimal
	// MeanMinutes is the mean time from kick to settlement of the settled
	// auctions, in whole minutes (rounded down).
	MeanMinutes int64
	// PeakLiquidatable is the most borrowers liquidatable at one check.
	PeakLiquidatable int
	// Ended is when the run stopped.
	Ended time.Time
}

// Result is the outcome of Run: the three replays of one crash.
type Result struct {
	// Config is the configuration after defaults.
	Config Config
	// Borrowers, Collateral (ETH) and Debt (DAI) describe the opening book.
	Borrowers        int
	Collateral, Debt decimal.Decimal
	// OpenSpot is the ETH price at the start, LastSpot after the crash
	// (the price is flat from the next midnight).
	OpenSpot, LastSpot decimal.Decimal
	// Runs are the replays, in the order EnglishNoReserve,
	// EnglishReserve, Dutch.
	Runs []RunResult
}

// Run replays the crash three times on the same borrowers, keepers and
// network — English auctions without a reserve, English auctions with a
// reserve, Dutch auctions with a price curve — checks that every auction
// and every run conserves collateral, debt and value, and writes the
// narrative to w.
func Run(cfg Config, w io.Writer) (Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Result{}, err
	}
	m := NewMarket(start, openPrice, cfg.Depth)
	book, ks, lands := seeded(cfg, m)
	res := Result{Config: cfg, Borrowers: len(book), Collateral: decimal.Zero, Debt: decimal.Zero,
		OpenSpot: m.Spot(start), LastSpot: m.Spot(start.Add(maxDuration))}
	for _, b := range book {
		res.Collateral = res.Collateral.Add(b.eth)
		res.Debt = res.Debt.Add(b.dai)
	}
	for i, mech := range []string{EnglishNoReserve, EnglishReserve, Dutch} {
		if cfg.Progress != nil {
			cfg.Progress(mech, i+1, 3)
		}
		s, err := newSim(m, book, ks, lands)
		if err != nil {
			return Result{}, err
		}
		switch mech {
		case EnglishNoReserve:
			s.mech, err = newEnglish(s, noReserve)
		case EnglishReserve:
			s.mech, err = newEnglish(s, cfg.Reserve)
		default:
			s.mech, err = newDutch(s)
		}
		if err != nil {
			return Result{}, err
		}
		if err := s.run(); err != nil {
			return Result{}, fmt.Errorf("%s: %w", mech, err)
		}
		r, err := summarise(mech, s, book, ks)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", mech, err)
		}
		res.Runs = append(res.Runs, r)
	}
	if err := report(w, res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// summarise totals a run and proves its conservation lines:
//
//	per auction: sold + returned = lot, recovered + shortfall = tab, 0 ≤ bad debt ≤ shortfall
//	ETH:  borrowers' ETH at start = at end + sold + still in auctions
//	DAI:  debt at start + bonuses charged = debt at end + recovered + shortfall (open runs: + open tabs)
//	value: Σ holders at start = Σ holders at end (ETH at the final spot)
func summarise(mech string, s *sim, book []*borrower, ks []*keeper) (RunResult, error) {
	z := decimal.Zero
	r := RunResult{Mechanism: mech, Records: s.sortedRecords(), Lot: z, Sold: z, Returned: z, Tab: z, Recovered: z, Shortfall: z, BadDebt: z,
		DebtClosed: z, OpenLot: z, OpenTab: z, Rewards: s.rewards, EthStart: z, EthEnd: z, DebtStart: z, DebtEnd: z,
		DEXEth: s.dexETH, PeakLiquidatable: s.peakLiquidatable, Ended: s.end}
	r.Auctions = len(r.Records)
	var minutes int64
	for _, a := range r.Records {
		r.Lot, r.Tab, r.DebtClosed = r.Lot.Add(a.Lot), r.Tab.Add(a.Tab), r.DebtClosed.Add(a.Debt)
		r.Resets += a.Resets
		if a.Open {
			r.Open++
			r.OpenLot, r.OpenTab = r.OpenLot.Add(a.Lot), r.OpenTab.Add(a.Tab)
			continue
		}
		if !a.Sold.Add(a.Returned).Equal(a.Lot) || !a.Recovered.Add(a.Shortfall).Equal(a.Tab) {
			return r, fmt.Errorf("auction %d does not conserve: sold %s + returned %s vs lot %s; recovered %s + shortfall %s vs tab %s",
				a.ID, a.Sold, a.Returned, a.Lot, a.Recovered, a.Shortfall, a.Tab)
		}
		minutes += int64(a.Ended.Sub(a.Kicked) / time.Minute)
		r.Sold, r.Returned = r.Sold.Add(a.Sold), r.Returned.Add(a.Returned)
		if a.BadDebt.Sign() < 0 || a.BadDebt.GreaterThan(a.Shortfall) {
			return r, fmt.Errorf("auction %d: bad debt %s outside [0, shortfall %s]", a.ID, a.BadDebt, a.Shortfall)
		}
		r.Recovered, r.Shortfall, r.BadDebt = r.Recovered.Add(a.Recovered), r.Shortfall.Add(a.Shortfall), r.BadDebt.Add(a.BadDebt)
		if a.Recovered.Mul(decimal.NewFromInt(100)).LessThan(a.Tab) {
			r.ZeroBids++
		}
	}
	if settled := int64(r.Auctions - r.Open); settled > 0 {
		r.MeanMinutes = minutes / settled
	}
	for i, b := range book {
		r.EthStart, r.DebtStart = r.EthStart.Add(b.eth), r.DebtStart.Add(b.dai)
		r.EthEnd, r.DebtEnd = r.EthEnd.Add(s.book[i].eth), r.DebtEnd.Add(s.book[i].dai)
	}
	// The lines are only exact once every auction has settled: an open
	// Dutch auction may have sold part of its lot already.
	if r.Open == 0 && (!r.EthStart.Equal(r.EthEnd.Add(r.Sold)) || !r.DEXEth.Equal(r.Sold)) {
		return r, fmt.Errorf("ETH not conserved: start %s, end %s + sold %s (DEX %s)", r.EthStart, r.EthEnd, r.Sold, r.DEXEth)
	}
	bonuses := r.Tab.Sub(r.DebtClosed)
	if r.Open == 0 && !r.DebtStart.Add(bonuses).Equal(r.DebtEnd.Add(r.Recovered).Add(r.Shortfall)) {
		return r, fmt.Errorf("DAI not conserved: debt %s + bonuses %s vs debt %s + recovered %s + shortfall %s",
			r.DebtStart, bonuses, r.DebtEnd, r.Recovered, r.Shortfall)
	}
	p := s.market.Spot(s.end)
	keepStart, keepEnd := decimal.Zero, decimal.Zero
	for i, k := range ks {
		keepStart, keepEnd = keepStart.Add(k.cash), keepEnd.Add(s.keepers[i].cash)
	}
	r.Holders = []Holder{
		{Name: "borrowers (ETH − debt)", Start: r.EthStart.Mul(p).Sub(r.DebtStart), End: r.EthEnd.Mul(p).Sub(r.DebtEnd)},
		{Name: "pool (claims + cash)", Start: r.DebtStart, End: r.DebtEnd.Add(s.poolCash).Add(r.OpenTab)},
		{Name: "keepers (DAI)", Start: keepStart, End: keepEnd},
		{Name: "DEX buyers of the ETH", Start: z, End: s.dexETH.Mul(p).Add(s.dexDAI)},
		{Name: "open auctions (ETH − tab)", Start: z, End: r.OpenLot.Mul(p).Sub(r.OpenTab)},
	}
	r.ValueStart, r.ValueEnd = z, z
	for _, h := range r.Holders {
		r.ValueStart, r.ValueEnd = r.ValueStart.Add(h.Start), r.ValueEnd.Add(h.End)
	}
	if r.Open == 0 && !r.ValueStart.Equal(r.ValueEnd) {
		return r, fmt.Errorf("value not conserved: start %s, end %s", r.ValueStart, r.ValueEnd)
	}
	return r, nil
}
