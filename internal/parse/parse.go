// Package parse parses the values of the stress models' -set and -sweep
// parameters (stress/perp, stress/lending, stress/options), so that every
// model refuses the same inputs with the same words: an integer, a
// decimal of at most 40 characters within internal/num's bounds, and the
// "0 means none" convention of fields whose zero is their default.
package parse

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Int sets *dst to the integer v.
func Int(dst *int, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not an integer", v)
	}
	*dst = n
	return nil
}

// IntNone sets an int whose zero means a default: "0" becomes −1, the
// field's documented "none".
func IntNone(dst *int, v string) error {
	if err := Int(dst, v); err != nil {
		return err
	}
	if *dst == 0 {
		*dst = -1
	}
	return nil
}

// Decimal sets *dst to the decimal v: at most 40 characters, and within
// num.Check's bounds, so no absurd exponent reaches a model.
func Decimal(dst *decimal.Decimal, v string) error {
	if len(v) > 40 {
		return fmt.Errorf("value of %d characters (at most 40)", len(v))
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		return fmt.Errorf("%q is not a number", v)
	}
	if err := num.Check(d); err != nil {
		return err
	}
	*dst = d
	return nil
}

// DecimalNone sets a decimal whose zero means a default: "0" becomes −1,
// the field's documented "none".
func DecimalNone(dst *decimal.Decimal, v string) error {
	var d decimal.Decimal
	if err := Decimal(&d, v); err != nil {
		return err
	}
	if d.IsZero() {
		d = decimal.New(-1, 0)
	}
	*dst = d
	return nil
}
