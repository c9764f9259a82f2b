// Package liquidation decides who gets liquidated and by how much, and runs
// the auctions that sell the seized collateral: Dutch (falling price,
// MakerDAO Liquidations 2.0), English (two-phase, Maker Flipper / Kava) and
// sealed-bid batch. Like every failsafe package it is a pure state machine:
// the host passes the time, owns I/O and moves the money; every decision
// comes back as a value.
//
// # Planning
//
// An Engine reads accounts through the small Account interface (equity,
// maintenance, debt, collateral, positions — StaticAccount is a ready
// value) and returns a Plan: liquidatable accounts (equity < maintenance)
// worst health first, each sized to restore a target health (default
// 1.1, a buffer so the account is not liquidated again at the same mark)
// within the Aave v3 close factor (50%, or 100% at a health of 0.95 or
// below, or for small positions), never leaving or auctioning less than
// the dust, with the penalty added to the tab. An account whose margin
// owner says it must be reduced now — a position above its market's last
// tier cap — implements Reducer (StaticAccount.ReduceDebt) and is planned
// whatever its health. Plan validates every account first and refuses the
// whole call, naming the account, on a nil or typed-nil account, an empty
// or duplicate ID, or legs whose debts do not sum to Debt(). Orders are fitted under the debt-under-auction
// caps (Maker Dog Hole globally, hole per market) and count/notional
// throttles per window. Plan changes nothing; the host calls Commit with
// the orders it will execute (reserving their cap room, as Dog bark adds
// to Dirt; ErrCapExceeded means the state moved: plan again), starts the
// auctions, and calls Release as debt leaves auction:
//
//	plan, err := engine.Plan(now, accounts)
//	if _, err := engine.Commit(now, plan.Orders); err != nil { ... }
//	for _, o := range plan.Orders {
//		house.Kick(now, liquidation.KickParams{Tab: o.Tab, Lot: o.Lot, Owner: o.Account, Price: px, Penalty: o.Penalty})
//	}
//
// # Dutch auctions
//
// DutchHouse follows dss clip.sol: Kick prices top = oracle × Buf; the
// price falls along a Curve (LinearDecrease, StairstepExponentialDecrease,
// ExponentialDecrease — dss abaci.sol, computed at RAY = 27 places); Take
// buys up to a quantity at up to a price, never collecting more than the
// tab and never leaving a tab below chost = dust × chop; an auction older
// than Tail or cheaper than Cusp × top must be reset by Redo at a fresh
// oracle price before anyone can take. Keepers earn Tip + Chip × tab on
// kick and redo. A four-level stop switch and Yank cover emergencies.
// TakeResult.Released is what to pass to Engine.Release.
//
// # English and batch auctions
//
// EnglishHouse raises the bid for the whole lot until it covers the tab,
// then lowers the lot accepted for the tab; a reserve relative to the
// oracle refuses the zero bids of 12 March 2020 (and, once the bid covers
// the tab, cuts the lot to tab / reserve so a lone bidder never wins the
// whole lot below the reserve price), and an auction nobody bid on
// restarts instead of selling for nothing. BatchHouse collects sealed
// bids and clears the whole lot at one uniform price, pro rata at the
// margin by the largest-remainder rule (clearBids is the pure function).
//
// The batch house requires a reserve (ReserveRatio > 0) unless
// NoReserve is set: no reserve is an explicit choice, never a zero value.
//
// # Fixed-spread liquidation (lending)
//
// Lending protocols sell no auction: a liquidator repays debt and takes
// collateral at a fixed spread. LiquidationCall computes Aave v3.3's
// liquidationCall (close factor, collateral capped with the debt
// recomputed, the protocol fee on the bonus, the MIN_LEFTOVER_BASE dust
// rule); Absorb computes Compound III's absorb (every collateral seized at
// its liquidationFactor, the reserves taking any shortfall) and
// QuoteCollateral its store-front price (a discount of
// storeFrontPriceFactor × (1 − liquidationFactor)). All three are pure and
// round as the contracts do.
//
// # Liquidation through the order book
//
// Perpetual venues (Binance, Bybit, dYdX v4) do not auction: they cancel
// the account's open orders and close it through the order book with
// immediate-or-cancel, reduce-only orders. A BookDesk plans that for a
// cross-margined BookAccount (collateral, signed positions, open orders)
// on BookMarkets (oracle, risk tiers, tick, step). Start returns the
// cancels and, if they do not restore maintenance, the first order: the
// worst position taken down to a lower risk tier's cap — the highest one
// at which the account would meet maintenance, filled at the oracle less
// the fee (Bybit's "difference between the current position value and
// the lower margin tier value which satisfies the margin requirement"),
// else the next lower one, step by step — or closed from the lowest
// tier, limited at the order's
// bankruptcy price (Binance, Bybit) or dYdX's fillable price — never
// beyond bankruptcy. The host reports each fill (Fill), which splits it:
// the clearance fee to the insurance fund, capped so the trader is never
// taken below zero, the rest kept (or, for a closing order with
// SurplusToFund, the fund's), and a fill below bankruptcy paid by the
// fund; fee + fund + kept = surplus to the unit. Next, given the markets
// at the current oracle (BookNextParams.Markets), ends the
// liquidation once the account is at or above maintenance, returns the
// next order after a full fill, and — when an order came back short —
// hands every position left, with its bankruptcy price, to the fallbacks
// in the configured order (auction, backstop, deleveraging), with any
// bad debt no position carries as Handover.Deficit.
// BankruptcyQuote, FillablePrice and SplitFill are dYdX v4's
// GetBankruptcyPriceInQuoteQuantums, GetFillablePrice and
// GetLiquidationInsuranceFundDelta as pure functions.
//
// # Presets
//
// MakerETHAClipper, MakerETHADog and AaveV3Engine return dated snapshots
// of the venues' published parameters, cited to the contract or config
// file they were read from.
//
// # Settlement
//
// Every auction ends with a Settlement: collateral sold, returned and
// yanked, debt recovered, penalty, keeper rewards, shortfall (for the
// backstop) and surplus; CheckSettlement proves sold + returned + yanked =
// lot and recovered + shortfall + yanked = tab.
//
// # Rounding
//
// Money never goes through Decimal.Div. Curve factors are rounded as
// Maker's rpow (half up at 27 places) and prices down at 27 places; the
// house rounds the curve price and top up to PriceScale (the venue's
// favour), partial slices down to LotScale, keeper rewards down; the engine
// rounds debt to close and tabs up, lots and bonuses down.
//
// # State, events, concurrency
//
// Each house and the engine has Snapshot and a Restore function that
// validates every field, and CheckInvariants. Every mutating method returns
// its Events (nothing is queued or dropped), all of one shape: Time, Kind,
// Subject (the auction ID, account or market), From and To on a
// transition, then the amounts; Event.LogValue logs one in a line.
//
// Replay (DESIGN.md rule 11): restoring a Snapshot taken after input k and
// applying inputs k+1… gives the state, results and errors of the
// uninterrupted run (TestReplay* in replay_prop_test.go), and a snapshot
// is canonical: every time is held in UTC (each method converts now), so
// replicas in different time zones digest equal states equally.
//
// # Idempotent inputs
//
// An input a host may deliver twice (a retried request, a log replayed on
// a standby) carries an idempotency key: KickParams.Key, TakeParams.Key,
// RedoParams.Key, AuctionParams.Key (English Kick, batch Open),
// BatchHouse.BidKeyed, EnglishHouse.SettleKeyed, BatchHouse.ClearKeyed,
// Engine.CommitKeyed, Engine.ReleaseKeyed and the BookDesk's
// BookStartParams.Key, BookFillParams.Key and BookNextParams.Key. A repeat returns the first
// outcome — result, refusal or error — and changes nothing, even with an
// earlier now; the same key with other parameters is ErrKeyReused. English
// Bid and BidLot need no key: theirs is derived from (auction, bidder,
// amount or lot), since a bid must strictly improve and the same bid can
// never rightly apply twice. Yank, Restart, Reopen and SetStop have no
// key: repeated, they are refused (the auction is gone, or not ended) or
// set what is already set, and change nothing but the clock. Keys travel in every Snapshot, so a standby
// never starts a second auction for a replayed kick; each is remembered for
// KeyWindow (24 h) after its call, or longer while its auction is live.
//
// # Fail closed
//
// Bad input — a decimal beyond 36 places or 36 integer digits, a zero or
// negative amount where one is needed, a time before the last, an unknown
// auction — is an error wrapping one sentinel, within microseconds, and
// changes nothing. None of the types is safe for concurrent use: the host
// serialises calls (a single goroutine or its own mutex). Auction IDs are
// uint64 counting from 1 per house.
package liquidation
