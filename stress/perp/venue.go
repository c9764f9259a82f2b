package perp

import (
	"fmt"
	"math/rand"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/oracle"
)

// Market is the one perpetual the venue lists.
const Market = "BTC-PERP"

// Fund is the insurance fund's ID in the backstop ledger.
const Fund = "btc"

// Interval is the time between two ticks of the default crash, and the
// step of the Dutch auctions' price curve.
const Interval = 10 * time.Second

var (
	// dust is the smallest debt a liquidation closes or leaves (Maker dust;
	// $1,000 as Aave v3.3's MIN_LEFTOVER_BASE), so no position is whittled
	// down to a remainder worth a lot or two of contracts.
	dust = decimal.New(1_000, 0)
	// sizeUnit is the contract lot: 0.001 BTC.
	sizeUnit = decimal.New(1, -3)
)

// The liquidation penalty (Config.Penalty, 1% by default) is a fraction of
// the debt closed, paid into the insurance fund. dYdX v4 caps its
// liquidation fee at 1.5% of the position (liquidations_config
// max_liquidation_fee_ppm = 15,000, all of it to the insurance fund)
// against a 3% maintenance fraction for BTC; 1% sits well under that cap,
// so the 3% maintenance cushion covers the penalty plus the auction's
// discount and a tick or two of drift. Like Binance's liquidation
// clearance fee it is taken only from what the account has left: the Dutch
// auction recovers it last (Settlement Penalty) and chargePenalty never
// pushes a balance below zero, so an unrecovered penalty is simply not
// earned and never becomes bad debt.

// tiers is a marginal tier table in the shape of Binance's "Leverage and
// Margin of USDⓈ-M Futures" brackets (bigger positions need more margin;
// maintenance = notional × rate − cum, continuous at each boundary), with
// the first tier at dYdX v4's BTC-USD parameters (the "Large-Cap" liquidity
// tier: initial margin fraction 5%, i.e. 20× at most, maintenance fraction
// 3%) rather than Binance's 0.4% / 125×. The maintenance cushion (3%) is
// three times the liquidation penalty (1%), so a position caught near
// maintenance still pays its debt and penalty at an auction discount of
// about 2%.
//
// Config.MaintenanceRate moves every tier's rate by its difference from
// 3% (the table keeps its shape); Config.MaxLeverage caps every tier's
// leverage, and no tier allows more than ⌊1 / its maintenance rate⌋, so
// its initial margin never falls below its maintenance margin. The
// defaults give the table below unchanged.
func tiers(cfg Config) []margin.Tier {
	shift := cfg.MaintenanceRate.Sub(decimal.New(3, -2))
	one := decimal.New(1, 0)
	row := func(floor, capital int64, mmr string, lev int64) margin.Tier {
		rate := decimal.RequireFromString(mmr).Add(shift)
		l := num.MinOf(decimal.New(lev, 0), cfg.MaxLeverage)
		if l.Mul(rate).GreaterThan(one) {
			l = num.DivFloor(one, rate, 0)
		}
		if lev == 20 { // the first tier: MaxLeverage itself (checked against its rate)
			l = cfg.MaxLeverage
		}
		return margin.Tier{Floor: decimal.New(floor, 0), Cap: decimal.New(capital, 0), MaintenanceRate: rate, MaxLeverage: l}
	}
	return []margin.Tier{
		row(0, 50_000, "0.03", 20),
		row(50_000, 250_000, "0.035", 15),
		row(250_000, 1_000_000, "0.04", 12),
		row(1_000_000, 10_000_000, "0.05", 10),
		row(10_000_000, 20_000_000, "0.075", 6),
		row(20_000_000, 50_000_000, "0.1", 5),
		row(50_000_000, 100_000_000, "0.125", 4),
		row(100_000_000, 200_000_000, "0.15", 3),
		row(200_000_000, 300_000_000, "0.25", 2),
		row(300_000_000, 500_000_000, "0.5", 1),
	}
}

// Venue is the simulated exchange: the five failsafe packages wired around
// one ledger. Every field a package owns is that package's own type; the
// venue only moves value between ledger entries and never mints any. A
// Model drives it from a scenario's ticks; a host may read it between
// ticks. A Venue is not safe for concurrent use: one goroutine drives its
// clock.
type Venue struct {
	feed    *oracle.Feed            // three sources → one guarded mark
	band    *breaker.Market         // LULD-style price band with limit state and pause
	calc    *margin.Calculator      // equity vs maintenance
	engine  *liquidation.Engine     // who, how much, under caps and throttles
	house   *liquidation.DutchHouse // Clipper-style Dutch auctions
	desk    *liquidation.BookDesk   // liquidation through the order book (book.go)
	calls   *margin.Calls           // the margin-call protocol, for the accounts not ok (calls.go)
	fund    *backstop.InsuranceFund // the first layer of the waterfall
	journal *backstop.Journal       // every backstop movement, double entry
	allocs  []backstop.Allocation   // every waterfall outcome, for CheckInvariants

	traders []trader
	keepers []keeper
	mm      book                 // the house market maker: the other side of every trade
	fees    decimal.Decimal      // the venue's fee pool (100,000 of trading fees at the start): pays keeper rewards
	holes   []int                // traders whose bad debt waits for the waterfall
	adlBook *backstop.ADLBook    // the deleveraging candidates ranked once for the holes of one tick (nil outside coverHoles)
	winners *backstop.SocialBook // the profits a socialised loss may haircut, collected once for the holes of one tick (nil outside coverHoles)
	rng     *rand.Rand           // every draw of the venue (the book, the keepers), from src
	src     *countingSource      // rng's source and its position, for snapshots
	cfg     settled
	set     settings  // every package's settings, for restoring snapshots
	stats   stats     // running totals for the report
	minute  Activity  // totals since the last Interval call
	log     *recorder // what the oracle and the breaker did, for the report and the host's observer

	open       decimal.Decimal        // the opening price: the book is seeded around it and valued at it
	opened     bool                   // the first tick has priced the feed and seeded the book
	congestion int                    // this tick's share of keeper actions that do not land, in percent
	before     Holdings               // the entries at the opening, at the opening price
	valueStart decimal.Decimal        // Σ of every ledger entry at the opening
	tierCaps   []fixed.Num            // the market's tiers' caps (see safeRange)
	tierRates  []fixed.Num            // and maintenance rates
	riskTiers  []liquidation.RiskTier // the margin table as the book desk reads it
	warnLevel  decimal.Decimal        // the protocol's warning ratio
	depthLeft  decimal.Decimal        // the market maker's liquidation depth left this tick (book.go)
	funding    fundingState           // the premium sampler, the next funding time and the totals (funding.go)
	warnCalc   *margin.Calculator     // the warning-level table the watchlist bounds (watch.go; nil: full scan only)
	watch      *margin.Watchlist      // Config.Scan = ScanWatchlist: the accounts indexed by their triggers (nil until the first scan)
	dirty      []int32                // traders changed since the watchlist valued them (touch)
	inCalls    []int32                // traders in the margin-call protocol at the last watchlist scan
}

// settings are the packages' settings, kept so that a standby can restore
// their snapshots with the same ones (see failover.go).
type settings struct {
	feed   oracle.FeedSettings
	band   breaker.MarketSettings
	calc   margin.Settings
	engine liquidation.EngineSettings
	house  liquidation.DutchSettings
	book   liquidation.BookSettings
	depth  decimal.Decimal // the market maker's liquidation depth a tick (book.go)
	calls  margin.CallSettings
	fund   backstop.FundSettings
}

// venueSettings returns the venue's settings for every package. The
// margin calculator reads its marks from v's oracle feed.
//
// The liquidation engine's limits — debt under auction at once (20,000,000
// in all, 15,000,000 in the market: Maker's Dog Hole and Clipper hole) and
// the throttle (600 auctions a minute) — are sized for the default book of
// 1,000 accounts and grow in proportion to a bigger one (20,000 of debt
// and 0.6 auctions a minute per account), so that a bigger book is a
// bigger venue under the same per-account limits, not the same venue
// crowded: with the limits fixed, 32 times the accounts would queue for
// the same 600 auctions a minute. Books of at most 1,000 accounts get the
// limits as written.
func venueSettings(v *Venue) (settings, error) {
	penalty := v.cfg.penalty
	scale := func(limit int64) int64 { // limit for 1,000 accounts, grown in proportion to a bigger book
		if n := int64(v.cfg.Accounts); n > 1000 {
			return limit * n / 1000
		}
		return limit
	}
	quorum := oracle.AggregatorSettings{
		MaxAge:       30 * time.Second,   // a quote older than three ticks is stale
		MinSources:   2,                  // two of the three sources must agree
		MaxDeviation: decimal.New(5, -2), // a quote 5% from the median is an outlier
		MaxSpread:    decimal.New(3, -2),
	}
	curve, err := liquidation.NewStairstepExponentialDecrease(v.cfg.cut, Interval) // −1% every tick by default
	if err != nil {
		return settings{}, err
	}
	return settings{
		feed: oracle.FeedSettings{
			Tiers:   []oracle.Tier{{Name: "primary", Sources: sources, Aggregation: quorum}},
			MaxAge:  30 * time.Second,   // nobody acts on a price older than this
			MaxJump: decimal.New(8, -2), // one update may not move the mark more than 8%
		},
		band: breaker.MarketSettings{
			ID:            Market,
			Reference:     v.open,
			Band:          breaker.BandSettings{Tier1Percent: decimal.New(8, -2)}, // ±8% around the 5-minute mean
			PauseDuration: 2 * time.Minute,                                        // a limit state lasting 15 s pauses liquidations for 2 minutes
		},
		calc: margin.Settings{
			Markets: []margin.Market{{ID: Market, Tiers: tiers(v.cfg.Config), TickSize: decimal.New(1, -2), LotSize: sizeUnit}},
			Prices:  margin.PriceFunc(func(now time.Time, _ string) (decimal.Decimal, error) { return v.mark(now) }),
		},
		engine: liquidation.EngineSettings{
			TargetHealth:  decimal.New(2, 0),     // a partial liquidation restores 2 × maintenance (6% in the first tier, above its 5% initial margin)
			SmallPosition: decimal.New(2_000, 0), // below $2,000 no close-factor cap (Aave v3.3)
			Dust:          dust,
			Penalty:       penalty,
			GlobalCap:     decimal.New(scale(20_000_000), 0), // Maker Dog Hole: debt under auction at once
			MarketCaps:    map[string]decimal.Decimal{Market: decimal.New(scale(15_000_000), 0)},
			Window:        time.Minute, // throttle: at most 600 auctions a minute (for 1,000 accounts)
			MaxCount:      int(scale(600)),
			DebtScale:     2,
			LotScale:      3,
		},
		house: liquidation.DutchSettings{
			Market: Market, Curve: curve,
			Buf:  v.cfg.buf, // by default start 1% below the oracle: most keepers take in the tick of the kick
			Tail: 5 * time.Minute, Cusp: decimal.New(8, -1),
			Chop: decimal.New(1, 0).Add(penalty), Dust: dust,
			Tip: decimal.New(1, -1), Chip: decimal.New(5, -4), // keeper rewards, paid from the fee pool
			PriceScale: 2, LotScale: 3, RewardScale: 2,
		},
		book:  bookSettings(penalty),
		depth: decimal.New(scale(bookDepth), 0),
		calls: margin.CryptoVenueCalls(),
		fund:  backstop.FundSettings{Funds: []backstop.FundSpec{{ID: Fund}}},
	}, nil
}

// newVenue builds the packages with the venue's settings and an empty book;
// the breaker, whose band needs a reference price, is built by the opening
// tick (see open).
func newVenue(cfg settled) (*Venue, error) {
	v := &Venue{cfg: cfg, fees: decimal.New(100_000, 0)}
	var err error
	if v.set, err = venueSettings(v); err != nil {
		return nil, err
	}
	if v.feed, err = oracle.NewFeed(v.set.feed); err != nil {
		return nil, err
	}
	if v.calc, err = margin.New(v.set.calc); err != nil {
		return nil, err
	}
	for _, t := range v.set.calc.Markets[0].Tiers { // validated by margin.New: 18-digit figures fit
		c, okC := fixed.FromDecimal(t.Cap)
		// The screen clears an account surely under the margin-call
		// protocol's warning ratio: maintenance rates / that ratio.
		r, okR := fixed.FromDecimal(num.DivCeil(t.MaintenanceRate, margin.CryptoVenueCalls().WarningRatio, 8))
		if !okC || !okR {
			v.tierCaps, v.tierRates = nil, nil // no band: every account is valued
			break
		}
		v.tierCaps, v.tierRates = append(v.tierCaps, c), append(v.tierRates, r)
	}
	if v.engine, err = liquidation.NewEngine(v.set.engine); err != nil {
		return nil, err
	}
	if v.house, err = liquidation.NewDutchHouse(v.set.house); err != nil {
		return nil, err
	}
	if v.desk, err = liquidation.NewBookDesk(v.set.book); err != nil {
		return nil, err
	}
	v.riskTiers = riskTiers(v.set.calc.Markets[0].Tiers)
	if v.calls, err = margin.NewCalls(v.set.calls); err != nil {
		return nil, err
	}
	v.warnLevel = v.calls.Settings().WarningRatio
	if v.warnCalc, err = newWarnCalc(v); err != nil {
		return nil, err
	}
	if v.fund, err = backstop.NewInsuranceFund(v.set.fund); err != nil {
		return nil, err
	}
	v.journal = backstop.NewJournal()
	if v.funding, err = newFunding(cfg.Config); err != nil {
		return nil, err
	}
	return v, nil
}

// String names the venue for errors.
func (v *Venue) String() string { return fmt.Sprintf("venue(%s, %d accounts)", Market, len(v.traders)) }
