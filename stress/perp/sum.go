package perp

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// exactSum adds decimals in the library's fixed-point kernel (an int64
// coefficient at the finest exponent seen so far) instead of rescaling a
// big.Int per term. Every step is exact or reports that it could not be:
// once a term has more than fixed.MaxDigits digits or the sum overflows,
// ok turns false and the caller sums the same entries with decimals. It
// only ever changes how fast a sum is taken, never its value.
type exactSum struct {
	n  fixed.Num
	ok bool
}

// newExactSum returns an empty sum (zero, ok).
func newExactSum() exactSum { return exactSum{ok: true} }

// add adds d.
func (s *exactSum) add(d decimal.Decimal) {
	if !s.ok || d.IsZero() {
		return
	}
	x, ok := fixed.FromDecimal(d)
	if !ok {
		s.ok = false
		return
	}
	s.n, s.ok = fixed.Add(s.n, x)
}

// sub subtracts d.
func (s *exactSum) sub(d decimal.Decimal) {
	if !s.ok || d.IsZero() {
		return
	}
	x, ok := fixed.FromDecimal(d)
	if ok {
		x, ok = fixed.Neg(x)
	}
	if !ok {
		s.ok = false
		return
	}
	s.n, s.ok = fixed.Add(s.n, x)
}

// addNum adds n (already in the kernel).
func (s *exactSum) addNum(n fixed.Num) {
	if s.ok && n.M != 0 {
		s.n, s.ok = fixed.Add(s.n, n)
	}
}

// addTrader adds trader t's value as total counts it: Wallet + Margin −
// hole − uncovered − Size × Entry, every term already in the kernel.
func (s *exactSum) addTrader(t *trader) {
	s.addNum(t.wallet)
	if s.ok && t.hole.M != 0 {
		s.n, s.ok = fixed.Sub(s.n, t.hole)
	}
	if s.ok && t.uncovered.M != 0 {
		s.n, s.ok = fixed.Sub(s.n, t.uncovered)
	}
	if s.ok && t.open {
		s.addNum(t.margin)
		if s.ok && t.size.M != 0 {
			x, ok := fixed.Mul(t.size, t.entry)
			if !ok {
				s.ok = false
				return
			}
			s.n, s.ok = fixed.Sub(s.n, x)
		}
	}
}

// equals reports whether the sum is exactly want (a sum that is not ok
// is never equal: the caller sums with decimals instead).
func (s *exactSum) equals(want fixed.Num, wantOK bool) bool {
	return s.ok && wantOK && fixed.Cmp(s.n, want) == 0
}

// traderSums returns Σ value (as total counts it) and Σ size of the
// traders, read from the kernel figures the ledger keeps (no decimal, no
// allocation: a few integer operations an account); ok false when a sum
// does not fit the kernel (the caller sums with decimals).
func (v *Venue) traderSums() (value, size fixed.Num, ok bool) {
	sum, sizes := newExactSum(), newExactSum()
	for i := range v.traders {
		t := &v.traders[i]
		sum.addTrader(t)
		sizes.addNum(t.size)
		if !sum.ok || !sizes.ok {
			return fixed.Num{}, fixed.Num{}, false
		}
	}
	return sum.n, sizes.n, true
}
