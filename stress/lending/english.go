package lending

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
)

// english drives liquidation.EnglishHouse like Maker's Flipper on 12 March
// 2020 (dss flip.sol): keepers bid DAI for the whole lot (tend) until the
// bid covers the tab, then offer to take less ETH for it (dent); each bid
// gives the others EnglishTTL to answer; the winner's DAI is locked until
// the auction settles.
type english struct {
	m *Model
	h *liquidation.EnglishHouse
}

// newEnglish builds the English house of a run with a reserve ratio.
func newEnglish(m *Model, reserve decimal.Decimal) (*english, error) {
	h, err := liquidation.NewEnglishHouse(m.cfg.englishSettings(reserve))
	if err != nil {
		return nil, err
	}
	return &english{m: m, h: h}, nil
}

func (e *english) check() error { return e.h.CheckInvariants() }

// open: an English house holds the whole lot and tab until it settles.
func (e *english) open(time.Time) (lot, tab decimal.Decimal, n int, err error) {
	lot, tab = decimal.Zero, decimal.Zero
	for _, id := range e.h.Active() {
		rec := e.m.records[id]
		lot, tab = lot.Add(rec.Lot), tab.Add(rec.Tab)
		n++
	}
	return lot, tab, n, nil
}

// liquidate kicks an English auction per planned order, its reserve priced
// from the OSM.
func (e *english) liquidate(now time.Time, osm decimal.Decimal) (int, error) {
	return e.m.planAuctions(now, func(o liquidation.Order) (uint64, error) {
		id, _, err := e.h.Kick(now, liquidation.AuctionParams{Tab: o.Tab, Lot: o.Lot, Owner: o.Account, Price: osm, Penalty: o.Penalty})
		return id, err
	})
}

// tick settles every auction past its end (Flipper deal): the winner pays
// its bid and sells the ETH on a DEX, the pool receives the bid, the
// engine releases the tab. An auction nobody bid on restarts at the fresh
// OSM price (Flipper tick) instead of selling for nothing.
func (e *english) tick(now time.Time, spot, osm decimal.Decimal) error {
	for _, id := range e.h.Active() {
		st, err := e.h.Status(now, id)
		if err != nil {
			return err
		}
		if now.Before(st.End) {
			continue
		}
		r, err := e.h.Settle(now, id)
		if err != nil {
			return err
		}
		if r.Refusal == liquidation.RefusalNoBid {
			if !e.m.osmOK {
				continue // no fresh price to restart at: wait
			}
			if _, err := e.h.Restart(now, id, osm); err != nil {
				return err
			}
			e.m.records[id].Resets++
			continue
		}
		st2 := r.Settlement
		k := e.m.byKeeper[r.Winner]
		k.locked = k.locked.Sub(st2.DebtRecovered)
		e.m.receive(k, st2.DebtRecovered)
		e.m.sellOnDEX(k, st2.CollateralSold, spot)
		if _, err := e.m.engine.Release(now, "ETH", st2.Tab); err != nil {
			return err
		}
		if err := e.m.settled(now, st2, r.Winner); err != nil {
			return err
		}
	}
	return nil
}

// act is keeper k's transactions landing at now: for every running
// auction it does not lead, an ordinary keeper bids what the lot is worth
// to it (spot less its discount, capped at the tab) or, once the tab is
// covered, asks for only the ETH worth the tab to it; the zero-bid bot
// bids the least the auction accepts, if that is below its own value.
func (e *english) act(now time.Time, k *keeper, spot, _ decimal.Decimal) error {
	unit := decimal.New(1, -Scale)
	for _, id := range e.h.Active() {
		st, err := e.h.Status(now, id)
		if err != nil {
			return err
		}
		if !now.Before(st.End) || st.Bidder == k.id {
			continue
		}
		price := spot.Mul(decimal.NewFromInt(1).Sub(k.discount)).RoundFloor(Scale)
		value := st.Lot.Mul(price).RoundFloor(Scale)
		avail := k.cash.Sub(k.locked)
		if st.Reverse {
			if k.zeroBot || price.Sign() <= 0 {
				continue
			}
			lot := num.DivCeil(st.Tab, price, Scale)
			if lot.GreaterThan(st.MaxLot) || avail.LessThan(st.Tab) {
				continue
			}
			if _, err := e.h.BidLot(now, id, k.id, lot); err != nil {
				return fmt.Errorf("%s bids lot %s on %d: %w", k.id, lot, id, err)
			}
			e.moveLock(st, k, st.Tab)
			continue
		}
		least := num.MinOf(st.Tab, st.MinBid.RoundCeil(Scale))
		if !least.GreaterThan(st.Bid) {
			least = st.Bid.Add(unit)
		}
		bid := num.MinOf(value, st.Tab)
		if k.zeroBot {
			bid = least
		}
		if bid.LessThan(least) || bid.GreaterThan(value) || avail.LessThan(bid) {
			continue
		}
		if _, err := e.h.Bid(now, id, k.id, bid); err != nil {
			if errors.Is(err, liquidation.ErrBidTooLow) {
				continue
			}
			return fmt.Errorf("%s bids %s on %d: %w", k.id, bid, id, err)
		}
		e.moveLock(st, k, bid)
	}
	return nil
}

// moveLock records that k now leads with amount locked, and refunds the
// previous leader's lock (Flipper tend and dent refund the outbid bidder;
// in the reverse phase both locks are the whole tab).
func (e *english) moveLock(st liquidation.EnglishStatus, k *keeper, amount decimal.Decimal) {
	k.locked = k.locked.Add(amount)
	if st.Bidder != "" {
		prev := e.m.byKeeper[st.Bidder]
		prev.locked = prev.locked.Sub(st.Bid)
	}
}
