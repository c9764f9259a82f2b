package fixed

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MulDivRound is num.Div(a × b, c, scale, r) — the same value at the same
// exponent — whenever it answers, and it answers whenever the product fits
// an int64 and Div would (the 128-bit product only widens what it takes).
// Mutations seen failing: the sign ignoring c's; the 10^k applied to the
// divisor for k > 0; adjust given the undivided remainder's divisor.
func TestMulDivRoundIsNumDiv(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b, c := genNum().Draw(t, "a"), genNum().Draw(t, "b"), genNum().Draw(t, "c")
		scale := rapid.Int32Range(-5, 30).Draw(t, "scale")
		r := rapid.SampledFrom(roundings).Draw(t, "rounding")
		got, ok := MulDivRound(a, b, c, scale, r)
		if c.M == 0 {
			if ok {
				t.Fatal("MulDivRound by zero succeeded")
			}
			return
		}
		if p, pok := Mul(a, b); pok {
			if _, dok := Div(p, c, scale, r); dok && !ok {
				t.Fatalf("MulDivRound(%v, %v, %v, %d) gave up where Mul then Div did not", a, b, c, scale)
			}
		}
		if !ok {
			return
		}
		want := num.Div(a.Decimal().Mul(b.Decimal()), c.Decimal(), scale, r)
		if got.E != want.Exponent() || got.M != want.CoefficientInt64() || !want.Coefficient().IsInt64() {
			t.Fatalf("MulDivRound(%v, %v, %v, %d, %v) = %v, want %s (exponent %d)", a, b, c, scale, r, got, want, want.Exponent())
		}
	})
}

// An equity times a maintenance change whose product is beyond 64 bits,
// over the maintenance: MulDivRound answers, Mul gives up.
func TestMulDivRoundBeyond64Bits(t *testing.T) {
	a, b, c := Num{M: 123_456_789_012, E: -2}, Num{M: 987_654_321_098, E: -8}, Num{M: 555_555_555_555, E: -8}
	if _, ok := Mul(a, b); ok {
		t.Fatal("Mul was expected to give up on an 80-bit product")
	}
	got, ok := MulDivRound(a, b, c, 2, num.Floor)
	want := num.Div(a.Decimal().Mul(b.Decimal()), c.Decimal(), 2, num.Floor)
	if !ok || got.M != want.CoefficientInt64() || got.E != want.Exponent() {
		t.Fatalf("got %v, %t; want %s", got, ok, want)
	}
}
