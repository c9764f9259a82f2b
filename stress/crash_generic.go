package stress

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// CrashSettings parametrise a generic crash: flat, a straight fall of
// Fall over Over, a straight recovery of Recover × the drop over
// RecoverOver, then flat for After — the shape of examples/cascade's
// path. The defaults are that example's: −35% over 10 minutes, 40% of it
// won back over 10 minutes, 2 minutes flat before and 6 after.
type CrashSettings struct {
	// Price is the price before the crash, in (0, 10^15]. Zero means 100.
	Price decimal.Decimal
	// Fall is the depth of the fall as a fraction of Price, in
	// (0, 0.9999], at most 4 places. Zero means 0.35.
	Fall decimal.Decimal
	// Recover is the share of the drop won back, in [0, 1], at most 4
	// places. Zero means 0.4; negative means none.
	Recover decimal.Decimal
	// Before is how long the price is flat before the fall. Zero means 2
	// minutes.
	Before time.Duration
	// Over is how long the fall lasts. Zero means 10 minutes.
	Over time.Duration
	// RecoverOver is how long the recovery lasts. Zero means 10 minutes.
	RecoverOver time.Duration
	// After is how long the price is flat after the recovery. Zero means
	// 6 minutes.
	After time.Duration
}

// CrashShape returns the generic crash of s as a Shape (name
// "crash(-35%, +40%)", step 10 seconds), to give to NewScripted.
func CrashShape(s CrashSettings) (Shape, error) {
	for _, d := range []decimal.Decimal{s.Price, s.Fall, s.Recover} {
		if err := num.Check(d); err != nil { // before a sign turns an absurd value into a default
			return Shape{}, fmt.Errorf("%w: crash: %s", ErrInvalidInput, err)
		}
	}
	if s.Price.IsZero() {
		s.Price = decimal.New(100, 0)
	}
	if s.Fall.IsZero() {
		s.Fall = decimal.New(35, -2)
	}
	switch {
	case s.Recover.IsZero():
		s.Recover = decimal.New(4, -1)
	case s.Recover.IsNegative():
		s.Recover = decimal.Zero
	}
	for _, d := range []*time.Duration{&s.Before, &s.Over, &s.RecoverOver, &s.After} {
		if *d == 0 {
			switch d {
			case &s.Before:
				*d = 2 * time.Minute
			case &s.After:
				*d = 6 * time.Minute
			default:
				*d = 10 * time.Minute
			}
		}
		if *d < 0 || *d > 365*24*time.Hour {
			return Shape{}, fmt.Errorf("%w: crash: duration %s outside (0, 1 year]", ErrInvalidInput, *d)
		}
	}
	if err := checkPrice(s.Price, MaxScale); err != nil {
		return Shape{}, fmt.Errorf("%w: crash: price: %s", ErrInvalidInput, err)
	}
	if err := checkParam("crash fall", s.Fall, 0, 1); err != nil {
		return Shape{}, err
	}
	if err := checkParam("crash recover", s.Recover, 0, 1); err != nil {
		return Shape{}, err
	}
	if !s.Fall.IsPositive() || s.Fall.GreaterThan(decimal.New(9999, -4)) || finer(s.Fall, 4) || finer(s.Recover, 4) {
		return Shape{}, fmt.Errorf("%w: crash: fall %s outside (0, 0.9999] or fall/recover finer than 4 places", ErrInvalidInput, s.Fall)
	}
	one := decimal.New(1, 0)
	low := s.Price.Mul(one.Sub(s.Fall))
	final := low.Add(s.Price.Sub(low).Mul(s.Recover))
	t1 := s.Before
	t2 := t1 + s.Over
	t3 := t2 + s.RecoverOver
	return Shape{
		Name: fmt.Sprintf("crash(-%s%%, +%s%%)", s.Fall.Shift(2), s.Recover.Shift(2)),
		Step: 10 * time.Second,
		Knots: []Knot{
			{0, s.Price}, {t1, s.Price}, {t2, low}, {t3, final}, {t3 + s.After, final},
		},
		Sources: []string{"the default crash of examples/cascade (its path.go; stress/perp once merged)"},
	}, nil
}
