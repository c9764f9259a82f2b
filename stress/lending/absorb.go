package lending

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
)

// absorber is Compound III's liquidation (compound-finance/comet
// contracts/Comet.sol absorb and buyCollateral, via liquidation.Absorb and
// liquidation.QuoteCollateral): there is no auction and no close factor.
// Any keeper whose transaction lands absorbs every liquidatable account
// (absorb is a public call; the absorber earns only gas points): the
// protocol takes all its collateral and its whole debt, crediting it the
// collateral's value at the oracle price × the liquidation factor; a
// credit above the debt is paid to the borrower (Comet supplies it to the
// account). The protocol then sells the seized collateral through
// buyCollateral at the store-front price (Comet quoteCollateral), the
// oracle price less
// StoreFrontPriceFactor × (1 − liquidation factor): a keeper buys, oldest
// absorb first, when that price is at or below the spot price less its
// required discount, with as much DAI as it has. Comet sells only while
// its reserves are below targetReserves (5M USDC on cUSDCv3); the model
// always sells.
//
// An absorb's tab is what the protocol must raise to be whole: the debt
// plus what it credited the borrower; a sale that raises more makes the
// tab what it raised (the excess is income). What the sales leave of the
// tab once the lot is sold is bad debt — the reserves' loss, debt and
// credit alike.
type absorber struct {
	m *Model
	finder
	queue  []*AuctionRecord // absorbs whose lot is not yet sold, oldest first
	nextID uint64
}

func (a *absorber) check() error { return nil }

// tick: nothing settles by time.
func (a *absorber) tick(time.Time, decimal.Decimal, decimal.Decimal) error { return nil }

// open sums the seized collateral not yet sold and the tabs not yet raised.
func (a *absorber) open(time.Time) (lot, tab decimal.Decimal, n int, err error) {
	lot, tab = decimal.Zero, decimal.Zero
	for _, r := range a.queue {
		lot, tab = lot.Add(r.Lot.Sub(r.Sold)), tab.Add(r.Tab.Sub(r.Recovered))
	}
	return lot, tab, len(a.queue), nil
}

// liquidate is the pool's look at a planning tick: it finds the
// liquidatable borrowers (keepers absorb them) and returns how many there
// are.
func (a *absorber) liquidate(now time.Time, osm decimal.Decimal) (int, error) {
	if err := a.find(a.m, now, osm); err != nil {
		return 0, err
	}
	return len(a.candidates), nil
}

// liquidationFactor is the share of the collateral's value credited to an
// absorbed account: 2 − LiquidationBonus, the same penalty as the other
// mechanisms (0.95 by default, cUSDCv3's WETH liquidationFactor, compound-
// finance/comet deployments/mainnet/usdc/configuration.json).
func (a *absorber) liquidationFactor() decimal.Decimal {
	return decimal.NewFromInt(2).Sub(a.m.cfg.LiquidationBonus)
}

// act is keeper k's transactions landing at now: absorb every
// liquidatable borrower, then buy collateral while it pays.
func (a *absorber) act(now time.Time, k *keeper, spot, osm decimal.Decimal) error {
	if !a.m.osmOK {
		return nil
	}
	if err := a.refresh(a.m, now, osm); err != nil {
		return err
	}
	for _, b := range a.candidates {
		if b.dai.Sign() == 0 {
			continue
		}
		if err := a.absorb(now, b, osm); err != nil {
			return err
		}
	}
	return a.buy(now, k, spot, osm)
}

// absorb seizes b's collateral and debt (Comet absorbInternal).
func (a *absorber) absorb(now time.Time, b *borrower, osm decimal.Decimal) error {
	m := a.m
	h, err := m.lending.Health(now, b.account())
	if err != nil {
		return fmt.Errorf("health of %s: %w", b.id, err)
	}
	if !h.Liquidatable {
		return nil
	}
	r, err := liquidation.Absorb(b.dai, decimal.NewFromInt(1), Scale, []liquidation.CompoundCollateral{
		{Amount: b.eth, Price: osm, Decimals: Scale, LiquidationFactor: a.liquidationFactor()}})
	if err != nil {
		return fmt.Errorf("absorb %s: %w", b.id, err)
	}
	a.nextID++
	rec := m.begin(now, a.nextID, b.id, b.dai, b.eth, b.dai.Add(r.NewBalance))
	rec.Winner = "pool"
	b.eth, b.dai = decimal.Zero, decimal.Zero
	if r.NewBalance.Sign() > 0 {
		b.cash = b.cash.Add(r.NewBalance)
		m.poolCash = m.poolCash.Sub(r.NewBalance)
		m.paidOut = m.paidOut.Add(r.NewBalance)
	}
	a.queue = append(a.queue, rec)
	return nil
}

// buy is keeper k buying collateral at the store-front price, oldest
// absorb first, while the price is at or below its limit and it has DAI.
func (a *absorber) buy(now time.Time, k *keeper, spot, osm decimal.Decimal) error {
	m := a.m
	one := decimal.NewFromInt(1)
	limit := spot.Mul(one.Sub(k.discount)).RoundFloor(Scale)
	// Comet quoteCollateral's discounted price (liquidation.QuoteCollateral).
	discount := m.cfg.StoreFrontPriceFactor.Mul(one.Sub(a.liquidationFactor())).RoundFloor(18)
	price := osm.Mul(one.Sub(discount)).RoundFloor(Scale)
	if price.Sign() <= 0 || price.GreaterThan(limit) {
		return nil
	}
	for len(a.queue) > 0 {
		rec := a.queue[0]
		left := rec.Lot.Sub(rec.Sold)
		// The whole lot costs ceil(left × price) (the protocol's favour),
		// which Comet's quote turns back into at least left; a keeper who
		// cannot afford it buys what its DAI quotes.
		base, lot := left.Mul(price).RoundCeil(Scale), left
		if k.cash.LessThan(base) {
			base = k.cash.RoundFloor(Scale)
			q, err := liquidation.QuoteCollateral(liquidation.CompoundQuote{BaseAmount: base, BasePrice: one, AssetPrice: osm,
				StoreFrontPriceFactor: m.cfg.StoreFrontPriceFactor, LiquidationFactor: a.liquidationFactor(), AssetDecimals: Scale})
			if err != nil {
				return fmt.Errorf("buyCollateral from absorb %d: %w", rec.ID, err)
			}
			if q.Sign() <= 0 || !q.LessThan(left) {
				return nil
			}
			lot = q
		}
		m.receive(k, base)
		rec.Sold, rec.Recovered = rec.Sold.Add(lot), rec.Recovered.Add(base)
		m.sellOnDEX(k, lot, spot)
		if rec.Sold.Equal(rec.Lot) {
			a.queue = a.queue[1:]
			if err := a.settle(now, rec, k.id); err != nil {
				return err
			}
		}
	}
	return nil
}

// settle closes an absorb whose lot is sold: a sale above the tab makes
// the tab what it raised (the excess is income); below, the rest is bad
// debt.
func (a *absorber) settle(now time.Time, rec *AuctionRecord, winner string) error {
	m := a.m
	excess := decimal.Zero
	if rec.Recovered.GreaterThan(rec.Tab) {
		excess = rec.Recovered.Sub(rec.Tab)
		m.bonuses = m.bonuses.Add(excess)
		rec.Tab = rec.Recovered
	}
	rec.Ended, rec.Winner, rec.done = now, winner, true
	rec.Returned = decimal.Zero
	rec.Shortfall = rec.Tab.Sub(rec.Recovered)
	rec.BadDebt = rec.Shortfall
	return m.closeRecord(now, rec, excess)
}
