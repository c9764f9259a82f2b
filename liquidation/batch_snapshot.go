package liquidation

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// CheckClearing verifies a clearing of bids for lot: every fill is between
// zero and its bid's quantity; every bid with a positive fill has a limit at
// or above the price; every bid above the price fills in full; the fills sum
// exactly to the lot when demand covers it, and to the demand otherwise.
func CheckClearing(lot, price decimal.Decimal, fills []Fill) error {
	// Ranges first: summing or printing an absurd exponent takes minutes.
	if err := checkWide(lot); err != nil {
		return fmt.Errorf("%w: lot: %w", ErrInvariant, err)
	}
	if err := checkWide(price); err != nil {
		return fmt.Errorf("%w: price: %w", ErrInvariant, err)
	}
	for _, f := range fills {
		for _, v := range []decimal.Decimal{f.Quantity, f.Limit, f.Filled, f.Paid} {
			if err := checkWide(v); err != nil {
				return fmt.Errorf("%w: bid %d: %w", ErrInvariant, f.Seq, err)
			}
		}
	}
	sum, demand := decimal.Zero, decimal.Zero
	for _, f := range fills {
		if f.Filled.Sign() < 0 || f.Filled.GreaterThan(f.Quantity) {
			return fmt.Errorf("%w: bid %d filled %s of %s", ErrInvariant, f.Seq, f.Filled, f.Quantity)
		}
		if f.Filled.Sign() > 0 && f.Limit.LessThan(price) {
			return fmt.Errorf("%w: bid %d limit %s below clearing %s filled", ErrInvariant, f.Seq, f.Limit, price)
		}
		if f.Limit.GreaterThan(price) && !f.Filled.Equal(f.Quantity) {
			return fmt.Errorf("%w: bid %d above clearing not filled in full", ErrInvariant, f.Seq)
		}
		if !f.Paid.Equal(f.Filled.Mul(price)) {
			return fmt.Errorf("%w: bid %d paid %s ≠ filled × price", ErrInvariant, f.Seq, f.Paid)
		}
		sum = sum.Add(f.Filled)
		demand = demand.Add(f.Quantity)
	}
	if want := decimalMin(lot, demand); !sum.Equal(want) {
		return fmt.Errorf("%w: fills sum %s, want %s", ErrInvariant, sum, want)
	}
	return nil
}

// BatchSnapshot is the full state of a BatchHouse.
type BatchSnapshot struct {
	Kicks    uint64                 `json:"kicks"`
	Last     time.Time              `json:"last"`
	Auctions []BatchAuctionSnapshot `json:"auctions"` // ascending ID
	// Keys are the remembered idempotency keys (see KeyWindow), ascending.
	Keys []KeyRecord `json:"keys,omitempty"`
}

// BatchAuctionSnapshot is one open batch auction with its bids.
type BatchAuctionSnapshot struct {
	ID      uint64          `json:"id"`
	Owner   string          `json:"owner"`
	Tab     decimal.Decimal `json:"tab"`
	Lot     decimal.Decimal `json:"lot"`
	Penalty decimal.Decimal `json:"penalty"`
	Reserve decimal.Decimal `json:"reserve"`
	Close   time.Time       `json:"close"`
	Bids    []BatchBid      `json:"bids"`
}

// Snapshot returns a copy of the house's state.
func (h *BatchHouse) Snapshot() BatchSnapshot {
	s := BatchSnapshot{Kicks: h.kicks, Last: h.clock.last, Auctions: []BatchAuctionSnapshot{}}
	if ks := h.keys.snapshot(h.clock.last, h.isLive); len(ks) > 0 {
		s.Keys = ks
	}
	for _, id := range h.Active() {
		a := h.auctions[id]
		s.Auctions = append(s.Auctions, BatchAuctionSnapshot{ID: id, Owner: a.owner, Tab: a.tab, Lot: a.lot,
			Penalty: a.penalty, Reserve: a.reserve, Close: a.close, Bids: append([]BatchBid{}, a.bids...)})
	}
	return s
}

// RestoreBatchHouse rebuilds a house from settings and a snapshot,
// validating every field.
func RestoreBatchHouse(s BatchSettings, snap BatchSnapshot) (*BatchHouse, error) {
	h, err := NewBatchHouse(s)
	if err != nil {
		return nil, err
	}
	h.kicks, h.clock.last = snap.Kicks, snap.Last
	for _, as := range snap.Auctions {
		if err := checkSnapshotID(h.auctions, as.ID, snap.Kicks); err != nil {
			return nil, err
		}
		if err := checkAuctionInput(as.Tab, as.Lot, decimal.NewFromInt(1), as.Penalty, as.Owner, h.cfg.LotScale); err != nil {
			return nil, restate(ErrInvalidSnapshot, fmt.Errorf("auction %d: %w", as.ID, err))
		}
		if err := nonNegative(ErrInvalidSnapshot, "reserve", as.Reserve); err != nil {
			return nil, err
		}
		if !h.cfg.NoReserve && as.Reserve.Sign() <= 0 {
			return nil, fmt.Errorf("%w: auction %d: zero reserve without NoReserve", ErrInvalidSnapshot, as.ID)
		}
		for i, b := range as.Bids {
			if b.Seq != uint64(i)+1 || b.Bidder == "" {
				return nil, fmt.Errorf("%w: auction %d bid %d: bad sequence or bidder", ErrInvalidSnapshot, as.ID, i)
			}
			if err := positive(ErrInvalidSnapshot, "quantity", b.Quantity); err != nil {
				return nil, err
			}
			if err := onGrid(ErrInvalidSnapshot, "quantity", b.Quantity, h.cfg.LotScale); err != nil {
				return nil, err
			}
			if err := positive(ErrInvalidSnapshot, "limit", b.Limit); err != nil {
				return nil, err
			}
			if b.Limit.LessThan(as.Reserve) {
				return nil, fmt.Errorf("%w: auction %d bid %d below reserve", ErrInvalidSnapshot, as.ID, b.Seq)
			}
		}
		bids := make([]BatchBid, len(as.Bids))
		for i, b := range as.Bids {
			b.Quantity, b.Limit = canon(b.Quantity), canon(b.Limit)
			bids[i] = b
		}
		h.auctions[as.ID] = &batchAuction{id: as.ID, owner: as.Owner, tab: canon(as.Tab), lot: canon(as.Lot), penalty: canon(as.Penalty),
			reserve: canon(as.Reserve), close: as.Close, bids: bids}
	}
	if h.keys, err = restoreKeys(snap.Keys, "open", "bid", "clear"); err != nil {
		return nil, err
	}
	return h, nil
}
