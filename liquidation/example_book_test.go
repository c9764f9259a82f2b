package liquidation_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
)

// A long of 60 BTC (1.5M at 25,000) with a 1M buy order resting, equity
// 8,000, on risk tiers of 1M: the desk cancels the order, sells 20 BTC to
// bring the position into the lower tier, limited at its bankruptcy
// price, and — the book filling only half — hands the rest to the
// fallbacks. A short is liquidated the same way with buy orders.
func ExampleBookDesk() {
	dec := decimal.RequireFromString
	now := time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)
	desk, err := liquidation.NewBookDesk(liquidation.BookSettings{
		FeeRate:   dec("0.003"), // Binance's BTCUSDT clearance fee, to the insurance fund
		Fallbacks: []liquidation.Fallback{liquidation.FallbackBackstop, liquidation.FallbackDeleverage},
	})
	if err != nil {
		panic(err)
	}
	btc := liquidation.BookMarket{Market: "BTCUSDT", Oracle: dec("25000"), Tick: dec("0.01"), Step: dec("0.001"),
		Tiers: []liquidation.RiskTier{
			{MaxNotional: dec("1000000"), MaintenanceRate: dec("0.005")},
			{MaxNotional: dec("2000000"), MaintenanceRate: dec("0.01"), MaintenanceAmount: dec("5000")},
			{MaxNotional: dec("3000000"), MaintenanceRate: dec("0.015"), MaintenanceAmount: dec("15000")},
		}}
	step, err := desk.Start(now, liquidation.BookStartParams{Key: "liq-A-1", Markets: []liquidation.BookMarket{btc},
		Account: liquidation.BookAccount{ID: "A", Collateral: dec("-1492000"),
			Positions:  []liquidation.BookPosition{{Market: "BTCUSDT", Size: dec("60")}},
			OpenOrders: []liquidation.OpenOrder{{ID: "o1", Market: "BTCUSDT", Size: dec("40"), Price: dec("25000")}}}})
	if err != nil {
		panic(err)
	}
	o := step.Order
	fmt.Println("cancel", step.Cancels, "then", o.Side, o.Size, "IOC at", o.Limit, "tier", o.FromTier, "→", o.ToTier)

	f, err := desk.Fill(now, liquidation.BookFillParams{Key: "fill-1", Account: "A", Size: dec("10"), Price: dec("24900")})
	if err != nil {
		panic(err)
	}
	fmt.Println("filled 10: fee", f.Split.Fee, "kept", f.Split.Kept, "left", f.Remaining)

	step, err = desk.Next(now, liquidation.BookNextParams{Key: "next-1", Account: "A"})
	if err != nil {
		panic(err)
	}
	it := step.Handover.Items[0]
	fmt.Println(step.Status, it.Side, it.Size, "at bankruptcy", it.Bankruptcy, "to", step.Handover.Targets)
	// Output:
	// cancel [o1] then sell 20 IOC at 24800 tier 1 → 0
	// filled 10: fee 747 kept 253 left 10
	// handed-over sell 50 at bankruptcy 24874.94 to [backstop deleverage]
}

// Two accounts from dYdX v4's x/clob keeper tests (liquidations_test.go),
// each holding 0.1 BTC long at an oracle of 50,000 on a one-tier 10%
// maintenance market (maintenance 500). Against −4,501 USDC (equity 499):
// the bankruptcy quote of closing it is 4,501
// (TestGetBankruptcyPriceInQuoteQuantums, "fully closing long below
// maintenance") and the fillable price 49,999 (TestGetFillablePrice,
// "long slightly below maintenance"). Against −5,100 USDC (equity −100)
// closed at 56,100: 5,610 of proceeds are 510 above its bankruptcy quote
// 5,100, of which the 0.5% fee (28.05) goes to the insurance fund
// (TestGetLiquidationInsuranceFundDelta, "long 10% above bankruptcy pays
// max fee") and the trader keeps 481.95.
func ExampleSplitFill() {
	dec := decimal.RequireFromString
	btc := liquidation.BookMarket{Market: "BTC-USD", Oracle: dec("50000"), Tick: dec("1"), Step: dec("0.0001"),
		Tiers: []liquidation.RiskTier{{MaxNotional: dec("1000000000"), MaintenanceRate: dec("0.1")}}}
	in := liquidation.CloseInput{Market: btc, Position: dec("0.1"), Delta: dec("-0.1"),
		Equity: dec("499"), Maintenance: dec("500"), QuoteScale: 6} // collateral −4,501
	b, _ := liquidation.BankruptcyQuote(in)
	fp, _ := liquidation.FillablePrice(in, liquidation.FillableSettings{})
	fmt.Println("bankruptcy quote", b, "fillable price", fp)

	in.Equity = dec("-100") // collateral −5,100
	s, _ := liquidation.SplitFill(in, dec("56100"), dec("0.005"), false)
	fmt.Println("bankruptcy quote", s.Bankruptcy, "surplus", s.Surplus, "fee", s.Fee, "kept", s.Kept, "fund delta", s.FundDelta())
	// Output:
	// bankruptcy quote 4501 fillable price 49999
	// bankruptcy quote 5100 surplus 510 fee 28.05 kept 481.95 fund delta 28.05
}
