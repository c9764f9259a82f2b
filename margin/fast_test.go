package margin

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The int64 fast path must give exactly the decimal path's figures, and
// Risk exactly Summary's.
func TestFastPathMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, prices := genEdgeAccount(t, d("1"), d("3"), d("7"), d("20"), d("125"))
		for _, p := range a.Positions {
			m := c.markets[p.Market]
			fv, ok := m.valueFast(&p, prices[p.Market], c.scale)
			v := m.value(&p, prices[p.Market], c.scale)
			if !ok {
				continue
			}
			got := []decimal.Decimal{fv.notional.Decimal(), fv.pnl.Decimal(), fv.initial.Decimal(), fv.mmnt.Decimal()}
			want := []decimal.Decimal{v.notional, v.pnl, v.initial, v.maintenance}
			if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" || fv.tier != v.tier || fv.above != v.above {
				t.Fatalf("fast path differs (tier %d vs %d):\n%s", fv.tier, v.tier, diff)
			}
		}
		s, err1 := c.Summary(t0, a)
		r, err2 := c.Risk(t0, a)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Summary err %v, Risk err %v", err1, err2)
		}
		if err1 != nil {
			return
		}
		want := AccountRisk{Equity: s.Equity, Initial: s.Initial, Maintenance: s.Maintenance, FreeCollateral: s.FreeCollateral,
			InitialCollateralised: s.InitialCollateralised, Liquidatable: s.Liquidatable, IsolatedLiquidatable: s.IsolatedLiquidatable}
		if diff := cmp.Diff(want, r, testkit.EquateDecimals); diff != "" {
			t.Fatalf("Risk differs from Summary:\n%s", diff)
		}
	})
}

// The generic arithmetic the fast path uses (add, mul, compare, rounding,
// division) is internal/fixed's and is tested there against math/big.Rat.
