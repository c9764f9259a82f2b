// Command cascade is a flash crash on a perpetual futures venue, told step
// by step: how a falling price becomes liquidations, and how the losses
// that liquidations cannot recover find their way to an insurance fund and
// beyond — without a cent appearing or vanishing on the way.
//
//	go run ./examples/cascade                          # −35% over 10 minutes, 1,000 accounts
//	go run ./examples/cascade -crash 0.6 -chart crash.png
//	go run ./examples/cascade -seed 7 -accounts 5000
//	go run ./examples/cascade -crash -0.3              # a squeeze instead: shorts fail
//	go run ./examples/cascade -metrics                 # the venue's state as Prometheus metrics
//	go run ./examples/cascade -listen 127.0.0.1:9108   # served on /metrics for 30 s
//
// -h lists the flags and their ranges. A flag out of range is refused
// before the run, with the reason and exit code 2: -seed is any integer
// but 0, -accounts 1 to 1,000,000 (the run's cost grows about linearly
// with the book: 100,000 accounts take under a minute), -crash a depth in
// [−0.9, 0.9] other than 0 with at most four decimal places. On a terminal a progress line shows the
// tick, the liquidations and the bad debt so far; piped, the program
// prints only the story, the same for the same flags.
//
// # The chart
//
// -chart FILE draws the run to FILE, as PNG or SVG by its extension (-svg
// FILE, the older flag, always writes SVG): three panels on one time axis —
// the mark, the insurance fund and the cumulative bad debt, in USD with
// thousands separators and gridlines — with the breaker's limit states and
// pauses shaded orange and the stretches in which the oracle was stale (a
// source refused as stale, or no fresh mark) hatched, and a caption with
// the seed, the crash depth and where the bad debt went. In the default run
// it shows the pattern the table explains: the bad debt arrives in one
// step just after the first pause, when liquidations resume at a price the
// pause hid.
//
// # Metrics
//
// -metrics runs the crash and prints, instead of the story, the venue's
// state as Prometheus metrics in the text exposition format: the feed's
// price and status and the quotes it refused, the breaker's state and
// pauses, the insurance fund's balance and draws, liquidations (through
// the book, to an auction, taken over), auctions open, taken and reset, shortfalls and bad
// debt (metrics.go; a Collector over values read from the packages after
// every tick). -listen ADDR serves the same at http://ADDR/metrics on a
// loopback address while the crash plays out, slowed down, then exits
// after -serve-for (30 s by default, at most 10 minutes). Nothing listens
// unless asked, and never beyond this machine.
//
// # The story
//
// A venue lists one perpetual, BTC-PERP, at 30,000. About 1,000 traders
// hold positions of mixed size and leverage (2× to 20×, capped by their
// tier), long and short, cross-margined and isolated; bigger positions sit
// in higher margin tiers.
// A market maker holds the other side of every position, so the sizes sum
// to zero. Three sources quote the price every ten seconds.
//
// Two calm minutes later the price falls 35% in ten minutes, then wins back
// 40% of the drop. Along the way one source prints a wick at 60% of the
// price and another stops updating. Every tick runs the whole risk stack,
// Venue.Step of the venue model in stress/perp (stress/perp/step.go; the
// program is the loop, the story, the table, the chart and the metrics
// around it, and the same model runs under the stress harness):
//
//  1. oracle — the feed drops the stale source and the outlier, requires two
//     agreeing sources, and holds the last good price when it cannot get
//     them. A price older than 30 seconds is never used: that tick nobody
//     is liquidated.
//  2. breaker — a Limit Up-Limit Down band of ±8% around the five-minute
//     average. A price beyond it puts the market in limit state; a limit
//     lasting 15 seconds pauses liquidations for two minutes, after which
//     the market reopens around the new price.
//  3. margin — every account is valued at the mark against the tiered
//     maintenance requirement. The margin-call protocol (margin.Calls,
//     the crypto venue's preset) warns an account whose margin ratio,
//     maintenance / equity, passes 70%, calls it over 80% and makes it
//     reduce-only over 100%; it holds only the accounts not ok. Those
//     below maintenance are handed to the engine.
//  4. liquidation — the engine ranks them worst first, sizes each (back to
//     2 × maintenance, never leaving less than $1,000 of debt), adds a 1%
//     penalty and fits the orders under the debt-under-auction caps and a
//     per-minute throttle. Each account is liquidated through the order
//     book first (liquidation.BookDesk, as Binance, Bybit and dYdX v4 do):
//     its position is taken down to a lower risk tier, or closed from the
//     lowest, by immediate-or-cancel orders limited at the bankruptcy
//     price, a 1% clearance fee to the insurance fund. The book is the
//     market maker, bidding 0.2% under the mark (offering 0.2% over it)
//     for up to 2,000,000 of notional a tick. What it cannot take goes to
//     a fallback: a long's contracts to a Dutch auction (MakerDAO's
//     Clipper: the price starts 1% below the oracle and falls 1% a tick),
//     a short's position to the market maker as backstop liquidity
//     provider, at its bankruptcy price.
//     Six keepers with finite cash act as arbitrageurs: a keeper takes only
//     when the auction price is at or below the mark less its required
//     discount (0.1%–0.8%), and at once sells what it bought to the market
//     maker at the mark. It never holds inventory, its profit is the
//     discount, and its cash bounds the size of one take.
//  5. backstop — when an auction ends and the account is left with a
//     negative balance, that bad debt walks the waterfall: the insurance
//     fund, then auto-deleveraging of the most profitable opposite
//     positions, then a haircut of every winner's unrealised profit.
//
// The run prints one line per minute and one line whenever the oracle, the
// breaker or the waterfall changes what it is doing, then a table: the
// funding settled (paid and received, zero-sum; by traders, market maker
// and keepers; the rate and premium ranges; Binance's mark, reported
// only), the liquidations, the collateral sold and what it raised, the penalties
// earned, the keepers' profit, the bad debt (by leverage, and its worst
// tick) and who paid it, and a conservation line.
//
// # The parameters, and where bad debt comes from
//
// The first margin tier is dYdX v4's BTC-USD: 5% initial margin (20×) and
// 3% maintenance; bigger positions need more (the table in venue.go has
// the shape of Binance's brackets). The liquidation penalty is 1% of the debt
// closed, under dYdX v4's 1.5% cap on its liquidation fee, and like
// Binance's clearance fee it is taken only from what the account has left:
// the auction recovers it last, and a penalty it does not recover is
// simply not earned. So an account caught at maintenance has a 3% cushion
// for a 1% penalty and a 1% auction discount: its auction recovers the
// debt. What the auctions cannot recover comes from gaps — ticks in which
// the mark moved while liquidations could not run (the breaker's pause, a
// stale oracle) and carried accounts past their bankruptcy price, whatever
// their leverage: the 20× accounts were mostly liquidated before the first
// pause. In the default crash (two breaker pauses and a stale oracle) the
// fund covers that bad debt, and the penalties earned on the other
// liquidations pay most of it back. With -crash 0.6 the gaps are deeper:
// the bad debt outruns the fund and walks on to auto-deleveraging.
// Bad debt is unrecovered debt only: the table shows the unearned
// penalties apart, and they are never socialised.
//
// # How value stays exact
//
// Every movement of value is a transfer between two ledger entries —
// traders, keepers, the market maker, the fee pool and the insurance fund
// — and nothing is ever rounded away: a trader's value at a mark m is
// wallet + isolated margin + size × (m − entry) − bad debt, a keeper's or
// the market maker's is cash + size × m − cost (a keeper's size is always
// zero between takes: it hedges at once). Because the sizes sum to
// zero, the total does not depend on the price at all, and a position
// changing hands at any price moves value from one entry to another. The
// run checks that total after the last tick (and after every tick in the
// tests) and prints it with every digit.
//
// # A perpetual in a Clipper auction
//
// A leveraged long of size s at entry e backed by cash b is, economically,
// s contracts of collateral against a debt of s × e − b. That maps straight
// onto a Clipper auction: the lot is contracts, the tab is the debt closed
// plus the penalty, a keeper pays the price per contract and takes the
// contracts; its payment goes to the account (which realises
// payment − lot × e). Contracts left when the tab is covered stay with the
// owner; a lot exhausted with tab left leaves the account short of cash,
// and once it is flat its negative balance is the bad debt: debt minus
// what the auction raised, never the penalty. The auction's penalty, the
// last part of the tab it recovers, goes to the insurance fund.
//
// Shorts cannot be sold in a Clipper (its collateral would be cash and
// its "price" contracts per dollar). They go through the order book like
// longs, and what the book cannot take is taken over by the market maker
// at the bankruptcy price; the table shows what that cost it at the mark.
//
// Auto-deleveraging happens after the auction, so the bankrupt position no
// longer exists. The deleveraging layer is given the size the defaulter
// lost, L, at the bankruptcy price that covers its hole H, mark + H / L:
// the chosen profitable shorts are closed at the mark against the market
// maker and charged their share of H, which is the same as closing them at
// that bankruptcy price.
//
// # Failover
//
// The whole venue can be snapshotted and restored (perp.Model.Snapshot,
// perp.RestoreModel). With Config.FailoverAt a standby takes over
// mid-crash: the venue's snapshot — the ledger, every package's state, the
// totals, the random generator's position — is written to JSON, read back
// and restored, and the run carries on from it. The tests check that the story and the table
// are exactly those of the run without a failover.
//
// # Determinism
//
// The clock is simulated (a ten-second tick), every random choice comes
// from one math/rand generator seeded by -seed, and nothing printed
// depends on map order, so the same flags print the same output on every
// machine.
package main
