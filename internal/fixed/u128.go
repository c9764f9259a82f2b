package fixed

import (
	"math/big"
	"math/bits"

	"github.com/shopspring/decimal"
)

// U128 is an unsigned 128-bit integer.
type U128 struct{ Hi, Lo uint64 }

// U128Mul returns the full product a × b.
func U128Mul(a, b uint64) U128 {
	hi, lo := bits.Mul64(a, b)
	return U128{Hi: hi, Lo: lo}
}

// Cmp compares a and b: -1, 0 or +1.
func (a U128) Cmp(b U128) int {
	switch {
	case a.Hi != b.Hi:
		if a.Hi < b.Hi {
			return -1
		}
		return 1
	case a.Lo != b.Lo:
		if a.Lo < b.Lo {
			return -1
		}
		return 1
	}
	return 0
}

// CmpProduct compares x with r × p exactly and returns -1, 0 or +1. When the
// three coefficients fit the kernel it compares in 128-bit integers without
// allocating; otherwise it falls back to decimal arithmetic.
func CmpProduct(x, r, p decimal.Decimal) int {
	xn, xok := FromDecimal(x)
	rn, rok := FromDecimal(r)
	pn, pok := FromDecimal(p)
	if xok && rok && pok {
		if c, ok := cmpProduct(xn, rn, pn); ok {
			return c
		}
	}
	return x.Cmp(r.Mul(p))
}

// CmpProductNum compares x with r × p exactly in 128-bit integers, without
// allocating, for values already in the kernel's form; ok is false when the
// exponents are too far apart for 128 bits (the caller then compares
// decimals, as CmpProduct does).
func CmpProductNum(x, r, p Num) (int, bool) { return cmpProduct(x, r, p) }

// cmpProduct compares x with r×p; ok is false when the exponents are too far
// apart for 128 bits.
func cmpProduct(x, r, p Num) (int, bool) {
	sx, sp := x.Sign(), r.Sign()*p.Sign()
	if sx != sp || sx == 0 {
		return cmpInt(sx, sp), true
	}
	prod := U128Mul(abs64(r.M), abs64(p.M)) // < 2^126
	k := int64(x.E) - int64(r.E) - int64(p.E)
	var c int
	switch {
	case k >= 0:
		pk, ok := Pow10(k)
		if !ok {
			return 0, false
		}
		xh, xl := bits.Mul64(abs64(x.M), pk)
		c = U128{xh, xl}.Cmp(prod)
	default:
		pk, ok := Pow10(-k)
		if !ok || prod.Hi != 0 {
			return 0, false
		}
		ph, pl := bits.Mul64(prod.Lo, pk)
		c = U128{Lo: abs64(x.M)}.Cmp(U128{ph, pl})
	}
	if sx < 0 {
		c = -c
	}
	return c, true
}

// Key is a signed integer of at most 126 bits, biased by 2^127 so that
// unsigned order is signed order: sorting many decimals by Key compares
// machine words and never allocates.
type Key struct{ hi, lo uint64 }

// KeyAt returns d × 10^−exp as a Key, for exp ≤ d's exponent (so nothing is
// rounded). ok is false when exp is above d's exponent or the value needs
// more than 126 bits; the caller then compares decimals.
func KeyAt(d decimal.Decimal, exp int32) (Key, bool) {
	k := int64(d.Exponent()) - int64(exp)
	if k < 0 {
		return Key{}, false
	}
	if d.IsZero() {
		return biased(0, 0, false), true
	}
	if k > 38 { // |coefficient| ≥ 1, so the value is ≥ 10^39 > 2^126
		return Key{}, false
	}
	if n, ok := FromDecimal(d); ok {
		if p, ok := Pow10(k); ok {
			// |M| ≤ 2^63 and 10^k < 2^64 × 0.55, so the product is
			// below 2^127: biased cannot overflow.
			hi, lo := bits.Mul64(abs64(n.M), p)
			return biased(hi, lo, n.M < 0), true
		}
	}
	v := new(big.Int).Mul(d.Coefficient(), new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil))
	return keyOf(v)
}

// keyOf returns v as a Key when |v| < 2^126.
func keyOf(v *big.Int) (Key, bool) {
	mag := new(big.Int).Abs(v)
	if mag.BitLen() > 126 {
		return Key{}, false
	}
	lo := new(big.Int).And(mag, new(big.Int).SetUint64(^uint64(0))).Uint64()
	hi := new(big.Int).Rsh(mag, 64).Uint64()
	return biased(hi, lo, v.Sign() < 0), true
}

// biased returns ±(hi, lo) + 2^127 (|value| < 2^127).
func biased(hi, lo uint64, neg bool) Key {
	const bias = uint64(1) << 63
	if neg {
		var borrow uint64
		lo, borrow = bits.Sub64(0, lo, 0)
		hi, _ = bits.Sub64(bias, hi, borrow)
		return Key{hi, lo}
	}
	return Key{hi + bias, lo}
}

// Cmp compares two keys: -1, 0 or +1.
func (a Key) Cmp(b Key) int { return U128{a.hi, a.lo}.Cmp(U128{b.hi, b.lo}) }

// MulDiv returns the quotient and remainder of a × b / c, the product taken
// in 128 bits: a × b = q × c + rem, 0 ≤ rem < c. ok is false when c is zero
// or the quotient does not fit 64 bits. It is the step of a largest-
// remainder split (each share is ⌊total × weight / Σ weights⌋, the
// remainders decide who gets the units left).
func MulDiv(a, b, c uint64) (q, rem uint64, ok bool) {
	hi, lo := bits.Mul64(a, b)
	if c == 0 || hi >= c {
		return 0, 0, false
	}
	q, rem = bits.Div64(hi, lo, c)
	return q, rem, true
}

// MulDiv128 returns the quotient and remainder of n × m / d for a 128-bit
// n: n × m (up to 192 bits) = q × d + rem, 0 ≤ rem < d, with q as three
// 64-bit words, least significant first. ok is false when d is zero. A score
// computed as one exact fraction at a fixed number of places is this with m
// a power of ten.
func MulDiv128(n U128, m, d uint64) (q [3]uint64, rem uint64, ok bool) {
	if d == 0 {
		return q, 0, false
	}
	// n × m = w2·2¹²⁸ + w1·2⁶⁴ + w0
	h0, w0 := bits.Mul64(n.Lo, m)
	h1, l1 := bits.Mul64(n.Hi, m)
	w1, carry := bits.Add64(l1, h0, 0)
	w2 := h1 + carry // cannot overflow: n·m < 2¹⁹²
	q[2], rem = bits.Div64(0, w2, d)
	q[1], rem = bits.Div64(rem, w1, d)
	q[0], rem = bits.Div64(rem, w0, d)
	return q, rem, true
}
