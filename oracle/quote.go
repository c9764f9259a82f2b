package oracle

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Quote is one source's observation of a price.
//
// Confidence is optional: zero means "not reported" (no confidence
// interval). Weight is required by MethodWeightedMedian and ignored by the
// other methods (see Weight). Negative values are invalid.
type Quote struct {
	// Source identifies the reporter (an exchange, a Chainlink feed, a Pyth
	// price account, a validator). One source has one vote per aggregation.
	Source string `json:"source"`
	// Price is the observed price; it must be positive.
	Price decimal.Decimal `json:"price"`
	// Confidence is the ± half-width of the source's confidence interval,
	// in price units (Pyth's conf). Zero: not reported.
	Confidence decimal.Decimal `json:"confidence"`
	// Time is when the source observed the price (not when it was fetched).
	Time time.Time `json:"time"`
	// Weight is the source's voting power for the weighted median (the
	// Terra/Ojo x/oracle validator power). Under MethodWeightedMedian it
	// must be positive: a quote with Weight zero is rejected with
	// ReasonInvalid (a decimal field cannot tell "not given" from zero,
	// and a zero vote must not silently count as one). The other methods
	// ignore it; there, and in effectiveWeight, zero means 1.
	Weight decimal.Decimal `json:"weight"`
}

var one = decimal.NewFromInt(1)

// errZeroWeight is the detail of a zero Weight under MethodWeightedMedian.
const errZeroWeight = "weight: zero, and the weighted median needs a positive weight on every quote"

// effectiveWeight returns the quote's weight, 1 when it is zero. The
// weighted median does not use it (it rejects a zero Weight instead);
// Aggregate only compares it between a source's repeated quotes.
func (q Quote) effectiveWeight() decimal.Decimal {
	if q.Weight.IsZero() {
		return one
	}
	return q.Weight
}

// Validate reports whether the quote is well formed: non-empty source,
// positive price, non-negative confidence and weight, a non-zero time and no
// decimal with an absurd exponent. The error wraps ErrInvalidQuote.
func (q Quote) Validate() error {
	if err := q.problem(); err != nil {
		if q.Source == "" {
			return fmt.Errorf("%w: %w", ErrInvalidQuote, err)
		}
		return fmt.Errorf("%w: source %q: %w", ErrInvalidQuote, q.Source, err)
	}
	return nil
}

// problem is Validate's test, with an error that carries no sentinel (the
// Detail of a ReasonInvalid rejection).
func (q Quote) problem() error {
	if q.Source == "" {
		return errors.New("empty source")
	}
	if err := num.CheckPositive(q.Price); err != nil {
		return fmt.Errorf("price: %w", err)
	}
	if err := num.CheckNonNegative(q.Confidence); err != nil {
		return fmt.Errorf("confidence: %w", err)
	}
	if err := num.CheckNonNegative(q.Weight); err != nil {
		return fmt.Errorf("weight: %w", err)
	}
	if err := timeProblem(q.Time); err != nil {
		return err
	}
	return nil
}

// plainlyValid is a fast, allocation-free test that implies Validate
// passes: a named source, a positive price and non-negative confidence and
// weight, each with at most 18 digits and an exponent in range, and a time.
// When it is false the caller runs Validate for the verdict and message.
func (q Quote) plainlyValid() bool {
	return q.Source != "" && !q.Time.IsZero() && writable(q.Time) && plainDecimal(q.Price, true) &&
		plainDecimal(q.Confidence, false) && plainDecimal(q.Weight, false)
}

func plainDecimal(d decimal.Decimal, positive bool) bool {
	if d.Sign() == 0 {
		return !positive
	}
	e := d.Exponent()
	return d.Sign() > 0 && e >= -num.MaxScale && e <= 0 && d.NumDigits() <= 18
}
