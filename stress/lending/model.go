package lending

import (
	"fmt"
	"math/rand"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress"
)

// PlanEvery is how often the pool looks for liquidatable borrowers (the
// first tick, then the first tick at least PlanEvery after the last look).
const PlanEvery = 5 * time.Minute

// osmHop is the OSM's delay: MakerDAO's Oracle Security Module publishes
// hourly and one hour late (OSM.sol hop = 3600).
const osmHop = time.Hour

// mechanism is a liquidation mechanism as the model drives it.
type mechanism interface {
	// liquidate runs the protocol's own liquidation step at a planning
	// tick, at the oracle price: it returns how many liquidations it began.
	liquidate(now time.Time, osm decimal.Decimal) (int, error)
	// tick does what happens at now whoever's transactions land: settling
	// ended English auctions, restarting those nobody bid on.
	tick(now time.Time, spot, osm decimal.Decimal) error
	// act is keeper k's transactions landing at now.
	act(now time.Time, k *keeper, spot, osm decimal.Decimal) error
	// open lists the running auctions' remaining lot and tab.
	open(now time.Time) (lot, tab decimal.Decimal, n int, err error)
	// check runs the mechanism's own invariants.
	check() error
}

// Model is the lending pool of examples/lending as a stress.Model: an
// Aave-style pool (margin.Lending) lending DAI against ETH, pricing ETH
// with a median of the scenario's quotes (oracle.Aggregator) delayed an
// hour like MakerDAO's OSM (oracle.Delayed), liquidating through
// liquidation.Engine and an English or Dutch auction house, at Aave's
// fixed spread (liquidation.LiquidationCall) or by Compound III's absorb
// (liquidation.Absorb, QuoteCollateral), with keepers of finite capital
// whose transactions land less often under congestion, and a surplus
// buffer backed by a debt auction (backstop.Waterfall).
//
// A Model is not safe for concurrent use.
type Model struct {
	cfg      Config
	rng      *rand.Rand
	lending  *margin.Lending
	engine   *liquidation.Engine
	agg      *oracle.Aggregator
	osm      *oracle.Delayed
	book     []*borrower
	byID     map[string]*borrower
	keepers  []*keeper
	byKeeper map[string]*keeper
	landed   []bool
	mech     mechanism
	records  map[uint64]*AuctionRecord
	fund     *surplus

	// Starting totals, for the conservation lines.
	ethStart, debtStart, cashStart decimal.Decimal

	poolCash  decimal.Decimal // DAI recovered + fees sold − keeper rewards paid
	rewards   decimal.Decimal // keeper rewards paid by the pool
	recovered decimal.Decimal // DAI paid to the pool for liquidated debt
	feeETH    decimal.Decimal // ETH protocol fees taken (sold at once)
	feeDAI    decimal.Decimal // DAI the fees fetched
	paidOut   decimal.Decimal // DAI paid to borrowers (Compound absorb credits above the debt)
	shortfall decimal.Decimal // Σ shortfall of settled liquidations
	bonuses   decimal.Decimal // Σ (tab − debt) of every liquidation begun
	dexDAI    decimal.Decimal // DAI the DEX paid for ETH (≤ 0)
	dexETH    decimal.Decimal // ETH the DEX bought

	spot, osmPrice   decimal.Decimal
	osmOK            bool
	now, first       time.Time
	ticks            int
	nextPlan         time.Time
	quiet            bool
	peakLiquidatable int
	badDebt          decimal.Decimal
	liquidated       decimal.Decimal
	liquidations     int
}

// New builds the pool of cfg for one scenario: the borrower book, the
// keepers and, tick by tick, whether their transactions land, are drawn
// from seed, in that order (math/rand with integer draws only, so the same
// on every platform). The book opens at OpenPrice. It fails with
// ErrInvalidConfig.
func New(cfg Config, seed int64) (*Model, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	m := &Model{cfg: c, rng: rand.New(rand.NewSource(seed)), byID: map[string]*borrower{}, byKeeper: map[string]*keeper{},
		records: map[uint64]*AuctionRecord{}}
	z := decimal.Zero
	m.poolCash, m.rewards, m.recovered, m.feeETH, m.feeDAI, m.shortfall, m.bonuses, m.dexDAI, m.dexETH = z, z, z, z, z, z, z, z, z
	m.badDebt, m.liquidated, m.ethStart, m.debtStart, m.cashStart, m.paidOut = z, z, z, z, z, z
	m.lending, err = margin.NewLending(margin.LendingSettings{
		Reserves: c.reserves(),
		Prices:   margin.PriceFunc(m.price),
		Scale:    Scale,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if m.engine, err = liquidation.NewEngine(c.engineSettings()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if m.agg, err = oracle.NewAggregator(oracle.AggregatorSettings{MaxAge: osmHop}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if m.osm, err = oracle.NewDelayed(oracle.DelayedSettings{Market: "ETH", Hop: osmHop}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if m.fund, err = newSurplus(c.Surplus); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	m.book = newBook(m.rng, c, OpenPrice)
	for _, b := range m.book {
		m.byID[b.id] = b
		m.ethStart, m.debtStart = m.ethStart.Add(b.eth), m.debtStart.Add(b.dai)
	}
	m.keepers = newKeepers(m.rng, c)
	for _, k := range m.keepers {
		m.byKeeper[k.id] = k
		m.cashStart = m.cashStart.Add(k.cash)
	}
	m.landed = make([]bool, len(m.keepers))
	switch c.Mechanism {
	case EnglishNoReserve:
		m.mech, err = newEnglish(m, noReserve)
	case EnglishReserve:
		m.mech, err = newEnglish(m, c.Reserve)
	case Dutch:
		m.mech, err = newDutch(m)
	case Absorb:
		m.mech = &absorber{m: m}
	default:
		m.mech = &fixedSpread{m: m}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return m, nil
}

// Factory returns a stress.Factory building New(cfg, seed) for each
// scenario; cfg is validated once, here.
func Factory(cfg Config) (stress.Factory, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return func(seed int64) (stress.Model, error) { return New(cfg, seed) }, nil
}

// Config returns the model's configuration, defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// price is the pool's price source: the OSM price for ETH, 1 for DAI.
func (m *Model) price(_ time.Time, asset string) (decimal.Decimal, error) {
	switch asset {
	case "ETH":
		if !m.osmOK {
			return decimal.Zero, oracle.ErrNoPrice
		}
		return m.osmPrice, nil
	case "DAI":
		return decimal.NewFromInt(1), nil
	}
	return decimal.Zero, fmt.Errorf("no price for %q", asset)
}

// Step implements stress.Model: t.Price is the market (spot) price keepers
// trade at, t.Quotes feed the pool's oracle (t.Price as the one source
// when there are none), t.Congestion (percent) the share of keepers'
// transactions that do not land. See StepBP.
func (m *Model) Step(t stress.Tick) error {
	if t.Congestion < 0 || t.Congestion > 100 {
		return fmt.Errorf("%w: congestion %d%% outside 0–100", ErrInvalidTick, t.Congestion)
	}
	return m.StepBP(t, t.Congestion*100)
}

// StepBP is Step with the congestion given in basis points (0–10,000)
// instead of t.Congestion, for a scenario that knows it finer than a
// percent (Market.CongestionBP; examples/lending replays with it).
//
// One tick: the oracle takes the median of the quotes and the OSM is poked
// with it on the first tick of each hour (the first tick primes it, so the
// first hour sees its own price); the mechanism settles what has ended; on
// a planning tick (every PlanEvery) the pool liquidates at the OSM price;
// then each keeper whose transaction lands this tick acts, in order. A
// tick whose oracle cannot price (no quorum, all quotes stale) leaves the
// OSM unpoked; once it is older than two hops the pool neither plans nor
// resets auctions (it does not act on a price it does not have).
func (m *Model) StepBP(t stress.Tick, congestionBP int) error {
	if err := m.checkTick(t, congestionBP); err != nil {
		return err
	}
	now := t.Time
	if m.ticks == 0 {
		m.first = now
		if err := m.fund.seed(now); err != nil {
			return err
		}
	}
	m.now, m.spot = now, t.Price
	if err := m.pokeOracle(t); err != nil {
		return err
	}
	if err := m.mech.tick(now, m.spot, m.osmPrice); err != nil {
		return err
	}
	if !now.Before(m.nextPlan) {
		m.nextPlan = now.Add(PlanEvery)
		if m.osmOK {
			n, err := m.mech.liquidate(now, m.osmPrice)
			if err != nil {
				return err
			}
			m.quiet = n == 0
		}
	}
	lands(m.rng, m.keepers, int64(congestionBP), m.landed)
	for i, k := range m.keepers {
		if m.landed[i] {
			if err := m.mech.act(now, k, m.spot, m.osmPrice); err != nil {
				return err
			}
		}
	}
	m.ticks++
	return m.fund.flush(now)
}

// checkTick refuses a tick the model cannot take, changing nothing.
func (m *Model) checkTick(t stress.Tick, bp int) error {
	if bp < 0 || bp > 10000 {
		return fmt.Errorf("%w: congestion %d bp outside 0–10,000", ErrInvalidTick, bp)
	}
	if err := num.CheckPositive(t.Price); err != nil {
		return fmt.Errorf("%w: price: %w", ErrInvalidTick, err)
	}
	if t.Price.Exponent() < -Scale || t.Price.GreaterThan(dec("1e12")) {
		return fmt.Errorf("%w: price %s off the 10⁻⁸ grid or above 10¹²", ErrInvalidTick, t.Price)
	}
	if t.Time.IsZero() || (m.ticks > 0 && !t.Time.After(m.now)) {
		return fmt.Errorf("%w: tick %d at %s not after the previous tick", ErrInvalidTick, t.Seq, t.Time.Format(time.RFC3339))
	}
	return nil
}

// pokeOracle aggregates the tick's quotes and pokes the OSM when a hop has
// passed, then reads the price the pool acts on.
func (m *Model) pokeOracle(t stress.Tick) error {
	quotes := t.Quotes
	if len(quotes) == 0 {
		quotes = []oracle.Quote{{Source: "spot", Price: t.Price, Time: t.Time}}
	}
	med := decimal.Zero
	// A tick the oracle cannot price (no quorum, every quote stale or
	// malformed) pokes nothing: fail closed, the OSM keeps its last price
	// until it is too old to use.
	if r, err := m.agg.Aggregate(t.Time, quotes); err == nil {
		med = r.Price.RoundFloor(Scale)
	}
	if med.Sign() > 0 {
		if m.ticks == 0 {
			// Prime the OSM so the first hour acts on its own price.
			if _, err := m.osm.Poke(t.Time.Add(-osmHop), med); err != nil {
				return err
			}
		}
		if m.osm.Pass(t.Time) {
			if _, err := m.osm.Poke(t.Time, med); err != nil {
				return err
			}
		}
	}
	p, err := m.osm.Price(t.Time)
	m.osmOK = err == nil
	if m.osmOK {
		m.osmPrice = p
	}
	return nil
}

// Idle reports whether the pool's last planning tick found nothing to
// liquidate and no liquidation is still running: a replay may stop here.
func (m *Model) Idle() bool {
	if !m.quiet {
		return false
	}
	_, _, n, err := m.mech.open(m.now)
	return err == nil && n == 0
}

// OSM returns the price the pool acts on now and whether it has one.
func (m *Model) OSM() (decimal.Decimal, bool) { return m.osmPrice, m.osmOK }

// Outcome implements stress.Model.
func (m *Model) Outcome() stress.Outcome {
	return stress.Outcome{
		Ticks:         m.ticks,
		BadDebt:       m.badDebt,
		Liquidations:  m.liquidations,
		Liquidated:    m.liquidated,
		FundStart:     m.fund.start,
		FundEnd:       m.fund.balance(),
		FundMin:       m.fund.min,
		FundExhausted: m.fund.exhausted,
		Socialised:    m.fund.flop.minted,
		Uncovered:     m.fund.uncovered,
	}
}

// begin records a liquidation begun at now: debt taken over from owner,
// lot of collateral, tab to raise.
func (m *Model) begin(now time.Time, id uint64, owner string, debt, lot, tab decimal.Decimal) *AuctionRecord {
	z := decimal.Zero
	rec := &AuctionRecord{ID: id, Owner: owner, Kicked: now, KickSpot: m.spot, KickOSM: m.osmPrice,
		Debt: debt, Lot: lot, Tab: tab, Sold: z, Returned: z, Recovered: z, Shortfall: z, BadDebt: z, Rewards: z}
	m.records[id] = rec
	m.liquidations++
	m.liquidated = m.liquidated.Add(debt)
	m.bonuses = m.bonuses.Add(tab.Sub(debt))
	return rec
}

// planAuctions plans at the OSM price and kicks an auction per order
// through kick. It returns the number of orders.
func (m *Model) planAuctions(now time.Time, kick func(liquidation.Order) (uint64, error)) (int, error) {
	accts, liq, err := views(m.lending, m.book, now, m.osmPrice, m.cfg.LiquidationThreshold)
	if err != nil {
		return 0, err
	}
	if liq > m.peakLiquidatable {
		m.peakLiquidatable = liq
	}
	plan, err := m.engine.Plan(now, accts)
	if err != nil {
		return 0, err
	}
	for _, o := range plan.Orders {
		b := m.byID[o.Account]
		id, err := kick(o)
		if err != nil {
			return 0, fmt.Errorf("kick %s: %w", o.Account, err)
		}
		b.eth = b.eth.Sub(o.Lot)
		b.dai = b.dai.Sub(o.Debt)
		b.auctions++
		m.begin(now, id, o.Account, o.Debt, o.Lot, o.Tab)
	}
	if _, err := m.engine.Commit(now, plan.Orders); err != nil {
		return 0, err
	}
	return len(plan.Orders), nil
}

// sellOnDEX is keeper k selling the ETH it just bought at spot (keepers
// flip collateral straight away; no slippage is modelled). Proceeds round
// down.
func (m *Model) sellOnDEX(k *keeper, eth, spot decimal.Decimal) {
	proceeds := eth.Mul(spot).RoundFloor(Scale)
	k.cash = k.cash.Add(proceeds)
	m.dexDAI = m.dexDAI.Sub(proceeds)
	m.dexETH = m.dexETH.Add(eth)
}

// pay moves a keeper incentive from the pool to k; the surplus buffer
// covers it as a loss (the Vow sucks it).
func (m *Model) pay(now time.Time, k *keeper, reward decimal.Decimal) error {
	m.poolCash = m.poolCash.Sub(reward)
	m.rewards = m.rewards.Add(reward)
	k.cash = k.cash.Add(reward)
	return m.fund.lose(now, reward, "keeper incentive")
}

// receive books DAI a keeper paid the pool for liquidated debt.
func (m *Model) receive(k *keeper, amount decimal.Decimal) {
	k.cash = k.cash.Sub(amount)
	m.poolCash = m.poolCash.Add(amount)
	m.recovered = m.recovered.Add(amount)
}

// settled books an auction's settlement: the collateral not sold goes back
// to its borrower, the record is closed, and its income or bad debt goes
// to the surplus buffer.
func (m *Model) settled(now time.Time, st *liquidation.Settlement, winner string) error {
	if err := liquidation.CheckSettlement(*st); err != nil {
		return err
	}
	rec := m.records[st.Auction]
	if rec == nil {
		return fmt.Errorf("settlement of unknown auction %d", st.Auction)
	}
	if rec.Sold.Sign() > 0 && !rec.Sold.Equal(st.CollateralSold) {
		// Dutch takes are booked as they happen; the house must agree.
		return notConserved("auction %d sold %s by takes, %s by its settlement", st.Auction, rec.Sold, st.CollateralSold)
	}
	b := m.byID[st.Owner]
	b.eth = b.eth.Add(st.CollateralReturned)
	b.auctions--
	rec.Ended, rec.Winner = now, winner
	rec.Sold, rec.Returned, rec.Recovered, rec.Shortfall = st.CollateralSold, st.CollateralReturned, st.DebtRecovered, st.Shortfall
	rec.BadDebt = num.MaxOf(decimal.Zero, rec.Debt.Sub(st.DebtRecovered))
	rec.Rewards = st.KeeperRewards
	rec.done = true
	// The penalty recovered beyond the debt (chop) is the Vow's income.
	return m.closeRecord(now, rec, num.MaxOf(decimal.Zero, rec.Recovered.Sub(rec.Debt)))
}

// closeRecord books a finished liquidation's shortfall, its bad debt (a
// loss the surplus buffer covers) and its income (paid into the buffer).
func (m *Model) closeRecord(now time.Time, rec *AuctionRecord, income decimal.Decimal) error {
	m.shortfall = m.shortfall.Add(rec.Shortfall)
	m.badDebt = m.badDebt.Add(rec.BadDebt)
	if err := m.fund.earn(now, income, "liquidation penalty"); err != nil {
		return err
	}
	return m.fund.lose(now, rec.BadDebt, "bad debt")
}

// sortedRecords returns the records by ID.
func (m *Model) sortedRecords() []AuctionRecord {
	out := make([]AuctionRecord, 0, len(m.records))
	for _, r := range m.records {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
