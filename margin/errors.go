package margin

import "errors"

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
	// ErrAboveLastCap reports a notional above the last tier's cap. The
	// schedule fails closed: nothing is computed for such a position.
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
