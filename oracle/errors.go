package oracle

import "errors"

// Sentinel errors. Every error the package returns wraps one of these, so a
// host matches with errors.Is and reads the detail from the message.
var (
	// ErrInvalidSettings reports a Settings struct that New rejects.
	ErrInvalidSettings = errors.New("oracle: invalid settings")
	// ErrInvalidQuote reports a malformed quote: empty source, price ≤ 0,
	// negative confidence or weight, zero time, or an absurd decimal.
	ErrInvalidQuote = errors.New("oracle: invalid quote")
	// ErrInvalidInput reports a bad argument to a stateful type (price ≤ 0,
	// zero time, absurd decimal).
	ErrInvalidInput = errors.New("oracle: invalid input")
	// ErrNoQuorum: fewer than MinSources usable quotes. Never a price
	// (MakerDAO Median's bar).
	ErrNoQuorum = errors.New("oracle: below quorum")
	// ErrSpread: the accepted quotes spread wider than MaxSpread allows.
	ErrSpread = errors.New("oracle: quotes too dispersed")
	// ErrJump: an aggregate moved further from the feed's last good price
	// than MaxJump allows; the last good price is kept.
	ErrJump = errors.New("oracle: price jump beyond limit")
	// ErrStale: the price is older than the freshness bound. Feed.Price
	// returns it (unwrapped, so the read does not allocate).
	ErrStale = errors.New("oracle: stale price")
	// ErrNoPrice: no price has been accepted yet (or it was voided).
	ErrNoPrice = errors.New("oracle: no price")
	// ErrHalted: the feed is halted by the host; no price is served.
	ErrHalted = errors.New("oracle: feed halted")
	// ErrShortHistory: a TWAP's observations cover less of its window than
	// TWAPSettings.MinCoverage requires (Uniswap v3's "OLD").
	ErrShortHistory = errors.New("oracle: history shorter than required")
	// ErrOutOfOrder: a now earlier than the last input the type accepted
	// (update, poke, halt, ...). Every stateful type refuses it, for writes
	// and for reads (Feed.Price, Delayed.Price, TWAP.Value, EMA.Value), and
	// the refusal changes nothing.
	ErrOutOfOrder = errors.New("oracle: time out of order")
	// ErrUnknownMarket: Feeds.Price for a market that has no feed.
	ErrUnknownMarket = errors.New("oracle: unknown market")
	// ErrStopped: the delayed price is stopped (OSM stop/void); poke refused.
	ErrStopped = errors.New("oracle: delayed price stopped")
	// ErrTooEarly: a delayed-price poke before a full hop has passed
	// (OSM "not-passed").
	ErrTooEarly = errors.New("oracle: hop not passed")
	// ErrInvalidSnapshot: a snapshot that fails validation on restore.
	ErrInvalidSnapshot = errors.New("oracle: invalid snapshot")
	// ErrInvariant: CheckResult or a CheckInvariants method found a broken
	// promise (a bug, or state changed behind the type's back).
	ErrInvariant = errors.New("oracle: invariant violated")
	// ErrSourceFailed: a Collector's source failed (its own error, a
	// timeout, a panic, or its breaker refused the call; see SourceError).
	ErrSourceFailed = errors.New("oracle: source failed")
)

// Sentinels of the manipulation-resistance guards (issue 16).
var (
	// ErrIncompleteRound: a Chainlink round with updatedAt 0 or
	// answeredInRound < roundId; never used as a price.
	ErrIncompleteRound = errors.New("oracle: incomplete round")
	// ErrSequencerDown: the L2 sequencer is down, or its status cannot be
	// read as up (fail closed).
	ErrSequencerDown = errors.New("oracle: sequencer down")
	// ErrGracePeriod: the sequencer is up again but its grace period has
	// not passed (Aave PriceOracleSentinel, Chainlink GracePeriodNotOver).
	ErrGracePeriod = errors.New("oracle: sequencer grace period not over")
)
