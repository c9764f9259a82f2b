package perp

import (
	"math/big"
	"time"

	"github.com/shopspring/decimal"
)

// mark returns the feed's price at now with its trailing zeros dropped
// (the same value, never rounded). The oracle rounds a mean (the median of
// an even number of quotes) to its Scale, 18 places by default, so the
// mean of two quotes of 24,736.39 and 24,736.40 comes back as
// 24736.395000000000000000: a 23-digit coefficient, which keeps every
// product of it out of the fixed-point kernel (margin.Prepared.Risk takes
// its decimal fallback; the ledger's sums rescale big integers). Trimmed,
// it is 24736.395, eight digits. The margin calculator reads its marks
// through here; Venue.Step, which the root README and doc.go quote
// verbatim, passes the feed's price as it is, and each stage it calls
// (belowMaintenance, execute, keepersBid, coverHoles) trims it first.
func (v *Venue) mark(now time.Time) (decimal.Decimal, error) {
	p, err := v.feed.Price(now)
	if err != nil {
		return p, err
	}
	return trimZeros(p), nil
}

// trimZeros returns d without the trailing zeros of its coefficient (at
// exponent ≤ 0), the same value at the coarsest exponent that holds it.
func trimZeros(d decimal.Decimal) decimal.Decimal {
	e := d.Exponent()
	if e >= 0 {
		return d
	}
	if d.IsZero() {
		return decimal.Zero
	}
	if d.NumDigits() <= 18 { // int64 coefficient: no big.Int
		m := d.CoefficientInt64()
		if m%10 != 0 {
			return d
		}
		for e < 0 && m%10 == 0 {
			m /= 10
			e++
		}
		return decimal.New(m, e)
	}
	c := d.Coefficient()
	var q, r big.Int
	ten := big.NewInt(10)
	for e < 0 {
		q.QuoRem(c, ten, &r)
		if r.Sign() != 0 {
			break
		}
		c.Set(&q)
		e++
	}
	return decimal.NewFromBigInt(c, e)
}
