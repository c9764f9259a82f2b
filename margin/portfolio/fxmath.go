package portfolio

import (
	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// The pricing kernel works on decimal fixed-point numbers with wScale = 16
// places: a value v is the int64 coefficient round(v × 10^16), so it holds
// magnitudes below 922.33. Every product and quotient goes through
// internal/fixed (128-bit intermediate, one half-even rounding to 16
// places), so the results are the same on every machine; no float64 is
// involved. The pricer keeps every intermediate value dimensionless (prices
// divided by the underlying's mark), so the magnitude bound is never near;
// if an operation would still overflow, the kernel records it and the caller
// refuses the valuation (fail closed) instead of guessing.
const wScale = 16

// wOne is 1 at 16 places.
const wOne int64 = 1e16

// Constants at 16 places (rounded half-even), or with more digits where a
// product by an integer must stay exact to 16 places.
var (
	ln2x18   = fixed.Num{M: 693147180559945309, E: -18}  // ln 2 = 0.693147180559945309417…
	ln10x18  = fixed.Num{M: 2302585092994045684, E: -18} // ln 10 = 2.302585092994045684017…
	invSqrt2 = int64(3989422804014327)                   // 1/√(2π) = 0.398942280401432677…
	sqrt2Pi  = int64(25066282746310005)                  // √(2π) = 2.506628274631000502…
)

// kern evaluates fixed-point arithmetic at 16 places with a sticky failure
// flag: after an overflow every later result is meaningless and bad is set,
// so a caller checks once at the end.
type kern struct{ bad bool }

func w(m int64) fixed.Num { return fixed.Num{M: m, E: -wScale} }

// mul returns a × b at 16 places, half-even.
func (k *kern) mul(a, b int64) int64 {
	r, ok := fixed.MulRoundWide(w(a), w(b), wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return r.M
}

// div returns a / b at 16 places, half-even (b ≠ 0).
func (k *kern) div(a, b int64) int64 {
	r, ok := fixed.Div(w(a), w(b), wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return r.M
}

// divInt returns a / n at 16 places, half-even, for an integer n ≠ 0.
func (k *kern) divInt(a, n int64) int64 {
	r, ok := fixed.Div(w(a), fixed.Num{M: n}, wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return r.M
}

// add returns a + b.
func (k *kern) add(a, b int64) int64 {
	s, ok := fixed.AddInt(a, b)
	if !ok {
		k.bad = true
	}
	return s
}

// expLow is the argument below which e^x is below half a unit of the 16th
// place (e^-38 ≈ 3.1e-17), so exp returns 0.
const expLow = -38 * wOne

// expHigh bounds the argument from above: e^6.8 ≈ 898 is the largest power
// the kernel holds.
const expHigh = 68 * wOne / 10

// exp returns e^x at 16 places. Method: x = a + b/64 + r with integers a,
// b (0 ≤ b < 64) and 0 ≤ r < 1/64; e^x = e^a · e^(b/64) · e^r with e^a and
// e^(b/64) from tables (exptable.go, correctly rounded to 16 places) and
// e^r by its Taylor series to r^7/7! in Horner form (the first omitted
// term is below 10^-19). Absolute error below 4×10^-16 plus a relative
// 2×10^-15 (checked against shopspring's ExpTaylor at 30 places in the
// tests). Below −38 the result is 0; above 6.8 the kernel overflows.
func (k *kern) exp(x int64) int64 {
	if x < expLow {
		return 0
	}
	if x > expHigh {
		k.bad = true
		return 0
	}
	const step = wOne / 64 // exact: 1/64 = 0.015625
	m := x / step
	if x%step < 0 {
		m-- // floor
	}
	r := x - m*step
	a := m / 64
	if m%64 < 0 {
		a--
	}
	b := m - 64*a
	t := invFact[7]
	for i := 6; i >= 0; i-- {
		t = k.mul(t, r) + invFact[i]
	}
	return k.mul(k.mul(expInt[a+38], expFrac[b]), t)
}

// ln returns the natural logarithm of x > 0 (at 16 places). Method: x =
// m·2^n with m in [0.75, 1.5), ln m = 2·atanh(s) with s = (m−1)/(m+1),
// |s| ≤ 0.2, summed as s + s³/3 + s⁵/5 + … until a term is below
// 10^-17 (at most 12 terms), plus n·ln2 from 18 digits of ln 2. Absolute
// error below 10^-15.
func (k *kern) ln(x int64) int64 {
	if x <= 0 {
		k.bad = true
		return 0
	}
	n := int64(0)
	m := x
	for m >= wOne+wOne/2 {
		m = k.divInt(m, 2)
		n++
	}
	for m < wOne*3/4 {
		m = m * 2 // exact: m < 0.75 so 2m < 1.5 fits
		n--
	}
	s := k.div(m-wOne, m+wOne)
	s2 := k.mul(s, s)
	sum, p := s, s
	for i := int64(3); i < 60; i += 2 {
		p = k.mul(p, s2)
		t := k.divInt(p, i)
		if t == 0 {
			break
		}
		sum += t
	}
	nl, ok := fixed.MulRoundWide(fixed.Num{M: n}, ln2x18, wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return k.add(2*sum, nl.M)
}

// sqrt returns √x for x ≥ 0 at 16 places by Newton's iteration
// y ← (y + x/y)/2 started above the root (at max(x, 1)) and stopped when
// it no longer decreases: at most 80 steps, the result within 2 units of
// the 16th place of the exact root.
func (k *kern) sqrt(x int64) int64 {
	if x < 0 {
		k.bad = true
		return 0
	}
	if x == 0 {
		return 0
	}
	y := max(x, wOne)
	for i := 0; i < 80; i++ {
		z := k.divInt(k.add(y, k.div(x, y)), 2)
		if z >= y {
			break
		}
		y = z
	}
	return y
}

// normTailMax: for |x| ≥ 9, Φ(−|x|) < 1.2×10^-19 rounds to 0 at 16 places.
const normTailMax = 9 * wOne

// phi returns the standard normal density φ(x) = e^(−x²/2)/√(2π).
func (k *kern) phi(x int64) int64 {
	if x >= normTailMax || x <= -normTailMax {
		return 0
	}
	return k.mul(k.exp(-k.divInt(k.mul(x, x), 2)), invSqrt2)
}

// cdf returns the standard normal distribution function Φ(x) at 16
// places: the tail Φ(−|x|) from normTable (Φ and its Taylor coefficients
// at the nearest multiple a0 of 1/256, computed at 130 digits) by the
// fourth-order Taylor polynomial in h = |x| − a0, |h| ≤ 1/512, in Horner
// form; Φ(x) = 1 − Φ(−x) for x > 0; beyond 9 the tail is below half a unit
// of the 16th place. The first omitted term is below 3×10^-16
// (|He_4·φ|/5! ≤ 0.01, h^5 ≤ 2.8×10^-14) and each of the 4 roundings half
// a unit: absolute error below 10^-15 (checked against math.Erfc and
// against Hart's algorithm 5666 in the tests). Four products where a
// 1/64 table needed six: Φ is most of a grid's cost.
func (k *kern) cdf(x int64) int64 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	if ax >= normTailMax {
		return k.signed(x, 0)
	}
	return k.signed(x, k.tail(ax))
}

// signed turns the tail Φ(−|x|) into Φ(x).
func (k *kern) signed(x, tail int64) int64 {
	if x > 0 {
		return wOne - tail
	}
	return tail
}

// normStep is 1/256 at 16 places (exact: 39,062,500,000,000).
const normStep = wOne / 256

// tail returns Φ(−ax) for 0 ≤ ax < normTailMax.
func (k *kern) tail(ax int64) int64 {
	i := (ax + normStep/2) / normStep // nearest a0 = i/256
	h := ax - i*normStep
	c := &normTable[i]
	t := c[4]
	for n := 3; n >= 0; n-- {
		t = k.mul(t, h) + c[n]
	}
	return max(t, 0)
}
