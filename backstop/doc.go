// Package backstop decides who absorbs a loss that liquidation could not
// recover, in an order promised in advance, without a unit appearing or
// vanishing on the way.
//
// # Waterfall
//
// A [Waterfall] is an ordered list of [Layer] values. Covering a [Claim]
// draws each layer for min(what is left, its capacity) and returns an
// [Allocation]: one [Draw] per layer, in order, and the Residual no layer
// could absorb. Σ drawn + residual = loss exactly; layer k is drawn only when
// every layer before it is exhausted ([CheckAllocation] proves both).
//
// # Journal
//
// Every movement (from, to, amount, reason, time) can be recorded in a
// double-entry [Journal]; [Journal.Check] proves it balances.
package backstop
