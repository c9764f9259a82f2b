package main

import (
	"fmt"
	"math/rand"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// mechanism is an auction house as the simulation drives it: the English
// (Flipper) and Dutch (Clipper) runners implement it.
type mechanism interface {
	// kick starts an auction for a planned liquidation at the OSM price.
	kick(now time.Time, o liquidation.Order, osm decimal.Decimal) (uint64, error)
	// tick does what happens at now whoever's transactions land: settling
	// ended English auctions, restarting those nobody bid on.
	tick(now time.Time, spot, osm decimal.Decimal) error
	// act is keeper k's transactions landing at now.
	act(now time.Time, k *keeper, spot, osm decimal.Decimal) error
	// active lists the running auctions.
	active() []uint64
	// check runs the house's invariants.
	check() error
}

// AuctionRecord is one auction from kick to settlement.
type AuctionRecord struct {
	ID       uint64          // the house's auction ID
	Owner    string          // the borrower liquidated
	Kicked   time.Time       // when it started
	Ended    time.Time       // when it settled (zero while open)
	KickSpot decimal.Decimal // market price at kick
	KickOSM  decimal.Decimal // the protocol's (OSM) price at kick
	Debt     decimal.Decimal // debt closed (the tab without the bonus)
	Lot      decimal.Decimal // ETH for sale
	Tab      decimal.Decimal // DAI to raise: debt + 5% bonus
	// Sold, Returned, Recovered and Shortfall are the settlement's
	// collateral sold and returned, DAI recovered and tab left unpaid.
	Sold, Returned, Recovered, Shortfall decimal.Decimal
	// BadDebt is the part of the shortfall that is debt, not bonus:
	// max(0, Debt − Recovered). The pool lent it and never got it back.
	BadDebt decimal.Decimal
	// Rewards are the keeper incentives the pool paid (Dutch kick/redo).
	Rewards decimal.Decimal
	// Winner is the keeper who won (English) or made the last take.
	Winner string
	// Resets counts English restarts or Dutch redos.
	Resets int
	// Open is true when the run ended before the auction did.
	Open bool
}

// Holder is one party's value at the start and the end of a run, in DAI
// with every ETH valued at the final spot price.
type Holder struct {
	Name       string
	Start, End decimal.Decimal
}

// sim is one replay of the crash with one auction mechanism.
type sim struct {
	market   Market
	lending  *margin.Lending
	engine   *liquidation.Engine
	book     []*borrower
	byID     map[string]*borrower
	keepers  []*keeper
	byKeeper map[string]*keeper
	lands    [][]bool
	mech     mechanism
	records  map[uint64]*AuctionRecord

	poolCash decimal.Decimal // DAI recovered − keeper rewards paid
	rewards  decimal.Decimal // keeper rewards paid by the pool
	dexDAI   decimal.Decimal // DAI the DEX paid keepers for ETH (≤ 0)
	dexETH   decimal.Decimal // ETH the DEX bought from keepers

	peakLiquidatable int
	end              time.Time
}

// newSim builds a run from copies of the book and keepers.
func newSim(m Market, book []*borrower, ks []*keeper, lands [][]bool) (*sim, error) {
	l, err := margin.NewLending(margin.LendingSettings{
		Reserves: []margin.Reserve{ethReserve, daiReserve},
		Prices:   margin.PriceFunc(func(now time.Time, asset string) (decimal.Decimal, error) { return priceOf(m, asset, now) }),
		Scale:    scale,
	})
	if err != nil {
		return nil, err
	}
	e, err := liquidation.NewEngine(engineSettings())
	if err != nil {
		return nil, err
	}
	s := &sim{market: m, lending: l, engine: e, byID: map[string]*borrower{}, byKeeper: map[string]*keeper{},
		lands: lands, records: map[uint64]*AuctionRecord{}, poolCash: decimal.Zero, rewards: decimal.Zero, dexDAI: decimal.Zero, dexETH: decimal.Zero}
	for _, b := range book {
		c := *b
		s.book = append(s.book, &c)
		s.byID[c.id] = &c
	}
	for _, k := range ks {
		c := *k
		s.keepers = append(s.keepers, &c)
		s.byKeeper[c.id] = &c
	}
	return s, nil
}

// priceOf is the protocol's price source: the OSM price for ETH, 1 for DAI.
func priceOf(m Market, asset string, now time.Time) (decimal.Decimal, error) {
	switch asset {
	case "ETH":
		return m.OSM(now), nil
	case "DAI":
		return decimal.NewFromInt(1), nil
	}
	return decimal.Zero, fmt.Errorf("no price for %q", asset)
}

// run replays the crash minute by minute until every auction has settled
// after the crash day, or maxDuration.
func (s *sim) run() error {
	minutes := int(maxDuration / time.Minute)
	quiet := false
	for t := 0; t <= minutes; t++ {
		now := start.Add(time.Duration(t) * time.Minute)
		spot, osm := s.market.Spot(now), s.market.OSM(now)
		s.end = now
		if err := s.mech.tick(now, spot, osm); err != nil {
			return err
		}
		if t%int(planEvery/time.Minute) == 0 {
			n, err := s.liquidate(now, osm)
			if err != nil {
				return err
			}
			quiet = n == 0
		}
		for i, k := range s.keepers {
			if s.lands[i][t] {
				if err := s.mech.act(now, k, spot, osm); err != nil {
					return err
				}
			}
		}
		if err := s.engine.CheckInvariants(); err != nil {
			return err
		}
		if err := s.mech.check(); err != nil {
			return err
		}
		if quiet && now.Sub(start) >= 24*time.Hour && len(s.mech.active()) == 0 {
			break
		}
	}
	for _, id := range s.mech.active() {
		s.records[id].Open = true
	}
	return nil
}

// liquidate plans at the OSM price and kicks an auction per order. It
// returns the number of orders.
func (s *sim) liquidate(now time.Time, osm decimal.Decimal) (int, error) {
	accts, liq, err := views(s.lending, s.book, now)
	if err != nil {
		return 0, err
	}
	if liq > s.peakLiquidatable {
		s.peakLiquidatable = liq
	}
	plan, err := s.engine.Plan(now, accts)
	if err != nil {
		return 0, err
	}
	for _, o := range plan.Orders {
		b := s.byID[o.Account]
		id, err := s.mech.kick(now, o, osm)
		if err != nil {
			return 0, fmt.Errorf("kick %s: %w", o.Account, err)
		}
		b.eth = b.eth.Sub(o.Lot)
		b.dai = b.dai.Sub(o.Debt)
		b.auctions++
		s.records[id] = &AuctionRecord{ID: id, Owner: o.Account, Kicked: now, KickSpot: s.market.Spot(now), KickOSM: osm,
			Debt: o.Debt, Lot: o.Lot, Tab: o.Tab, Sold: decimal.Zero, Returned: decimal.Zero, Recovered: decimal.Zero,
			Shortfall: decimal.Zero, BadDebt: decimal.Zero, Rewards: decimal.Zero}
	}
	if _, err := s.engine.Commit(now, plan.Orders); err != nil {
		return 0, err
	}
	return len(plan.Orders), nil
}

// sellOnDEX is keeper k selling the ETH it just bought at spot (keepers
// flip collateral straight away; no slippage is modelled).
func (s *sim) sellOnDEX(k *keeper, eth, spot decimal.Decimal) {
	proceeds := eth.Mul(spot).RoundFloor(scale)
	k.cash = k.cash.Add(proceeds)
	s.dexDAI = s.dexDAI.Sub(proceeds)
	s.dexETH = s.dexETH.Add(eth)
}

// settled books an auction's settlement: the collateral not sold goes back
// to its borrower and the record is closed.
func (s *sim) settled(now time.Time, st *liquidation.Settlement, winner string) error {
	if err := liquidation.CheckSettlement(*st); err != nil {
		return err
	}
	rec := s.records[st.Auction]
	if rec == nil {
		return fmt.Errorf("settlement of unknown auction %d", st.Auction)
	}
	b := s.byID[st.Owner]
	b.eth = b.eth.Add(st.CollateralReturned)
	b.auctions--
	rec.Ended, rec.Winner = now, winner
	rec.Sold, rec.Returned, rec.Recovered, rec.Shortfall = st.CollateralSold, st.CollateralReturned, st.DebtRecovered, st.Shortfall
	rec.BadDebt = num.MaxOf(decimal.Zero, rec.Debt.Sub(st.DebtRecovered))
	rec.Rewards = st.KeeperRewards
	return nil
}

// sortedRecords returns the records by auction ID.
func (s *sim) sortedRecords() []AuctionRecord {
	out := make([]AuctionRecord, 0, len(s.records))
	for _, r := range s.records {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// seeded builds the shared inputs of every run of one seed: the book, the
// keepers and when their transactions land.
func seeded(cfg Config, m Market) ([]*borrower, []*keeper, [][]bool) {
	rng := rand.New(rand.NewSource(cfg.Seed))
	book := newBook(rng, cfg.Borrowers, openPrice)
	ks := newKeepers(rng, cfg.Keepers)
	lands := landings(rng, m, ks, int(maxDuration/time.Minute)+1)
	return book, ks, lands
}
