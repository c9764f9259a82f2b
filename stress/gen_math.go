package stress

import (
	"math"
	"math/rand/v2"

	"github.com/shopspring/decimal"
)

// The path math of the drawn generators (Merton, GARCH) is float64, made
// identical on every machine (a sweep may be sharded over amd64 and arm64
// hosts and merged byte for byte):
//
//   - only +, −, ×, ÷ and math.Sqrt, which IEEE 754 rounds exactly
//     (correctly) everywhere, and exact bit operations (Float64bits,
//     Ldexp, Round);
//   - every product is wrapped in an explicit float64(…) conversion, which
//     the Go specification says rounds it and so forbids fusing it with an
//     addition into an FMA (arm64 would otherwise fuse);
//   - no math.Exp, Log, Pow, Sin or Cos (they have architecture-specific
//     assembly that may differ in the last bit): detExp and detLn below
//     are written from the operations above;
//   - the random numbers are math/rand/v2's PCG (integer arithmetic) and
//     Float64 (an integer scaled by 2^−53, exact); normal variates come
//     from the polar method below, not rand.NormFloat64 (its ziggurat
//     calls math.Exp and math.Log).
//
// Each price is then rounded to the path's scale in decimal (roundPrice).

// mul is a × b, rounded to float64 on its own so it never fuses.
func mul(a, b float64) float64 { return float64(a * b) }

// uniform is rng.Float64() (an integer × 2^−53), explicitly rounded: the
// product inside math/rand is exact, but without the conversion the arm64
// compiler fuses it with the next addition (seen in its assembly).
func uniform(rng *rand.Rand) float64 { return float64(rng.Float64()) }

// ln2Hi + ln2Lo = ln 2 to about 2^−100 (fdlibm's split: ln2Hi has its
// low 32 bits zero, so k × ln2Hi is exact for |k| < 2^20).
const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	ln2   = 0.6931471805599453
	sqrt2 = 1.4142135623730951
)

// detLn is the natural logarithm of x > 0 (finite), to within a few
// ulps, the same on every machine: x = m·2^e with m in [√½, √2), then
// ln m = 2·atanh(t) = 2(t + t³/3 + t⁵/5 + …), t = (m−1)/(m+1), |t| <
// 0.172, summed to t²⁵ (the next term is below 10^−20).
func detLn(x float64) float64 {
	e := 0
	if x < 0x1p-1022 { // subnormal: scale into the normal range exactly
		x = mul(x, 0x1p54)
		e = -54
	}
	bits := math.Float64bits(x)
	e += int((bits>>52)&0x7ff) - 1023
	m := math.Float64frombits(bits&^(0x7ff<<52) | 1023<<52) // in [1, 2)
	if m > sqrt2 {
		m = mul(m, 0.5)
		e++
	}
	t := (m - 1) / (m + 1)
	t2 := mul(t, t)
	acc := 1.0 / 25
	for k := 23; k >= 1; k -= 2 {
		acc = 1/float64(k) + mul(t2, acc)
	}
	fe := float64(e)
	return mul(fe, ln2Hi) + (mul(fe, ln2Lo) + mul(2, mul(t, acc)))
}

// detExp is e^x, to within a few ulps, the same on every machine: x =
// k·ln 2 + r with |r| ≤ ½ln 2, e^r by its Taylor series to r¹⁸/18!
// (below 10^−21 at |r| = 0.35), then scaled by 2^k exactly. Above 709 it
// is +Inf, below −745 zero.
func detExp(x float64) float64 {
	switch {
	case x != x:
		return x
	case x > 709.7:
		return math.Inf(1)
	case x < -745.2:
		return 0
	}
	k := math.Round(x / ln2)
	r := (x - mul(k, ln2Hi)) - mul(k, ln2Lo)
	acc := 1.0
	for n := 18; n >= 1; n-- {
		acc = 1 + mul(r, acc)/float64(n)
	}
	return math.Ldexp(acc, int(k))
}

// normals draws standard normal variates by Marsaglia's polar method
// (Marsaglia and Bray, "A convenient method for generating normal
// variables", SIAM Review 6(3), 1964): u, v uniform on (−1, 1) with
// s = u² + v² in (0, 1), then u·√(−2 ln s / s) and v·√(−2 ln s / s) are
// two independent standard normals. The second is kept for the next call.
type normals struct {
	rng   *rand.Rand
	spare float64
	has   bool
}

// next returns one standard normal variate.
func (g *normals) next() float64 {
	if g.has {
		g.has = false
		return g.spare
	}
	// Each try is accepted with probability π/4; 200 failures in a row
	// (probability below 10^−130) would return 0 rather than loop.
	for try := 0; try < 200; try++ {
		u := mul(2, uniform(g.rng)) - 1
		v := mul(2, uniform(g.rng)) - 1
		s := mul(u, u) + mul(v, v)
		if s == 0 || s >= 1 {
			continue
		}
		f := math.Sqrt(mul(-2, detLn(s)) / s)
		g.spare, g.has = mul(v, f), true
		return mul(u, f)
	}
	return 0
}

// poisson draws a Poisson(mean) count by Knuth's multiplication method
// (The Art of Computer Programming vol. 2, 3.4.1): multiply uniforms until
// the product falls to e^−mean. mean is bounded by the caller (NewMerton
// refuses more than 10 jumps a tick on average, so e^−mean never
// underflows), and the count by 10,000.
func poisson(rng *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	limit := detExp(-mean)
	p := 1.0
	for k := 0; k < 10_000; k++ {
		p = mul(p, uniform(rng))
		if p <= limit {
			return k
		}
	}
	return 10_000
}

// pow10f are the exact float64 powers of ten up to 10^18.
var pow10f = func() [MaxScale + 1]float64 {
	var p [MaxScale + 1]float64
	p[0] = 1
	for i := 1; i <= MaxScale; i++ {
		p[i] = mul(p[i-1], 10)
	}
	return p
}()

// roundPrice converts a drawn price to a decimal of scale places, half
// away from zero, and never below one unit of the scale (10^−scale): a
// path that falls further prints that unit (its state keeps falling).
// ok is false when p is not finite or above 10^15. Below 2^53 units the
// rounding is exact integer arithmetic on p × 10^scale; above, it rounds
// the shortest decimal that reads back as p (strconv's, exact too).
func roundPrice(p float64, scale int32) (decimal.Decimal, bool) {
	if p != p || p > 1e15 {
		return decimal.Decimal{}, false
	}
	if p <= 0 {
		return decimal.New(1, -scale), true
	}
	u := mul(p, pow10f[scale])
	if u < 0x1p53 {
		n := int64(math.Round(u))
		if n < 1 {
			n = 1
		}
		return decimal.New(n, -scale), true
	}
	return decimal.NewFromFloat(p).Round(scale), true
}

// pcg returns the PCG generator of seed for a stream: every generator of
// the package draws from its own stream, so a wrapper's draws never shift
// the path it wraps.
func pcg(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// Streams of pcg, one per drawing generator.
const (
	streamMerton uint64 = 0x6d6572746f6e // "merton"
	streamGARCH  uint64 = 0x6761726368   // "garch"
	streamShape  uint64 = 0x7368617065   // "shape"
	streamQuotes uint64 = 0x71756f746573 // "quotes"
)
