package main

import (
	"fmt"
	"io"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress/lending"
)

// Mechanisms, in the order they run; each is RunResult.Name.
const (
	// EnglishNoReserve is the Flipper as on 12 March 2020: any bid above
	// zero opens an auction.
	EnglishNoReserve = "english, no reserve (Flipper, March 2020)"
	// EnglishReserve refuses a first bid below lot × OSM × Config.Reserve.
	EnglishReserve = "english, reserve"
	// Dutch is a Clipper: a price falling on a curve, bought at once.
	Dutch = "dutch (Clipper, price curve)"
	// FixedSpread is Aave v3.3's liquidationCall: no auction, collateral
	// at the oracle price plus the bonus.
	FixedSpread = "fixed spread (Aave v3.3)"
	// Absorb is Compound III's absorb: the protocol takes the account over
	// and sells the collateral at a store-front discount.
	Absorb = "absorb + buyCollateral (Compound III)"
)

// replays pairs each mechanism's name with the model's.
var replays = []struct {
	name string
	mech lending.Mechanism
}{
	{EnglishNoReserve, lending.EnglishNoReserve},
	{EnglishReserve, lending.EnglishReserve},
	{Dutch, lending.Dutch},
	{FixedSpread, lending.FixedSpread},
	{Absorb, lending.Absorb},
}

// AuctionRecord is one liquidation from start to settlement.
type AuctionRecord = lending.AuctionRecord

// Holder is one party's value at the start and the end of a run.
type Holder = lending.Holder

// RunResult is one replay of the crash with one liquidation mechanism: the
// model's report and the mechanism's display name.
type RunResult struct {
	lending.Report
	// Name names the mechanism and its settings (the constants above).
	Name string
}

// Result is the outcome of Run: the replays of one crash.
type Result struct {
	// Config is the configuration after defaults.
	Config Config
	// Borrowers, Collateral (ETH) and Debt (DAI) describe the opening book.
	Borrowers        int
	Collateral, Debt decimal.Decimal
	// OpenSpot is the ETH price at the start, LastSpot after the crash
	// (the price is flat from the next midnight).
	OpenSpot, LastSpot decimal.Decimal
	// Runs are the auction replays, in the order EnglishNoReserve,
	// EnglishReserve, Dutch.
	Runs []RunResult
	// FixedSpread is the replay with Aave's fixed-spread liquidation,
	// Absorb the one with Compound III's absorb and buyCollateral.
	FixedSpread, Absorb RunResult
}

// Run replays the crash on the same borrowers, keepers and network with
// English auctions without a reserve, English auctions with a reserve,
// Dutch auctions with a price curve, Aave's fixed-spread liquidation and
// Compound III's absorb;
// checks after every minute that the pool conserves collateral, debt and
// value; and writes the narrative to w.
func Run(cfg Config, w io.Writer) (Result, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Result{}, err
	}
	gen := lending.BlackThursday{Depth: cfg.Depth}
	m, err := gen.Market()
	if err != nil {
		return Result{}, err
	}
	res := Result{Config: cfg, OpenSpot: m.Spot(lending.Start), LastSpot: m.Spot(lending.Start.Add(lending.ReplayLength))}
	for i, r := range replays {
		if cfg.Progress != nil {
			cfg.Progress(r.name, i+1, len(replays))
		}
		rep, err := replay(cfg, gen, m, r.mech)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", r.name, err)
		}
		run := RunResult{Report: rep, Name: r.name}
		switch r.mech {
		case lending.FixedSpread:
			res.FixedSpread = run
		case lending.Absorb:
			res.Absorb = run
		default:
			res.Runs = append(res.Runs, run)
		}
	}
	first := res.Runs[0]
	res.Borrowers, res.Collateral, res.Debt = cfg.Borrowers, first.EthStart, first.DebtStart
	if err := report(w, res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// replay runs one mechanism over the Black Thursday minutes, with the
// market's congestion in basis points, until the pool is idle after the
// crash day or the scenario ends; it checks conservation every minute.
func replay(cfg Config, gen lending.BlackThursday, m lending.Market, mech lending.Mechanism) (lending.Report, error) {
	model, err := lending.New(cfg.pool(mech), cfg.Seed)
	if err != nil {
		return lending.Report{}, err
	}
	sc, err := gen.Scenario(cfg.Seed)
	if err != nil {
		return lending.Report{}, err
	}
	for {
		t, ok, err := sc.Next()
		if err != nil {
			return lending.Report{}, err
		}
		if !ok {
			break
		}
		if err := model.StepBP(t, m.CongestionBP(t.Time)); err != nil {
			return lending.Report{}, err
		}
		if err := model.Check(); err != nil {
			return lending.Report{}, err
		}
		if t.Time.Sub(lending.Start) >= 24*time.Hour && model.Idle() {
			break
		}
	}
	return model.Report()
}
