// Package oracle turns quotes from many sources into one price a venue can
// safely act on, and refuses to produce a price when it cannot.
//
// A venue that acts on a bad price hurts its users: in November 2020 DAI
// printed $1.30 on one exchange and Compound liquidated about $89M on it; in
// October 2022 Mango Markets lost about $114M to a manipulated thin-market
// price; in May 2022 a feed clamped at its minimum answer kept valuing LUNA
// far above its market. Each guard below answers one of these.
//
// Everything here is a pure function of its inputs or a state machine that
// takes the time as a parameter (now time.Time), except the clearly named
// I/O edge in collect.go. Prices are shopspring decimals; no float64 touches
// a price; every division has an explicit scale and rounding.
//
// # Quotes and aggregation
//
// A Quote is one source's price with its observation time and, optionally,
// a confidence interval (Pyth) and a weight (validator power). An
// Aggregator applies its guards at a given now and combines what survives:
//
//	agg, err := oracle.NewAggregator(oracle.AggregatorSettings{
//		MaxAge:       30 * time.Second,             // staleness
//		MinSources:   3,                            // quorum (Maker's bar)
//		MaxDeviation: decimal.RequireFromString("0.05"), // outliers vs the median
//	})
//	res, err := agg.Aggregate(now, quotes)
//
// The guards, each a matchable Reason on the rejected quote: ReasonInvalid,
// ReasonStale (older than now − MaxAge), ReasonFuture (beyond
// MaxFutureSkew), ReasonBounds (at or beyond Chainlink-style MinAnswer /
// MaxAnswer: a clamped answer is a failure), ReasonConfidence (Pyth conf /
// price above MaxConfidenceRatio), ReasonDuplicate (one source, one vote)
// and ReasonOutlier (further than MaxDeviation from the median of all
// remaining quotes). Too few quotes left is ErrNoQuorum and too wide a
// spread is ErrSpread: errors, never a price. The Result lists the quotes
// used and every rejection with its reason, even on error.
//
// Methods: MethodMedian (odd count: the middle; even: the exact mean of the
// middle two, rounded half-even to Scale), MethodWeightedMedian (the Terra
// x/oracle lower weighted median: a source with more than half the weight
// decides it; every quote must then carry a positive Weight, and one with
// Weight zero is ReasonInvalid, never silently a vote of 1) and
// MethodTrimmedMean. The pure functions Median,
// WeightedMedian and TrimmedMean are exported too.
//
// Every threshold is compared as its anchor compares it: a quote exactly
// MaxAge old, a confidence exactly at MaxConfidenceRatio, a move exactly at
// MaxJump or MaxDeviation and exactly MinSources quotes are accepted; a
// price exactly at MinAnswer or MaxAnswer is rejected (it may be stuck
// there). The tests put a case at each boundary and cite the anchor.
//
// # Feed: last good price, jump limit, fallback
//
// A Feed keeps the last good price with its time, status (StatusLive,
// StatusFallback, StatusStale, StatusHalted) and the tier that supplied it.
// Tiers are tried in order; a tier fails on quorum, spread, or a jump larger
// than MaxJump from a fresh last good price, and the next tier is tried.
// When every tier fails the last good price is kept and the feed is stale.
//
// Consumers read it with Price(now), which returns ErrStale once the last
// good price is older than MaxAge, so nobody uses a stale price by
// accident, and ErrOutOfOrder for a now before the feed's last update. Its
// method value fits any func(time.Time) (decimal.Decimal, error) lookup; it
// never allocates. Feeds maps market IDs to feeds, and its
// Price(now, market) method value fits a market-keyed lookup; a market
// without a feed is ErrUnknownMarket. A quote whose source is in no tier
// is reported as an EventUnknownSource, never silently dropped.
//
// # Smoothing and delay
//
// TWAP averages a step function of irregular updates over a sliding window
// (as Uniswap v3 weights each tick by the seconds it was current; this is
// the arithmetic mean, Uniswap v3's the geometric). With MinCoverage set it
// refuses, with ErrShortHistory, to average less history than that, as
// Uniswap v3's observe reverts "OLD". EMA is a
// continuous-time exponential average with a half-life; its decay factor
// 2^(−Δt/h) is computed in decimal to within 1e−30. Both provably stay
// within [min, max] of the prices they saw. Delayed is MakerDAO's Oracle
// Security Module: a poked price takes effect one hop later, so governance
// or a breaker can Stop or Void it first.
//
// # Manipulation resistance
//
// Prices that pass every static rule still failed venues: a thin pool's
// spot, a stale round after an L2 sequencer restart, a quote whose
// uncertainty was ignored. The pieces for these, each exact and each
// citing its anchor:
//
//   - CheckRound: a Chainlink round a consumer may use (updatedAt ≠ 0,
//     answeredInRound ≥ roundId, answer > 0, not stale); UpdateRule.Due:
//     when a push feed owes a round (deviation ≥ threshold, libocr
//     Deviates; heartbeat elapsed, libocr deltaC).
//   - Sequencer: the L2 sequencer-uptime gate of Aave's
//     PriceOracleSentinel; Check(now) refuses prices while the sequencer
//     is down (ErrSequencerDown) and until more than GracePeriod after it
//     came back (ErrGracePeriod). Stateful, with events and snapshots.
//   - ByzantineMedian: Chainlink OCR's median over more than 2F
//     observations from a committee with N > 3F; within the honest range
//     whatever F faulty nodes report.
//   - PythPrice.Decode and DecodePythJSON: Pyth's (price, conf, expo)
//     exactly; ConservativePrices: collateral at price − k·conf, debt at
//     price + k·conf, collateral ≤ price ≤ debt.
//   - ConsultTick and TickPrice: the geometric TWAP of Uniswap v3
//     (OracleLibrary.consult's mean tick, rounded toward −∞; 1.0001^tick
//     rounded exactly, no float); EstimateManipulationCost: what moving it
//     by x% over a window costs, under a stated constant-product model.
//   - TallyBallot: Terra/Ojo x/oracle's weighted median, standard
//     deviation and the voters inside the reward band.
//
// # Index, premium, funding and mark (issue 15)
//
// What a perpetual venue prices between its oracle and its margin engine,
// each rule cited to its anchor and reproduced with its published numbers:
//
//   - Index: Binance's Price Index, the volume-weighted average of spot
//     exchanges (Quote.Weight) after the Aggregator's guards; a source more
//     than 5% from the median gets weight zero, and if more than one
//     deviates the median is the index.
//   - ImpactPrice and ImpactNotional: the average fill price of the impact
//     notional (200 USDT × maximum leverage on Binance) walked through the
//     book levels the host passes; a side too thin for it is ErrThinBook.
//   - PremiumIndex and PremiumSettings.Sample: [max(0, impact bid − index)
//     − max(0, index − impact ask)] / index (Binance and dYdX v4).
//   - ComputeFunding and Funding: the interval's premium samples averaged
//     (Binance's weights 1..n, or dYdX's mean padded with zeros), then
//     F = P + clamp(I − P, ±0.05%) (Binance) or F = P + I (dYdX), capped
//     at ±Cap (BinanceFundingCap: 0.75 × maintenance margin ratio;
//     FundingCap: dYdX's 600% × (initial − maintenance margin)) and
//     rounded to 8 places (Binance) or a millionth toward zero (dYdX);
//     Paid scales a rate quoted per RatePeriod to the payment interval
//     exactly (dYdX's 8-hour rate paid hourly; the payment rounds). Presets: BinanceFunding,
//     DYDXFunding. Funding settles at most once per Interval and returns an
//     EventFunding; paying it to positions is the margin package's job.
//   - Mark: Binance's median of Price 1 (index plus the funding basis),
//     Price 2 (index plus the moving average of mid − index over a bounded
//     window) and the last price; or dYdX v4's oracle mark (MarkOracle).
//
// Premiums and funding rates are transfers between traders, so they round
// neutrally (half-even) unless a preset says otherwise; prices round
// half-even as everywhere in the package.
//
// # The I/O edge
//
// A Source fetches a quote under a context. A Collector wraps each source
// in its own sony/gobreaker v2 circuit breaker (opened after
// FailureThreshold consecutive failures) and a per-call timeout, calls all
// sources concurrently and returns quotes plus per-source errors in source
// order. It is the only code in the package with goroutines or wall-clock
// time; feed its quotes to Feed.Update with the host's now.
//
// # Bad input fails closed
//
// Every scale (at most 36 places), count (at most MaxQuotes) and decimal
// (num's range: 36 places, 36 integer digits) a host passes is bounded
// before any arithmetic, so a bad call is a clear error within
// milliseconds, never a hang, and a refused call changes no state. Times
// are stored in UTC without a monotonic reading, and a time before a
// stateful type's last accepted input is refused (ErrOutOfOrder) by every
// read and write, so a snapshot restores on any machine in any zone.
//
// # State, events and invariants
//
// Feed, TWAP, EMA, Delayed, Sequencer, Funding and Mark are safe for
// concurrent use (one mutex each, no callbacks); so are Aggregator
// (validated settings and pooled scratch space), Index and Collector. Each
// stateful type has Snapshot and a Restore function (RestoreFeed,
// RestoreTWAP, RestoreEMA, RestoreDelayed, RestoreSequencer,
// RestoreFunding, RestoreMark, each taking
// the Settings and the snapshot) that validates every field, so a standby
// resumes exactly where the primary stopped.
// Mutating calls return the Events they caused, nothing queued or dropped:
// one shape (Time, Kind, Subject, From, To, Reason, then structured Tier,
// Source, Price, Previous, Rate) that logs as one slog group
// (Event.LogValue) and prints on one line (Event.String, the Subject
// labelled "subject=").
// Every error wraps one sentinel once ("oracle: ..." appears once).
// CheckResult and each type's CheckInvariants (ErrInvariant) verify the
// package's promises; the tests call them after every step and hosts may
// call them in production.
package oracle
