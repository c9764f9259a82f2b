package backstop

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error the package returns wraps one of these with
// detail, so a host tests with errors.Is.
var (
	// ErrInvalidInput: a negative or malformed amount, price or size, an
	// empty ID, a decimal with an absurd exponent, an amount finer than the
	// money unit.
	ErrInvalidInput = errors.New("backstop: invalid input")
	// ErrInvalidSettings: a Settings value that New rejects.
	ErrInvalidSettings = errors.New("backstop: invalid settings")
	// ErrUnknownID: a fund, member, provider or account that does not exist.
	ErrUnknownID = errors.New("backstop: unknown id")
	// ErrDuplicateID: the same ID given twice where IDs must be unique
	// (layers of a waterfall, funds, members, providers, positions), or a
	// claim, default or takeover ID reused with different content.
	ErrDuplicateID = errors.New("backstop: duplicate id")
	// ErrBelowFloor: a draw that would take an insurance fund below its floor.
	ErrBelowFloor = errors.New("backstop: draw below the fund's floor")
	// ErrOverCapacity: a layer asked to absorb more than it said it could.
	ErrOverCapacity = errors.New("backstop: amount above the layer's capacity")
	// ErrLayerFailed: a host layer broke its contract (negative capacity,
	// an error or movements that do not sum to the amount it was asked to
	// absorb). Built-in layers drawn before it are put back; if a host
	// layer had been drawn before it, every earlier draw stays and the
	// error names them (see Waterfall.Cover).
	ErrLayerFailed = errors.New("backstop: layer failed")
	// ErrInvariant: a CheckInvariants or Check found a broken promise.
	ErrInvariant = errors.New("backstop: invariant violated")
	// ErrBadSnapshot: a snapshot that cannot be restored.
	ErrBadSnapshot = errors.New("backstop: bad snapshot")
)

// sentinels are every sentinel of the package, for wrap.
var sentinels = [...]error{ErrInvalidInput, ErrInvalidSettings, ErrUnknownID, ErrDuplicateID, ErrBelowFloor,
	ErrOverCapacity, ErrLayerFailed, ErrInvariant, ErrBadSnapshot}

// wrap returns an error that wraps sentinel once, says what it is about
// (format and args; may be empty) and carries err's detail. An error of
// this package is not wrapped again: its own sentinel prefix is dropped, so
// "backstop:" appears once in the chain (issue 11 item 4). Any other error
// (internal/num's reason, a host's) is wrapped with %w, so errors.Is still
// finds it.
func wrap(sentinel, err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if what != "" {
		what += ": "
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return fmt.Errorf("%w: %s%s", sentinel, what, strings.TrimPrefix(err.Error(), s.Error()+": "))
		}
	}
	return fmt.Errorf("%w: %s%w", sentinel, what, err)
}

// about puts a subject ("claim %q") after the package sentinel of err,
// keeping that sentinel, so the message still starts with "backstop:"
// (rather than 'claim "c3": backstop: …'). An error with no sentinel of
// this package is returned wrapped in fallback.
func about(fallback, err error, format string, args ...any) error {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return wrap(s, err, format, args...)
		}
	}
	return wrap(fallback, err, format, args...)
}
