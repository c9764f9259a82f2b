package liquidation

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error the package returns wraps one of these with
// %w and a detail, so hosts branch with errors.Is.
var (
	// ErrInvalidSettings reports a Settings value that New or Restore rejects.
	ErrInvalidSettings = errors.New("liquidation: invalid settings")
	// ErrInvalidInput reports a bad argument: a non-positive tab, lot or
	// price, a decimal with an absurd exponent, an empty owner.
	ErrInvalidInput = errors.New("liquidation: invalid input")
	// ErrUnknownAuction reports an auction ID that is not running (never
	// kicked, already settled or yanked).
	ErrUnknownAuction = errors.New("liquidation: unknown auction")
	// ErrTimeBackwards reports a now earlier than the latest time the object
	// has already seen.
	ErrTimeBackwards = errors.New("liquidation: time went backwards")
	// ErrStopped reports an operation disabled by the stop switch
	// (Maker Clipper `stopped`).
	ErrStopped = errors.New("liquidation: stopped")
	// ErrBidTooLow reports an English or batch bid that does not beat the
	// current bid by the minimum increment, or is below the reserve.
	ErrBidTooLow = errors.New("liquidation: bid too low")
	// ErrAuctionEnded reports a bid on an English or batch auction after its
	// end or close.
	ErrAuctionEnded = errors.New("liquidation: auction ended")
	// ErrAuctionNotEnded reports a settle or restart before the end.
	ErrAuctionNotEnded = errors.New("liquidation: auction not ended")
	// ErrInvalidSnapshot reports a malformed or inconsistent snapshot.
	ErrInvalidSnapshot = errors.New("liquidation: invalid snapshot")
	// ErrCapExceeded reports a Commit whose plan no longer fits the caps or
	// throttles (state changed since Plan).
	ErrCapExceeded = errors.New("liquidation: cap exceeded")
	// ErrInvariant reports a broken invariant found by a Check function.
	ErrInvariant = errors.New("liquidation: invariant violated")
	// ErrKeyReused reports an idempotency key already used for a different
	// input (another operation, or other parameters): the call is refused
	// and nothing changes.
	ErrKeyReused = errors.New("liquidation: idempotency key reused with a different input")
)

// sentinels lists every sentinel, for restate.
var sentinels = []error{ErrInvalidSettings, ErrInvalidInput, ErrUnknownAuction, ErrTimeBackwards, ErrStopped,
	ErrBidTooLow, ErrAuctionEnded, ErrAuctionNotEnded, ErrInvalidSnapshot, ErrCapExceeded, ErrInvariant, ErrKeyReused}

// restate returns err, an error of this package, under sentinel instead:
// the inner sentinel's text is dropped, so the "liquidation: " prefix
// appears once and errors.Is matches sentinel only (issue 11: an error
// wraps its package sentinel exactly once).
func restate(sentinel, err error) error {
	msg := err.Error()
	for _, s := range sentinels {
		if errors.Is(err, s) {
			msg = strings.Replace(msg, s.Error()+": ", "", 1)
			break
		}
	}
	return fmt.Errorf("%w: %s", sentinel, msg)
}
