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

// The issue-10 probe on Binance's 2021-03-18 BTCUSDT table: a cross short
// of 80 BTC opened at 60,000 with 100,000 USDT, marked at 64,000. The
// notional 5,120,000 is in the fourth bracket (2.5%, cum 16,300), so the
// maintenance is 5,120,000 × 2.5% − 16,300 = 111,700 against an equity of
// 100,000 − 80 × 4,000 = −220,000.
func ExampleCalculator_Risk() {
	calc, err := margin.New(margin.Settings{
		Markets: []margin.Market{{ID: "BTCUSDT", Tiers: margin.BinanceBTCUSDT20210318(), TickSize: dec("0.1"), LotSize: dec("0.001")}},
		Prices:  margin.StaticPrices{"BTCUSDT": dec("64000")},
	})
	if err != nil {
		panic(err)
	}
	now := time.Date(2021, 3, 18, 9, 0, 0, 0, time.UTC)
	acct := margin.Account{ID: "trader-1", Wallet: dec("100000"),
		Positions: []margin.Position{{Market: "BTCUSDT", Size: dec("-80"), EntryPrice: dec("60000")}}}
	r, err := calc.Risk(now, acct)
	if err != nil {
		panic(err)
	}
	fmt.Println("equity:", r.Equity)
	fmt.Println("maintenance:", r.Maintenance)
	fmt.Println("liquidatable:", r.Liquidatable)
	fmt.Println("must reduce:", r.MustReduce)
	// Output:
	// equity: -220000
	// maintenance: 111700
	// liquidatable: true
	// must reduce: false
}

// A cross account with two positions, valued position by position. The
// ETH position's table ends at 1,000,000: marked at 4,000, 300 ETH is
// 1,200,000 of notional, above the cap, so it is margined at the last
// tier continued and the account must reduce it.
func ExampleCalculator_Summary() {
	calc, err := margin.New(margin.Settings{
		Markets: []margin.Market{
			{ID: "BTCUSDT", Tiers: margin.BinanceBTCUSDT20210318(), TickSize: dec("0.1")},
			{ID: "ETHUSDT", Tiers: []margin.Tier{
				{Floor: dec("0"), Cap: dec("100000"), MaintenanceRate: dec("0.005"), MaxLeverage: dec("100")},
				{Floor: dec("100000"), Cap: dec("1000000"), MaintenanceRate: dec("0.01"), MaxLeverage: dec("50")},
			}, TickSize: dec("0.01")},
		},
		Prices: margin.StaticPrices{"BTCUSDT": dec("60000"), "ETHUSDT": dec("4000")},
	})
	if err != nil {
		panic(err)
	}
	acct := margin.Account{ID: "trader-2", Wallet: dec("50000"), Positions: []margin.Position{
		{Market: "BTCUSDT", Size: dec("2"), EntryPrice: dec("58000")},
		{Market: "ETHUSDT", Size: dec("300"), EntryPrice: dec("4100")},
	}}
	s, err := calc.Summary(time.Date(2021, 3, 18, 9, 0, 0, 0, time.UTC), acct)
	if err != nil {
		panic(err)
	}
	for _, p := range s.Positions {
		fmt.Printf("%s: notional %s, pnl %s, maintenance %s, tier %d, above last cap %v\n",
			p.Market, p.Notional, p.UnrealisedPnL, p.Maintenance, p.Tier+1, p.AboveLastCap)
	}
	fmt.Println("equity:", s.Equity, "maintenance:", s.Maintenance, "initial:", s.Initial)
	fmt.Println("liquidatable:", s.Liquidatable, "must reduce:", s.MustReduce)
	// Output:
	// BTCUSDT: notional 120000, pnl 4000, maintenance 550, tier 2, above last cap false
	// ETHUSDT: notional 1200000, pnl -30000, maintenance 11500, tier 2, above last cap true
	// equity: 24000 maintenance: 12050 initial: 25200
	// liquidatable: false must reduce: true
}

// The Aave v3 Ethereum preset: 10 WETH at 2,000 against 15,000 DAI of
// debt gives a health factor of 20,000 × 83% / 15,000 = 1.10666….
func ExampleAaveV3EthereumReserves20230529() {
	l, err := margin.NewLending(margin.LendingSettings{
		Reserves:    margin.AaveV3EthereumReserves20230529(),
		Prices:      margin.StaticPrices{"WETH": dec("2000"), "DAI": dec("1")},
		HealthScale: 4,
	})
	if err != nil {
		panic(err)
	}
	h, err := l.Health(time.Date(2023, 5, 29, 0, 0, 0, 0, time.UTC), margin.LendingAccount{
		Supplied: []margin.Balance{{Asset: "WETH", Amount: dec("10")}},
		Borrowed: []margin.Balance{{Asset: "DAI", Amount: dec("15000")}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("health factor:", h.Factor, "liquidatable:", h.Liquidatable, "can borrow:", h.AvailableBorrow)
	// Output:
	// health factor: 1.1066 liquidatable: false can borrow: 1100
}

// The Binance preset's derived maintenance amounts agree with those
// Binance published (NewSchedule refuses a cum that contradicts them).
func ExampleBinanceBTCUSDT20210318() {
	s, err := margin.NewSchedule(margin.Marginal, margin.BinanceBTCUSDT20210318())
	if err != nil {
		panic(err)
	}
	mx, _, _ := s.MaxNotional(dec("20"))
	mm, _ := s.Maintenance(dec("10000000"))
	fmt.Println("tiers:", len(s.Tiers()), "last cap:", s.LastCap())
	fmt.Println("max notional at 20x:", mx)
	fmt.Println("maintenance at 10,000,000:", mm)
	// Output:
	// tiers: 10 last cap: 500000000
	// max notional at 20x: 10000000
	// maintenance at 10,000,000: 233700
}
