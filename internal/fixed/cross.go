package fixed

import "math/bits"

// CmpProducts compares a × b with c × d exactly and returns -1, 0 or +1. It
// never fails and never allocates: each product of two int64 coefficients
// fits 126 bits, and the exponent gap is closed by multiplying the side
// with the larger exponent by powers of ten in 128 bits — once that
// overflows, that side is the larger magnitude (the other is below 2^126).
//
// Cross-multiplication compares two fractions a/b' and c/d' with positive
// denominators without dividing: a/d' < c/b' ⇔ a × b' < c × d'.
func CmpProducts(a, b, c, d Num) int {
	s1, s2 := a.Sign()*b.Sign(), c.Sign()*d.Sign()
	if s1 != s2 || s1 == 0 {
		return cmpInt(s1, s2)
	}
	x := U128Mul(abs64(a.M), abs64(b.M))
	y := U128Mul(abs64(c.M), abs64(d.M))
	m := cmpMag128(x, int64(a.E)+int64(b.E), y, int64(c.E)+int64(d.E))
	if s1 < 0 {
		return -m
	}
	return m
}

// cmpMag128 compares x × 10^xe with y × 10^ye for x, y > 0 and y < 2^127.
func cmpMag128(x U128, xe int64, y U128, ye int64) int {
	if xe < ye {
		return -cmpMag128(y, ye, x, xe)
	}
	// x ≥ 1, so at most three steps of 10^19 (10^57 > 2^128) before an
	// overflow ends the loop, however large the gap.
	for k := xe - ye; k > 0; {
		step := min(k, 19)
		var over bool
		if x, over = mulU128(x, pow10[step]); over {
			return 1
		}
		k -= step
	}
	return x.Cmp(y)
}

// mulU128 returns x × m and whether it overflowed 128 bits.
func mulU128(x U128, m uint64) (U128, bool) {
	h1, l1 := bits.Mul64(x.Hi, m)
	h2, l2 := bits.Mul64(x.Lo, m)
	hi, carry := bits.Add64(l1, h2, 0)
	return U128{Hi: hi, Lo: l2}, h1 != 0 || carry != 0
}
