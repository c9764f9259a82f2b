// Package backstop decides who absorbs a loss that liquidation could not
// recover, in an order promised in advance, without a unit appearing or
// vanishing on the way.
//
// # Waterfall
//
// A [Waterfall] is an ordered list of [Layer] values, each answering three
// questions: its ID, how much it can absorb now (Capacity), and absorbing an
// amount (Absorb, which returns the [Movement] values it made and its
// events). Covering a [Claim] draws each layer for min(what is left, its
// capacity) and returns an [Allocation]: one [Draw] per layer, in order, the
// Residual no layer could absorb, and the events of the cover.
//
//	w, _ := backstop.New(backstop.Settings{
//		Layers:  []backstop.Layer{defaulter, fund.Layer("BTC-PERP"), adl, social},
//		Unit:    decimal.New(1, -2),
//		Journal: journal,
//	})
//	a, _ := w.Cover(now, backstop.Claim{ID: "liq-42", Amount: shortfall})
//
// Σ drawn + residual = loss exactly; a layer is drawn only when every layer
// before it is exhausted; no layer gives more than it holds.
// [CheckAllocation] and [CheckInvariants] prove it, for tests and for
// production.
//
// A claim's ID is its idempotency key: covering the same claim again
// returns the first allocation and pays nothing; the same ID with another
// amount is refused. The waterfall remembers every claim it covered, in its
// Snapshot too ([RestoreWaterfall]), so a standby never pays twice.
//
// A cover is all or nothing for the built-in layers: bad input is rejected
// before any layer is drawn, and if a host layer fails part-way the
// built-in layers drawn before it are put back exactly. Only a host layer
// that was itself drawn before the failure cannot be undone; then the
// draws stay, journaled, and the error names each one.
//
// # Built-in layers
//
//   - [DefaulterLayer]: the defaulter's remaining margin, then the
//     liquidation penalty collected from it.
//   - [InsuranceFund]: a journaled ledger of per-market or shared funds
//     with deposits, draws, a floor it is never drawn below, and a balance
//     history to chart; [InsuranceFund.Layer] puts a market's fund in a
//     waterfall.
//   - [BackstopPool]: backstop liquidity providers (FTX BLPs, Hyperliquid's
//     HLP) that take over the bankrupt position at a stated price, pro
//     rata to remaining capacity and never beyond it.
//   - [ADLLayer] and [Deleverage]: auto-deleveraging of the opposite side,
//     ranked by [BitMEXRank] or a host [Ranking], closed at the bankruptcy
//     price, highest rank first. A [SharedPosition] links it to a
//     BackstopPool layer so the two never hand over the same size. An
//     [ADLBook] ranks the candidates once per step and serves every
//     shortfall of it, kept up to date as positions change.
//   - [SocialLayer] and [Socialise]: a pro-rata haircut of winners' profits
//     or of all balances.
//   - [DefaultFund]: a clearing house's waterfall in EMIR Art. 45 order —
//     defaulter margin, defaulter contribution, skin in the game,
//     survivors' contributions, capped assessments, variation margin gains
//     haircutting — each step a Draw with per-member movements.
//
// A host adds its own layer (a treasury, a protocol token backstop, a
// reinsurance line) by implementing Layer.
//
// # Exact shares
//
// Every split is by the largest-remainder rule in whole money units, so
// the shares sum exactly to the amount shared and each is within one unit
// of its exact proportion. Where shares are capped (assessments per
// member, providers by capacity) the split water-fills: whoever would
// pass their cap gets the cap and the excess is shared again.
//
// # Journal and events
//
// A [Journal] records every movement (from, to, amount, reason, time) as a
// double entry and [Journal.Check] proves it balances. The insurance fund
// and the default fund keep their own journals; a Waterfall records into
// the one given in its Settings. Every call that changes state returns its
// [Event] values (nothing is queued, nothing dropped): Cover in
// Allocation.Events — one per layer drawn and one for a residual, then the
// layers' own, one per account they charge (fund draws, provider takeovers,
// deleveraged counterparties, haircuts, default-fund steps and
// assessments) — and Deposit, Draw, TakeOver, Replenish, Contribute and
// ResetAssessments as their result. An Event is one slog group
// (Event.LogValue).
//
// # State
//
// Waterfall, InsuranceFund, DefaultFund, BackstopPool and Journal offer Snapshot and a
// Restore function that validates every field, so a standby resumes
// exactly where the primary stopped. The per-loss layers (DefaulterLayer,
// ADLLayer, BLPLayer, SocialLayer) and SharedPosition are built for one
// event, but have Snapshot and Restore too, so a default can be resumed
// half-way. No type is safe for concurrent use: the host serialises calls.
// Nothing reads the clock: every operation takes now, as its first
// argument, and refuses the zero time. Times are held in UTC (each method
// converts now), so a snapshot is the same JSON in every time zone, and
// restoring one taken after input k and applying inputs k+1… gives the
// state, results and errors of the uninterrupted run (DESIGN.md rule 11;
// TestReplay* in replay_prop_test.go).
//
// # Bounds
//
// Every decimal a host passes is bounded (at most 36 decimal places and 36
// integer digits, internal/num) before any arithmetic, every scale to
// [-36, 36]; bad input is a clear error within milliseconds that changes
// no state, and errors wrap one sentinel once.
package backstop
