// Package lending is the reference lending pool of the stress harness: the
// pool of examples/lending (an Aave-style pool lending DAI against ETH,
// Black Thursday, 12 March 2020) as a reusable stress.Model.
//
// # The pool
//
// Borrowers supply ETH and borrow DAI under Aave v3's WETH parameters (LTV
// 80.5%, liquidation threshold 83%, liquidation bonus 5%). The pool prices
// ETH with the median of the scenario's quotes (oracle.Aggregator), poked
// hourly into a one-hour delay like MakerDAO's Oracle Security Module
// (oracle.Delayed), so in a crash it acts on a stale, too-high price.
// margin.Lending computes every borrower's health factor; a three-line
// adapter presents it to liquidation.Engine, which sizes liquidations like
// Aave v3 (close factor 50%, all below health 0.95, dust).
//
// # Mechanisms
//
// Config.Mechanism picks how the pool liquidates:
//
//   - EnglishNoReserve: MakerDAO's Flipper as on 12 March 2020 (dss
//     flip.sol, liquidation.EnglishHouse), where bots won lots with zero bids;
//   - EnglishReserve: the same with a reserve price;
//   - Dutch: MakerDAO's Clipper (Liquidations 2.0, dss clip.sol,
//     liquidation.DutchHouse), the default;
//   - FixedSpread: Aave v3.3's liquidationCall (liquidation.LiquidationCall):
//     no auction; a liquidator repays debt and takes collateral at the
//     oracle price plus the bonus, the protocol keeping a fee; what a
//     borrower owes once its last collateral is gone is written off;
//   - Absorb: Compound III's absorb and buyCollateral (liquidation.Absorb,
//     liquidation.QuoteCollateral): the protocol takes the whole account
//     over and sells the collateral at a store-front discount.
//
// Keepers have finite DAI, a required discount to the market price, and
// transactions that land less often the more congested the network is
// (stress.Tick.Congestion); a zero-bid bot's always land.
//
// # Losses
//
// What a liquidation fails to recover of the debt is bad debt
// (stress.Outcome.BadDebt). It is covered by the surplus buffer
// (MakerDAO's system surplus, the Vow's DAI; dss vow.sol), which also
// receives liquidation income and pays keeper incentives; what the buffer
// cannot cover is socialised by a debt auction (MakerDAO's Flop: MKR
// minted; Outcome.Socialised). Both layers are a backstop.Waterfall.
//
// # Conservation
//
// Check proves, after every tick and to the last 10⁻⁸, that ETH, debt,
// DAI cash and the surplus buffer are conserved (see Model.Check); Report
// adds the value line and the per-liquidation lines.
//
// # In the harness
//
// New(cfg, seed) builds the pool of one scenario (Factory(cfg) for the
// runner); Config.Set sets a sweep parameter by name (Parameters lists
// them). Step takes stress.Tick.Price as the market price keepers trade
// at, Tick.Quotes as the oracle's sources and Tick.Congestion as the
// share of keepers' transactions that do not land; StepBP takes the
// congestion in basis points.
//
// # Scenarios
//
// BlackThursday is the scripted crash of 12 March 2020 (a reconstruction:
// the day's shape and the network's congestion are assumptions) as a
// stress.Generator; any other generator's ticks work too.
package lending
