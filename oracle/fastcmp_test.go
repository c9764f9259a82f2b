package oracle

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// cmpProduct agrees with the decimal comparison everywhere, including
// coefficients too large for the fast path.
func TestPropCmpProductMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := func(name string) *rapid.Generator[int64] { return rapid.Int64Range(1, 1<<62) }
		x := testkit.Decimal(1, gen("x").Draw(t, "xmax"), rapid.Int32Range(-25, 30).Draw(t, "xs")).Draw(t, "x")
		r := testkit.Decimal(1, gen("r").Draw(t, "rmax"), rapid.Int32Range(-25, 30).Draw(t, "rs")).Draw(t, "r")
		p := testkit.Decimal(1, gen("p").Draw(t, "pmax"), rapid.Int32Range(-25, 30).Draw(t, "ps")).Draw(t, "p")
		if rapid.Bool().Draw(t, "equal") {
			x = r.Mul(p)
		}
		if got, want := cmpProduct(x, r, p), x.Cmp(r.Mul(p)); got != want {
			t.Fatalf("cmpProduct(%s, %s, %s) = %d, want %d", x, r, p, got, want)
		}
	})
}

// band (the outlier band on integer keys) agrees with the decimal band
// (m − r×m).RoundCeil(−E), (m + r×m).RoundFloor(−E) at and around its
// edges, for deviations from 10^−22 to well above 1.
func TestPropBandMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mc := rapid.Uint64Range(1, 999_999_999_999_999_999).Draw(t, "mc")
		e := rapid.Int32Range(-20, 5).Draw(t, "e")
		r := testkit.Decimal(1, rapid.Int64Range(1, 1<<62).Draw(t, "rmax"), rapid.Int32Range(-3, 22).Draw(t, "rs")).Draw(t, "r")
		rc, rok := smallCoef(r)
		lo, hi, ok := smallFactor{rc, rok}.band(r.Exponent(), mc)
		if !ok {
			return
		}
		m := decimal.New(int64(mc), e)
		b := r.Mul(m)
		wlo, whi := m.Sub(b).RoundCeil(-e), m.Add(b).RoundFloor(-e)
		for _, k := range []uint64{lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, mc, 1} {
			if k == 0 || k > math.MaxInt64 {
				continue
			}
			kd := decimal.New(int64(k), e)
			fast := k >= lo && k <= hi
			dec := kd.Cmp(wlo) >= 0 && kd.Cmp(whi) <= 0
			if fast != dec {
				t.Fatalf("key %d at 1e%d: band [%d, %d] says %t, decimal [%s, %s] says %t", k, e, lo, hi, fast, wlo, whi, dec)
			}
		}
	})
}

// cmpCoef treats a zero x (quotes without spread) exactly.
func TestCmpCoefZero(t *testing.T) {
	if c, ok := cmpCoef(0, -2, 2, -2, 6_500_000, -2); !ok || c != -1 {
		t.Fatalf("0 vs 0.02 × 65000 = %d, %t", c, ok)
	}
}

// gridKey is the coefficient of d moved onto a finer grid, exactly, or
// refuses (never a wrong key).
func TestPropGridKeyMatchesRescale(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := testkit.Decimal(0, rapid.Int64Range(0, 1<<62).Draw(t, "max"), rapid.Int32Range(-20, 25).Draw(t, "scale")).Draw(t, "d")
		exp := d.Exponent() - rapid.Int32Range(-2, 22).Draw(t, "finer")
		k, ok := gridKey(d, exp)
		if !ok {
			return
		}
		if exp > d.Exponent() {
			t.Fatalf("gridKey(%s, %d) rounded", d, exp)
		}
		if k >= 1e18 || !decimal.New(int64(k), exp).Equal(d) {
			t.Fatalf("gridKey(%s, %d) = %d", d, exp, k)
		}
	})
}
