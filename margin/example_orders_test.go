package margin_test

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/margin"
)

// Resting orders in margin (Bybit / Binance: the worse side of position
// plus orders is margined) with the taker fee reserved (Bybit order cost:
// 1 BTC at 10,000 with 50x needs 200 of initial margin and a 7.50 fee to
// open at 0.075%), then the pre-trade check with a margin call's
// reduce-only mode.
func ExampleCalculator_CheckOrderWith() {
	calc, err := margin.New(margin.Settings{
		Markets: []margin.Market{{
			ID:          "BTCUSDT",
			Tiers:       []margin.Tier{{Floor: dec("0"), Cap: dec("10000000"), MaintenanceRate: dec("0.005"), MaxLeverage: dec("50")}},
			TakerFee:    dec("0.00075"),
			MaxPosition: dec("100"),
		}},
		Prices: margin.StaticPrices{"BTCUSDT": dec("10000")},
		Scale:  2,
	})
	if err != nil {
		panic(err)
	}
	acct := margin.Account{ID: "alice", Wallet: dec("300"),
		Positions: []margin.Position{{Market: "BTCUSDT", Size: dec("0.2"), EntryPrice: dec("10000")}}}
	ctx := margin.OrderContext{Orders: []margin.OpenOrder{{Market: "BTCUSDT", Size: dec("1"), Price: dec("10000")}}}

	s, err := calc.OrderMargins(now, acct, ctx)
	if err != nil {
		panic(err)
	}
	om := s.Markets[0]
	fmt.Println("worse side:", om.RiskSize, "BTC, notional", om.RiskNotional)
	fmt.Println("position initial:", s.Summary.Initial, "orders add:", om.OrderInitial, "fee reserved:", om.Fee)
	fmt.Println("available:", s.Available)

	d, err := calc.CheckOrderWith(now, acct, ctx, margin.Order{Market: "BTCUSDT", Size: dec("0.3"), Price: dec("10000")})
	if err != nil {
		panic(err)
	}
	fmt.Println("buy 0.3 more:", d.Reason, "available after", d.AfterOrders.Available)

	ctx.ReduceOnly = true // e.g. calls.ReduceOnly("alice") after an unmet margin call
	d, _ = calc.CheckOrderWith(now, acct, ctx, margin.Order{Market: "BTCUSDT", Size: dec("0.1")})
	fmt.Println("reduce-only, buy 0.1:", d.Reason)
	d, _ = calc.CheckOrderWith(now, acct, ctx, margin.Order{Market: "BTCUSDT", Size: dec("-0.2")})
	fmt.Println("reduce-only, sell 0.2:", d.Reason, "fee", d.Fee)
	// Output:
	// worse side: 1.2 BTC, notional 12000
	// position initial: 40 orders add: 200 fee reserved: 7.5
	// available: 52.5
	// buy 0.3 more: insufficient margin for orders and fees available after -9.75
	// reduce-only, buy 0.1: reduce-only
	// reduce-only, sell 0.2: collateralised fee 1.5
}

// dYdX v4's open-interest-scaled initial margin (liquidity tier Mid-Cap
// in the v4 genesis: base 5%, caps 40M and 100M USDC of open notional):
// the initial rate rises linearly from 5% to 100% between the caps.
func ExampleOIScaling() {
	mid := margin.OIScaling{LowerCap: dec("40000000"), UpperCap: dec("100000000")}
	for _, oi := range []string{"10000000", "40000000", "70000000", "100000000", "150000000"} {
		r, err := mid.InitialRate(dec("0.05"), dec(oi), 6)
		if err != nil {
			panic(err)
		}
		fmt.Printf("open notional %11s: initial rate %s\n", oi, r)
	}
	// Output:
	// open notional    10000000: initial rate 0.05
	// open notional    40000000: initial rate 0.05
	// open notional    70000000: initial rate 0.525
	// open notional   100000000: initial rate 1
	// open notional   150000000: initial rate 1
}
