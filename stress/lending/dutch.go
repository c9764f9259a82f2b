package lending

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
)

// dutch drives liquidation.DutchHouse like Maker's Clipper (Liquidations
// 2.0, dss clip.sol): the price starts above the OSM price and falls on a
// curve; any keeper whose transaction lands buys at the current price, in
// one go, without locking capital, so a late transaction means a lower
// price, not a zero bid.
type dutch struct {
	m      *Model
	h      *liquidation.DutchHouse
	kicker *keeper
}

// newDutch builds the Dutch house of a run.
func newDutch(m *Model) (*dutch, error) {
	ds, err := m.cfg.dutchSettings()
	if err != nil {
		return nil, err
	}
	h, err := liquidation.NewDutchHouse(ds)
	if err != nil {
		return nil, err
	}
	return &dutch{m: m, h: h, kicker: m.keepers[0]}, nil
}

func (d *dutch) check() error { return d.h.CheckInvariants() }

// open sums what the house still holds: the lot still for sale and the
// tab still to raise.
func (d *dutch) open(now time.Time) (lot, tab decimal.Decimal, n int, err error) {
	lot, tab = decimal.Zero, decimal.Zero
	for _, id := range d.h.Active() {
		st, err := d.h.Status(now, id)
		if err != nil {
			return lot, tab, n, err
		}
		lot, tab = lot.Add(st.Lot), tab.Add(st.Tab)
		n++
	}
	return lot, tab, n, nil
}

// liquidate kicks an auction per planned order at top = OSM × buf; the
// first keeper (who runs the barking bot) earns the kick incentive, paid
// by the pool.
func (d *dutch) liquidate(now time.Time, osm decimal.Decimal) (int, error) {
	return d.m.planAuctions(now, func(o liquidation.Order) (uint64, error) {
		r, err := d.h.Kick(now, liquidation.KickParams{Tab: o.Tab, Lot: o.Lot, Owner: o.Account, Keeper: d.kicker.id, Price: osm, Penalty: o.Penalty})
		if err != nil {
			return 0, err
		}
		return r.ID, d.m.pay(now, d.kicker, r.Reward)
	})
}

// tick: a Dutch auction needs no settling; it ends with the take that
// empties its tab or lot.
func (d *dutch) tick(time.Time, decimal.Decimal, decimal.Decimal) error { return nil }

// act is keeper k's transactions landing at now: it resets any auction
// that needs it (Clipper redo, at the fresh OSM price, for the incentive)
// and buys from every auction whose price is at or below spot less its
// discount, as much as its DAI allows.
func (d *dutch) act(now time.Time, k *keeper, spot, osm decimal.Decimal) error {
	limit := spot.Mul(decimal.NewFromInt(1).Sub(k.discount)).RoundFloor(Scale)
	for _, id := range d.h.Active() {
		st, err := d.h.Status(now, id)
		if err != nil {
			return err
		}
		rec := d.m.records[id]
		if st.NeedsRedo {
			if !d.m.osmOK {
				continue // no fresh price to reset at
			}
			r, err := d.h.Redo(now, liquidation.RedoParams{ID: id, Keeper: k.id, Price: osm})
			if err != nil {
				return err
			}
			if r.Refusal == "" {
				if err := d.m.pay(now, k, r.Reward); err != nil {
					return err
				}
				rec.Resets++
			}
			continue
		}
		if st.Price.GreaterThan(limit) || st.Price.Sign() <= 0 {
			continue
		}
		maxLot := num.MinOf(st.Lot, num.DivFloor(k.cash, st.Price, Scale))
		if maxLot.Sign() <= 0 {
			continue
		}
		r, err := d.h.Take(now, liquidation.TakeParams{ID: id, Keeper: k.id, MaxLot: maxLot, MaxPrice: st.Price})
		if err != nil {
			return err
		}
		if r.Refusal != "" {
			continue
		}
		d.m.receive(k, r.Paid)
		rec.Sold = rec.Sold.Add(r.Lot)
		d.m.sellOnDEX(k, r.Lot, spot)
		if _, err := d.m.engine.Release(now, "ETH", r.Released); err != nil {
			return err
		}
		if r.Settlement != nil {
			if err := d.m.settled(now, r.Settlement, k.id); err != nil {
				return err
			}
		}
	}
	return nil
}
