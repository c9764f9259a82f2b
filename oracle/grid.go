package oracle

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// The aggregation hot path compares prices on one price grid (the finest
// exponent among the quotes) as integer keys, and the guards' products
// (conf against ratio × price, spread against MaxSpread × price, the outlier
// band) in the library's fixed-point kernel, internal/fixed: exact 128-bit
// integer arithmetic with a decimal fallback, so the kernel only ever
// changes speed, never an answer. What stays here is the oracle's own rule:
// which grid, and the outlier band on it.

// gridKey returns d × 10^−exp, d's coefficient on the grid of exponent exp,
// when d ≥ 0, exp ≤ d's exponent (nothing is rounded) and the key fits an
// int64 (fixed.Rescale); ok is false otherwise and the caller compares
// decimals.
func gridKey(d decimal.Decimal, exp int32) (uint64, bool) {
	if d.Sign() < 0 {
		return 0, false
	}
	n, ok := fixed.FromDecimal(d)
	if !ok || n.E < exp {
		return 0, false
	}
	g, ok := fixed.Rescale(n, exp)
	if !ok {
		return 0, false
	}
	return uint64(g.M), true
}

// factor is a positive settings ratio (MaxDeviation, MaxSpread,
// MaxConfidenceRatio) in the kernel's form, computed once per Aggregator.
type factor struct {
	n  fixed.Num
	ok bool
}

func factorOf(r decimal.Decimal) factor {
	if r.Sign() <= 0 {
		return factor{}
	}
	n, ok := fixed.FromDecimal(r)
	return factor{n, ok}
}

// cmpProduct compares x×10^xe with r × (p×10^pe) exactly (fixed.CmpProductNum);
// ok is false when f is not in the kernel or the exponents are too far
// apart, and the caller then compares decimals.
func (f factor) cmpProduct(x uint64, xe int32, p uint64, pe int32) (int, bool) {
	if !f.ok {
		return 0, false
	}
	return fixed.CmpProductNum(fixed.Num{M: int64(x), E: xe}, f.n, fixed.Num{M: int64(p), E: pe})
}

// band returns the outlier band around a median m = mc×10^E (E the price
// grid's exponent) as grid keys [lo, hi], where f is r = MaxDeviation. In
// grid units the half-width is B = r×m / 10^E = r×mc, and for an integer
// mc, ceil(mc − B) = mc − floor(B) and floor(mc + B) = mc + floor(B):
// exactly the decimal band (m − r×m).RoundCeil(−E), (m + r×m).RoundFloor(−E)
// (see Aggregate). floor(B) is the kernel's fixed.MulRoundWide at scale 0,
// rounding down; ok is false when it does not fit, and the caller then
// uses decimals.
func (f factor) band(mc uint64) (lo, hi uint64, ok bool) {
	if !f.ok || mc > 1<<63-1 {
		return 0, 0, false
	}
	b, ok := fixed.MulRoundWide(f.n, fixed.Num{M: int64(mc)}, 0, num.Floor)
	if ok && b.E > 0 { // an integral product is returned unchanged: move it to whole units
		b, ok = fixed.Rescale(b, 0)
	}
	if !ok || b.M < 0 {
		return 0, 0, false
	}
	w := uint64(b.M)
	if w < mc {
		lo = mc - w
	}
	return lo, mc + w, true // mc, w < 2^63: no overflow
}
