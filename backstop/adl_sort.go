package backstop

import (
	"math/big"
	"math/bits"
	"sort"
)

// sortRanked sorts by score descending, then account ascending. Scores are
// first brought to one common exponent as integers and, when they fit, to
// 128-bit keys, so the sort compares machine words without allocating.
func sortRanked(r []Ranked) {
	if len(r) < 2 {
		return
	}
	minExp := r[0].Score.Exponent()
	for _, x := range r[1:] {
		if e := x.Score.Exponent(); e < minExp {
			minExp = e
		}
	}
	keys := make([]key128, len(r))
	fits := true
	for i, x := range r {
		k, ok := scoreKey(x, minExp)
		keys[i], fits = k, fits && ok
	}
	idx := make([]int32, len(r))
	for i := range idx {
		idx[i] = int32(i)
	}
	var less func(a, b int32) bool
	if fits {
		less = func(a, b int32) bool {
			if c := keys[a].cmp(keys[b]); c != 0 {
				return c > 0
			}
			return r[a].Position.Account < r[b].Position.Account
		}
	} else {
		ints := make([]*big.Int, len(r))
		for i, x := range r {
			ints[i] = scaledInt(x.Score, minExp)
		}
		less = func(a, b int32) bool {
			if c := ints[a].Cmp(ints[b]); c != 0 {
				return c > 0
			}
			return r[a].Position.Account < r[b].Position.Account
		}
	}
	sort.Slice(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
	sorted := make([]Ranked, len(r))
	for i, k := range idx {
		sorted[i] = r[k]
	}
	copy(r, sorted)
}

// scoreKey returns x's score as a 128-bit key at exponent exp, without
// allocating when the coefficient fits in 18 digits.
func scoreKey(x Ranked, exp int32) (key128, bool) {
	s := x.Score
	k := s.Exponent() - exp
	if s.NumDigits() <= 18 && k <= 18 {
		c := s.CoefficientInt64()
		neg := c < 0
		if neg {
			c = -c
		}
		hi, lo := bits.Mul64(uint64(c), pow10u64[k])
		return biased(hi, lo, neg), true
	}
	return toKey128(scaledInt(s, exp))
}

var pow10u64 = [19]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// key128 is an integer biased by 2¹²⁷ so unsigned order equals signed order.
type key128 struct{ hi, lo uint64 }

func toKey128(v *big.Int) (key128, bool) {
	if v.BitLen() > 126 {
		return key128{}, false
	}
	var hi, lo uint64
	w := v.Bits() // little-endian magnitude
	if len(w) > 0 {
		lo = uint64(w[0])
	}
	if len(w) > 1 {
		hi = uint64(w[1])
	}
	if bits.UintSize == 32 { // 32-bit words: rebuild from four words
		hi, lo = 0, 0
		for i := len(w) - 1; i >= 0; i-- {
			hi = hi<<32 | lo>>32
			lo = lo<<32 | uint64(w[i])
		}
	}
	return biased(hi, lo, v.Sign() < 0), true
}

// biased returns ±(hi, lo) + 2¹²⁷ as a key (|value| < 2¹²⁷).
func biased(hi, lo uint64, neg bool) key128 {
	const bias = uint64(1) << 63
	if neg { // 2¹²⁷ − |v|
		var borrow uint64
		lo, borrow = bits.Sub64(0, lo, 0)
		hi, _ = bits.Sub64(bias, hi, borrow)
		return key128{hi, lo}
	}
	return key128{hi + bias, lo}
}

func (a key128) cmp(b key128) int {
	switch {
	case a.hi != b.hi:
		if a.hi < b.hi {
			return -1
		}
		return 1
	case a.lo != b.lo:
		if a.lo < b.lo {
			return -1
		}
		return 1
	}
	return 0
}
