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

// subProduct subtracts a × b.
func (s *exactSum) subProduct(a, b decimal.Decimal) {
	if !s.ok || a.IsZero() || b.IsZero() {
		return
	}
	x, ok := fixed.FromDecimal(a)
	if !ok {
		s.ok = false
		return
	}
	y, ok := fixed.FromDecimal(b)
	if ok {
		x, ok = fixed.Mul(x, y)
	}
	if ok {
		x, ok = fixed.Neg(x)
	}
	if !ok {
		s.ok = false
		return
	}
	s.n, s.ok = fixed.Add(s.n, x)
}

// equals reports whether the sum is exactly want (a sum that is not ok
// is never equal: the caller sums with decimals instead).
func (s *exactSum) equals(want fixed.Num, wantOK bool) bool {
	return s.ok && wantOK && fixed.Cmp(s.n, want) == 0
}

// ledgerCache is what the per-tick conservation check last read of every
// trader: the entries themselves (compared by identity) and their exact
// contribution to Σ value and Σ size. A decimal never changes in place (every
// operation returns a new one), so an entry whose every field is
// identical — same coefficient pointer, same exponent — to what was read
// holds the same value, whoever wrote it and however; any other entry is
// read again. The sums are therefore those of a full reading every tick,
// without touching the coefficients of the accounts nothing happened to.
type ledgerCache struct {
	seen        []traderSeen
	value, size fixed.Num // Σ contributions of seen
	ok          bool      // seen matches traders in length and every contribution fits the kernel
}

// traderSeen is one trader as the check last read it.
type traderSeen struct {
	wallet, hole, uncovered decimal.Decimal
	size, entry, margin     decimal.Decimal
	open                    bool // had a position
	value, sz               fixed.Num
}

// same reports whether t's entries are those seen (by identity).
func (s *traderSeen) same(t *trader) bool {
	p, open := t.position()
	if open != s.open || t.acct.Wallet != s.wallet || t.hole != s.hole || t.uncovered != s.uncovered {
		return false
	}
	return !open || p.Size == s.size && p.EntryPrice == s.entry && p.Margin == s.margin
}

// read records t's entries and returns its contributions, ok false when
// they do not fit the kernel.
func (s *traderSeen) read(t *trader) bool {
	*s = traderSeen{wallet: t.acct.Wallet, hole: t.hole, uncovered: t.uncovered}
	sum, size := newExactSum(), newExactSum()
	sum.add(t.acct.Wallet)
	sum.sub(t.hole)
	sum.sub(t.uncovered)
	if p, ok := t.position(); ok {
		s.open, s.size, s.entry, s.margin = true, p.Size, p.EntryPrice, p.Margin
		sum.add(p.Margin)
		sum.subProduct(p.Size, p.EntryPrice)
		size.add(p.Size)
	}
	s.value, s.sz = sum.n, size.n
	return sum.ok && size.ok
}

// traderSums returns Σ value (as total counts it) and Σ size of the
// traders, reading again only the traders whose entries changed since the
// last call; ok false when some entry does not fit the kernel (the caller
// sums with decimals; the next call reads everyone again).
func (v *Venue) traderSums() (value, size fixed.Num, ok bool) {
	c := &v.sums
	if !c.ok || len(c.seen) != len(v.traders) {
		c.seen = make([]traderSeen, len(v.traders))
		c.value, c.size, c.ok = fixed.Num{}, fixed.Num{}, true
		for i := range v.traders {
			if c.ok = c.seen[i].read(&v.traders[i]); !c.ok {
				return fixed.Num{}, fixed.Num{}, false
			}
			if c.value, c.ok = fixed.Add(c.value, c.seen[i].value); c.ok {
				c.size, c.ok = fixed.Add(c.size, c.seen[i].sz)
			}
			if !c.ok {
				return fixed.Num{}, fixed.Num{}, false
			}
		}
		return c.value, c.size, true
	}
	for i := range v.traders {
		s, t := &c.seen[i], &v.traders[i]
		if s.same(t) {
			continue
		}
		oldV, oldS := s.value, s.sz
		c.ok = s.read(t)
		if c.ok {
			c.value, c.ok = addDiff(c.value, s.value, oldV)
		}
		if c.ok {
			c.size, c.ok = addDiff(c.size, s.sz, oldS)
		}
		if !c.ok {
			return fixed.Num{}, fixed.Num{}, false
		}
	}
	return c.value, c.size, true
}

// addDiff returns sum + now − was, exactly.
func addDiff(sum, now, was fixed.Num) (fixed.Num, bool) {
	d, ok := fixed.Sub(now, was)
	if !ok {
		return fixed.Num{}, false
	}
	return fixed.Add(sum, d)
}
