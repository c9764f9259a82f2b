package liquidation

import (
	"fmt"
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Curve is a falling-price schedule for a Dutch auction (MakerDAO's Abacus,
// dss abaci.sol): the price at elapsed time since the auction started (or
// was last reset) for a starting price top.
//
// Every curve in this package floors elapsed to whole seconds (Maker uses
// block timestamps in seconds), returns exactly top at elapsed ≤ 0, is
// non-increasing in elapsed and never negative. A host may supply its own
// Curve; the Dutch house relies on those three promises. A top outside
// the supported decimal range (more than 36 integer digits or places) is
// returned unchanged at every elapsed: pricing it would take minutes, and
// a price that does not fall sells nothing (the Dutch house never passes
// one).
type Curve interface {
	Price(top decimal.Decimal, elapsed time.Duration) decimal.Decimal
}

func wholeSeconds(elapsed time.Duration) uint64 {
	if elapsed <= 0 {
		return 0
	}
	return uint64(elapsed / time.Second)
}

func checkWholeSeconds(name string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("%w: %s must be > 0, got %s", ErrInvalidSettings, name, d)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("%w: %s must be whole seconds, got %s", ErrInvalidSettings, name, d)
	}
	return nil
}

func checkCut(cut decimal.Decimal) (*big.Int, error) {
	if err := num.CheckPositive(cut); err != nil {
		return nil, fmt.Errorf("%w: cut: %w", ErrInvalidSettings, err)
	}
	if cut.GreaterThan(decimal.NewFromInt(1)) {
		return nil, fmt.Errorf("%w: cut %s must be ≤ 1", ErrInvalidSettings, cut)
	}
	if !cut.Equal(cut.Truncate(rayPlaces)) {
		return nil, fmt.Errorf("%w: cut %s has more than %d places", ErrInvalidSettings, cut, rayPlaces)
	}
	return rayFromDecimal(cut), nil
}

// LinearDecrease is dss abaci.sol LinearDecrease: the price falls in a
// straight line from top to zero over Tau,
//
//	price(t) = top × ((tau − t) / tau)   for t < tau,   0 from tau on,
//
// with t in whole seconds. The factor (tau − t)/tau is rounded down to 27
// places and the product rounded down to 27 places, as Maker's
// `rmul(top, mul(tau - dur, RAY) / tau)`. Example (abaci.t.sol
// test_linear_decrease): top 1000, tau 3600 s → 900 at 360 s, 0 at 3600 s.
type LinearDecrease struct {
	tau  time.Duration
	taus decimal.Decimal
}

// NewLinearDecrease returns a linear curve reaching zero at tau, which must
// be a positive whole number of seconds.
func NewLinearDecrease(tau time.Duration) (*LinearDecrease, error) {
	if err := checkWholeSeconds("tau", tau); err != nil {
		return nil, err
	}
	return &LinearDecrease{tau: tau, taus: decimal.NewFromInt(int64(tau / time.Second))}, nil
}

// Price implements Curve. The zero value (tau 0, not built by
// NewLinearDecrease) is zero from the first second.
func (c *LinearDecrease) Price(top decimal.Decimal, elapsed time.Duration) decimal.Decimal {
	dur := wholeSeconds(elapsed)
	if c == nil || dur == 0 || num.Check(top) != nil { // a nil curve never falls
		return top
	}
	if elapsed >= c.tau {
		return decimal.Zero
	}
	left := c.taus.Sub(decimal.NewFromInt(int64(dur)))
	factor := num.DivFloor(left, c.taus, rayPlaces)
	return top.Mul(factor).RoundFloor(rayPlaces)
}

// StairstepExponentialDecrease is dss abaci.sol StairstepExponentialDecrease:
// the price drops by the factor Cut once every Step,
//
//	price(t) = top × cut^⌊t / step⌋,
//
// with cut^n computed by rpow at 27 places (half-up at each product) and the
// product with top rounded down to 27 places. Cut 0.99 is a 1% drop per
// step.
type StairstepExponentialDecrease struct {
	cut  decimal.Decimal
	pows *rayPowers
	step time.Duration
}

// NewStairstepExponentialDecrease validates 0 < cut ≤ 1 (at most 27 places)
// and step a positive whole number of seconds.
func NewStairstepExponentialDecrease(cut decimal.Decimal, step time.Duration) (*StairstepExponentialDecrease, error) {
	r, err := checkCut(cut)
	if err != nil {
		return nil, err
	}
	if err := checkWholeSeconds("step", step); err != nil {
		return nil, err
	}
	return &StairstepExponentialDecrease{cut: cut, pows: newRayPowers(r), step: step}, nil
}

// Price implements Curve.
// The zero value (not built by NewStairstepExponentialDecrease) never
// falls: it returns top.
func (c *StairstepExponentialDecrease) Price(top decimal.Decimal, elapsed time.Duration) decimal.Decimal {
	if c == nil || c.pows == nil { // a nil or zero curve never falls
		return top
	}
	steps := uint64(c.step / time.Second)
	if steps == 0 {
		return top
	}
	n := wholeSeconds(elapsed) / steps
	if n == 0 || num.Check(top) != nil {
		return top
	}
	return rmulFloor(top, c.pows.pow(n))
}

// ExponentialDecrease is dss abaci.sol ExponentialDecrease: the price falls
// by the factor Cut every second,
//
//	price(t) = top × cut^t,   t in whole seconds,
//
// with the same rounding as StairstepExponentialDecrease (rpow half-up at 27
// places, product rounded down to 27 places). Example (abaci.t.sol
// test_continuous_exp_decrease): cut 0.999230132966 halves the price about
// every 900 s.
type ExponentialDecrease struct {
	cut  decimal.Decimal
	pows *rayPowers
}

// NewExponentialDecrease validates 0 < cut ≤ 1 with at most 27 places.
func NewExponentialDecrease(cut decimal.Decimal) (*ExponentialDecrease, error) {
	r, err := checkCut(cut)
	if err != nil {
		return nil, err
	}
	return &ExponentialDecrease{cut: cut, pows: newRayPowers(r)}, nil
}

// Price implements Curve. The zero value (not built by
// NewExponentialDecrease) never falls: it returns top.
func (c *ExponentialDecrease) Price(top decimal.Decimal, elapsed time.Duration) decimal.Decimal {
	n := wholeSeconds(elapsed)
	if c == nil || n == 0 || c.pows == nil || num.Check(top) != nil { // a nil curve never falls
		return top
	}
	return rmulFloor(top, c.pows.pow(n))
}
