package backstop

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// defaultUnit is the money unit used when a Settings leaves Unit zero:
// 0.00000001 (one satoshi, eight decimal places).
var defaultUnit = decimal.New(1, -8)

// unitScale validates a money or size unit (a positive power of ten such as
// 0.01 or 1) and returns its number of decimal places. Zero means def.
func unitScale(unit, def decimal.Decimal, what string) (int32, error) {
	if unit.IsZero() {
		unit = def
	}
	if err := num.CheckPositive(unit); err != nil {
		return 0, wrap(ErrInvalidSettings, err, "%s", what)
	}
	// A power of ten has a coefficient that is itself a power of ten.
	c := unit.Coefficient()
	s := c.String()
	if s[0] != '1' {
		return 0, fmt.Errorf("%w: %s %s is not a power of ten", ErrInvalidSettings, what, unit)
	}
	for _, ch := range s[1:] {
		if ch != '0' {
			return 0, fmt.Errorf("%w: %s %s is not a power of ten", ErrInvalidSettings, what, unit)
		}
	}
	return -unit.Exponent() - int32(len(s)-1), nil
}

// defaultSizeUnit is the lot used when a SizeUnit is left zero: 0.00000001.
var defaultSizeUnit = decimal.New(1, -8)

// unitScales validates a money unit and a size unit (lot), zero meaning
// defaultUnit and 0.00000001, and returns their decimal places.
func unitScales(unit, sizeUnit decimal.Decimal) (scale, sizeScale int32, err error) {
	if scale, err = unitScale(unit, defaultUnit, "unit"); err != nil {
		return 0, 0, err
	}
	if sizeScale, err = unitScale(sizeUnit, defaultSizeUnit, "size unit"); err != nil {
		return 0, 0, err
	}
	return scale, sizeScale, nil
}

// checkAmount rejects an amount that is negative, absurd, or has more
// decimal places than the unit allows.
func checkAmount(d decimal.Decimal, scale int32, what string) error {
	if err := num.CheckNonNegative(d); err != nil {
		return wrap(ErrInvalidInput, err, "%s", what)
	}
	if d.Exponent() < -scale && !d.Equal(d.Truncate(scale)) {
		return fmt.Errorf("%w: %s %s has more than %d decimal places", ErrInvalidInput, what, d, scale)
	}
	return nil
}

// checkPositive is checkAmount that also rejects zero.
func checkPositive(d decimal.Decimal, scale int32, what string) error {
	if err := checkAmount(d, scale, what); err != nil {
		return err
	}
	if d.Sign() == 0 {
		return fmt.Errorf("%w: %s must be positive", ErrInvalidInput, what)
	}
	return nil
}

// floorUnit rounds d ≥ 0 down to a whole number of units of 10^-scale,
// without allocating when it already is one.
func floorUnit(d decimal.Decimal, scale int32) decimal.Decimal {
	if d.Exponent() >= -scale {
		return d
	}
	return d.RoundFloor(scale)
}

// checkAbsorb refuses what a built-in layer's Absorb, called directly by a
// host, would otherwise record wrongly: a zero time, or an empty loss
// account (its movements would go nowhere while the layer's state moved).
func checkAbsorb(now time.Time, to string) error {
	if badID(to) {
		return fmt.Errorf("%w: empty or non-UTF-8 loss account", ErrInvalidInput)
	}
	return checkNow(now)
}

// badID reports whether an ID or account name is unusable: empty, or not
// valid UTF-8. JSON replaces invalid bytes with U+FFFD, so two distinct
// non-UTF-8 IDs would become one after a snapshot round trip (found by
// FuzzDefaultFundCover: default IDs "\x8c" and "\xff" restored as one).
func badID(s string) bool { return s == "" || !utf8.ValidString(s) }
