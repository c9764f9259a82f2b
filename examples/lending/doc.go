// Command lending replays a crash shaped like 12 March 2020 — "Black
// Thursday" — on an over-collateralised lending pool, five times: with
// English auctions as MakerDAO ran them that day, with English auctions
// protected by a reserve price, with Dutch auctions on a falling price
// curve, and with the two ways Aave and Compound liquidate instead of
// auctions: Aave v3.3's fixed spread and Compound III's absorb. It prints
// what every run recovered and the bad debt it left.
//
// The pool is the reference model of the stress harness,
// stress/lending; this program only drives it through the
// lending.BlackThursday scenario minute by minute (with the congestion in
// basis points, Model.StepBP), checks its conservation after every
// minute, and tells the story.
//
//	go run ./examples/lending                 # the default replay, seed 1
//	go run ./examples/lending -seed 7 -v      # another book and network; every auction
//	go run ./examples/lending -crash 0.25     # a milder day
//
// -h lists the flags and their ranges; a value out of range is refused
// with the reason and exit code 2 (-borrowers 1 to 5,000, -keepers 1 to
// 50, -crash in (0, 0.95], -reserve in (0, 1]; none silently becomes a
// default). On a terminal a progress line names the replay running;
// piped, the program prints only its report, the same for the same flags.
//
// # The story
//
// On 12 March 2020 ETH fell about 43% in a day, from about $194 to about
// $111 (daily closes, CoinMarketCap), while the Ethereum network was so
// congested that gas prices spiked and many transactions — keepers' bids,
// even Maker's oracle updates — did not land in time. MakerDAO sold the
// collateral of unsafe vaults in two-phase English auctions (the Flipper,
// dss flip.sol): keepers raised DAI bids for the whole lot, each bid
// leaving the others a fixed time (ttl) to answer, then offered to take
// less collateral for the full debt. Bots whose transactions did land won
// auctions with bids of zero DAI: $8.32M of ETH, 36% of the day's
// liquidations, went that way by White Rabbit's analysis (ethfans, 19
// March 2020) and R. Greenfield's ("How Maker DAO Could've Minimized the
// Harm of Black Thursday"); Cointelegraph, reporting White Rabbit, counted
// 62,890 ETH (about $7.1M) won with zero bids by four addresses. Those vault
// owners lost all their collateral, and Maker was left with about 5.67M
// DAI of bad debt by the same two analyses (contemporary press put the
// deficit at $4–4.5M, e.g. The Block), covered by minting and auctioning
// new MKR from 19 March.
//
// Maker's oracle, the OSM, delayed prices by an hour, so the protocol also
// acted on stale prices (MakerDAO, "The Market Collapse of March 12-13,
// 2020: How It Impacted MakerDAO"). Maker's fix, Liquidations 2.0 (MIP45,
// 2021), replaced the Flipper with Dutch auctions (the Clipper, dss
// clip.sol).
//
// # What the program models
//
// The pool is Aave-style: borrowers supply ETH and borrow DAI under Aave
// v3's WETH parameters (LTV 80.5%, liquidation threshold 83%, liquidation
// bonus 5%). The protocol prices ETH with Maker's Oracle Security Module —
// hourly, one hour late — so in a crash it acts on a stale, too-high
// price. Every five simulated minutes it looks for liquidatable borrowers
// and auctions up to half of each one's debt (all of it below health
// 0.95), the tab being the debt plus the 5% bonus, which the pool keeps
// (as Maker's chop goes to its surplus; in Aave the bonus goes to the
// liquidator). What an auction leaves unpaid is its shortfall; only the
// part of it that is debt — max(0, debt − recovered) — is bad debt, the
// number comparable with Maker's 5.67M DAI.
//
// The Flipper's bid window and increments (ttl 10 minutes, beg 3%, tau 6
// hours) and the Clipper's curve are assumptions, documented where they
// are set (englishSettings, dutchSettings); so are the crash's intraday
// shape and the congestion profile (Market). The run is an illustration
// of the mechanisms, not a reconstruction of Maker's books.
//
// Keepers bid or take at the spot price less a discount they require,
// with finite DAI (English bids lock it until the auction settles; ETH
// won is sold on a DEX at once). Whether a keeper's transactions land in a
// given minute is drawn once per seed: about half the time in a calm
// network, a few percent when it is congested, always for the zero-bid bot
// that pays any gas. All five runs see the same book, keepers and
// network, so the differences are the mechanisms' alone.
//
// In the English runs the bot bids the least the auction accepts; without
// a reserve that is 10⁻⁸ DAI for the lot, and unless an ordinary keeper's
// bid lands within ten minutes, that is what the auction fetches. With a
// reserve (first bid ≥ lot × OSM price × 0.8) the zero bid is refused, and
// an auction nobody bids on restarts at a fresh price instead of selling
// for nothing. In the Dutch run the price starts at 120% of the OSM price
// and falls 1% every 90 seconds; a late keeper pays less, but nobody gets
// collateral for nothing while it is worth something. The Dutch auction's
// cost is time: in a falling market the curve needs tens of minutes to
// come down from 120% of a stale price, and the collateral is worth less
// by then — which the program shows too.
//
// # How the packages are wired
//
//   - margin.NewLending with the ETH and DAI reserves and a
//     margin.PriceFunc over the OSM price computes every borrower's health
//     factor (Health.Factor, Health.Liquidatable).
//
//   - A three-line adapter, lendingView, presents each Health to the
//     liquidation engine as liquidation.Account: Equity = Σ collateral ×
//     threshold and Maintenance = debt, so the engine's health is exactly
//     the Aave health factor.
//
//   - liquidation.NewEngine (close factor 0.5, full close below 0.95, dust,
//     penalty = bonus − 1) plans the liquidations; the host commits the
//     plan and releases debt as auctions recover it.
//
//   - liquidation.NewEnglishHouse (Flipper: beg 3%, ttl 10 minutes, tau 6
//     hours) or liquidation.NewDutchHouse (a Clipper with a
//     StairstepExponentialDecrease curve) sells each lot; every auction ends
//     in a liquidation.Settlement, checked with liquidation.CheckSettlement.
//
//   - The fixed-spread run calls liquidation.LiquidationCall (Aave v3.3
//     liquidationCall: close factor, collateral = debt × price ratio ×
//     bonus, the protocol's fee on the bonus, no dust left) for every
//     keeper whose transaction lands, when the collateral at the market
//     price less the keeper's discount is worth the debt it repays; a
//     borrower left without collateral has the rest of its debt written
//     off (Aave v3.3's deficit).
//
//   - The absorb run calls liquidation.Absorb (Compound III absorb: every
//     liquidatable account taken over, its collateral credited at the
//     oracle price × the liquidation factor 0.95) and sells the seized
//     ETH through liquidation.QuoteCollateral (buyCollateral at the
//     store-front discount, factor 0.5: 2.5% below the oracle) to any
//     keeper whose limit it meets.
//
// The host — stress/lending's Model — owns the clock, the keepers, the DEX and the
// books: it moves collateral out of a borrower at kick and back when an
// auction returns it, pays the pool what auctions recover and keepers what
// the Dutch house rewards, and proves at the end of every run that
//
//	per auction:  collateral sold + returned = lot;  DAI recovered + shortfall = tab
//	ETH:          borrowers' ETH at start = at end + ETH sold
//	DAI:          debt at start + bonuses = debt left + recovered + shortfall
//	value:        Σ holders at start = Σ holders at end (ETH at the final spot)
//
// to the last 10⁻⁸. The run is deterministic: a simulated clock, one
// seeded math/rand drawn in a fixed order, integer arithmetic for the
// random inputs, and no output that depends on map order.
package main
