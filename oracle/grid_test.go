package oracle

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// factor.cmpProduct (the confidence and spread guards on grid keys)
// agrees with the decimal comparison wherever it answers.
func TestPropFactorCmpProductMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Uint64Range(0, 1<<63-1).Draw(t, "x")
		p := rapid.Uint64Range(1, 1<<63-1).Draw(t, "p")
		xe, pe := rapid.Int32Range(-25, 10).Draw(t, "xe"), rapid.Int32Range(-25, 10).Draw(t, "pe")
		r := testkit.Decimal(1, rapid.Int64Range(1, 1<<62).Draw(t, "rmax"), rapid.Int32Range(-3, 22).Draw(t, "rs")).Draw(t, "r")
		c, ok := factorOf(r).cmpProduct(x, xe, p, pe)
		if !ok {
			return
		}
		xd, pd := decimal.New(int64(x), xe), decimal.New(int64(p), pe)
		if want := xd.Cmp(r.Mul(pd)); c != want {
			t.Fatalf("%s vs %s × %s: %d, want %d", xd, r, pd, c, want)
		}
	})
}

// band (the outlier band on integer keys) agrees with the decimal band
// (m − r×m).RoundCeil(−E), (m + r×m).RoundFloor(−E) at and around its
// edges, for deviations from 10^−22 to well above 1.
func TestPropBandMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mc := rapid.Uint64Range(1, 1<<63-1).Draw(t, "mc") // every key gridKey can return
		e := rapid.Int32Range(-20, 5).Draw(t, "e")
		r := testkit.Decimal(1, rapid.Int64Range(1, 1<<62).Draw(t, "rmax"), rapid.Int32Range(-3, 22).Draw(t, "rs")).Draw(t, "r")
		lo, hi, ok := factorOf(r).band(mc)
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

// A zero x (quotes without spread) compares exactly.
func TestFactorCmpProductZero(t *testing.T) {
	if c, ok := factorOf(decimal.New(2, -2)).cmpProduct(0, -2, 6_500_000, -2); !ok || c != -1 {
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
		if k > 1<<63-1 || !decimal.New(int64(k), exp).Equal(d) {
			t.Fatalf("gridKey(%s, %d) = %d", d, exp, k)
		}
	})
}
