// Package portfolio margins books of futures and options the way options
// venues and clearing houses do: it revalues the whole book under a grid
// of price and volatility scenarios and charges the worst loss (CME SPAN,
// OCC TIMS, Deribit portfolio margin), so a hedged book posts far less
// than its legs would alone and a concentrated short option book posts
// more. It also gives the per-position (standard) option margin of
// Deribit- and OKX-style venues for comparison (StandardFamily: the margin
// factor's tier is the family's total short).
//
// # Pricing
//
// Options are European, valued with Black-76 (Black76) in decimal
// fixed-point arithmetic at 16 places on int64 coefficients through the
// library's one fixed-point kernel, never float64: the natural logarithm by
// an atanh series, the exponential from correctly rounded tables and a
// short Taylor series, the square root by Newton's iteration and the
// normal distribution function from a table of Φ and its Taylor
// coefficients at steps of 1/256, four terms (generated at 130 digits by
// testdata/gen_normtable.py, checked against Hart's algorithm 5666 as
// published by West, 2005). Every operation rounds half-even once, so results are
// bit-identical on every machine. Black76 also returns delta, gamma, vega
// and theta for reports.
//
// # Beyond the pricer's range
//
// Black76 refuses inputs beyond its range (a strike more than MaxMoneyness
// from the forward, more than MaxYears to expiry, a vol above MaxVol). The
// Engine never does for an option it margins: after a crash or a rally an
// option's strike can be 500 times its price, and refusing it would leave
// the account unmarginable, never liquidatable. Such an option (or one
// expiring beyond MaxYears, or whose valuation overflows the kernel) is
// valued by the no-arbitrage bounds df·max(F − K, 0) ≤ call ≤ df·F and
// df·max(K − F, 0) ≤ put ≤ df·K in the venue's favour: its discounted
// intrinsic value at the marks and in every scenario, and for a net short
// the upper bound in every scenario (see Arrays and bounds.go). New bounds
// option expiries to [1970, 2200].
//
// # Grids as data
//
// A Grid lists Scenarios: a price move in units of each underlying's scan
// range (Steps / Denominator, plus an optional Shift as a fraction of the
// price), a volatility state (VolSame, VolUp, VolDown; the VolShock sizes
// it, with Deribit's vega power rule by time to expiry) and a Coverage
// fraction for extreme moves. Presets: SPAN16 (CME's 16 scenarios, extreme
// moves at twice the range covered 35%), DeribitPM (±range in 9 buckets ×
// 3 volatility states plus the extended table) and TIMS (points evenly
// spaced across ± the margin interval). Underlyings in one Group (a SPAN
// combined commodity, a TIMS class group) move together; each group's
// requirement is its worst covered loss, plus add-ons (AddOns): SPAN's
// short option minimum, inter-month spread charges, inter-commodity spread
// credits, Deribit's contingency per net short option, and TIMS product
// groups (ProductGroup: class groups whose gains offset each other's
// losses at a set percentage, scenario by scenario). Credits and offsets
// never take the requirement below the worst whole-book scenario loss.
//
// Deribit's extended table applies "only a fraction of simulated P&L" and
// "a dampener" (support.deribit.com, "Portfolio Margin"); neither the
// fraction nor the dampener's formula or parameters are published there
// or in Deribit's API documentation (private/pme/simulate returns the
// results, not the rule). DeribitPM charges each extended scenario at a
// configured coverage of its full loss; a venue that knows a multiplicative
// dampener folds it into that coverage, and only coverage 1 is sure to be
// at least Deribit's charge.
//
//	e, err := portfolio.New(portfolio.Settings{
//		Underlyings: []portfolio.Underlying{{ID: "BTC", ScanFraction: dec("0.16")}},
//		Instruments: instruments,
//		Grid:        portfolio.DeribitPM(portfolio.DeribitBTCShock(), dec("0.25")),
//		Scale:       2,
//	})
//	res, err := e.Requirement(now, positions, marks) // res.Maintenance, res.WorstScenario
//
// # Venue scale
//
// Engine.Arrays computes every instrument's risk array once per mark
// update (as a SPAN risk parameter file does); Arrays.Requirement then
// margins any number of books by summing arrays, at a cost that grows with
// the book, not with the pricing. Engine.Requirement is the two steps for
// one book.
//
// # With the margin package
//
// Engine.Risk and Arrays.Risk return margin.AccountRisk built by
// margin.AccountRiskOf — equity, initial, maintenance and margin's own
// predicates (Liquidatable: maintenance > 0 and equity < maintenance;
// InitialCollateralised: equity ≥ initial) — so margin.CompareAccountRisk,
// margin calls and liquidation queues take an options book unchanged.
// Engine.CheckOrder values the book after the order (the what-if
// requirement) and applies margin.Transition, the rule
// margin.Calculator.CheckOrder applies (dYdX v4): a hedge that lowers the
// requirement is accepted even for an account below initial margin, a
// riskier order is refused; the order is booked at the worse of its limit
// and the mark, so a favourable limit earns nothing before it fills. join.OptionsAccount hands an account to
// liquidation.Engine as one leg, the whole book, whose Lot is the fraction
// of every position to close (join.OptionsCloses): sound because the
// requirement scales with the book; Arrays.Notional is the penalty base
// and join.OptionsClosed the notional the closes trade, which the host
// books.
//
// The Engine and Arrays are immutable and safe for concurrent use; there
// is no state to snapshot: accounts and marks are plain values the host
// owns. Every rounding favours the venue: requirements round up, equity and
// credits down.
package portfolio
