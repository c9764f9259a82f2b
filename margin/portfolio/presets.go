package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// SPAN16 returns CME SPAN's standard 16 risk scenarios: the underlying
// unchanged, up and down 1/3, 2/3 and 3/3 of the price scan range, each
// with volatility up and down by volScan (absolute vol points), then up
// and down an extreme move of twice the scan range with 35% of the loss
// covered. lookAheadSeconds is SPAN's look-ahead time (one trading day:
// 86,400). Source: CME Group, "CME SPAN Methodology Overview"
// (cmegroup.com/clearing/risk-management/span-overview.html) and the
// risk-array scenario table reproduced in McMillan, Options as a Strategic
// Investment (5th ed.), ch. 34 (extreme move = 2 × range, 35% covered).
// The scan range itself is per underlying (Underlying.ScanAmount or
// ScanFraction).
func SPAN16(volScan decimal.Decimal, lookAheadSeconds int64) Grid {
	g := Grid{Name: "SPAN 16", Denominator: 3, VolShock: VolShock{Up: volScan, Down: volScan}, LookAheadSeconds: lookAheadSeconds}
	g.Scenarios = append(g.Scenarios,
		Scenario{Name: "unchanged, vol up", Vol: VolUp},
		Scenario{Name: "unchanged, vol down", Vol: VolDown})
	for _, n := range []int64{1, 2, 3} {
		for _, sign := range []int64{1, -1} {
			dir := "up"
			if sign < 0 {
				dir = "down"
			}
			for _, v := range []VolMove{VolUp, VolDown} {
				g.Scenarios = append(g.Scenarios, Scenario{Name: fmt.Sprintf("%s %d/3, vol %s", dir, n, v), Steps: sign * n, Vol: v})
			}
		}
	}
	cov := decimal.RequireFromString("0.35")
	g.Scenarios = append(g.Scenarios,
		Scenario{Name: "up extreme (2×), 35%", Steps: 6, Coverage: cov},
		Scenario{Name: "down extreme (2×), 35%", Steps: -6, Coverage: cov})
	return g
}

// DeribitPM returns a grid shaped like Deribit's portfolio margin: the
// underlying moved across ±range in 9 evenly spaced buckets (zero
// included), each with volatility up, same and down (27 scenarios), plus
// the extended table for far out-of-the-money shorts: moves of −66%,
// −33%, +50%, +100%, +200%, +300%, +400% and +500%, volatility up only,
// charged at extendedCoverage of the loss. Volatility shocks follow the
// vega power rule (VolShock). Source: Deribit, "Portfolio Margin"
// (support.deribit.com/hc/en-us/articles/25944756247837), which gives the
// structure; parameter values (range 0.16, vol up 0.5, down 0.25, min
// up-vol 0.5, powers 0.30 / 0.13, pivot 30 days) are published by Deribit
// on its margin page and change without notice — DeribitBTCShock gives
// the values quoted by docs.oreome.com ("Advanced Risk Scenarios").
//
// What Deribit publishes of the extended table (the support article
// above): the moves, "only on Volatility Range Up", "only a fraction of
// simulated P&L" and "application of a dampener". What it does not: the
// fraction, the dampener's formula and its parameters (not in the
// article, nor in the API documentation of private/pme/simulate, which
// returns the extended risk matrix's results, not the rule). So this
// preset does not model the dampener: each extended scenario is charged at
// extendedCoverage × its full revalued loss. A venue that knows its
// dampener as a factor on the loss folds it into the coverage (coverage ×
// factor, per scenario in the Grid); one that is not a factor cannot be
// expressed. Only extendedCoverage = 1 (the whole loss, which a fraction
// and a dampener can only reduce) is sure to be at least Deribit's charge;
// with a smaller coverage the extended charge may fall below it.
func DeribitPM(shock VolShock, extendedCoverage decimal.Decimal) Grid {
	g := Grid{Name: "Deribit PM", Denominator: 4, VolShock: shock}
	for n := int64(-4); n <= 4; n++ {
		for _, v := range []VolMove{VolUp, VolSame, VolDown} {
			g.Scenarios = append(g.Scenarios, Scenario{Name: fmt.Sprintf("%+d/4 range, vol %s", n, v), Steps: n, Vol: v})
		}
	}
	for _, s := range []string{"-0.66", "-0.33", "0.5", "1", "2", "3", "4", "5"} {
		sh := decimal.RequireFromString(s)
		g.Scenarios = append(g.Scenarios, Scenario{Name: fmt.Sprintf("extended %s%%, vol up", sh.Shift(2).String()), Shift: sh, Vol: VolUp, Coverage: extendedCoverage})
	}
	return g
}

// DeribitBTCShock is the BTC volatility shock quoted by docs.oreome.com
// ("Advanced Risk Scenarios", parameters Deribit uses for BTC-USD options
// margin): up 50% and down 25% relative, scaled by (30/days)^0.30 up to 30
// days and (30/days)^0.13 beyond, up-shocked volatility at least 50%.
func DeribitBTCShock() VolShock {
	return VolShock{
		Up:         decimal.RequireFromString("0.5"),
		Down:       decimal.RequireFromString("0.25"),
		Relative:   true,
		PivotDays:  decimal.NewFromInt(30),
		ShortPower: decimal.RequireFromString("0.3"),
		LongPower:  decimal.RequireFromString("0.13"),
		MinUp:      decimal.RequireFromString("0.5"),
	}
}

// TIMS returns an OCC TIMS-style class-group grid: points evenly spaced
// across ± the margin interval (Underlying.ScanFraction or ScanAmount),
// both ends included, with volatility unchanged. OCC's TIMS values each
// class group at 10 such points (points = 10; a step of 2/9 of the
// interval). Source: OCC, "Theoretical Intermarket Margining System"
// (theocc.com, Risk Management: TIMS / CPM methodology). A TIMS class
// group is an Underlying.Group (an underlying with its options and
// futures, full offset within); class groups that offset each other at a
// percentage form a product group (AddOns.ProductGroups, ProductGroup).
//
// points must lie in [2, 1000] (1000 is the most scenarios a Grid may
// hold); outside it TIMS returns a Grid with no scenarios, named after the
// request, which New refuses with ErrInvalidSettings — nothing is
// allocated per point and nothing is silently rounded.
func TIMS(points int64) Grid {
	if points < 2 || points > maxScenarios {
		return Grid{Name: fmt.Sprintf("TIMS %d points (outside 2 … %d)", points, maxScenarios), Denominator: 1}
	}
	den := points - 1
	g := Grid{Name: fmt.Sprintf("TIMS %d points", points), Denominator: den}
	for i := int64(0); i < points; i++ {
		st := -den + 2*i
		g.Scenarios = append(g.Scenarios, Scenario{Name: fmt.Sprintf("%+d/%d interval", st, den), Steps: st})
	}
	return g
}
