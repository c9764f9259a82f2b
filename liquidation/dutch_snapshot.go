package liquidation

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// DutchSnapshot is the full state of a DutchHouse as plain JSON-ready data
// (decimals as strings). Settings are not included: pass them to
// RestoreDutchHouse.
type DutchSnapshot struct {
	Kicks    uint64                 `json:"kicks"`
	Stop     StopLevel              `json:"stop"`
	Last     time.Time              `json:"last"`
	Auctions []DutchAuctionSnapshot `json:"auctions"` // ascending ID
	// Keys are the idempotency keys remembered at Last (see KeyWindow),
	// ascending: a standby restored from the snapshot returns the first
	// result for a replayed keyed call instead of applying it again.
	Keys []KeyRecord `json:"keys,omitempty"`
}

// DutchAuctionSnapshot is one running Dutch auction.
type DutchAuctionSnapshot struct {
	ID        uint64          `json:"id"`
	Owner     string          `json:"owner"`
	Tab       decimal.Decimal `json:"tab"`
	Lot       decimal.Decimal `json:"lot"`
	InitTab   decimal.Decimal `json:"init_tab"`
	InitLot   decimal.Decimal `json:"init_lot"`
	Penalty   decimal.Decimal `json:"penalty"`
	Top       decimal.Decimal `json:"top"`
	Started   time.Time       `json:"started"`
	Sold      decimal.Decimal `json:"sold"`
	Recovered decimal.Decimal `json:"recovered"`
	Rewards   decimal.Decimal `json:"rewards"`
}

// Snapshot returns a copy of the house's state.
func (h *DutchHouse) Snapshot() DutchSnapshot {
	s := DutchSnapshot{Kicks: h.kicks, Stop: h.stop, Last: h.clock.last, Auctions: []DutchAuctionSnapshot{}}
	if ks := h.keys.snapshot(h.clock.last, h.isLive); len(ks) > 0 {
		s.Keys = ks
	}
	for _, id := range h.Active() {
		a := h.auctions[id]
		s.Auctions = append(s.Auctions, DutchAuctionSnapshot{
			ID: a.id, Owner: a.owner, Tab: a.tab, Lot: a.lot, InitTab: a.tab0, InitLot: a.lot0,
			Penalty: a.penalty, Top: a.top, Started: a.tic, Sold: a.sold, Recovered: a.recovered, Rewards: a.rewards,
		})
	}
	return s
}

// RestoreDutchHouse rebuilds a house from settings and a snapshot,
// validating every field; a malformed snapshot is an error wrapping
// ErrInvalidSnapshot.
func RestoreDutchHouse(s DutchSettings, snap DutchSnapshot) (*DutchHouse, error) {
	h, err := NewDutchHouse(s)
	if err != nil {
		return nil, err
	}
	if snap.Stop < StopNone || snap.Stop > StopNoTakes {
		return nil, fmt.Errorf("%w: stop level %d", ErrInvalidSnapshot, snap.Stop)
	}
	h.kicks, h.stop, h.clock.last = snap.Kicks, snap.Stop, snap.Last
	for _, as := range snap.Auctions {
		if err := checkSnapshotID(h.auctions, as.ID, snap.Kicks); err != nil {
			return nil, err
		}
		if err := checkAuctionInput(as.Tab, as.Lot, as.Top, decimal.Zero, as.Owner, h.cfg.LotScale); err != nil {
			return nil, restate(ErrInvalidSnapshot, fmt.Errorf("auction %d: %w", as.ID, err))
		}
		for _, f := range []struct {
			name string
			v    decimal.Decimal
		}{{"init tab", as.InitTab}, {"init lot", as.InitLot}, {"penalty", as.Penalty}, {"sold", as.Sold},
			{"recovered", as.Recovered}, {"rewards", as.Rewards}} {
			if err := nonNegative(ErrInvalidSnapshot, fmt.Sprintf("auction %d %s", as.ID, f.name), f.v); err != nil {
				return nil, err
			}
		}
		if as.Penalty.GreaterThan(as.InitTab) {
			return nil, fmt.Errorf("%w: auction %d: penalty above tab", ErrInvalidSnapshot, as.ID)
		}
		if as.Started.After(snap.Last) {
			return nil, fmt.Errorf("%w: auction %d started after last time", ErrInvalidSnapshot, as.ID)
		}
		h.auctions[as.ID] = &dutchAuction{
			id: as.ID, owner: as.Owner, tab: canon(as.Tab), lot: canon(as.Lot), tab0: canon(as.InitTab), lot0: canon(as.InitLot),
			penalty: canon(as.Penalty), top: canon(as.Top), tic: as.Started, sold: canon(as.Sold), recovered: canon(as.Recovered),
			rewards: canon(as.Rewards),
		}
	}
	if h.keys, err = restoreKeys(snap.Keys, "kick", "take", "redo"); err != nil {
		return nil, err
	}
	if err := h.CheckInvariants(); err != nil {
		return nil, restate(ErrInvalidSnapshot, err)
	}
	return h, nil
}
