package main

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
)

// dutch drives liquidation.DutchHouse like Maker's Clipper (Liquidations
// 2.0): the price starts above the OSM price and falls every 90 seconds;
// any keeper whose transaction lands buys at the current price, in one go,
// without locking capital, so a late transaction means a lower price, not
// a zero bid.
type dutch struct {
	s      *sim
	h      *liquidation.DutchHouse
	kicker *keeper
}

// newDutch builds the Dutch house of a run.
func newDutch(s *sim) (*dutch, error) {
	ds, err := dutchSettings()
	if err != nil {
		return nil, err
	}
	h, err := liquidation.NewDutchHouse(ds)
	if err != nil {
		return nil, err
	}
	return &dutch{s: s, h: h, kicker: s.keepers[0]}, nil
}

// active and check implement mechanism.
func (d *dutch) active() []uint64 { return d.h.Active() }
func (d *dutch) check() error     { return d.h.CheckInvariants() }

// kick starts an auction at top = OSM × buf; the first keeper (who runs
// the barking bot) earns the kick incentive, paid by the pool.
func (d *dutch) kick(now time.Time, o liquidation.Order, osm decimal.Decimal) (uint64, error) {
	r, err := d.h.Kick(now, liquidation.KickParams{Tab: o.Tab, Lot: o.Lot, Owner: o.Account, Keeper: d.kicker.id, Price: osm, Penalty: o.Penalty})
	if err != nil {
		return 0, err
	}
	d.pay(d.kicker, r.Reward)
	return r.ID, nil
}

// pay moves a keeper incentive from the pool to k.
func (d *dutch) pay(k *keeper, reward decimal.Decimal) {
	d.s.poolCash = d.s.poolCash.Sub(reward)
	d.s.rewards = d.s.rewards.Add(reward)
	k.cash = k.cash.Add(reward)
}

// tick: a Dutch auction needs no settling; it ends with the take that
// empties its tab or lot.
func (d *dutch) tick(time.Time, decimal.Decimal, decimal.Decimal) error { return nil }

// act is keeper k's transactions landing at now: it resets any auction
// that needs it (Clipper redo, at the fresh OSM price, for the incentive)
// and buys from every auction whose price is at or below spot less its
// discount, as much as its DAI allows.
func (d *dutch) act(now time.Time, k *keeper, spot, osm decimal.Decimal) error {
	limit := spot.Mul(decimal.NewFromInt(1).Sub(k.discount)).RoundFloor(scale)
	for _, id := range d.h.Active() {
		st, err := d.h.Status(now, id)
		if err != nil {
			return err
		}
		rec := d.s.records[id]
		if st.NeedsRedo {
			r, err := d.h.Redo(now, liquidation.RedoParams{ID: id, Keeper: k.id, Price: osm})
			if err != nil {
				return err
			}
			if r.Refusal == "" {
				d.pay(k, r.Reward)
				rec.Resets++
			}
			continue
		}
		if st.Price.GreaterThan(limit) || st.Price.Sign() <= 0 {
			continue
		}
		maxLot := num.MinOf(st.Lot, num.DivFloor(k.cash, st.Price, scale))
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
		k.cash = k.cash.Sub(r.Paid)
		d.s.poolCash = d.s.poolCash.Add(r.Paid)
		d.s.sellOnDEX(k, r.Lot, spot)
		if _, err := d.s.engine.Release(now, "ETH", r.Released); err != nil {
			return err
		}
		if r.Settlement != nil {
			if err := d.s.settled(now, r.Settlement, k.id); err != nil {
				return err
			}
		}
	}
	return nil
}
