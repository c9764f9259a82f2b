package liquidation

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// drawPlanAmount draws an amount as a host might pass it: small, large,
// re-spelled with trailing zeros, or past the kernel (drawSpelled).
func drawPlanAmount(t *rapid.T, lo, hi int64, scale int32, label string) decimal.Decimal {
	return drawSpelled(t, testkit.Decimal(lo, hi, scale).Draw(t, label), label)
}

// TestPlanFiguresKernelIsTheDecimalPath: the plan's figures in the kernel
// (engine_fast.go) — the size of an account's liquidation, its health,
// each order's tab, lot, penalty and bonus — are the decimal code's, in
// coefficient and exponent, under random settings (target health, close
// factor, full-close health, small position, dust, penalty, bonus, debt
// and lot scales) and amounts.
//
// Mutations seen failing: roundedProduct not padding to the scale (the
// exponent of a tab with fewer places); sizeNum's full-close test strict
// (an account exactly at FullCloseHealth); minKV preferring b on a tie (the
// debt's spelling instead of MustReduce's); the size's quotient
// rounded down; lotOf rounding up.
func TestPlanFiguresKernelIsTheDecimalPath(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := EngineSettings{
			TargetHealth:    drawPlanAmount(t, 100, 300, 2, "target"),
			CloseFactor:     drawPlanAmount(t, 1, 100, 2, "close factor"),
			FullCloseHealth: drawPlanAmount(t, 1, 100, 2, "full close"),
			SmallPosition:   drawPlanAmount(t, 0, 10_000, 0, "small"),
			Dust:            rapid.SampledFrom([]decimal.Decimal{decimal.Zero, drawPlanAmount(t, 0, 1_000, 1, "dust")}).Draw(t, "dust or none"),
			Penalty:         drawPlanAmount(t, 0, 200, 3, "penalty"),
			LiquidatorBonus: drawPlanAmount(t, 0, 100, 3, "bonus"),
			DebtScale:       rapid.Int32Range(0, 18).Draw(t, "debt scale"),
			LotScale:        rapid.Int32Range(0, 18).Draw(t, "lot scale"),
		}
		e, err := NewEngine(s)
		if err != nil {
			t.Skip(err)
		}
		mm := drawPlanAmount(t, 1, 1_000_000_000, 2, "maintenance")
		eq := drawPlanAmount(t, -1_000_000_000, 1_000_000_000, 2, "equity")
		if rapid.Bool().Draw(t, "at full close") { // exactly at FullCloseHealth
			eq = e.cfg.FullCloseHealth.Mul(mm)
		}
		debt := drawPlanAmount(t, 0, 1_000_000_000, 2, "debt")
		if rapid.Bool().Draw(t, "dust debt") {
			debt = e.cfg.Dust.Add(drawPlanAmount(t, -100, 100, 1, "around dust"))
		}
		coll, reduce := drawPlanAmount(t, 0, 1_000_000_000, 2, "collateral"), drawPlanAmount(t, 0, 1_000_000, 2, "reduce")
		if rapid.Bool().Draw(t, "reduce all") { // MustReduce = Debt, spelled otherwise: a tie of MinOf
			reduce = respell(debt, 1)
		}
		small := rapid.Bool().Draw(t, "small leg")
		if x, ok := e.sizeNum(eq, mm, debt, coll, reduce, small); ok {
			if diff := cmp.Diff(e.sizeDecimal(eq, mm, debt, coll, reduce, small), x, equateRepr); diff != "" {
				t.Fatalf("size: %s", diff)
			}
		}
		c := candidate{eq: eq, mm: mm}
		c.eqN, c.fast = readNum(eq)
		var mmOK bool
		c.mmN, mmOK = readNum(mm)
		c.fast = c.fast && mmOK
		if diff := cmp.Diff(num.DivFloor(eq, mm, 18), healthOf(&c), equateRepr); diff != "" {
			t.Fatalf("health: %s", diff)
		}
		xi := drawPlanAmount(t, 1, 1_000_000_000, 2, "xi")
		l := Position{Market: "M", Size: drawPlanAmount(t, 1, 1_000_000_000, 6, "size"), Debt: debt.Abs().Add(xi)}
		tab := xi.Mul(e.cfg.chop).RoundCeil(e.cfg.DebtScale)
		for _, f := range []struct {
			name      string
			want, got decimal.Decimal
		}{
			{"tab", tab, e.tabOf(xi)},
			{"bonus", xi.Mul(e.cfg.LiquidatorBonus).RoundFloor(e.cfg.DebtScale), e.bonusOf(xi)},
			{"lot", num.DivFloor(l.Size.Mul(xi), l.Debt, e.cfg.LotScale), e.lotOf(l, xi)},
			{"penalty", tab.Sub(xi), subOf(tab, xi)},
		} {
			if diff := cmp.Diff(f.want, f.got, equateRepr); diff != "" {
				t.Fatalf("%s: %s", f.name, diff)
			}
		}
	})
}

// readNum reads d into the kernel as readAccount does for a sort key.
func readNum(d decimal.Decimal) (fixed.Num, bool) {
	n, ok, err := readAmount(d, false)
	return n, ok && err == nil
}

// TestFitterTallyIsTheDecimalSum: the fitter's running sums in the kernel
// (tally) are the decimal running sums in coefficient and exponent, past
// the kernel too; and over — tab above the room under the global and
// market caps, in the kernel — is the decimal room's answer, with the room
// clamped at zero, ties, a cap missing, and sums beyond the kernel.
//
// Mutations seen failing: over taking the larger of the two rooms; over
// not clamping a negative room to zero; over refusing a tab equal to the
// room.
func TestFitterTallyIsTheDecimalSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := drawPlanAmount(t, 0, 1_000_000_000, 4, "start")
		tl, sum := tallyOf(start), start
		if diff := cmp.Diff(sum, tl.value(), equateRepr); diff != "" {
			t.Fatalf("start: %s", diff)
		}
		for i, n := 0, rapid.IntRange(0, 6).Draw(t, "adds"); i < n; i++ {
			v := drawPlanAmount(t, 0, 1_000_000_000, 6, "add")
			tl, sum = tl.add(v), sum.Add(v)
			if diff := cmp.Diff(sum, tl.value(), equateRepr); diff != "" {
				t.Fatalf("after %d adds: %s", i+1, diff)
			}
		}
		s := EngineSettings{MarketCaps: map[string]decimal.Decimal{}}
		if rapid.Bool().Draw(t, "global cap") {
			s.GlobalCap = drawPlanAmount(t, 1, 2_000_000_000, 2, "global")
		}
		if rapid.Bool().Draw(t, "market cap") {
			s.MarketCaps["M"] = drawPlanAmount(t, 1, 2_000_000_000, 2, "hole")
		}
		e, err := NewEngine(s)
		if err != nil {
			t.Fatal(err)
		}
		f := e.newFitter(t0)
		for i, n := 0, rapid.IntRange(0, 4).Draw(t, "takes"); i < n; i++ {
			f.take(Order{Market: rapid.SampledFrom([]string{"M", "N"}).Draw(t, "market"), Tab: drawPlanAmount(t, 1, 1_000_000_000, 2, "tab")})
		}
		room, capped := f.room("M")
		tab := drawPlanAmount(t, 0, 2_000_000_000, 2, "probe")
		if capped && rapid.Bool().Draw(t, "tab at room") {
			tab = room
		}
		if got, want := f.over("M", tab), capped && tab.GreaterThan(room); got != want {
			t.Fatalf("over(%s) = %t, room %s capped %t", tab, got, room, capped)
		}
	})
}
