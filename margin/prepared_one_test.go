package margin

import (
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Property (issue 12, the compact form): a one-position account on the
// fast lane is prepared in the compact form, and Risk on it equals
// Calculator.Risk figure for figure, at the marks it was prepared for and
// after its market's mark moved to where the fast lane refuses it (a
// finer grid than the entry's, a notional beyond the bound, a product
// beyond the kernel): there the general form is rebuilt from the compact
// one's integers (expand) and valued on the lane, in the kernel or in
// decimals. Seen failing with the size × contract size's exponent off by
// one in expand (`qE := −scale − pnlK − pE + 1`), with the wallet dropped
// from the rebuilt form (`wfx: fixed.Num{}`), and with the entry's
// exponent off by one in the rebuilt kernel numbers.
func TestPropPreparedOneEqualsRisk(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, prices := genFastAccountN(t, 1)
		p, err := c.Prepare(a)
		if err != nil {
			t.Fatal(err)
		}
		if compact := p.full == nil; compact != p.onFastLane() {
			t.Fatalf("compact form %v, fast lane %v: a one-position account on the fast lane is compact", compact, p.onFastLane())
		}
		check := func(when string) {
			want, err := c.Risk(t0, a)
			if err != nil {
				t.Skip(err) // a figure beyond the decimal checks: not the compact form's concern
			}
			m, err := c.Marks(t0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Risk(m)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.AccountRisk(), testkit.EquateDecimals); diff != "" {
				t.Fatalf("%s: prepared Risk differs from Risk (compact %v):\n%s", when, p.full == nil, diff)
			}
		}
		check("at the prepared marks")
		// Move the mark: a finer grid, far above, or far below.
		mk := a.Positions[0].Market
		old := prices[mk]
		switch rapid.IntRange(0, 3).Draw(t, "move") {
		case 0: // a finer grid than the entry's: the lane
			prices[mk] = old.Add(decimal.New(int64(rapid.IntRange(1, 9).Draw(t, "digit")), old.Exponent()-int32(rapid.IntRange(1, 6).Draw(t, "finer"))))
		case 1: // up by up to 10^12: beyond the fast lane's bound, or the kernel's
			prices[mk] = old.Mul(decimal.New(1, int32(rapid.IntRange(1, 12).Draw(t, "up"))))
		case 2: // down, to a coarse or fine price
			prices[mk] = genMagnitude(t, "newMark", 6, 8)
		case 3: // a random price on the size of the bound
			prices[mk] = decimal.New(rapid.Int64Range(1, 1e18).Draw(t, "anyMark"), -int32(rapid.IntRange(0, 12).Draw(t, "anyPlaces")))
		}
		check("after the mark moved")
	})
}

// The compact form leaves the fast lane for each fallback, and each
// answers as Calculator.Risk does: a mark on a finer grid than the entry
// (the lane), a notional beyond the fast lane's bound (the lane), a
// product beyond int64 (the kernel's 128-bit steps or decimals). And it
// is 96 bytes (issue 12: ≤ 100 B per one-position fast-lane account).
func TestPreparedOneFallbacks(t *testing.T) {
	if n := unsafe.Sizeof(Prepared{}); n > 96 {
		t.Fatalf("Prepared is %d bytes, want ≤ 96", n)
	}
	prices := StaticPrices{"X": d("30000")}
	c := newCalc(t, prices, Market{ID: "X", Tiers: binanceBTC()})
	a := Account{ID: "a", Wallet: d("2500.5"), Positions: []Position{{Market: "X", Size: d("-1.25"), EntryPrice: d("30000.000")}}}
	p, err := c.Prepare(a)
	if err != nil || p.full != nil {
		t.Fatalf("Prepare: %v, compact %v", err, p.full == nil)
	}
	for _, tc := range []struct {
		name, mark string
		fast       bool
	}{
		{"the entry's grid", "31000", true},
		{"coarser than the entry", "3E+4", true},
		{"finer than the entry", "29999.95", false},
		{"beyond the bound", "1E+16", false},
		{"beyond int64", "123456789012345678.9", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prices["X"] = d(tc.mark)
			m, err := c.Marks(t0)
			if err != nil {
				t.Fatal(err)
			}
			var r PreparedRisk
			if fast := riskFast(p.fastPositions(), p.fastWallet(), c.scale, m, &r); fast != tc.fast {
				t.Fatalf("fast lane taken = %v, want %v", fast, tc.fast)
			}
			got, err := p.Risk(m)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.Risk(t0, a)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.AccountRisk(), testkit.EquateDecimals); diff != "" {
				t.Fatal(diff)
			}
			if p.ID() != "a" || len(p.Assets()) != 0 {
				t.Fatalf("ID %q, assets %v", p.ID(), p.Assets())
			}
		})
	}
}

// The fast lane's edges for chosen leverage and isolated positions, each
// against Calculator.Risk: an isolated position exactly at its
// maintenance is not liquidatable, one unit below it is (mutation seen
// failing: `fp.margin+pnlP < mmP` → `<=`); an isolated margin near int64's
// end leaves the fast lane, whose sum margin + PnL would wrap (mutation:
// the margin's bound `absU(mg.M) > limit` removed); a leverage whose
// coefficient needs more than 32 bits, or more than the kernel's digits,
// leaves it (mutations: `|| pp.lv.M > math.MaxUint32` removed: the
// coefficient truncated; `|| pp.p != nil` removed: the leverage read as
// none); a leverage whose
// scaling 10^a is beyond the table of powers leaves
// it too (money scale 16, leverage 1.500: a = 19; mutation: `a > 18` →
// `a > 19`, an index out of range).
func TestPreparedFastLaneLeverageIsolatedEdges(t *testing.T) {
	// Binance BTCUSDT's first tier: 0.4% maintenance, no maintenance
	// amount. Long 2 at entry 100, marked at 90: PnL −20, maintenance
	// 2 × 90 × 0.004 = 0.72; at margin 20.72 equity equals maintenance.
	for _, tc := range []struct {
		name, margin, mark, lev string
		scale                   int32
		cross, fast, liq        bool
	}{
		{"at maintenance", "20.72", "90", "10", 8, false, true, false},
		{"one unit below", "20.71999999", "90", "10", 8, false, true, true},
		{"margin finer than the money scale", "20.720000001", "90", "10", 8, false, false, false},
		{"margin near int64's end", "92233720368", "101", "3", 8, false, false, false},
		{"leverage scaled beyond 10^18", "20.72", "90", "1.500", 16, false, false, false},
		{"cross, leverage beyond 32 bits", "20.72", "90", "4294967297", 8, true, false, false},
		{"cross, leverage beyond the kernel", "20.72", "90", "1.0000000000000000001", 8, true, false, false},
		{"cross at maintenance", "20.72", "90", "1.5", 8, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prices := StaticPrices{"X": d("100")}
			c, err := New(Settings{Markets: []Market{{ID: "X", Tiers: binanceBTC()}}, Prices: prices, Scale: tc.scale})
			if err != nil {
				t.Fatal(err)
			}
			a := Account{ID: "a", Wallet: d("5"), Positions: []Position{{Market: "X", Size: d("2"), EntryPrice: d("100"),
				Leverage: d(tc.lev), Isolated: true, Margin: d(tc.margin)}}}
			if tc.cross {
				a.Wallet, a.Positions[0].Isolated, a.Positions[0].Margin = d(tc.margin), false, decimal.Zero
			}
			p, err := c.Prepare(a)
			if err != nil {
				t.Fatal(err)
			}
			prices["X"] = d(tc.mark)
			m, err := c.Marks(t0)
			if err != nil {
				t.Fatal(err)
			}
			var r PreparedRisk
			if fast := p.onFastLane() && riskFast(p.fastPositions(), p.fastWallet(), c.scale, m, &r); fast != tc.fast {
				t.Fatalf("fast lane taken = %v, want %v", fast, tc.fast)
			}
			got, err := p.Risk(m)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.Risk(t0, a)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got.AccountRisk(), testkit.EquateDecimals); diff != "" {
				t.Fatal(diff)
			}
			if liq := got.IsolatedLiquidatable() || got.Liquidatable(); liq != tc.liq {
				t.Fatalf("liquidatable = %v, want %v", liq, tc.liq)
			}
		})
	}
}
