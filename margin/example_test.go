package margin_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
)

var dec = decimal.RequireFromString

// now is the time the host passes in (the package never reads the clock).
var now = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// A Bybit-style marginal tier table: a 3,500 position pays 3.5% on the
// whole minus the derived maintenance amount 30 (cum = 1,000 × 0.5% +
// 2,000 × 0.5% + 3,000 × 0.5%); exact, no rounding. A notional above the last
// cap fails closed.
func ExampleSchedule_Maintenance() {
	s, err := margin.NewSchedule(margin.Marginal, []margin.Tier{
		{Floor: dec("0"), Cap: dec("1000"), MaintenanceRate: dec("0.02"), InitialRate: dec("0.04")},
		{Floor: dec("1000"), Cap: dec("2000"), MaintenanceRate: dec("0.025"), InitialRate: dec("0.05")},
		{Floor: dec("2000"), Cap: dec("3000"), MaintenanceRate: dec("0.03"), InitialRate: dec("0.06")},
		{Floor: dec("3000"), Cap: dec("4000"), MaintenanceRate: dec("0.035"), InitialRate: dec("0.07")},
	})
	if err != nil {
		panic(err)
	}
	mm, _ := s.Maintenance(dec("3500"))
	cum, _ := s.Cum(3)
	fmt.Println("cum of tier 4:", cum)
	fmt.Println("maintenance at 3,500:", mm)
	above, _ := s.Maintenance(dec("4100")) // above the last cap: the last tier, continued
	fmt.Println("maintenance at 4,100 (above the last cap):", above)
	// Output:
	// cum of tier 4: 30
	// maintenance at 3,500: 92.5
	// maintenance at 4,100 (above the last cap): 113.5
}

// Binance one-way isolated: 1 BTC long at 10,000 with 1,000 USDT margin and
// a 0.4% maintenance rate. The exact root 9,036.1445… is rounded up to the
// 0.01 tick, so the venue liquidates no later than the exact price.
func ExampleCalculator_LiquidationPrices() {
	calc, err := margin.New(margin.Settings{
		Markets: []margin.Market{{
			ID:       "BTCUSDT",
			Tiers:    []margin.Tier{{Floor: dec("0"), Cap: dec("50000"), MaintenanceRate: dec("0.004"), MaxLeverage: dec("125")}},
			TickSize: dec("0.01"),
		}},
		Prices: margin.StaticPrices{"BTCUSDT": dec("10000")},
	})
	if err != nil {
		panic(err)
	}
	acct := margin.Account{Positions: []margin.Position{
		{Market: "BTCUSDT", Size: dec("1"), EntryPrice: dec("10000"), Isolated: true, Margin: dec("1000")},
	}}
	p, err := calc.LiquidationPrices(now, acct, "BTCUSDT")
	if err != nil {
		panic(err)
	}
	fmt.Println("liquidation:", p.Liquidation)
	fmt.Println("bankruptcy:", p.Bankruptcy)

	acct.Positions[0].Margin = dec("10000") // fully funded long
	p, _ = calc.LiquidationPrices(now, acct, "BTCUSDT")
	fmt.Println("fully funded:", p.Liquidation)
	// Output:
	// liquidation: 9036.15
	// bankruptcy: 9000
	// fully funded: never
}

// Aave v3: $10,000 of collateral at an 80% liquidation threshold against
// $6,000 of debt has health 1.333…, printed rounded down at HealthScale 6
// (the protocol's favour); no debt means infinite health.
func ExampleLending_Health() {
	l, err := margin.NewLending(margin.LendingSettings{
		Reserves: []margin.Reserve{
			{Asset: "ETH", LTV: dec("0.75"), LiquidationThreshold: dec("0.8"), LiquidationBonus: dec("1.05")},
			{Asset: "USDC", LTV: dec("0.8"), LiquidationThreshold: dec("0.85"), LiquidationBonus: dec("1.04")},
		},
		Prices:      margin.StaticPrices{"ETH": dec("2500"), "USDC": dec("1")},
		HealthScale: 6,
	})
	if err != nil {
		panic(err)
	}
	h, _ := l.Health(now, margin.LendingAccount{
		Supplied: []margin.Balance{{Asset: "ETH", Amount: dec("4")}},
		Borrowed: []margin.Balance{{Asset: "USDC", Amount: dec("6000")}},
	})
	fmt.Println("health:", h.Factor, "liquidatable:", h.Liquidatable, "can borrow 2,000 more:", h.CanBorrow(dec("2000")))
	h, _ = l.Health(now, margin.LendingAccount{Supplied: []margin.Balance{{Asset: "ETH", Amount: dec("4")}}})
	fmt.Println("no debt: infinite =", h.Infinite)
	// Output:
	// health: 1.333333 liquidatable: false can borrow 2,000 more: false
	// no debt: infinite = true
}
