package join_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// A market maker short a one-week BTC straddle, delta-hedged with
// perpetuals, whose equity fell below its portfolio maintenance: the
// portfolio engine values the book, join hands it to the liquidation
// engine as one leg (the whole book), and the plan's lot is the fraction
// of every position to close.
func ExampleOptionsAccount() {
	dec := decimal.RequireFromString
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	week := now.Add(7 * 24 * time.Hour)
	e, err := portfolio.New(portfolio.Settings{
		Underlyings: []portfolio.Underlying{{ID: "BTC", ScanFraction: dec("0.16")}},
		Instruments: []portfolio.Instrument{
			{ID: "BTC-7D-100000-C", Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Call, Strike: dec("100000"), Expiry: week, ContractSize: dec("1")},
			{ID: "BTC-7D-100000-P", Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Put, Strike: dec("100000"), Expiry: week, ContractSize: dec("1")},
			{ID: "BTC-PERP", Underlying: "BTC", Kind: portfolio.Future, ContractSize: dec("1")},
		},
		Grid:  portfolio.DeribitPM(portfolio.DeribitBTCShock(), dec("0.25")),
		Scale: 2,
	})
	if err != nil {
		panic(err)
	}
	arrays, err := e.Arrays(now, portfolio.Marks{
		Prices: map[string]decimal.Decimal{"BTC": dec("100000")},
		Vols:   map[string]decimal.Decimal{"BTC-7D-100000-C": dec("0.6"), "BTC-7D-100000-P": dec("0.6")},
	})
	if err != nil {
		panic(err)
	}
	acct := portfolio.Account{ID: "mm-1", Wallet: dec("560000"), Positions: []portfolio.Position{
		{Instrument: "BTC-7D-100000-C", Size: dec("-10")},
		{Instrument: "BTC-7D-100000-P", Size: dec("-10")},
		{Instrument: "BTC-PERP", Size: dec("5"), Entry: dec("101000")},
	}}
	sa, risk, err := join.OptionsAccount(arrays, acct, "BTC-OPTIONS")
	if err != nil {
		panic(err)
	}
	fmt.Printf("equity %s, maintenance %s, liquidatable %v; book notional %s\n", risk.Equity, risk.Maintenance, risk.Liquidatable, sa.DebtValue)
	engine, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: dec("0.001"), CloseFactor: dec("1"), LotScale: 4})
	if err != nil {
		panic(err)
	}
	plan, err := engine.Plan(now, []liquidation.Account{sa})
	if err != nil {
		panic(err)
	}
	for _, o := range plan.Orders {
		fmt.Printf("close %s of the book (fee %s)\n", o.Lot, o.Penalty.StringFixed(2))
		closes, err := join.OptionsCloses(acct, o.Lot, 1)
		if err != nil {
			panic(err)
		}
		for _, c := range closes {
			fmt.Printf("  trade %s %s\n", c.Size, c.Instrument)
		}
	}
	// Closing 28% of every position (the lot rounded up to the 0.1
	// contract step) leaves maintenance 438,069.98 (0.72 × 608,430.52,
	// rounded up) against equity 488,722.06 − 676.96 = 488,045.10:
	// health 1.11, the engine's 1.1 target.

	// Output:
	// equity 488722.06, maintenance 608430.52, liquidatable true; book notional 2500000
	// close 0.2707 of the book (fee 676.96)
	//   trade 2.8 BTC-7D-100000-C
	//   trade 2.8 BTC-7D-100000-P
	//   trade -1.4 BTC-PERP
}
