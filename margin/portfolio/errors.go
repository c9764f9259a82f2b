package portfolio

import "errors"

// Sentinel errors. Every error returned by this package wraps exactly one
// of them with %w and a detail, so hosts can branch with errors.Is.
var (
	// ErrInvalidInput reports a bad argument: a zero or negative price, a
	// volatility outside [0, MaxVol], an expiry beyond MaxYears, a zero
	// size, an absurd decimal, an unknown right.
	ErrInvalidInput = errors.New("portfolio: invalid input")
	// ErrInvalidSettings reports Settings or a Grid that New refuses.
	ErrInvalidSettings = errors.New("portfolio: invalid settings")
	// ErrUnknownInstrument reports an instrument or underlying ID the
	// Engine was not built with.
	ErrUnknownInstrument = errors.New("portfolio: unknown instrument")
	// ErrMissingMark reports a book position whose underlying has no price
	// or whose option has no volatility in the Marks.
	ErrMissingMark = errors.New("portfolio: missing mark")
	// ErrRange reports a valuation by Black76 whose intermediate values
	// leave the range of the 16-place kernel. The Engine never returns it
	// for an option it margins: beyond the kernel's range it values the
	// option by its no-arbitrage bounds in the venue's favour (see
	// Arrays), so an account is never left unmarginable.
	ErrRange = errors.New("portfolio: value out of the pricer's range")
)
