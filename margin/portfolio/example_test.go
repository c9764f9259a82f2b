package portfolio_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

var dec = decimal.RequireFromString

// Black-76 in decimal: Haug's textbook example (F = K = 19, 9 months,
// r = 10%, σ = 28%).
func ExampleBlack76() {
	v, err := portfolio.Black76(portfolio.OptionInput{
		Right: portfolio.Call, Forward: dec("19"), Strike: dec("19"),
		Years: dec("0.75"), Rate: dec("0.1"), Vol: dec("0.28"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("price", v.Price.Round(4), "delta", v.Delta.Round(4), "vega/vol point", v.Vega.Shift(-2).Round(4))
	// Output:
	// price 1.7011 delta 0.5086 vega/vol point 0.0605
}

// SPAN with published risk arrays: a covered write (long future, short
// call) posts far less than the future alone.
func ExampleEngine_Requirement() {
	future := []string{"0", "0", "3330", "3330", "-3330", "-3330", "6670", "6670", "-6670", "-6670", "10000", "10000", "-10000", "-10000", "7000", "-7000"}
	call := []string{"460", "-610", "2640", "1730", "-1270", "-2340", "5210", "4540", "-2540", "-3430", "8060", "7640", "-3380", "-3990", "3130", "-1500"}
	arr := func(ss []string) []decimal.Decimal {
		out := make([]decimal.Decimal, len(ss))
		for i, s := range ss {
			out[i] = dec(s)
		}
		return out
	}
	e, err := portfolio.New(portfolio.Settings{
		Underlyings: []portfolio.Underlying{{ID: "SP", ScanAmount: dec("20")}},
		Instruments: []portfolio.Instrument{
			{ID: "SP-DEC", Underlying: "SP", Kind: portfolio.RiskArray, ContractSize: dec("1"), Array: arr(future)},
			{ID: "SP-DEC-410C", Underlying: "SP", Kind: portfolio.RiskArray, ContractSize: dec("1"), Array: arr(call)},
		},
		Grid:  portfolio.SPAN16(dec("0.05"), 0),
		Scale: 2,
	})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	marks := portfolio.Marks{Prices: map[string]decimal.Decimal{"SP": dec("410")}}
	for _, book := range [][]portfolio.Position{
		{{Instrument: "SP-DEC", Size: dec("1")}},
		{{Instrument: "SP-DEC", Size: dec("1")}, {Instrument: "SP-DEC-410C", Size: dec("-1")}},
	} {
		r, err := e.Requirement(now, book, marks)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%d position(s): %s, worst: %s\n", len(book), r.Maintenance, r.WorstScenario)
	}
	// Output:
	// 1 position(s): 10000, worst: down 3/3, vol up
	// 2 position(s): 6620, worst: down 3/3, vol up
}

// Standard (per-position) margin of a short Deribit call.
func ExampleStandard() {
	m, err := portfolio.Standard(portfolio.DeribitStandard(), portfolio.StandardInput{
		Right: portfolio.Call, Size: dec("-2"), ContractSize: dec("1"),
		Underlying: dec("10000"), Strike: dec("12000"), Mark: dec("0.02"), Inverse: true,
	}, 8)
	if err != nil {
		panic(err)
	}
	fmt.Println("initial", m.Initial, "BTC, maintenance", m.Maintenance, "BTC")
	// Output:
	// initial 0.24 BTC, maintenance 0.19 BTC
}

// A venue values the tick's risk arrays once and margins every account
// from them; a pre-trade check uses the book's what-if requirement, so a
// hedge is accepted below initial margin.
func ExampleEngine_CheckOrder() {
	now := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	e, err := portfolio.New(portfolio.Settings{
		Underlyings: []portfolio.Underlying{{ID: "BTC", ScanFraction: dec("0.16")}},
		Instruments: []portfolio.Instrument{
			{ID: "BTC-30D-100000-C", Underlying: "BTC", Kind: portfolio.Option, Right: portfolio.Call, Strike: dec("100000"), Expiry: now.AddDate(0, 0, 30), ContractSize: dec("1")},
			{ID: "BTC-PERP", Underlying: "BTC", Kind: portfolio.Future, ContractSize: dec("1")},
		},
		Grid:          portfolio.DeribitPM(portfolio.DeribitBTCShock(), dec("0.25")),
		Scale:         2,
		InitialFactor: dec("1.3"),
	})
	if err != nil {
		panic(err)
	}
	marks := portfolio.Marks{Prices: map[string]decimal.Decimal{"BTC": dec("100000")}, Vols: map[string]decimal.Decimal{"BTC-30D-100000-C": dec("0.5")}}
	acct := portfolio.Account{ID: "mm-1", Wallet: dec("1400000"), Positions: []portfolio.Position{{Instrument: "BTC-30D-100000-C", Size: dec("-10")}}}
	risk, res, err := e.Risk(now, acct, marks)
	if err != nil {
		panic(err)
	}
	fmt.Println("equity", risk.Equity, "maintenance", risk.Maintenance, "initial", risk.Initial, "liquidatable", risk.Liquidatable)
	fmt.Println("driven by:", res.WorstScenario)
	for _, o := range []portfolio.Order{
		{Instrument: "BTC-30D-100000-C", Size: dec("-1"), Price: dec("5700")},
		{Instrument: "BTC-PERP", Size: dec("1"), Price: dec("100000")},
	} {
		dcs, err := e.CheckOrder(now, acct, o, marks)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s %s: %v (%v), maintenance %s → %s\n", o.Size, o.Instrument, dcs.Accepted, dcs.Reason, dcs.Before.Maintenance, dcs.After.Maintenance)
	}
	// Output:
	// equity 1342862.32 maintenance 1235715.59 initial 1606430.27 liquidatable false
	// driven by: extended 500%, vol up
	// -1 BTC-30D-100000-C: false (still undercollateralised), maintenance 1235715.59 → 1359287.14
	// 1 BTC-PERP: true (not riskier), maintenance 1235715.59 → 1110715.59
}
