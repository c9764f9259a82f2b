// Package failsafe is an embeddable library of fail-safe primitives for
// trading venues and DeFi protocols: the pieces that decide what happens when
// a price feed lies, a market crashes, an account goes underwater or a loss
// has to land somewhere.
//
// This root package holds no code; it is the tour. Import only the packages
// you need.
//
// # The packages
//
//   - [github.com/failsafe-fi/failsafe/oracle] aggregates price quotes from
//     several sources and refuses bad ones (stale, too few, outliers, out of
//     bounds), keeps a last good price, smooths (TWAP, EMA), delays a price so
//     a bad one can be stopped (MakerDAO OSM), and watches source health.
//   - [github.com/failsafe-fi/failsafe/breaker] holds threshold triggers,
//     market circuit breakers (Limit Up-Limit Down price bands, tiered
//     market-wide halts, a kill switch), a service circuit breaker over
//     sony/gobreaker and throttles over golang.org/x/time/rate.
//   - [github.com/failsafe-fi/failsafe/margin] computes initial and
//     maintenance requirements (tiered, isolated and cross, multi-collateral),
//     account health, liquidation and bankruptcy prices and pre-trade checks.
//   - [github.com/failsafe-fi/failsafe/liquidation] decides who is
//     liquidated and how much, under caps and throttles, and runs the auctions
//     that sell collateral: Dutch with price curves (MakerDAO Clipper),
//     English two-phase with a reserve, and sealed-bid batch.
//   - [github.com/failsafe-fi/failsafe/backstop] walks a loss down the
//     waterfall: insurance fund, backstop liquidity providers, default fund,
//     auto-deleveraging and socialised loss, journalling every unit.
//   - [github.com/failsafe-fi/failsafe/join] holds the adapters between
//     them that every venue would otherwise write: a perpetual-futures margin
//     account as the liquidation engine's accounts, an auction's or a fill's
//     bad debt as an idempotent waterfall claim, and the one conversion
//     between money scales. The five never import one another; join does.
//   - [github.com/failsafe-fi/failsafe/replay] is what a replicated host
//     wraps around any of them: a checkpoint that says which input it
//     reflects, a canonical digest replicas compare, and a cursor that
//     applies each input of the log exactly once.
//   - [github.com/failsafe-fi/failsafe/margin/portfolio] margins a book of
//     futures and European options by scenario grid (SPAN-, Deribit- and
//     TIMS-shaped presets), with Black-76 in deterministic decimal.
//   - [github.com/failsafe-fi/failsafe/stress] is the layer above the
//     five: it runs a venue model (stress/perp, stress/lending, or the
//     host's own) through thousands of seeded scenarios and reports how
//     often the fund runs dry and the percentiles of bad debt, with
//     confidence intervals; go run ./examples/stress asks it from the
//     command line.
//
// # How they compose
//
// A host wires the data flow
//
//	quotes → oracle → price → breaker → margin → liquidation → backstop → ledger
//
// The five packages never import one another. Each declares the small
// interface it consumes (a price lookup, an account view) and the host passes
// a method value or a three-line adapter. The programs under examples/ show
// every wiring; examples/cascade runs all five through a flash crash. Its
// venue's step, verbatim from stress/perp/step.go, is the whole data flow
// (the v.log calls print the narrative):
//
//	func (v *Venue) Step(now time.Time, quotes []oracle.Quote) error {
//		// 1. Oracle: drop stale and outlying quotes, demand a quorum, keep the
//		//    last good price. No fresh price, no liquidation.
//		update, err := v.feed.Update(now, quotes)
//		if err != nil {
//			return err
//		}
//		v.log.oracle(update)
//		mark, err := v.feed.Price(now)
//		if err != nil {
//			return v.log.noPrice(err)
//		}
//		// 2. Breaker: beyond the band the market is in limit; a limit that
//		//    lasts pauses it. Nothing liquidates while it is held.
//		decision, err := v.band.Observe(now, mark)
//		if v.log.breaker(decision); err != nil || !decision.Allowed() {
//			return err
//		}
//		// 3. Margin: the accounts below maintenance, as the engine sees them.
//		below, err := v.belowMaintenance(now, mark)
//		if err != nil {
//			return err
//		}
//		// 4. Liquidation: worst first, sized, fitted under caps and throttles;
//		//    Dutch auctions start and the keepers bid.
//		plan, err := v.engine.Plan(now, below)
//		if err != nil {
//			return err
//		}
//		if err := v.execute(now, mark, plan); err != nil {
//			return err
//		}
//		if err := v.keepersBid(now, mark); err != nil {
//			return err
//		}
//		// 5. Backstop: each shortfall walks the waterfall — insurance fund,
//		//    auto-deleveraging, socialised loss.
//		return v.coverHoles(now, mark)
//	}
//
// # The guarantees
//
//   - Deterministic: the same inputs give the same outputs on every machine.
//     Time is a parameter (every time-dependent call takes now), there is no
//     hidden randomness, no global mutable state and no map-order dependence,
//     so a blockchain host gets bit-identical results on every node.
//   - No goroutines, sleeps or I/O in the core. The only exceptions are
//     clearly named edges: fetching quotes from live sources in oracle, and
//     the gobreaker wrapper in breaker.
//   - Money is shopspring decimal, divided only at an explicit scale with a
//     named rounding direction, always in the venue's favour: requirements,
//     debts and fees round up; collateral values, payouts and proceeds round
//     down. Figures that are neither owed nor paid round neutrally and say
//     so: an aggregated oracle price rounds half-even, and Limit Up-Limit
//     Down band edges round to the nearest penny as the plan does.
//   - Concurrency is stated on every stateful type: oracle's and breaker's
//     are safe for concurrent use (one mutex each, no callback under it);
//     margin's Calculator holds no state; liquidation's and backstop's are
//     not, so the host serialises calls to them, as a ledger does anyway.
//   - Fail closed. Bad input (a zero price, a size of the wrong sign, an
//     empty, unknown or duplicate ID, a typed nil, an absurd exponent, scale
//     or count) is a clear error within milliseconds that changes no state,
//     never a panic or a hang; a number outside a table gets the safe answer
//     (a notional above the last tier cap is margined at the last rate and
//     liquidatable); an isolated loss beyond its margin is a shortfall, never
//     the wallet's; a claim ID is paid once.
//   - Events are returned by the call that caused them, never queued or
//     dropped, in one shape per package (time, kind, subject, from, to), and
//     log in one line through slog.LogValuer. Errors wrap their package's
//     sentinel once; now is the first argument of every call that takes it.
//   - Every stateful type snapshots to plain JSON and restores, so a standby
//     node resumes exactly where the primary stopped.
//   - Invariants are code: each package exports the checks that prove its
//     promises (conservation of value, solvency, legal state transitions);
//     the tests call them after every step and hosts may call them in
//     production.
package failsafe
