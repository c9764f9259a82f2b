package fixed

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Num is the exact value M × 10^E.
type Num struct {
	M int64
	E int32
}

// MaxDigits is the most coefficient digits a decimal may have to enter the
// kernel: every 18-digit integer fits an int64.
const MaxDigits = 18

// pow10 holds 10^0 … 10^19 (10^19 < 2^64).
var pow10 = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return
}()

// Pow10 returns 10^k for 0 ≤ k ≤ 19; ok is false otherwise.
func Pow10(k int64) (uint64, bool) {
	if k < 0 || k >= int64(len(pow10)) {
		return 0, false
	}
	return pow10[k], true
}

// FromDecimal returns d as a Num when its coefficient has at most MaxDigits
// digits.
func FromDecimal(d decimal.Decimal) (Num, bool) {
	if d.NumDigits() > MaxDigits {
		return Num{}, false
	}
	return Num{M: d.CoefficientInt64(), E: d.Exponent()}, true
}

// Decimal returns a as a decimal (zero without allocating).
func (a Num) Decimal() decimal.Decimal {
	if a.M == 0 {
		return decimal.Zero
	}
	return decimal.New(a.M, a.E)
}

// Sign returns -1, 0 or +1.
func (a Num) Sign() int {
	switch {
	case a.M < 0:
		return -1
	case a.M > 0:
		return 1
	}
	return 0
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x) // -MinInt64 wraps to 2^63, its true magnitude
	}
	return uint64(x)
}

// signed returns ±u as an int64; ok is false when it does not fit.
func signed(u uint64, neg bool) (int64, bool) {
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true // -2^63 wraps correctly
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// MulInt returns a × b; ok is false on overflow.
func MulInt(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 {
		return 0, false
	}
	return signed(lo, (a < 0) != (b < 0))
}

// AddInt returns a + b; ok is false on overflow.
func AddInt(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

// Rescale returns a at exponent e ≤ a.E (exact); ok is false when e > a.E
// (that would drop digits: use Round) or the coefficient overflows.
func Rescale(a Num, e int32) (Num, bool) {
	if a.M == 0 {
		return Num{E: e}, true
	}
	p, ok := Pow10(int64(a.E) - int64(e))
	if !ok || p > math.MaxInt64 {
		return Num{}, false
	}
	m, ok := MulInt(a.M, int64(p))
	return Num{M: m, E: e}, ok
}

// Align returns a and b at their common (smaller) exponent.
func Align(a, b Num) (Num, Num, bool) {
	switch {
	case a.E == b.E:
		return a, b, true
	case a.E > b.E:
		a2, ok := Rescale(a, b.E)
		return a2, b, ok
	default:
		b2, ok := Rescale(b, a.E)
		return a, b2, ok
	}
}

// Add returns a + b exactly.
func Add(a, b Num) (Num, bool) {
	a, b, ok := Align(a, b)
	if !ok {
		return Num{}, false
	}
	m, ok := AddInt(a.M, b.M)
	return Num{M: m, E: a.E}, ok
}

// Sub returns a − b exactly.
func Sub(a, b Num) (Num, bool) {
	if b.M == math.MinInt64 {
		return Num{}, false
	}
	return Add(a, Num{M: -b.M, E: b.E})
}

// Neg returns −a.
func Neg(a Num) (Num, bool) {
	if a.M == math.MinInt64 {
		return Num{}, false
	}
	return Num{M: -a.M, E: a.E}, true
}

// Mul returns a × b exactly.
func Mul(a, b Num) (Num, bool) {
	m, ok := MulInt(a.M, b.M)
	e := int64(a.E) + int64(b.E)
	if e < math.MinInt32 || e > math.MaxInt32 {
		return Num{}, false
	}
	return Num{M: m, E: int32(e)}, ok
}

// Cmp compares a and b exactly: -1, 0 or +1. It never fails: coefficients
// too far apart to align in 64 bits are compared in 128 bits.
func Cmp(a, b Num) int {
	if sa, sb := a.Sign(), b.Sign(); sa != sb || sa == 0 {
		return cmpInt(sa, sb)
	}
	// Same non-zero sign: compare magnitudes, flip for negatives.
	c := cmpMag(abs64(a.M), a.E, abs64(b.M), b.E)
	if a.M < 0 {
		return -c
	}
	return c
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpMag compares x×10^xe with y×10^ye for x, y > 0.
func cmpMag(x uint64, xe int32, y uint64, ye int32) int {
	if xe < ye {
		return -cmpMag(y, ye, x, xe)
	}
	// xe ≥ ye: compare x×10^k with y, k = xe − ye.
	k := int64(xe) - int64(ye)
	p, ok := Pow10(k)
	if !ok { // 10^k ≥ 10^20 > y: x×10^k wins
		return 1
	}
	return U128Mul(x, p).Cmp(U128{Lo: y})
}

// Round returns a rounded to scale decimal places in direction r, like
// num.Round; a value with at most scale places is returned unchanged.
func Round(a Num, scale int32, r num.Rounding) (Num, bool) {
	if int64(a.E) >= -int64(scale) {
		return a, true
	}
	k := -int64(scale) - int64(a.E)
	p, ok := Pow10(k)
	if !ok { // k ≥ 20: |a| < 2^63 × 10^−20 < 0.1 unit, so q = 0 and less than half a unit is cut
		if a.M == 0 {
			return Num{E: -scale}, true
		}
		return Num{M: adjust(0, 1, 10, a.M < 0, r), E: -scale}, true
	}
	u := abs64(a.M)
	q, rem := u/p, u%p
	m, ok := signed(q, a.M < 0)
	if !ok {
		return Num{}, false
	}
	return Num{M: adjust(m, rem, p, a.M < 0, r), E: -scale}, true
}

// adjust moves the truncated signed quotient m one unit away from zero when
// direction r says so, given that rem/den (0 ≤ rem < den) of a unit was cut
// off the magnitude. m ± 1 cannot overflow here: |m| < 2^63 after a
// truncating division of values that fit.
func adjust(m int64, rem, den uint64, neg bool, r num.Rounding) int64 {
	if rem == 0 {
		return m
	}
	up := false // away from zero
	switch r {
	case num.Floor:
		up = neg
	case num.Ceil:
		up = !neg
	case num.HalfEven:
		half := den - rem // compare rem with den/2 without overflow
		switch {
		case rem > half:
			up = true
		case rem == half:
			up = m%2 != 0
		}
	}
	if !up {
		return m
	}
	if neg {
		return m - 1
	}
	return m + 1
}

// Div returns a / b rounded to scale decimal places in direction r, like
// num.Div; ok is false when b is zero or the quotient does not fit.
func Div(a, b Num, scale int32, r num.Rounding) (Num, bool) {
	if b.M == 0 {
		return Num{}, false
	}
	// a/b = (a.M / b.M) × 10^(a.E − b.E); at 10^−scale the coefficient is
	// a.M × 10^k / b.M with k = a.E − b.E + scale.
	k := int64(a.E) - int64(b.E) + int64(scale)
	n, d := U128{Lo: abs64(a.M)}, abs64(b.M)
	switch {
	case k > 0:
		p, ok := Pow10(k)
		if !ok {
			return Num{}, false
		}
		n = U128Mul(n.Lo, p)
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
	if n.Hi >= d { // the quotient needs more than 64 bits
		return Num{}, false
	}
	q, rem := bits.Div64(n.Hi, n.Lo, d)
	neg := (a.M < 0) != (b.M < 0)
	m, ok := signed(q, neg)
	if !ok || m == math.MinInt64 || m == math.MaxInt64 {
		return Num{}, false // leave room for the rounding step
	}
	return Num{M: adjust(m, rem, d, neg, r), E: -scale}, true
}

// MulRound returns a × b rounded to scale places in direction r, like
// num.MulRound.
func MulRound(a, b Num, scale int32, r num.Rounding) (Num, bool) {
	p, ok := Mul(a, b)
	if !ok {
		return Num{}, false
	}
	return Round(p, scale, r)
}

// MulRoundWide returns a × b rounded to scale places in direction r, like
// MulRound, but forms the product in 128 bits: it succeeds whenever the
// rounded result fits an int64, even when the unrounded product does not
// (an 18-digit price times an 18-digit ratio, rounded to whole grid units).
// A product with at most scale places is returned unchanged, as Round does.
func MulRoundWide(a, b Num, scale int32, r num.Rounding) (Num, bool) {
	e := int64(a.E) + int64(b.E)
	if e < math.MinInt32 || e > math.MaxInt32 {
		return Num{}, false
	}
	neg := (a.M < 0) != (b.M < 0)
	prod := U128Mul(abs64(a.M), abs64(b.M)) // < 2^127
	k := -int64(scale) - e                  // digits to cut
	if k <= 0 {
		if prod.Hi != 0 {
			return Num{}, false
		}
		m, ok := signed(prod.Lo, neg)
		return Num{M: m, E: int32(e)}, ok
	}
	if k > 38 { // |a×b| < 2^127 < 10^39: less than 0.1 unit is cut and q = 0
		if prod == (U128{}) {
			return Num{E: -scale}, true
		}
		return Num{M: adjust(0, 1, 10, neg, r), E: -scale}, true
	}
	// Divide by 10^k in at most two 64-bit steps: 10^k = p1 × p2.
	p1, p2 := uint64(1), pow10[0]
	if k <= 19 {
		p1 = pow10[k]
	} else {
		p1, p2 = pow10[19], pow10[k-19]
	}
	if prod.Hi >= p1 { // the first quotient needs more than 64 bits
		return Num{}, false
	}
	q1, r1 := bits.Div64(prod.Hi, prod.Lo, p1)
	q, r2 := q1/p2, q1%p2
	m, ok := signed(q, neg)
	if !ok || m == math.MinInt64 || m == math.MaxInt64 {
		return Num{}, false // leave room for the rounding step
	}
	if p2 == 1 {
		return Num{M: adjust(m, r1, p1, neg, r), E: -scale}, true
	}
	// The cut fraction is (r2×p1 + r1) / (p2×p1): adjust needs only how it
	// compares with ½ and whether it is zero.
	if r2 == 0 && r1 == 0 {
		return Num{M: m, E: -scale}, true
	}
	cut := U128Mul(r2, p1)
	lo, c := bits.Add64(cut.Lo, r1, 0)
	cut = U128{Hi: cut.Hi + c, Lo: lo} // < 10^38 < 2^127
	twice := U128{Hi: cut.Hi<<1 | cut.Lo>>63, Lo: cut.Lo << 1}
	var rem, den uint64 = 1, 4 // below half
	switch twice.Cmp(U128Mul(p2, p1)) {
	case 0:
		rem, den = 1, 2
	case 1:
		rem, den = 3, 4
	}
	return Num{M: adjust(m, rem, den, neg, r), E: -scale}, true
}
