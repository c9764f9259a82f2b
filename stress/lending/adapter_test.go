package lending

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// The adapter makes the engine's health the Aave health factor, so the
// engine applies Aave v3's close factor: 50% of the debt at health ≥ 0.95,
// all of it below (Aave v3 LiquidationLogic, CLOSE_FACTOR_HF_THRESHOLD).
// 1,000 ETH at 100 DAI with an 83% threshold: 83,000 of threshold collateral.
// (Moved from examples/lending.)
func TestAdapterAppliesAaveCloseFactor(t *testing.T) {
	c, err := Config{}.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	l, err := margin.NewLending(margin.LendingSettings{
		Reserves: c.reserves(),
		Prices: margin.PriceFunc(func(_ time.Time, a string) (decimal.Decimal, error) {
			if a == "ETH" {
				return d("100"), nil
			}
			return d("1"), nil
		}),
		Scale: Scale,
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, eth, debt, closed, tab string
		above095                     bool
	}{
		// 83,000 / 0.96 = 86,458.33…: close ⌈debt / 2⌉, tab ⌈closed × 1.05⌉.
		{"health 0.96: half the debt", "1000", "86458.33333334", "43229.16666667", "45390.62500001", true},
		// 83,000 / 0.94 = 88,297.87…: close everything.
		{"health 0.94: all of it", "1000", "88297.87234043", "88297.87234043", "92712.76595746", false},
		// 8,300 / 0.96: half would leave 4,322.92 < dust 5,000, so all of it (Aave v3.3 MIN_LEFTOVER_BASE).
		{"health 0.96, dusty remainder: all of it", "100", "8645.83333334", "8645.83333334", "9078.12500001", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &borrower{id: "v", eth: d(tc.eth), dai: d(tc.debt)}
			accts, liq, err := views(l, []*borrower{b}, Start, decimal.Zero, decimal.Zero)
			if err != nil {
				t.Fatal(err)
			}
			v := accts[0].(lendingView)
			if liq != 1 || v.h.Factor.GreaterThanOrEqual(d("1")) || v.h.Factor.GreaterThanOrEqual(d("0.95")) != tc.above095 {
				t.Fatalf("factor %s, liquidatable %d", v.h.Factor, liq)
			}
			e, err := liquidation.NewEngine(c.engineSettings())
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Plan(Start, accts)
			if err != nil || len(p.Orders) != 1 {
				t.Fatalf("plan %+v, %v", p, err)
			}
			o := p.Orders[0]
			if !o.Debt.Equal(d(tc.closed)) || !o.Tab.Equal(d(tc.tab)) {
				t.Errorf("closed %s tab %s, want %s and %s", o.Debt, o.Tab, tc.closed, tc.tab)
			}
		})
	}
}
