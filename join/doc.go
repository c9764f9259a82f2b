// Package join holds the adapters between the library's packages that
// every venue would otherwise write for itself. The five packages never
// import one another; join sits above them (like stress) and is the one
// place where their types meet:
//
//   - [PerpAccounts]: a perpetual-futures margin account (margin) as the
//     liquidation engine's Account (liquidation): how the account's
//     positions become legs, longs and shorts, linear and inverse, cross
//     and isolated, and "must be reduced now" above a tier cap.
//   - [SettlementClaim] and [FillClaim]: the bad debt an auction left
//     (liquidation) or an isolated position lost beyond its margin
//     (margin) as the loss the waterfall covers (backstop), with an
//     idempotency key derived from the input (the house and auction
//     number, or the host's fill ID) so a replay cannot pay twice and two
//     losses never share a key.
//   - [OptionsAccount] and [OptionsCloses]: a portfolio-margined options
//     account (margin/portfolio) as the engine's account with one leg, the
//     whole book, so the planned lot is the fraction of every position to
//     close pro rata (the requirement scales with the book; closing legs
//     one by one would not restore it); [OptionsClosed]: the notional
//     the closes trade, which the ledger books (the sum of the parts, not
//     the order's Debt).
//   - [ToUnit]: the one explicit conversion between the packages' money
//     scales (liquidation works to 18 places by default, a waterfall to its
//     Unit), rounded in the stated direction.
//
// A host that imports join imports the three packages it joins; a host
// that wires its own adapters needs none of it.
package join
