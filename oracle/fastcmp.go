package oracle

import (
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
	rc := f.c
	if xok && f.ok && pok {
		hi, lo := bits.Mul64(rc, pc) // r×p coefficient, < 10^36 < 2^128
		k := int64(x.Exponent()) - int64(r.Exponent()) - int64(p.Exponent())
		switch {
		case k >= 0 && k < int64(len(pow10u64)):
			xh, xl := bits.Mul64(xc, pow10u64[k])
			return cmp128(xh, xl, hi, lo)
		case k < 0 && -k < int64(len(pow10u64)) && hi == 0:
			ph, pl := bits.Mul64(lo, pow10u64[-k])
			return cmp128(0, xc, ph, pl)
		}
	}
	return x.Cmp(r.Mul(p))
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
