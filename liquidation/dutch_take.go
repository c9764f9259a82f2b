package liquidation

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Refusal is an expected "no" from an auction house: the call was valid but
// the auction cannot do it now. Nothing changes. The empty Refusal means
// the operation happened.
type Refusal string

// Refusals.
const (
	// RefusalNeedsRedo: the auction is too old or too cheap and must be
	// reset before anyone may take (Clipper "needs-reset").
	RefusalNeedsRedo Refusal = "needs-redo"
	// RefusalTooExpensive: the current price is above the taker's maximum
	// (Clipper "too-expensive").
	RefusalTooExpensive Refusal = "too-expensive"
	// RefusalNoPartial: tab ≤ chost, so only the whole lot may be bought
	// (Clipper "no-partial-purchase").
	RefusalNoPartial Refusal = "no-partial-purchase"
	// RefusalNothingToBuy: at this price the purchase rounds to zero
	// collateral; the taker would pay for nothing.
	RefusalNothingToBuy Refusal = "nothing-to-buy"
	// RefusalNoRedoNeeded: Redo on an auction that is still takeable
	// (Clipper "cannot-reset").
	RefusalNoRedoNeeded Refusal = "no-redo-needed"
)

// TakeParams buys collateral from a Dutch auction.
type TakeParams struct {
	ID       uint64          // auction ID
	Keeper   string          // buyer (optional, for events)
	MaxLot   decimal.Decimal // most collateral to buy (> 0) — Clipper `amt`
	MaxPrice decimal.Decimal // highest acceptable price (> 0) — Clipper `max`
	Key      string          // idempotency key (optional; see KickParams.Key and KeyWindow)
}

// TakeResult reports a take. When Refusal is set nothing changed and only
// Price is meaningful.
type TakeResult struct {
	Refusal Refusal         // set (and nothing changed) when the call could not happen now
	Price   decimal.Decimal // price paid per unit of collateral
	Lot     decimal.Decimal // collateral bought (Clipper `slice`)
	Paid    decimal.Decimal // debt paid by the keeper (Clipper `owe`)
	TabLeft decimal.Decimal // remaining tab (0 when finished)
	LotLeft decimal.Decimal // remaining lot (0 when finished)
	// Released is the debt to remove from the engine's debt under auction
	// (Dog digs): Paid, or Paid + the tab left when the lot ran out.
	Released decimal.Decimal
	// Settlement is set when the auction finished with this take.
	Settlement *Settlement // set when the auction finished
	Events     []Event     // state changes, in order
}

// Take buys up to MaxLot collateral at the current price if it is at most
// MaxPrice (dss clip.sol take):
//
//	slice = min(lot, MaxLot);  owe = slice × price
//	owe > tab:                       owe = tab,        slice = floor(owe / price, LotScale)
//	owe < tab, slice < lot,
//	  tab − owe < chost:             tab ≤ chost → refuse (no partial purchase);
//	                                 else owe = tab − chost, slice = floor(owe / price, LotScale)
//
// The keeper never pays more than the tab. When the tab reaches zero the
// remaining lot goes back to the owner; when the lot runs out with tab left
// that tab is the shortfall. Either way the auction ends with a Settlement.
// A take on an auction that needs a redo is refused.
//
// With a Key a repeat returns the first outcome and buys nothing (see
// KickParams.Key).
func (h *DutchHouse) Take(now time.Time, p TakeParams) (TakeResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if p.Key == "" { // no key: nothing to digest or remember (no allocation on the hot path)
		return h.take(now, p)
	}
	return once(&h.keys, h.clock.last, h.isLive, now, p.Key, "take",
		[]any{p.ID, p.Keeper, p.MaxLot, p.MaxPrice},
		func() (TakeResult, error) { return h.take(now, p) },
		func(TakeResult) uint64 { return p.ID })
}

func (h *DutchHouse) take(now time.Time, p TakeParams) (TakeResult, error) {
	if err := h.clock.check(now); err != nil {
		return TakeResult{}, err
	}
	if h.stop >= StopNoTakes {
		return TakeResult{}, fmt.Errorf("%w: take disabled at level %d", ErrStopped, h.stop)
	}
	a, err := lookup(&h.clock, h.auctions, now, p.ID)
	if err != nil {
		return TakeResult{}, err
	}
	if err := positive(ErrInvalidInput, "max lot", p.MaxLot); err != nil {
		return TakeResult{}, err
	}
	if err := positive(ErrInvalidInput, "max price", p.MaxPrice); err != nil {
		return TakeResult{}, err
	}
	price, done := h.status(a, now)
	if done {
		return TakeResult{Refusal: RefusalNeedsRedo, Price: price}, nil
	}
	if p.MaxPrice.LessThan(price) {
		return TakeResult{Refusal: RefusalTooExpensive, Price: price}, nil
	}
	slice := a.lot
	if p.MaxLot.LessThan(slice) {
		slice = p.MaxLot.Truncate(h.cfg.LotScale)
	}
	owe := slice.Mul(price)
	if owe.GreaterThan(a.tab) {
		owe = a.tab
		slice = divFloor(a.tab, price, h.cfg.LotScale)
	} else if owe.LessThan(a.tab) && slice.LessThan(a.lot) {
		if a.tab.Sub(owe).LessThan(h.cfg.chost) {
			if !a.tab.GreaterThan(h.cfg.chost) {
				return TakeResult{Refusal: RefusalNoPartial, Price: price}, nil
			}
			owe = a.tab.Sub(h.cfg.chost)
			slice = divFloor(owe, price, h.cfg.LotScale)
		}
	}
	if slice.Sign() <= 0 {
		return TakeResult{Refusal: RefusalNothingToBuy, Price: price}, nil
	}
	a.tab = a.tab.Sub(owe)
	a.lot = a.lot.Sub(slice)
	a.sold = a.sold.Add(slice)
	a.recovered = a.recovered.Add(owe)
	h.clock.advance(now)
	res := TakeResult{Price: price, Lot: slice, Paid: owe, TabLeft: a.tab, LotLeft: a.lot, Released: owe}
	res.Events = append(res.Events, Event{Time: now, Kind: EventTake, Subject: auctionSubject(a.id), Auction: a.id, Market: h.cfg.Market,
		Account: a.owner, Keeper: p.Keeper, Price: price, Lot: slice, Tab: owe, Amount: a.tab})
	if a.lot.IsZero() || a.tab.IsZero() {
		s := h.settlement(a)
		if a.tab.IsZero() {
			s.CollateralReturned = a.lot
		} else {
			s.Shortfall = a.tab
			res.Released = owe.Add(a.tab)
		}
		delete(h.auctions, a.id)
		res.Settlement = &s
		res.Events = append(res.Events, Event{Time: now, Kind: EventSettle, Subject: auctionSubject(a.id), From: auctionRunning, To: auctionSettled, Auction: a.id, Market: h.cfg.Market,
			Account: a.owner, Lot: s.CollateralReturned, Tab: s.Shortfall, Settlement: &s})
	}
	return res, nil
}
