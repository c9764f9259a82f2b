package lending

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/margin"
)

// The cached safe price never hides a liquidatable borrower: whenever
// borrower.safe says so, margin.Lending finds the borrower not
// liquidatable — at exactly its safe price, and for debts finer than the
// unit. Mutation seen failing it: safeMargin = 0 (margin.Lending rounds a
// fine debt up past the collateral).
func TestPropSafeNeverHidesALiquidation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		thr := decimal.New(int64(rapid.IntRange(5000, 9500).Draw(rt, "threshold bp")), -4)
		c, err := Config{LiquidationThreshold: thr, LTV: thr, LiquidationBonus: d("1.05")}.Resolved()
		if err != nil {
			rt.Skip("refused config") // only when threshold × bonus > 1, drawn above 0.952
		}
		eth := decimal.New(rapid.Int64Range(1, 1_000_000_000_000_000).Draw(rt, "eth units"), -Scale)
		// Debts finer than the unit too: margin.Lending rounds them up.
		debt := decimal.New(rapid.Int64Range(1, 1_000_000_000_000_000).Draw(rt, "debt"), -int32(rapid.IntRange(0, 12).Draw(rt, "places")))
		b := &borrower{id: "b", eth: eth, dai: debt}
		// The worst case: exactly the safe price, or a unit above.
		b.safe(decimal.NewFromInt(1), thr)
		price := b.safeAbove.Add(decimal.New(rapid.Int64Range(0, 1).Draw(rt, "units above"), -Scale))
		l, err := margin.NewLending(margin.LendingSettings{Reserves: c.reserves(), Scale: Scale,
			Prices: margin.PriceFunc(func(_ time.Time, a string) (decimal.Decimal, error) {
				if a == "ETH" {
					return price, nil
				}
				return decimal.NewFromInt(1), nil
			})})
		if err != nil {
			rt.Fatal(err)
		}
		h, err := l.Health(Start, b.account())
		if err != nil {
			rt.Fatal(err)
		}
		if !b.safe(price, thr) {
			rt.Fatalf("not safe at its own safe price %s", price)
		}
		if h.Liquidatable {
			rt.Fatalf("safe at %s but liquidatable: eth %s debt %s threshold %s (collateral %s)", price, eth, debt, thr, h.LiquidationCollateral)
		}
	})
}
