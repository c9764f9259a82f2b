package main

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

var dec = decimal.RequireFromString

// Config is what a run is made of. The zero value of every field means its
// documented default, so Config{} replays the default crash.
type Config struct {
	// Seed drives the borrower book, the keepers and when their
	// transactions land. Default 0 is used as is (every seed is valid).
	Seed int64
	// Borrowers is the number of borrowers in the pool. Zero means 200.
	Borrowers int
	// Depth is the day's fall as a fraction of the opening price. Zero
	// means 0.43 (12 March 2020). Must be in (0, 0.95].
	Depth decimal.Decimal
	// Reserve is the reserve ratio of the protected English run (first bid
	// ≥ lot × OSM × Reserve). Zero means 0.8. Must be in (0, 1].
	Reserve decimal.Decimal
	// Keepers is the number of ordinary keepers (the zero-bid bot is
	// added to them). Zero means 5.
	Keepers int
	// Verbose prints every settled auction, not only the worst.
	Verbose bool
	// Progress, when set, is told before each of the three replays which
	// one starts (i counts from 1); the command draws its progress line
	// from it.
	Progress func(mechanism string, i, of int)
}

// withDefaults fills the zero fields with their defaults and validates
// the result.
func (c Config) withDefaults() (Config, error) {
	if c.Borrowers == 0 {
		c.Borrowers = 200
	}
	if c.Depth.IsZero() {
		c.Depth = dec("0.43")
	}
	if c.Reserve.IsZero() {
		c.Reserve = dec("0.8")
	}
	if c.Keepers == 0 {
		c.Keepers = 5
	}
	switch {
	case c.Borrowers < 1 || c.Borrowers > 5000:
		return c, fmt.Errorf("borrowers %d outside [1, 5000]", c.Borrowers)
	case c.Depth.Sign() <= 0 || c.Depth.GreaterThan(dec("0.95")):
		return c, fmt.Errorf("crash depth %s outside (0, 0.95]", c.Depth)
	case c.Reserve.Sign() <= 0 || c.Reserve.GreaterThan(dec("1")):
		return c, fmt.Errorf("reserve ratio %s outside (0, 1]", c.Reserve)
	case c.Keepers < 1 || c.Keepers > 50:
		return c, fmt.Errorf("keepers %d outside [1, 50]", c.Keepers)
	}
	return c, nil
}

// Simulation constants. The pool's ETH reserve uses Aave v3's WETH
// parameters on Ethereum: LTV 80.5% and liquidation threshold 83% as set by
// the AaveV3EthRiskParams_20230529 payload (Chaos Labs, "ARFC: risk
// parameter updates, Aave v3 Ethereum, 2023-05-18"), and a liquidation
// bonus of 5% — the value listed at the market's launch, which that
// payload kept; it is assumed, not re-checked, and Aave governance has
// retuned all three since. DAI is borrowable but not collateral.
var (
	// start is midnight UTC on 12 March 2020.
	start = time.Date(2020, 3, 12, 0, 0, 0, 0, time.UTC)
	// openPrice is ETH/USD at midnight UTC, 12 March 2020.
	openPrice = dec("194")

	ethReserve = margin.Reserve{Asset: "ETH", LTV: dec("0.805"), LiquidationThreshold: dec("0.83"), LiquidationBonus: dec("1.05")}
	daiReserve = margin.Reserve{Asset: "DAI"}

	// dust is the smallest debt a liquidation closes or leaves (Maker Vat
	// dust; Aave v3.3 MIN_LEFTOVER_BASE is $1,000).
	dust = dec("5000")
	// maxDuration bounds a run after the crash day: auctions still open
	// then are reported as open.
	maxDuration = 72 * time.Hour
	// planEvery is how often the protocol looks for liquidatable accounts.
	planEvery = 5 * time.Minute
)

// engineSettings sizes liquidations like Aave v3: up to 50% of the debt
// (the close factor), all of it below health 0.95, never leaving less than
// dust; the tab is the debt plus the liquidation bonus (bonus − 1 = 5%),
// which the auction must raise.
//
// Aave v3 has no target health: liquidators repay as much as the close
// factor allows. The engine sizes to a target health, so a target far
// above anything reachable (1000) makes the close factor the binding
// limit.
func engineSettings() liquidation.EngineSettings {
	return liquidation.EngineSettings{
		TargetHealth:    dec("1000"),
		CloseFactor:     dec("0.5"),
		FullCloseHealth: dec("0.95"),
		Dust:            dust,
		Penalty:         ethReserve.LiquidationBonus.Sub(dec("1")),
		DebtScale:       scale,
		LotScale:        scale,
	}
}

// englishSettings are a Flipper as ETH-A is usually described in March
// 2020: bids must rise 3% (beg 1.03), each bid gives others 10 minutes to
// beat it (ttl), an auction lasts at most 6 hours (tau). These three values
// are ASSUMED: they were not checked against the 2020 governance spells.
// What is documented is flip.sol's own defaults — beg 5%, ttl 3 hours, tau
// 2 days (MakerDAO, "Flipper - Detailed Documentation") — which governance
// overrode per collateral with file(). A longer ttl gives congested keepers
// more time to answer a zero bid.
//
// reserve is the reserve ratio. The 2020 Flipper had none, which the
// package cannot express (it requires a positive ratio), so the
// unprotected run uses noReserve.
func englishSettings(reserve decimal.Decimal) liquidation.EnglishSettings {
	return liquidation.EnglishSettings{
		Market:       "ETH",
		ReserveRatio: reserve,
		MinIncrement: dec("0.03"),
		MinDecrement: dec("0.03"),
		BidDuration:  10 * time.Minute,
		MaxDuration:  6 * time.Hour,
		PriceScale:   scale,
		LotScale:     scale,
	}
}

// noReserve is a reserve ratio of 10⁻¹⁸: the least first bid it allows
// rounds up to one unit, 10⁻⁸ DAI for the whole lot — a zero bid.
var noReserve = decimal.New(1, -18)

// dutchSettings are a Clipper in the spirit of MakerDAO's Liquidations 2.0
// (MIP45, dss clip.sol and abacus.sol): the price starts at 120% of the OSM
// price (buf) and drops 1% every 90 seconds (StairstepExponentialDecrease,
// cut 0.99, step 90 s); an auction older than 2 hours (tail) or below 45%
// of its top (cusp) must be reset at a fresh OSM price; keepers earn
// 100 DAI (tip) + 0.1% of the tab (chip) for kicking and resetting. The
// parameter names and the curve are clip.sol's; the values are
// illustrative, of the order Maker's risk teams discussed ("Liquidations
// 2.0: Preliminary Risk Parameters", MakerDAO forum), not ETH-A's
// governance values, which were not checked here.
func dutchSettings() (liquidation.DutchSettings, error) {
	curve, err := liquidation.NewStairstepExponentialDecrease(dec("0.99"), 90*time.Second)
	if err != nil {
		return liquidation.DutchSettings{}, err
	}
	return liquidation.DutchSettings{
		Market:      "ETH",
		Curve:       curve,
		Buf:         dec("1.2"),
		Tail:        2 * time.Hour,
		Cusp:        dec("0.45"),
		Chop:        ethReserve.LiquidationBonus,
		Dust:        dust,
		Tip:         dec("100"),
		Chip:        dec("0.001"),
		PriceScale:  scale,
		LotScale:    scale,
		RewardScale: scale,
	}, nil
}
