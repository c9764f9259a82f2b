package num

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// Limits on decimals accepted from a host. A price of 1e-18 (one wei) and a
// supply of 1e30 base units both fit; 1e1000000 does not, because aligning
// it with an ordinary number would allocate a million-digit integer.
const (
	// MaxScale is the most decimal places a host value may carry.
	MaxScale = 36
	// MaxIntDigits is the most digits a host value may have before its
	// decimal point: every accepted value is below 10^36 in magnitude.
	MaxIntDigits = 36
)

// Reasons a host decimal is refused. Packages wrap them in their own
// sentinel errors, so the text carries no package prefix.
var (
	// ErrOutOfRange: the exponent or magnitude is beyond MaxScale or
	// MaxIntDigits.
	ErrOutOfRange = errors.New("decimal out of supported range")
	// ErrNotPositive: the value must be greater than zero.
	ErrNotPositive = errors.New("must be positive")
	// ErrNegative: the value must not be below zero.
	ErrNegative = errors.New("must not be negative")
)

// Check reports whether d is within the supported range: at most MaxScale
// decimal places, an exponent of at most MaxIntDigits, and a magnitude below
// 10^MaxIntDigits.
func Check(d decimal.Decimal) error {
	exp := d.Exponent()
	if exp < -MaxScale || exp > MaxIntDigits {
		return fmt.Errorf("%w: exponent %d", ErrOutOfRange, exp)
	}
	if d.Sign() != 0 && int64(d.NumDigits())+int64(exp) > MaxIntDigits {
		return fmt.Errorf("%w: more than %d integer digits", ErrOutOfRange, MaxIntDigits)
	}
	return nil
}

// CheckPositive reports whether d is in range and greater than zero.
func CheckPositive(d decimal.Decimal) error {
	if err := Check(d); err != nil {
		return err
	}
	if d.Sign() <= 0 {
		return fmt.Errorf("%w: %s", ErrNotPositive, d)
	}
	return nil
}

// CheckNonNegative reports whether d is in range and not below zero.
func CheckNonNegative(d decimal.Decimal) error {
	if err := Check(d); err != nil {
		return err
	}
	if d.Sign() < 0 {
		return fmt.Errorf("%w: %s", ErrNegative, d)
	}
	return nil
}

// CheckScale reports whether a scale a host passes (decimal places of a
// unit; negative: places to the left of the point) is within
// [−MaxIntDigits, MaxScale]. Anything beyond cannot describe an accepted
// value and would make rounding build huge powers of ten (a scale of 1e9
// once hung DivFloor), so it is refused before any arithmetic.
func CheckScale(scale int32) error {
	if scale > MaxScale || scale < -MaxIntDigits {
		return fmt.Errorf("%w: scale %d outside [%d, %d]", ErrOutOfRange, scale, -MaxIntDigits, MaxScale)
	}
	return nil
}
