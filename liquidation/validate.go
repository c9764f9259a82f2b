package liquidation

import (
	"fmt"
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// defaultScale is the number of decimal places used for prices, lots and
// rewards when a Settings scale is left at zero: 18, an ERC-20 "wad".
const defaultScale = 18

func scaleOr(s int32, name string) (int32, error) {
	return scaleUpTo(s, name, defaultScale)
}

// scaleUpTo returns s, or defaultScale for zero, checking 1 ≤ s ≤ most.
func scaleUpTo(s int32, name string, most int32) (int32, error) {
	if s == 0 {
		return defaultScale, nil
	}
	if s < 0 || s > most {
		return 0, fmt.Errorf("%w: %s %d outside 1..%d", ErrInvalidSettings, name, s, most)
	}
	return s, nil
}

func positive(err error, name string, d decimal.Decimal) error {
	if e := num.CheckPositive(d); e != nil {
		return fmt.Errorf("%w: %s: %w", err, name, e)
	}
	return nil
}

func nonNegative(err error, name string, d decimal.Decimal) error {
	if e := num.CheckNonNegative(d); e != nil {
		return fmt.Errorf("%w: %s: %w", err, name, e)
	}
	return nil
}

func onGrid(err error, name string, d decimal.Decimal, scale int32) error {
	if !d.Equal(d.Truncate(scale)) {
		return fmt.Errorf("%w: %s %s has more than %d places", err, name, d, scale)
	}
	return nil
}

// canon returns d with trailing zeros of its coefficient dropped (the same
// value, the shortest representation): 1e-18 written as 10 × 10^-19
// becomes 1 × 10^-18. Every host decimal is canonicalised when it is
// stored, so a product of two stored values has at most the sum of their
// places (a lot on a grid of 18 places times a price of 18 places stays
// within 36) whatever the host's spelling.
func canon(d decimal.Decimal) decimal.Decimal {
	if d.Exponent() >= 0 || d.IsZero() {
		if d.IsZero() {
			return decimal.Zero
		}
		return d
	}
	if n, ok := fixed.FromDecimal(d); ok { // the same in int64: no big-number division
		for n.E < 0 && n.M%10 == 0 {
			n.M, n.E = n.M/10, n.E+1
		}
		return dec(n)
	}
	c, exp := d.Coefficient(), d.Exponent()
	ten, q, r := big.NewInt(10), new(big.Int), new(big.Int)
	for exp < 0 {
		q.QuoRem(c, ten, r)
		if r.Sign() != 0 {
			break
		}
		c, q = q, c
		exp++
	}
	return decimal.NewFromBigInt(c, exp)
}

// clock rejects a now earlier than the latest seen.
type clock struct{ last time.Time }

func (c *clock) check(now time.Time) error {
	if now.Before(c.last) {
		return fmt.Errorf("%w: %s before %s", ErrTimeBackwards, now.Format(time.RFC3339Nano), c.last.Format(time.RFC3339Nano))
	}
	return nil
}

func (c *clock) advance(now time.Time) {
	if now.After(c.last) {
		c.last = now
	}
}

// checkWide bounds a computed amount handed back by a host (a Settlement, a
// Fill) before any arithmetic or printing: twice the range of a host
// input, so an exact product of two accepted values always passes and an
// absurd exponent never reaches big-number arithmetic.
func checkWide(d decimal.Decimal) error {
	exp := int64(d.Exponent())
	if exp < -2*num.MaxScale || exp > 2*num.MaxIntDigits ||
		(d.Sign() != 0 && int64(d.NumDigits())+exp > 2*num.MaxIntDigits) {
		return fmt.Errorf("%w: beyond %d places or %d integer digits", num.ErrOutOfRange, 2*num.MaxScale, 2*num.MaxIntDigits)
	}
	return nil
}
