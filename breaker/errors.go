package breaker

import "errors"

// Sentinel errors. Every error returned by this package wraps one of these
// with detail, so hosts can test with errors.Is.
var (
	// ErrInvalidSettings reports a Settings value that New rejects.
	ErrInvalidSettings = errors.New("breaker: invalid settings")
	// ErrInvalidInput reports a bad argument (non-positive price, absurd
	// decimal exponent, negative size...). State is unchanged.
	ErrInvalidInput = errors.New("breaker: invalid input")
	// ErrTimeWentBack reports an observation earlier than the previous one.
	// State is unchanged.
	ErrTimeWentBack = errors.New("breaker: observation before the previous one")
	// ErrInvalidSnapshot reports a snapshot that cannot be restored.
	ErrInvalidSnapshot = errors.New("breaker: invalid snapshot")
	// ErrIllegalTransition reports a state-machine transition that is not
	// allowed (see CheckTransition).
	ErrIllegalTransition = errors.New("breaker: illegal state transition")
	// ErrUnknownCause reports a Clear for a halt cause that is not active.
	ErrUnknownCause = errors.New("breaker: unknown halt cause")
	// ErrForcedOpen is returned by Service.Execute while an operator holds the
	// service breaker open.
	ErrForcedOpen = errors.New("breaker: service breaker forced open")
	// ErrOpen is returned by Service.Execute while the service breaker is
	// open (it wraps gobreaker.ErrOpenState).
	ErrOpen = errors.New("breaker: service breaker open")
	// ErrTooManyRequests is returned by Service.Execute when the half-open
	// breaker already admitted its probe requests (wraps
	// gobreaker.ErrTooManyRequests).
	ErrTooManyRequests = errors.New("breaker: too many requests while half-open")
	// ErrInvariant reports a violated invariant (see the CheckInvariants
	// methods).
	ErrInvariant = errors.New("breaker: invariant violated")
)

// ErrNotTrading is returned by Market.Trade when the market is paused,
// halted or awaiting its reopening price.
var ErrNotTrading = errors.New("breaker: market not trading")
