// Package perp is the perpetual futures venue of examples/cascade as a
// reusable stress model: the five failsafe packages wired around one
// ledger, driven one tick at a time by a scenario.
//
// # The venue
//
// One market, BTC-PERP. A seeded book of traders (long and short, 2× to
// 20× capped by a tiered margin table, cross and isolated) against a house
// market maker that holds the other side of every position, keepers with
// finite cash, a fee pool and an insurance fund. Every tick runs the whole
// risk stack, [Venue.Step]:
//
//  1. oracle — three sources (cex-a, cex-b, dex-c), stale quotes and
//     outliers dropped, two must agree, the last good price held;
//  2. breaker — a ±8% Limit Up-Limit Down band; a lasting limit pauses
//     liquidations for two minutes;
//  3. margin — every account valued against the tiered maintenance; the
//     margin-call protocol (margin.Calls) warns and calls the accounts
//     whose margin ratio passes 70% and 80%;
//  4. liquidation — worst first, sized, fitted under caps and a throttle,
//     then through the order book (liquidation.BookDesk: tier steps, IOC
//     orders at the bankruptcy price, a clearance fee to the fund) against
//     the market maker; what the book cannot take of a long is sold in a
//     Dutch auction (MakerDAO's Clipper) to keepers who take only at a
//     discount to the mark and hedge at once, of a short taken over by the
//     market maker at the bankruptcy price;
//  5. backstop — each shortfall walks the waterfall: insurance fund,
//     auto-deleveraging of the most profitable opposite positions, a
//     haircut of winners' profits.
//
// After each tick (Model.Step), funding: the premium of the market maker's
// end-of-tick book against the index is sampled into an oracle.Funding
// (dYdX v4's preset) and settled every Config.FundingMinutes (default 15)
// between every position with margin.FundingPayments and
// margin.ApplyFunding, zero-sum to the unit; Binance's mark (oracle.Mark)
// is computed and reported, and drives nothing (see funding.go).
//
// The venue only moves value between ledger entries; [Model.Check] proves
// after any tick that the total is the opening's to the smallest unit.
//
// # Under the harness
//
// [New] returns a [Model] (a stress.Model) for a [Config] and a seed;
// [Factory] wraps it for the runner. The first tick opens the venue: its
// quotes price the feed and the book is seeded around its price. A tick's
// Congestion is the share of keeper actions (auction resets and takes)
// that do not land. [Model.Outcome] gives the harness's measures: bad debt
// (Σ shortfalls sent to the waterfall), liquidations and the debt they
// took over, the fund at the opening, now and at its lowest, whether it
// was exhausted, the loss socialised (deleveraging and haircuts) and the
// loss left uncovered.
//
// Config's zero value is examples/cascade's venue; [Config.Set] sets a
// parameter by name for sweeps (see [Parameters]): accounts, maintenance,
// leverage, fund, penalty, auction-step, auction-start, keepers,
// keeper-capital, keeper-online, funding-minutes, and the default crash's crash, recovery,
// crash-minutes, noise-bp, settle-ticks.
//
// # The default crash
//
// [DefaultCrash] is the scenario the venue was built with, as a
// stress.Generator: from 30,000, a linear fall of 35% over ten minutes, a
// recovery of 40% of the drop, a wick on cex-b and dex-c stale (a scripted
// shape, not the reconstruction of a real event), 168 ticks of ten
// seconds. [NewWithCrash] draws the venue and its crash from one generator
// in the cascade's order, so examples/cascade prints what it always has.
//
// # Reading the venue
//
// [Model.Venue] gives a host the venue between ticks: [Venue.Totals] (cheap,
// every tick), [Venue.Interval] (activity since the last call: a
// narrator's minute), [Venue.Report] (the final table; it scans the book),
// [Venue.Observe] (events as they happen inside a Step: oracle refusals,
// feed and breaker transitions, a waterfall layer reached),
// [Venue.Failover] (the whole venue through its JSON snapshot to a
// standby that must carry on identically).
//
// # Checkpoint and replay
//
// [Model.Snapshot] returns the model's whole state between ticks as a
// [ModelSnapshot]: the ledger (traders, keepers, market maker, fee pool,
// queued losses), every package's own snapshot (feed, breaker, engine,
// auctions, fund, journal, allocations), the running totals, the tick
// count and the position of the random number generator (math/rand's
// seeded source, counted: its seed and the number of draws). It is plain
// JSON and canonical, so [Model.Digest] (replay.Of of it) lets replicas
// compare state after every tick. [RestoreModel] validates a snapshot and
// rebuilds the model exactly: restored after tick k and fed ticks k+1…,
// it has the digest after every tick and the Outcome of the run that was
// never interrupted (TestReplayEndToEnd). The input log and the sequence
// number are the host's (replay.Checkpoint, replay.Cursor).
//
// A Model and its Venue are not safe for concurrent use; the harness gives
// each scenario its own.
package perp
