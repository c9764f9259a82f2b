package fixed

import (
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// CmpProducts against exact rational arithmetic, exponents far apart
// included (the overflow shortcut of cmpMag128).
func TestCmpProductsIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b, c, d := genNum().Draw(t, "a"), genNum().Draw(t, "b"), genNum().Draw(t, "c"), genNum().Draw(t, "d")
		if rapid.Bool().Draw(t, "far") { // exponent gaps up to ±60
			a.E += rapid.Int32Range(-30, 30).Draw(t, "shift")
		}
		if rapid.Bool().Draw(t, "tie") { // equal products
			c, d = b, a
		}
		want := new(big.Rat).Mul(rat(a), rat(b)).Cmp(new(big.Rat).Mul(rat(c), rat(d)))
		if got := CmpProducts(a, b, c, d); got != want {
			t.Fatalf("CmpProducts(%v, %v, %v, %v) = %d, want %d", a, b, c, d, got, want)
		}
	})
}

// The edges: MinInt64 coefficients, and absurd exponent gaps that must end
// in a bounded loop.
func TestCmpProductsEdges(t *testing.T) {
	min, max := Num{M: math.MinInt64}, Num{M: math.MaxInt64}
	for _, tc := range []struct {
		name       string
		a, b, c, d Num
		want       int
	}{
		{"min×min vs max×max", min, min, max, max, 1},
		{"min×max vs max×min", min, max, max, min, 0},
		{"huge gap up", Num{M: 1, E: math.MaxInt32}, Num{M: 1, E: math.MaxInt32}, max, max, 1},
		{"huge gap down", Num{M: 1, E: math.MinInt32}, Num{M: 1, E: math.MinInt32}, Num{M: 1}, Num{M: 1}, -1},
		{"negative huge", Num{M: -1, E: math.MaxInt32}, Num{M: 1}, Num{M: -1}, Num{M: 1}, -1},
		{"zero vs negative", Num{}, max, Num{M: -1}, Num{M: 1}, 1},
		{"gap 38", Num{M: 1, E: 38}, Num{M: 1}, Num{M: 1e18, E: 0}, Num{M: 1e18, E: 2}, 0},
	} {
		if got := CmpProducts(tc.a, tc.b, tc.c, tc.d); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}
