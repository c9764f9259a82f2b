package lending

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
)

// fixedSpread is Aave v3.3's liquidation (aave-dao/aave-v3-origin
// src/contracts/protocol/libraries/logic/LiquidationLogic.sol @fd1fbd9,
// executeLiquidationCall), computed by liquidation.LiquidationCall: there
// is no auction. Any keeper whose transaction lands may repay part of a
// liquidatable borrower's debt (the close factor: 50% while the health
// factor is above 0.95 and the position is large, else all of it) and
// receives collateral worth the debt repaid × the liquidation bonus at the
// oracle price; the protocol keeps ProtocolFee of the bonus collateral
// (liquidationProtocolFee) and sells it at once. A call that would leave
// debt or collateral worth less than MIN_LEFTOVER_BASE (here Config.Dust,
// the threshold being 2 × Dust) is refused, and the liquidator repays the
// whole debt instead (Aave v3.3's rule against dust). When a liquidation
// takes the borrower's last collateral, the debt left is written off as
// bad debt (Aave v3.3 _burnBadDebt: the reserve's deficit).
//
// A keeper liquidates when the collateral it receives, sold at the spot
// price less its required discount, is worth at least the DAI it repays,
// with as much of its DAI as the call accepts. With a stale oracle price
// above the market (Maker's OSM in a crash) the bonus may not cover the
// gap, and nobody liquidates until the oracle catches up: the fixed
// spread's weakness, as the auctions' is the zero bid.
type fixedSpread struct {
	m *Model
	finder
	nextID uint64
}

// finder keeps the borrowers liquidatable at the price they were found at:
// recomputed on planning ticks and when the OSM moves, so keepers do not
// value the whole book every tick.
type finder struct {
	candidates   []*borrower
	candidatesAt decimal.Decimal
}

func (f *fixedSpread) check() error { return nil }

// open: a fixed-spread liquidation settles in the call; nothing is open.
func (f *fixedSpread) open(time.Time) (decimal.Decimal, decimal.Decimal, int, error) {
	return decimal.Zero, decimal.Zero, 0, nil
}

// tick: nothing to settle.
func (f *fixedSpread) tick(time.Time, decimal.Decimal, decimal.Decimal) error { return nil }

// liquidate is the pool's look at a planning tick: it finds the
// liquidatable borrowers (the protocol itself liquidates nobody) and
// returns how many there are.
func (f *fixedSpread) liquidate(now time.Time, osm decimal.Decimal) (int, error) {
	if err := f.find(f.m, now, osm); err != nil {
		return 0, err
	}
	return len(f.candidates), nil
}

// find values the book at osm and keeps the liquidatable borrowers.
func (f *finder) find(m *Model, now time.Time, osm decimal.Decimal) error {
	accts, liq, err := views(m.lending, m.book, now, m.osmPrice, m.cfg.LiquidationThreshold)
	if err != nil {
		return err
	}
	if liq > m.peakLiquidatable {
		m.peakLiquidatable = liq
	}
	f.candidates = f.candidates[:0]
	for _, a := range accts {
		if v := a.(lendingView); v.h.Liquidatable {
			f.candidates = append(f.candidates, m.byID[v.id])
		}
	}
	f.candidatesAt = osm
	return nil
}

// refresh re-finds the candidates when the OSM has moved since.
func (f *finder) refresh(m *Model, now time.Time, osm decimal.Decimal) error {
	if osm.Equal(f.candidatesAt) {
		return nil
	}
	return f.find(m, now, osm)
}

// act is keeper k's transactions landing at now: one liquidationCall on
// every liquidatable borrower it can profitably liquidate, in book order.
func (f *fixedSpread) act(now time.Time, k *keeper, spot, osm decimal.Decimal) error {
	if !f.m.osmOK {
		return nil
	}
	if f.unprofitable(k, spot, osm) {
		return nil
	}
	if err := f.refresh(f.m, now, osm); err != nil {
		return err
	}
	for _, b := range f.candidates {
		if b.dai.Sign() == 0 || b.eth.Sign() == 0 {
			continue
		}
		if err := f.call(now, k, b, spot, osm); err != nil {
			return err
		}
	}
	return nil
}

// call is one liquidationCall of keeper k on borrower b, if b is
// liquidatable and the trade pays k.
func (f *fixedSpread) call(now time.Time, k *keeper, b *borrower, spot, osm decimal.Decimal) error {
	m := f.m
	h, err := m.lending.Health(now, b.account())
	if err != nil {
		return fmt.Errorf("health of %s: %w", b.id, err)
	}
	if !h.Liquidatable {
		return nil
	}
	p := liquidation.AaveLiquidation{
		DebtToCover: decimal.Min(k.cash.RoundFloor(Scale), b.dai), ReserveDebt: b.dai, CollateralBalance: b.eth,
		TotalDebtBase: b.dai, DebtPrice: decimal.NewFromInt(1), CollateralPrice: osm, DebtDecimals: Scale, CollateralDecimals: Scale,
		HealthFactor: h.Factor, LiquidationBonus: m.cfg.LiquidationBonus, ProtocolFee: m.cfg.ProtocolFee,
		MinBaseMaxCloseFactorThreshold: m.cfg.Dust.Add(m.cfg.Dust),
	}
	if p.DebtToCover.Sign() <= 0 {
		return nil
	}
	r, err := liquidation.LiquidationCall(p)
	if err != nil {
		return fmt.Errorf("liquidationCall on %s: %w", b.id, err)
	}
	if r.Dust {
		// Aave v3.3 refuses a call that leaves dust: the liquidator must
		// repay the whole debt, if its DAI allows.
		if k.cash.LessThan(b.dai) {
			return nil
		}
		p.DebtToCover = b.dai
		if r, err = liquidation.LiquidationCall(p); err != nil {
			return fmt.Errorf("liquidationCall on %s: %w", b.id, err)
		}
		if r.Dust || r.DebtRepaid.Sign() <= 0 {
			return nil
		}
	}
	worth := r.CollateralToLiquidator.Mul(spot.Mul(decimal.NewFromInt(1).Sub(k.discount))).RoundFloor(Scale)
	if r.DebtRepaid.Sign() <= 0 || worth.LessThan(r.DebtRepaid) || k.cash.LessThan(r.DebtRepaid) {
		return nil // the spread does not pay this keeper at the market price
	}
	// The liquidator repays, the borrower's debt and collateral fall, the
	// liquidator and the pool sell their collateral at once.
	f.nextID++
	rec := m.begin(now, f.nextID, b.id, r.DebtRepaid, r.CollateralToLiquidator.Add(r.ProtocolFee), r.DebtRepaid)
	m.receive(k, r.DebtRepaid)
	b.dai = b.dai.Sub(r.DebtRepaid)
	b.eth = b.eth.Sub(rec.Lot)
	m.sellOnDEX(k, r.CollateralToLiquidator, spot)
	fee := m.sellFee(r.ProtocolFee, spot)
	rec.Ended, rec.Winner, rec.done = now, k.id, true
	rec.Sold, rec.Recovered, rec.Fee = rec.Lot, r.DebtRepaid, fee
	if err := m.closeRecord(now, rec, decimal.Zero); err != nil {
		return err
	}
	if err := m.fund.earn(now, fee, "liquidation protocol fee"); err != nil {
		return err
	}
	if b.eth.Sign() == 0 && b.dai.Sign() > 0 {
		return f.writeOff(now, b)
	}
	return nil
}

// writeOff burns the debt of a borrower left without collateral (Aave v3.3
// _burnBadDebt): it is bad debt, covered by the surplus buffer.
func (f *fixedSpread) writeOff(now time.Time, b *borrower) error {
	m := f.m
	f.nextID++
	z := decimal.Zero
	rec := &AuctionRecord{ID: f.nextID, Owner: b.id, Kicked: now, Ended: now, KickSpot: m.spot, KickOSM: m.osmPrice,
		Debt: b.dai, Lot: z, Tab: b.dai, Sold: z, Returned: z, Recovered: z, Shortfall: b.dai, BadDebt: b.dai, Fee: z,
		Rewards: z, Winner: "pool", WriteOff: true, done: true}
	m.records[rec.ID] = rec
	b.dai = z
	return m.closeRecord(now, rec, decimal.Zero)
}

// sellFee sells the protocol's fee collateral at spot (rounded down) and
// returns the DAI it fetched.
func (m *Model) sellFee(eth, spot decimal.Decimal) decimal.Decimal {
	if eth.Sign() == 0 {
		return decimal.Zero
	}
	proceeds := eth.Mul(spot).RoundFloor(Scale)
	m.feeETH, m.feeDAI = m.feeETH.Add(eth), m.feeDAI.Add(proceeds)
	m.poolCash = m.poolCash.Add(proceeds)
	m.dexDAI = m.dexDAI.Sub(proceeds)
	m.dexETH = m.dexETH.Add(eth)
	return proceeds
}

// unprofitable reports whether no liquidation can pay keeper k at these
// prices, whoever the borrower: a liquidator repaying D receives at most
// D / osm × (bonus − fee × (bonus − 1)) of collateral (every rounding of
// liquidationCall only lowers it, and capping at the balance keeps the
// ratio), worth at k's price spot × (1 − discount) less than D exactly
// when spot × (1 − discount) × (bonus − fee × (bonus − 1)) < osm. It
// spares the keeper a health check and a liquidationCall per borrower
// while a stale oracle stands above the market.
func (f *fixedSpread) unprofitable(k *keeper, spot, osm decimal.Decimal) bool {
	c := f.m.cfg
	one := decimal.NewFromInt(1)
	eff := c.LiquidationBonus.Sub(c.ProtocolFee.Mul(c.LiquidationBonus.Sub(one)))
	return spot.Mul(one.Sub(k.discount)).Mul(eff).LessThan(osm)
}
