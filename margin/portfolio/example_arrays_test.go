package portfolio_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// Risk arrays once per tick, then any number of accounts: short calls
// alone, and with the perpetual that hedges their up moves.
func ExampleEngine_Arrays() {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	exp := now.AddDate(0, 0, 14)
	e, err := portfolio.New(portfolio.Settings{
		Underlyings: []portfolio.Underlying{{ID: "ETH", ScanFraction: dec("0.2")}},
		Instruments: []portfolio.Instrument{
			{ID: "C", Underlying: "ETH", Kind: portfolio.Option, Right: portfolio.Call, Strike: dec("4000"), Expiry: exp, ContractSize: dec("1")},
			{ID: "P", Underlying: "ETH", Kind: portfolio.Option, Right: portfolio.Put, Strike: dec("4000"), Expiry: exp, ContractSize: dec("1")},
			{ID: "PERP", Underlying: "ETH", Kind: portfolio.Future, ContractSize: dec("1")},
		},
		Grid:  portfolio.TIMS(10),
		Scale: 2,
	})
	if err != nil {
		panic(err)
	}
	arrays, err := e.Arrays(now, portfolio.Marks{
		Prices: map[string]decimal.Decimal{"ETH": dec("4000")},
		Vols:   map[string]decimal.Decimal{"C": dec("0.7"), "P": dec("0.7")},
	})
	if err != nil {
		panic(err)
	}
	calls := []portfolio.Position{{Instrument: "C", Size: dec("-10")}}
	for _, book := range [][]portfolio.Position{calls, append(calls, portfolio.Position{Instrument: "PERP", Size: dec("5"), Entry: dec("4000")})} {
		r, err := arrays.Requirement(book)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%d leg(s): %s (%s)\n", len(book), r.Maintenance, r.WorstScenario)
	}
	// Output:
	// 1 leg(s): 6070.16 (+9/9 interval)
	// 2 leg(s): 2070.16 (+9/9 interval)
}

// The Deribit-shaped grid: 9 price buckets × 3 volatility states, then
// the extended table.
func ExampleDeribitPM() {
	g := portfolio.DeribitPM(portfolio.DeribitBTCShock(), dec("0.25"))
	fmt.Println(len(g.Scenarios), "scenarios:", g.Scenarios[0].Name, "…", g.Scenarios[26].Name, "|", g.Scenarios[27].Name, "…", g.Scenarios[34].Name)
	// Output:
	// 35 scenarios: -4/4 range, vol up … +4/4 range, vol down | extended -66%, vol up … extended 500%, vol up
}
