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

// sub returns a − b.
func (k *kern) sub(a, b int64) int64 {
	s, ok := fixed.AddInt(a, -b)
	if !ok || b == minInt64 {
		k.bad = true
	}
	return s
}

const minInt64 = -1 << 63

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

// Coefficients of Hart's (1968) double-precision rational approximation of
// the normal tail, as published by West, "Better approximations to
// cumulative normal functions", Wilmott Magazine (2005), Figure 2 — with
// the variable scaled to u = |x|/10 and both polynomials divided by 10^4
// (p'_i = p_i·10^(deg−i)/10^4; exact decimal shifts, the ratio is
// unchanged), so that every Horner step stays below 600 and fits the
// 16-place kernel.
var (
	hartNum = [7]int64{ // u^6 … u^0
		35262496599891100, // 0.0352624965998911 × 100
		70038306444368800, // 0.700383064443688 × 10
		63739622035316500, // 6.37396220353165
		33912866078383000, // 33.912866078383 / 10
		11207929149787100, // 112.079291497871 / 100
		2212135961699310,  // 221.213596169931 / 1000
		220206867912376,   // 220.206867912376 / 10^4
	}
	hartDen = [8]int64{ // u^7 … u^0
		883883476483184000,  // 0.0883883476483184 × 1000
		1755667163182640000, // 1.75566716318264 × 100
		1606417757920700000, // 16.064177579207 × 10
		867807322029461000,  // 86.7807322029461
		296564248779674000,  // 296.564248779674 / 10
		63733363337883100,   // 637.333633378831 / 100
		7938265125199480,    // 793.826512519948 / 1000
		440413735824752,     // 440.413735824752 / 10^4
	}
)

// hartSplit is 10/√2 ≈ 7.0710678118654752: below it the rational
// approximation is used, above it the continued fraction (West 2005).
const hartSplit int64 = 70710678118654752

// normTailMax: for |x| ≥ 9, Φ(−|x|) < 1.2×10^-19 rounds to 0 at 16 places.
const normTailMax = 9 * wOne

// phi returns the standard normal density φ(x) = e^(−x²/2)/√(2π).
func (k *kern) phi(x int64) int64 {
	if x >= normTailMax || x <= -normTailMax {
		return 0
	}
	return k.mul(k.exp(-k.divInt(k.mul(x, x), 2)), invSqrt2)
}

// cdf returns the standard normal distribution function Φ(x) at 16 places,
// by Hart's algorithm 5666 as given by West (2005): for |x| < 10/√2 a
// rational function of degree 6/7 times e^(−x²/2); from there to 9 the
// continued fraction e^(−x²/2) / (√(2π)·(|x| + 1/(|x| + 2/(|x| + 3/(|x| +
// 4/(|x| + 0.65)))))); beyond 9 the tail is below half a unit of the 16th
// place. Φ(x) = 1 − Φ(−x) for x > 0. Absolute error below 5×10^-15
// (checked against math.Erfc at 20,000 points in the tests; Hart's own
// approximation error is about 10^-15).
func (k *kern) cdf(x int64) int64 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	if ax >= normTailMax {
		return k.signed(x, 0)
	}
	return k.signed(x, k.tail(ax, k.exp(-k.divInt(k.mul(ax, ax), 2))))
}

// signed turns the tail Φ(−|x|) into Φ(x).
func (k *kern) signed(x, tail int64) int64 {
	if x > 0 {
		return wOne - tail
	}
	return tail
}

// tail returns Φ(−ax) for 0 ≤ ax < normTailMax given e = e^(−ax²/2).
func (k *kern) tail(ax, e int64) int64 {
	if ax < hartSplit {
		uNum := fixed.Num{M: ax, E: -wScale - 1} // u = |x|/10, exact
		n := hartNum[0]
		for _, c := range hartNum[1:] {
			n = k.add(k.mulU(n, uNum), c)
		}
		d := hartDen[0]
		for _, c := range hartDen[1:] {
			d = k.add(k.mulU(d, uNum), c)
		}
		return k.mul(e, k.div(n, d))
	}
	b := ax + 65*wOne/100
	b = ax + k.div(4*wOne, b)
	b = ax + k.div(3*wOne, b)
	b = ax + k.div(2*wOne, b)
	b = ax + k.div(wOne, b)
	return k.div(e, k.mul(b, sqrt2Pi))
}

// mulU returns a × u at 16 places, half-even, where u carries its own
// exponent.
func (k *kern) mulU(a int64, u fixed.Num) int64 {
	r, ok := fixed.MulRoundWide(w(a), u, wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return r.M
}

// cdfPair returns Φ(d1) and Φ(d2) for d2 = d1 − σ√T, sharing one
// exponential: e^(−d2²/2) = e^(−d1²/2) · s/kk (since d1² − d2² =
// 2·ln(s/kk)) when s/kk is within [1/8, 8], so that the product's error
// stays below 8 units of the 16th place; otherwise each is computed on its
// own.
func (k *kern) cdfPair(d1, d2, s, kk int64) (int64, int64) {
	a1, a2 := d1, d2
	if a1 < 0 {
		a1 = -a1
	}
	if a2 < 0 {
		a2 = -a2
	}
	if a1 >= normTailMax || a2 >= normTailMax || s > 8*kk || kk > 8*s {
		return k.cdf(d1), k.cdf(d2)
	}
	e1 := k.exp(-k.divInt(k.mul(a1, a1), 2))
	e2 := k.mul(e1, k.div(s, kk))
	return k.signed(d1, k.tail(a1, e1)), k.signed(d2, k.tail(a2, e2))
}
