package liquidation

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// EnglishSnapshot is the full state of an EnglishHouse.
type EnglishSnapshot struct {
	Kicks    uint64                   `json:"kicks"`
	Last     time.Time                `json:"last"`
	Auctions []EnglishAuctionSnapshot `json:"auctions"` // ascending ID
	// Keys are the remembered idempotency keys (see KeyWindow), ascending.
	Keys []KeyRecord `json:"keys,omitempty"`
}

// EnglishAuctionSnapshot is one running English auction.
type EnglishAuctionSnapshot struct {
	ID      uint64          `json:"id"`
	Owner   string          `json:"owner"`
	Tab     decimal.Decimal `json:"tab"`
	InitLot decimal.Decimal `json:"init_lot"`
	Lot     decimal.Decimal `json:"lot"`
	Penalty decimal.Decimal `json:"penalty"`
	Bid     decimal.Decimal `json:"bid"`
	Bidder  string          `json:"bidder,omitempty"`
	Reserve decimal.Decimal `json:"reserve"`
	End     time.Time       `json:"end"`
	MaxEnd  time.Time       `json:"max_end"`
}

// Snapshot returns a copy of the house's state.
func (h *EnglishHouse) Snapshot() EnglishSnapshot {
	s := EnglishSnapshot{Kicks: h.kicks, Last: h.clock.last, Auctions: []EnglishAuctionSnapshot{}}
	if ks := h.keys.snapshot(h.clock.last, h.isLive); len(ks) > 0 {
		s.Keys = ks
	}
	for _, id := range h.Active() {
		a := h.auctions[id]
		s.Auctions = append(s.Auctions, EnglishAuctionSnapshot{ID: id, Owner: a.owner, Tab: a.tab, InitLot: a.lot0,
			Lot: a.lot, Penalty: a.penalty, Bid: a.bid, Bidder: a.bidder, Reserve: a.reserve, End: a.end, MaxEnd: a.maxEnd})
	}
	return s
}

// RestoreEnglishHouse rebuilds a house from settings and a snapshot,
// validating every field and the invariants.
func RestoreEnglishHouse(s EnglishSettings, snap EnglishSnapshot) (*EnglishHouse, error) {
	h, err := NewEnglishHouse(s)
	if err != nil {
		return nil, err
	}
	h.kicks, h.clock.last = snap.Kicks, snap.Last
	for _, as := range snap.Auctions {
		if err := checkSnapshotID(h.auctions, as.ID, snap.Kicks); err != nil {
			return nil, err
		}
		if err := checkAuctionInput(as.Tab, as.InitLot, as.Reserve, as.Penalty, as.Owner, h.cfg.LotScale); err != nil {
			return nil, restate(ErrInvalidSnapshot, fmt.Errorf("auction %d: %w", as.ID, err))
		}
		if err := positive(ErrInvalidSnapshot, "lot", as.Lot); err != nil {
			return nil, err
		}
		if err := onGrid(ErrInvalidSnapshot, "lot", as.Lot, h.cfg.LotScale); err != nil {
			return nil, err
		}
		if err := nonNegative(ErrInvalidSnapshot, "bid", as.Bid); err != nil {
			return nil, err
		}
		if as.MaxEnd.After(snap.Last.Add(h.cfg.MaxDuration)) {
			return nil, fmt.Errorf("%w: auction %d max end beyond last + max duration", ErrInvalidSnapshot, as.ID)
		}
		h.auctions[as.ID] = &englishAuction{id: as.ID, owner: as.Owner, tab: canon(as.Tab), lot0: canon(as.InitLot), lot: canon(as.Lot),
			penalty: canon(as.Penalty), bid: canon(as.Bid), bidder: as.Bidder, reserve: canon(as.Reserve), end: as.End, maxEnd: as.MaxEnd}
	}
	if h.keys, err = restoreKeys(snap.Keys, "open", "bid", "bid-lot", "settle"); err != nil {
		return nil, err
	}
	if err := h.CheckInvariants(); err != nil {
		return nil, restate(ErrInvalidSnapshot, err)
	}
	return h, nil
}
