package liquidation

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

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
