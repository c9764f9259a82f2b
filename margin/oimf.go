package margin

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// OIScaling raises a market's initial margin rate with its open interest,
// as dYdX v4's liquidity tiers do (open-interest-scaled initial margin
// fraction, "OIMF"): below LowerCap the base rate applies, between the caps
// the rate rises linearly to 100%, at and above UpperCap it is 100% (1:1
// collateral). Source: dydxprotocol/v4-chain protocol/x/perpetuals/types
// liquidity_tier.go, GetAdjustedInitialMarginPpm:
//
//	scaling = (open notional − lower cap) / (upper cap − lower cap)
//	IMF     = min(base + max(scaling, 0) × (1 − base), 1)
//
// Maintenance is not scaled (dYdX scales only the initial fraction). The
// zero value (UpperCap zero) disables scaling, as dYdX's upper cap of 0
// does.
type OIScaling struct {
	// LowerCap is the open notional (open interest × oracle price, in the
	// settlement asset) at and below which the base rate applies. Default 0.
	LowerCap decimal.Decimal `json:"lower_cap"`
	// UpperCap is the open notional at and above which the rate is 100%.
	// Zero (the default) disables scaling; otherwise it must be ≥ LowerCap.
	UpperCap decimal.Decimal `json:"upper_cap"`
}

// Enabled reports whether scaling applies (UpperCap non-zero).
func (s OIScaling) Enabled() bool { return !s.UpperCap.IsZero() }

// Validate refuses negative or absurd caps and LowerCap > UpperCap
// (dYdX ErrOpenInterestLowerCapLargerThanUpperCap). Errors wrap
// ErrInvalidSettings.
func (s OIScaling) Validate() error {
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"lower cap", s.LowerCap}, {"upper cap", s.UpperCap}} {
		if err := num.CheckNonNegative(f.v); err != nil {
			return fmt.Errorf("%w: open-interest scaling %s: %w", ErrInvalidSettings, f.name, err)
		}
	}
	if s.Enabled() && s.LowerCap.Cmp(s.UpperCap) > 0 {
		return fmt.Errorf("%w: open-interest scaling lower cap %s above upper cap %s", ErrInvalidSettings, s.LowerCap, s.UpperCap)
	}
	return nil
}

// InitialRate returns the initial margin rate at an open notional, given
// the base rate in [0, 1], rounded UP at scale places (the venue's
// favour; dYdX truncates its ppm result, so at scale 6 this rate is at
// most one ppm above dYdX's). Errors (ErrInvalidInput): a base outside
// [0, 1], a negative open notional, absurd decimals, a scale outside
// num.CheckScale; invalid caps wrap ErrInvalidSettings.
func (s OIScaling) InitialRate(base, openNotional decimal.Decimal, scale int32) (decimal.Decimal, error) {
	if err := s.Validate(); err != nil {
		return decimal.Zero, err
	}
	if err := num.CheckScale(scale); err != nil {
		return decimal.Zero, fmt.Errorf("%w: scale: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(base); err != nil {
		return decimal.Zero, fmt.Errorf("%w: base initial rate: %w", ErrInvalidInput, err)
	}
	if base.Cmp(decOne) > 0 {
		return decimal.Zero, fmt.Errorf("%w: base initial rate %s above 1", ErrInvalidInput, base)
	}
	if err := num.CheckNonNegative(openNotional); err != nil {
		return decimal.Zero, fmt.Errorf("%w: open notional: %w", ErrInvalidInput, err)
	}
	switch {
	case !s.Enabled() || openNotional.Cmp(s.LowerCap) <= 0:
		return num.Round(base, scale, num.Ceil), nil
	case openNotional.Cmp(s.UpperCap) >= 0:
		return decOne, nil
	}
	// base + (1 − base)·(oi − lower)/(upper − lower), one rounding.
	n := decOne.Sub(base).Mul(openNotional.Sub(s.LowerCap))
	d := s.UpperCap.Sub(s.LowerCap)
	return num.Div(base.Mul(d).Add(n), d, scale, num.Ceil), nil
}

// ScaledInitial returns the initial requirement of a notional at an open
// notional: notional × InitialRate(base, openNotional) computed exactly
// (the rate unrounded) and rounded UP at scale, as dYdX's
// GetInitialMarginQuoteQuantums rounds the requirement up. Errors as
// InitialRate, and a negative notional (ErrInvalidInput).
func (s OIScaling) ScaledInitial(notional, base, openNotional decimal.Decimal, scale int32) (decimal.Decimal, error) {
	if err := num.CheckNonNegative(notional); err != nil {
		return decimal.Zero, fmt.Errorf("%w: notional: %w", ErrInvalidInput, err)
	}
	if _, err := s.InitialRate(base, openNotional, scale); err != nil { // validates everything
		return decimal.Zero, err
	}
	switch {
	case !s.Enabled() || openNotional.Cmp(s.LowerCap) <= 0:
		return num.Round(notional.Mul(base), scale, num.Ceil), nil
	case openNotional.Cmp(s.UpperCap) >= 0:
		return num.Round(notional, scale, num.Ceil), nil
	}
	d := s.UpperCap.Sub(s.LowerCap)
	rateNum := base.Mul(d).Add(decOne.Sub(base).Mul(openNotional.Sub(s.LowerCap)))
	return num.Div(notional.Mul(rateNum), d, scale, num.Ceil), nil
}
