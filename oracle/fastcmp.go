package oracle

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// This file holds an allocation-free comparison used on the aggregation hot
// path: x against r × p for positive decimals, done in exact 128-bit
// integer arithmetic when the coefficients are small enough, and with
// shopspring decimals otherwise. The answer is the same either way; only
// the speed differs.

var pow10u64 = func() (t [20]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * 10
	}
	return
}()

// smallCoef returns d's coefficient when d is positive and it has at most
// 18 digits (so it fits an int64 exactly).
func smallCoef(d decimal.Decimal) (uint64, bool) {
	if d.Sign() <= 0 || d.NumDigits() > 18 {
		return 0, false
	}
	return uint64(d.CoefficientInt64()), true
}

// gridKey returns d × 10^−exp, d's coefficient on the grid of exponent exp,
// when d ≥ 0, exp ≤ d's exponent (no rounding) and the result has at most
// 18 digits, like smallCoef's.
func gridKey(d decimal.Decimal, exp int32) (uint64, bool) {
	if d.Sign() < 0 || d.NumDigits() > 18 {
		return 0, false
	}
	k := int64(d.Exponent()) - int64(exp)
	if k < 0 || k >= int64(len(pow10u64)) {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(d.CoefficientInt64()), pow10u64[k])
	if hi != 0 || lo >= pow10u64[18] {
		return 0, false
	}
	return lo, true
}

// cmpProduct compares x with r × p (all positive) and returns -1, 0 or +1.
func cmpProduct(x, r, p decimal.Decimal) int {
	rc, rok := smallCoef(r)
	pc, pok := smallCoef(p)
	return smallFactor{rc, rok}.cmpProduct(x, r, p, pc, pok)
}

// smallFactor is a decimal's coefficient computed once (smallCoef).
type smallFactor struct {
	c  uint64
	ok bool
}

// cmpProduct compares x with r × p, where f is r's smallCoef and (pc, pok)
// is p's, computed by the caller once.
func (f smallFactor) cmpProduct(x, r, p decimal.Decimal, pc uint64, pok bool) int {
	xc, xok := smallCoef(x)
	if xok && f.ok && pok {
		if c, ok := cmpCoef(xc, x.Exponent(), f.c, r.Exponent(), pc, p.Exponent()); ok {
			return c
		}
	}
	return x.Cmp(r.Mul(p))
}

// cmpCoef compares xc×10^xe with rc×10^re × pc×10^pe exactly in 128-bit
// integers; ok is false when the exponents are too far apart for that.
func cmpCoef(xc uint64, xe int32, rc uint64, re int32, pc uint64, pe int32) (c int, ok bool) {
	hi, lo := bits.Mul64(rc, pc) // r×p coefficient, < 10^36 < 2^128
	k := int64(xe) - int64(re) - int64(pe)
	switch {
	case k >= 0 && k < int64(len(pow10u64)):
		xh, xl := bits.Mul64(xc, pow10u64[k])
		return cmp128(xh, xl, hi, lo), true
	case k < 0 && -k < int64(len(pow10u64)) && hi == 0:
		ph, pl := bits.Mul64(lo, pow10u64[-k])
		return cmp128(0, xc, ph, pl), true
	}
	return 0, false
}

// band returns the outlier band around a median m = mc×10^E (E the price
// grid's exponent) as grid coefficients [lo, hi], where f is the
// coefficient of r = MaxDeviation and re its exponent. In grid units the
// half-width is B = r×m / 10^E = rc×mc / 10^(−re), and for an integer mc,
// ceil(mc − B) = mc − floor(B) and floor(mc + B) = mc + floor(B): exactly
// the decimal band (m − r×m).RoundCeil(−E), (m + r×m).RoundFloor(−E).
// ok is false when r is not small or has more than 19 places, or is ≥ 1
// with a positive exponent; the caller then uses decimals.
func (f smallFactor) band(re int32, mc uint64) (lo, hi uint64, ok bool) {
	k := -int64(re)
	if !f.ok || k < 0 || k >= int64(len(pow10u64)) {
		return 0, 0, false
	}
	ph, pl := bits.Mul64(f.c, mc)
	div := pow10u64[k]
	if ph >= div { // B ≥ 2^64: wider than every key on both sides
		return 0, math.MaxUint64, true
	}
	b, _ := bits.Div64(ph, pl, div)
	if b < mc {
		lo = mc - b
	}
	hi = mc + b
	if hi < mc { // overflow: no key lies above
		hi = math.MaxUint64
	}
	return lo, hi, true
}

func cmp128(ah, al, bh, bl uint64) int {
	switch {
	case ah != bh:
		if ah < bh {
			return -1
		}
		return 1
	case al != bl:
		if al < bl {
			return -1
		}
		return 1
	}
	return 0
}
