package margin

import (
	"errors"
	"reflect"
	"strings"
)

// Sentinel errors. Every error returned by this package wraps one of these
// with %w and a detail, so hosts can branch with errors.Is.
var (
	// ErrInvalidInput reports a bad argument: a zero or negative price, a
	// zero size where a position is needed, an absurd decimal, a collateral
	// ratio outside (0, 1], a negative amount.
	ErrInvalidInput = errors.New("margin: invalid input")
	// ErrInvalidSettings reports a Settings or LendingSettings value that
	// New or NewLending refuses.
	ErrInvalidSettings = errors.New("margin: invalid settings")
	// ErrInvalidTiers reports a broken tier table: first floor not zero,
	// gaps, caps not strictly increasing, rates decreasing, or a given
	// maintenance amount (cum) that contradicts the recursion.
	ErrInvalidTiers = errors.New("margin: invalid tier table")
	// ErrAboveLastCap reports that Schedule.TierIndex found no tier for a
	// notional above the last cap. Requirements never fail with it: they
	// continue the last tier and flag the position (fail closed).
	ErrAboveLastCap = errors.New("margin: notional above the last tier cap")
	// ErrUnknownMarket reports a market ID the Calculator was not built with.
	ErrUnknownMarket = errors.New("margin: unknown market")
	// ErrUnknownAsset reports a lending asset without a reserve.
	ErrUnknownAsset = errors.New("margin: unknown asset")
	// ErrNoPosition reports a liquidation or bankruptcy price asked for a
	// market in which the account holds no position.
	ErrNoPosition = errors.New("margin: no position in market")
	// ErrPrice wraps an error returned by the host's PriceSource, or a
	// price it returned that is not a positive, sane decimal.
	ErrPrice = errors.New("margin: price unavailable")
	// ErrInvariant reports a broken invariant found by a Check function.
	ErrInvariant = errors.New("margin: invariant violated")
)

// rewrapped is an error of this package (err, wrapping one sentinel) placed
// under a second sentinel with a subject. Its text carries the "margin: "
// prefix once, and errors.Is matches outer, err and everything err wraps.
type rewrapped struct {
	msg   string
	outer error
	err   error
}

func (e *rewrapped) Error() string   { return e.msg }
func (e *rewrapped) Unwrap() []error { return []error{e.outer, e.err} }

// rewrap wraps err, an error of this package, in outer with a subject, so
// the text reads "margin: <outer>: <subject>: <err without its prefix>".
func rewrap(outer error, subject string, err error) error {
	inner := strings.TrimPrefix(err.Error(), "margin: ")
	msg := outer.Error()
	if subject != "" {
		msg += ": " + subject
	}
	return &rewrapped{msg: msg + ": " + inner, outer: outer, err: err}
}

// isNil reports a nil interface or an interface holding a nil pointer,
// map, func, slice, channel or interface (a "typed nil", which would panic
// or answer nothing on its first call).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Slice, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
