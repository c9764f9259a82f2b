package perp

import "errors"

// Errors. Every error of the package wraps one of these once (a failed
// conservation check wraps stress.ErrNotConserved instead, as the
// harness asks of every model).
var (
	// ErrTick is a tick the venue cannot take: a price ≤ 0, a congestion
	// outside [0, 100], a time before the last tick's, a step after an
	// error.
	ErrTick = errors.New("perp: invalid tick")
	// ErrLedger is a movement the venue's ledger refuses: a close of more
	// than a position holds, a payer it does not know. It means a bug in
	// the wiring, never a market outcome.
	ErrLedger = errors.New("perp: ledger refused a movement")
	// ErrSnapshot is a ModelSnapshot RestoreModel refuses: a field out of
	// range, entries that contradict one another, a Config other than
	// the one it was taken with, a venue that does not balance.
	ErrSnapshot = errors.New("perp: invalid snapshot")
)
