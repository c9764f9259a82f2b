// Package margin computes margin requirements, account health, liquidation
// and bankruptcy prices and pre-trade checks for derivatives venues, and
// health factors for lending protocols.
//
// Every Calculator method is pure: the host passes accounts as plain
// values and a PriceSource for marks; nothing is stored, so a Calculator
// is safe for concurrent use and has nothing to snapshot. The stateful
// types, Watchlist and Calls (the margin-call protocol), have Snapshot and
// a restore. Money is decimal.Decimal and every rounding favours the venue: requirements and debts round up,
// PnL, collateral and health round down, a long's liquidation price rounds
// up to the tick and a short's down.
//
// # Tier schedules
//
// A Schedule is a tier table given as data. Marginal tables (Binance,
// Bybit) charge notional × rate − cum with cumₙ = floorₙ × (rateₙ −
// rateₙ₋₁) + cumₙ₋₁, continuous at every boundary; Step tables (BitMEX
// risk limits) charge the whole position at its tier's rate. A notional
// above the last cap is margined at the last tier, continued, and flagged
// (PositionSummary.AboveLastCap, Summary.MustReduce): the schedule fails
// closed, never leaving a position unmargined or unliquidatable. Pre-trade
// checks refuse orders that grow such a position.
//
// # Accounts and summaries
//
// An Account holds a cross wallet, positions (signed size, entry price,
// cross or isolated with its own margin) and haircut collateral. All its
// positions settle in one asset (Market.Settlement): USDT-margined and
// coin-margined positions never share a wallet.
// Calculator.Summary values it at the marks: equity, initial and
// maintenance requirement, free collateral and the predicates
// InitialCollateralised and Liquidatable (maintenance > 0 and equity <
// maintenance). Calculator.Risk gives the same account-level figures
// without per-position detail, for hot loops. CompareAccountRisk orders accounts
// by maintenance / equity using cross-multiplication.
//
// Prices come from a PriceSource the host supplies, looked up by market; an
// oracle.Feeds map (market ID → feed) plugs in with a method value:
//
//	calc, err := margin.New(margin.Settings{
//		Markets: markets,
//		Prices:  margin.PriceFunc(feeds.Price), // func(now time.Time, market string) (decimal.Decimal, error)
//	})
//	risk, err := calc.Risk(now, account)
//	if risk.Liquidatable { ... }
//
// # Venue scale
//
// Calculator.Prepare compiles an account once and Calculator.Marks reads
// every price once per step; Prepared.Risk then values with no validation
// and no allocation, equal to Risk. A Watchlist indexes accounts by trigger
// prices so that Watchlist.Tick returns only the accounts that could have
// crossed maintenance since they were last valued — never missing one —
// at a cost that grows with the accounts returned, not with the book.
//
// # Liquidation and bankruptcy prices
//
// Calculator.LiquidationPrices solves, per tier, the closed-form equation
// equity = maintenance (and equity = 0) for one position, linear or
// inverse, isolated or cross, and keeps the root whose notional falls in
// the tier assumed (for Marginal tables the extreme per-tier root, since
// their maintenance is the maximum of the tier pieces). When no price
// triggers, the answer says so (PriceNever / PriceAlways) instead of a
// negative number. A long's price rounds up to the market's TickSize and a
// short's down, so the venue liquidates no later than the exact root.
//
// # Pre-trade checks
//
// Calculator.CheckOrder applies an order to the position it would produce
// (flips included) and accepts it when the account stays initially
// collateralised, or, for an account already below initial margin, when
// the change does not increase its risk (the dYdX v4 rule).
// Calculator.MaxOrderSize finds the largest order that passes.
//
// # Orders, fees, caps and reduce-only
//
// Calculator.OrderMargins values an account with its resting orders: per
// market the worse side (position plus every buy, or position minus every
// sell; Binance and Bybit count order margin this way) is margined at its
// tier, and each order's taker fee (Market.TakerFee) is reserved.
// Calculator.CheckOrderWith is the pre-trade check with all of it:
// reduce-only for an account (a margin call) or a market (a breaker),
// Market.MaxPosition and Market.MaxOpenInterest caps, CheckOrder's rules
// with the fee charged, and the resting orders' margin. Market.OIScaling
// raises the initial rate with open interest (dYdX v4 liquidity tiers).
//
// # Funding payments
//
// Calculator.FundingPayments settles one funding interval of a market's
// book at a rate the host passes (oracle computes it): longs pay shorts
// when the rate is positive, valued at the mark (Binance, Bybit) or the
// oracle price (dYdX v4). The payments sum to exactly zero to the unit:
// the total is rounded down and each side split by largest remainder,
// ties to the lower account ID. FundingBook builds the book from
// accounts and ApplyFunding books the payments to their wallets.
//
// # Margin calls
//
// Calls runs the margin-call protocol: per account a state machine
// OK → Warning → MarginCall (with a deadline) → ReduceOnly → Liquidation,
// driven by margin-ratio levels, with hysteresis, a grace period that does
// not run while prices are stale (for at most MaxStale, after which
// staleness no longer holds off liquidation), an Event for every step (returned by
// Update, never queued), Snapshot and RestoreCalls (times held in UTC, so
// a snapshot is the same JSON in every time zone). CryptoVenueCalls and
// ClearingHouseCalls are the two shapes of preset. Calls is safe for
// concurrent use.
//
// # Lending health
//
// Lending computes the Aave v3 / Compound III health factor Σ collateral ×
// liquidation threshold / debt, with "infinite" health when there is no
// debt.
package margin
