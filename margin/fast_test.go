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
		c, a, prices := genAccountCalc(t)
		if rapid.Bool().Draw(t, "onBoundary") && len(a.Positions) > 0 && a.Positions[0].Market == "A" {
			// Put the notional exactly on a tier cap (tiers are half-open).
			m := c.markets["A"]
			cp := m.sched.tiers[rapid.IntRange(0, len(m.sched.tiers)-1).Draw(t, "tier")].cap
			prices["A"] = d("1")
			a.Positions[0].Size = cp.Shift(4) // with contract size 1 or 0.0001
			if m.csIsOne {
				a.Positions[0].Size = cp
			}
		}
		for i := range a.Positions {
			if rapid.Bool().Draw(t, "lev") {
				a.Positions[i].Leverage = rapid.SampledFrom([]decimal.Decimal{d("1"), d("3"), d("7"), d("20"), d("125")}).Draw(t, "leverage")
			}
		}
		for _, p := range a.Positions {
			m := c.markets[p.Market]
			fv, ok := m.valueFast(&p, prices[p.Market], c.scale)
			v := m.value(&p, prices[p.Market], c.scale)
			if !ok {
				continue
			}
			got := []decimal.Decimal{fv.notional.dec(), fv.pnl.dec(), fv.initial.dec(), fv.mmnt.dec()}
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

func TestFxArithmetic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := testkit.Decimal(-1_000_000_000_000, 1_000_000_000_000, rapid.Int32Range(0, 12).Draw(t, "sa")).Draw(t, "a")
		b := testkit.Decimal(-1_000_000_000_000, 1_000_000_000_000, rapid.Int32Range(0, 12).Draw(t, "sb")).Draw(t, "b")
		scale := rapid.Int32Range(0, 10).Draw(t, "scale")
		fa, _ := toFx(a)
		fb, _ := toFx(b)
		if s, ok := fa.add(fb); ok && !s.dec().Equal(a.Add(b)) {
			t.Fatalf("add %s + %s = %s", a, b, s.dec())
		}
		if p, ok := fa.mul(fb); ok && !p.dec().Equal(a.Mul(b)) {
			t.Fatalf("mul %s × %s = %s", a, b, p.dec())
		}
		if c, ok := fa.cmp(fb); ok && c != a.Cmp(b) {
			t.Fatalf("cmp %s %s = %d", a, b, c)
		}
		if !fa.round(scale, true).dec().Equal(a.RoundCeil(scale)) || !fa.round(scale, false).dec().Equal(a.RoundFloor(scale)) {
			t.Fatalf("round %s at %d: %s / %s", a, scale, fa.round(scale, true).dec(), fa.round(scale, false).dec())
		}
		if b.Sign() > 0 && a.Sign() >= 0 {
			if q, ok := fa.divCeil(fb, scale); ok && !q.dec().Equal(divCeil(a, b, scale)) {
				t.Fatalf("divCeil %s / %s = %s, want %s", a, b, q.dec(), divCeil(a, b, scale))
			}
		}
	})
}
