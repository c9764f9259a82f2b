package fixed

import (
	"math"
	"math/bits"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MulDivRound returns a × b / c rounded to scale decimal places in
// direction r, like num.Div(a × b, c, scale, r) — the same value and the
// same exponent (−scale) — with the product a × b formed in 128 bits, so
// it succeeds whenever the rounded quotient fits an int64 even when the
// product does not (an equity times a maintenance change, over the
// account's maintenance: dYdX's bankruptcy share). ok is false when c is
// zero, a power of ten it needs is beyond 10^19, or the quotient does not
// fit.
func MulDivRound(a, b, c Num, scale int32, r num.Rounding) (Num, bool) {
	if c.M == 0 || scale == math.MinInt32 {
		return Num{}, false
	}
	// a×b/c at 10^−scale has the coefficient |a.M×b.M| × 10^k / |c.M|
	// with k = a.E + b.E − c.E + scale.
	k := int64(a.E) + int64(b.E) - int64(c.E) + int64(scale)
	n, m, d := U128Mul(abs64(a.M), abs64(b.M)), uint64(1), abs64(c.M)
	switch {
	case k > 0:
		p, ok := Pow10(k)
		if !ok {
			return Num{}, false
		}
		m = p
	case k < 0:
		p, ok := Pow10(-k)
		if !ok {
			return Num{}, false
		}
		hi, lo := bits.Mul64(d, p)
		if hi != 0 {
			return Num{}, false
		}
		d = lo
	}
	q, rem, _ := MulDiv128(n, m, d)
	if q[2] != 0 || q[1] != 0 {
		return Num{}, false
	}
	neg := (a.M < 0) != (b.M < 0) != (c.M < 0)
	s, ok := signed(q[0], neg)
	if !ok || s == math.MinInt64 || s == math.MaxInt64 {
		return Num{}, false // leave room for the rounding step
	}
	return Num{M: adjust(s, rem, d, neg, r), E: -scale}, true
}
