// Package options is a reference options venue for the stress harness: a
// stress.Model whose accounts hold portfolio-margined books of European
// options and futures on one underlying, so that the harness — the same
// Run, Sweep, shards and report as for stress/perp and stress/lending —
// works unchanged on an options book (issue 17, item 5).
//
// # The venue
//
// BTC, struck around OpenPrice (100,000): calls and puts at 80% to 120%
// of it expiring 7 and 30 days after Epoch, and a linear future (90
// days), every contract one BTC, money in USD cents. New draws Accounts
// books from the scenario's seed: with probability ShortShare a short
// book (short straddle, short strangle, delta-hedged short call, naked
// short put), else a covered call or a long straddle, of 0.5 to 5
// contracts; each opens against the market maker at Black-76 prices at
// Vol and deposits what brings its equity to between its initial
// requirement and (1 + Headroom) × it. The books are margined by
// margin/portfolio under a preset: Deribit (DeribitPM, the settings of
// examples/options) or SPAN (SPAN16). The market maker is every trade's
// counterparty; it is not margined. An insurance fund
// (backstop.InsuranceFund) takes the penalties and pays bad debt.
//
// # A tick
//
// The venue's clock is Epoch plus the time since the scenario's first
// tick (at most MaxHorizon). Every option is valued at the tick's price
// and one implied volatility, Vol × (1 + VolBeta × the fall below
// OpenPrice) — a stated rule, not a model of the smile. Futures settle
// variation margin; every account is valued (each distinct book once,
// through Arrays.Requirement and Arrays.Equity; equity = wallet + book
// value) and margin's predicate picks the liquidatable ones, which
// join.OptionsAccount hands to liquidation.Engine (close factor 1,
// target health 1.1, Penalty on the gross notional). Each order closes
// its Lot of every position (join.OptionsCloses) against the market
// maker at model prices, rounded in the market maker's favour, and is
// booked as what it traded (join.OptionsClosed); an order
// that closes the whole book leaves the wallet as the account's equity,
// and a negative one is bad debt: the fund pays it down to zero, the rest
// is Uncovered.
//
// # Conservation
//
// Check proves, to the cent, after every tick: the wallets (accounts'
// and market maker's) plus the fund equal the deposits plus the fund's
// seed (value only moves between ledger entries); every instrument's
// sizes sum to zero; the fund is its seed plus penalties less draws, and
// its own ledger checks; Uncovered is exactly the closed accounts'
// negative wallets.
//
// # Outcome
//
// BadDebt is the closed accounts' negative equity before the fund;
// Liquidations the plan orders executed; Liquidated the gross notional
// they closed; FundStart, FundEnd, FundMin and FundExhausted the fund's;
// Uncovered what it could not pay; Socialised is always zero.
//
//	go run ./examples/stress -model options -scenarios 1000
//	go run ./examples/stress -model options -sweep preset=deribit,span -sweep headroom=0,0.25,0.5
//
// A Model is used by one goroutine; the portfolio engines (one per
// preset) are shared, immutable.
package options
