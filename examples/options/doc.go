// Command options margins a small BTC options book two ways, side by side:
// position by position (Deribit-style standard option margin, a flat rate
// for futures legs) and by portfolio (a Deribit-shaped scenario grid from
// margin/portfolio), for three strategies and for the whole book:
//
//   - a covered call: long 1 BTC future, short 1 call 10% out of the money;
//   - a short straddle: short the at-the-money call and put;
//   - a delta-hedged short: 5 short calls 5% out of the money, with a long
//     future for their delta, next to the same calls unhedged.
//
// For every line it prints the initial and maintenance requirement under
// each method and the scenario that drives the portfolio figure, so the
// hedge's effect is visible: the covered call's future offsets its call in
// every up move, and the hedge cuts the short calls' requirement. Below
// the table it explains the gap between a portfolio requirement and its
// worst scenario loss (Deribit's contingency, 600 USD per net short
// option) and why 5 naked short calls need more by portfolio than by the
// standard formula.
//
// Then one account holds the whole book, funded halfway between its
// portfolio maintenance and initial requirement, and goes through the
// margin package's world unchanged: a pre-trade check by the what-if
// requirement after the order refuses five more short calls and accepts
// a futures hedge that lowers the requirement although the account stays
// below initial margin (margin.Transition, the dYdX rule); BTC then falls
// to 93,000, the account is liquidatable, and liquidation.Engine plans it
// through join.OptionsAccount as one leg, the whole book, closed pro rata
// (join.OptionsCloses gives the trades), leaving it at the engine's 1.1
// target health.
//
//	go run ./examples/options
//
// Every number comes from margin/portfolio in decimal arithmetic; the
// program's test checks the relations between them (a hedge lowers the
// portfolio figure, the book never needs more than its parts, portfolio
// margin credits offsets that per-position margin cannot).
package main
