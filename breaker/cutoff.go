package breaker

import (
	"github.com/shopspring/decimal"
)

// cutoff is a decimal threshold prepared for allocation-free comparison.
//
// shopspring's Decimal.Cmp allocates when the two exponents differ (it
// rescales one coefficient into a fresh big.Int). A cutoff keeps, for every
// exponent e in [cutoffMinExp, cutoffMaxExp], the threshold rounded down and
// up to a multiple of 10^e, both with exponent e. A value v with exponent e is
// then compared with same-exponent Cmp calls, which only compare big.Int
// words: v < d  ⇔ v < floor_e(d); and when d is not a multiple of 10^e,
// v > d ⇔ v > floor_e(d) (v is a multiple of 10^e). Values with exponents
// outside the cached range fall back to Decimal.Cmp (exact, may allocate).
type cutoff struct {
	d     decimal.Decimal
	floor [cutoffSpan]decimal.Decimal
	exact [cutoffSpan]bool
}

const (
	cutoffMinExp = -20
	cutoffMaxExp = 4
	cutoffSpan   = cutoffMaxExp - cutoffMinExp + 1
)

func newCutoff(d decimal.Decimal) *cutoff {
	c := &cutoff{d: d}
	for i := range cutoffSpan {
		e := int32(i + cutoffMinExp)
		f := d.RoundFloor(-e)
		c.floor[i] = f
		c.exact[i] = f.Equal(d)
	}
	return c
}

// cmp returns the sign of v - c.d, exactly.
func (c *cutoff) cmp(v decimal.Decimal) int {
	e := v.Exponent()
	if e < cutoffMinExp || e > cutoffMaxExp {
		return v.Cmp(c.d)
	}
	i := e - cutoffMinExp
	r := v.Cmp(c.floor[i])
	if r < 0 || c.exact[i] {
		return r
	}
	if r == 0 {
		return -1
	}
	return 1
}
