// Package breaker stops a venue from doing harm automatically: threshold
// triggers for any metric, market circuit breakers (a Limit Up-Limit Down
// price band with limit state and trading pause, NYSE-style market-wide
// tiered halts, a kill switch) composed in one market state machine, a
// service circuit breaker over sony/gobreaker, and throttles over
// golang.org/x/time/rate.
//
// Everything is a deterministic state machine: time is a parameter (now
// time.Time), money is shopspring decimal, nothing starts a goroutine, and
// every stateful type can be snapshotted and restored. The one exception is
// Service, whose gobreaker core reads the wall clock.
//
// # Triggers
//
// A LevelTrigger trips when a metric crosses a trip level and resets when it
// comes back past a separate reset level (hysteresis), after N consecutive
// breaches and a minimum time tripped. A ChangeTrigger trips on a relative
// move over a rolling window ("down 10% in 5 minutes"). A Composite combines
// conditions with AnyOf or AllOf. Each observation returns a Result with a
// Signal (Normal, Tripped, Reset) and a Reason. An AnomalyTrigger learns its
// own baseline (an EWMA mean and variance, drift-capped after warm-up) and
// trips on a z-score; it composes with the others.
//
// # Adaptive bands and outflow limits
//
// MarketSettings.Volatility makes a Market's band width follow an EWMA of
// its own volatility within a floor and a cap (CME dynamic circuit breakers
// and Eurex dynamic price ranges are the anchors). An OutflowLimiter is the
// ERC-7265 rate limit: net outflow over a window against a retained share
// of the liquidity baseline.
//
// # Market breaker
//
// A Market holds a price band around a reference price (BandSettings: the
// LULD plan's parameters by default) and answers Check(now, price) with a
// Decision: Allow, Reject (outside the band) or HaltedAction until a time.
// Quoting at the band enters a Limit state; a limit state lasting 15 seconds
// becomes a 5-minute trading pause; the market then reopens and
// re-references at the reopening price. Observe(now, price) also records the
// price as a trade, so the reference follows the 5-minute mean (moving only
// when the mean moved 1% or more, and never during a limit state: the band
// holds, then is recalculated from the mean as soon as the market exits).
//
//	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "BTC-USD", Reference: ref})
//	d, err := m.Observe(now, price)
//	if err == nil && d.Allowed() { /* trade or liquidate */ }
//
// Halts from several causes compose: the market's own pause, manual halts
// (Market.Halt / Market.Clear) and shared HaltSources such as a MarketWide
// breaker or a KillSwitch. The market stays halted until every cause has
// cleared, then waits in Reopening for its next price.
//
// # Market-wide halts and kill switch
//
// MarketWide implements the NYSE market-wide circuit breaker (7%, 13%, 20%
// declines from the prior close; 15-minute halts for levels 1 and 2, once
// each per session and up to and including 3:25 pm; level 3 for the rest of
// the session) and a 24/7 crypto preset with a rolling reference. KillSwitch
// halts one market or the whole venue by hand, recording reason and actor.
//
// # Service breaker and throttles
//
// Service wraps gobreaker with this package's states and counts, operator
// force-open/force-closed, and returns the state changes gobreaker reports
// from the call that caused them (Execute returns value, events, error).
// CountLimiter and NotionalLimiter cap how fast automated actions fire
// using rate.Limiter's explicit-time methods, so a replay on one machine is
// deterministic. rate.Limiter counts tokens in float64, which another
// architecture may round differently (a fused multiply-add); a host that
// replicates a throttle's state across machines (a blockchain, a Raft
// group) sets Exact, which keeps the same limit in int64
// token-nanoseconds — decisions and snapshots bit-identical everywhere.
// TokensAt is a float64 for display in both forms: never replicate it.
//
// # Replay
//
// Every stateful type's state after Snapshot at input k, restored, plus
// inputs k+1… equals its state after the uninterrupted run, with the same
// results, events and errors (DESIGN.md rule 11; a rapid property per
// type in replay_*_test.go, refusals included). Times are kept and
// reported in UTC without a monotonic reading, whatever zone the host
// passes. Two things are not replicable: a Service's gobreaker state,
// counts and event times (wall clock; only its forced state is), and the
// default, float64 form of the throttles (use Exact).
//
// # Rounding
//
// Band edges follow the LULD plan: the reference is rounded half-even to the
// price increment, each edge to the nearest increment (ties away from zero,
// LULD Plan Appendix A: "rounded to the nearest penny"), and the lower edge is
// at least one increment (ComputeBand); a reference below one increment is
// refused. CryptoBands makes the increment follow the price's own precision
// (5 significant figures, Hyperliquid's tick rule). NotionalLimiter converts notionals
// to whole units rounding up and its limits rounding down, so the
// configured notional rate is never exceeded.
//
// # Events, snapshots, invariants, concurrency
//
// Every call returns the state changes it caused as Events (Decision.Events,
// Result.Events, WideStatus.Events, or a []Event return value) and none is
// ever dropped. The one exception to "returned by the call that caused it"
// is Service: a state change gobreaker notices between calls (an open
// timeout running out) is held and returned by the next call, whichever
// caller makes it. An Event logs as one slog group
// (LogValue). Every stateful type offers Snapshot and a Restore function (RestoreMarket,
// RestoreLevel, RestoreChange, RestoreComposite, RestoreMarketWide,
// RestoreKillSwitch, RestoreService, RestoreCountLimiter,
// RestoreNotionalLimiter) that validates every field, and exports
// CheckInvariants. Every stateful type is safe for concurrent use (one
// mutex each); Service never calls host code while holding a lock, except
// req itself, which gobreaker runs.
package breaker
