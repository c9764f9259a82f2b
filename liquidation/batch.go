package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// BatchSettings configures a BatchHouse.
type BatchSettings struct {
	// Market labels auctions and events; optional.
	Market string
	// ReserveRatio sets the reserve price ceil(oracle × ratio, PriceScale);
	// bids with a lower limit are refused. Required, > 0 (e.g. 0.9),
	// unless NoReserve is set: the zero value is refused, not defaulted,
	// because no one ratio suits every market and a zero reserve is how a
	// single bid of 0.000001 clears 100 ETH against a 100,000 tab (the
	// zero-bid sales of Maker's Flipper on 12 March 2020). The
	// EnglishHouse requires its reserve the same way.
	ReserveRatio decimal.Decimal
	// NoReserve accepts bids at any positive limit: an explicit choice,
	// for a host that guards its auctions some other way (a whitelist of
	// bidders, its own floor). ReserveRatio must then be zero.
	NoReserve bool
	// PriceScale is the number of places of limit prices (and the reserve,
	// rounded up). Default (zero) 18.
	PriceScale int32
	// LotScale is the number of places of quantities and fills. Default
	// (zero) 18.
	LotScale int32
}

// BatchHouse runs sealed-bid batch auctions: bids (quantity, limit price)
// are collected until the close, then the whole lot clears at one uniform
// price — the limit of the marginal bid, where cumulative demand taken
// best limit first reaches the lot. Bids above the clearing price fill in
// full; bids at it share what is left pro rata to their quantities by the
// largest-remainder rule (num.ProRata, ties to the earlier bid), so fills
// sum exactly to the lot. With less demand than the lot every bid fills
// and the rest returns to the owner.
//
// The whole lot is offered: proceeds beyond the tab are Surplus owed to
// the owner. Auction and bid IDs are uint64 from 1. Not safe for
// concurrent use.
type BatchHouse struct {
	cfg      BatchSettings
	kicks    uint64
	clock    clock
	auctions map[uint64]*batchAuction
	keys     keyBook // idempotency keys (see KeyWindow)
}

func (h *BatchHouse) isLive(id uint64) bool { _, ok := h.auctions[id]; return ok }

// placed is the outcome of a batch bid, as remembered under its key.
type placed struct {
	Seq    uint64
	Events []Event
}

type batchAuction struct {
	id      uint64
	owner   string
	tab     decimal.Decimal
	lot     decimal.Decimal
	penalty decimal.Decimal
	reserve decimal.Decimal
	close   time.Time
	bids    []BatchBid
}

// BatchBid is a sealed bid.
type BatchBid struct {
	Seq      uint64          `json:"seq"`      // 1, 2, … in submission order: the tie-break
	Bidder   string          `json:"bidder"`   // who bid
	Quantity decimal.Decimal `json:"quantity"` // most collateral wanted (LotScale places)
	Limit    decimal.Decimal `json:"limit"`    // highest price per unit (PriceScale places)
}

// Fill is one bid's result at the clearing.
type Fill struct {
	BatchBid
	Filled decimal.Decimal `json:"filled"` // collateral received
	Paid   decimal.Decimal `json:"paid"`   // Filled × clearing price, exact
}

// NewBatchHouse validates s and returns an empty house.
func NewBatchHouse(s BatchSettings) (*BatchHouse, error) {
	if s.NoReserve {
		if !s.ReserveRatio.IsZero() {
			return nil, fmt.Errorf("%w: reserve ratio must be zero with NoReserve", ErrInvalidSettings)
		}
	} else if err := positive(ErrInvalidSettings, "reserve ratio (or set NoReserve)", s.ReserveRatio); err != nil {
		return nil, err
	}
	var err error
	if s.PriceScale, err = scaleOr(s.PriceScale, "price scale"); err != nil {
		return nil, err
	}
	if s.LotScale, err = scaleOr(s.LotScale, "lot scale"); err != nil {
		return nil, err
	}
	return &BatchHouse{cfg: s, auctions: map[uint64]*batchAuction{}}, nil
}

// Open starts a batch auction collecting bids until close (after now).
//
// With p.Key a repeat returns the first outcome and opens nothing.
func (h *BatchHouse) Open(now time.Time, p AuctionParams, closeAt time.Time) (uint64, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now, closeAt = now.UTC(), closeAt.UTC()
	r, err := once(&h.keys, h.clock.last, h.isLive, now, p.Key, "open",
		[]any{p.Tab, p.Lot, p.Owner, p.Price, p.Penalty, closeAt},
		func() (opened, error) { id, ev, err := h.open(now, p, closeAt); return opened{id, ev}, err },
		func(r opened) uint64 { return r.ID })
	return r.ID, r.Events, err
}

func (h *BatchHouse) open(now time.Time, p AuctionParams, closeAt time.Time) (uint64, []Event, error) {
	if err := h.clock.check(now); err != nil {
		return 0, nil, err
	}
	if err := checkAuctionInput(p.Tab, p.Lot, p.Price, p.Penalty, p.Owner, h.cfg.LotScale); err != nil {
		return 0, nil, err
	}
	if !closeAt.After(now) {
		return 0, nil, fmt.Errorf("%w: close %s not after now", ErrInvalidInput, closeAt)
	}
	h.kicks++
	a := &batchAuction{id: h.kicks, owner: p.Owner, tab: canon(p.Tab), lot: canon(p.Lot), penalty: canon(p.Penalty),
		reserve: priceUp(p.Price, h.cfg.ReserveRatio, h.cfg.PriceScale), close: closeAt}
	h.auctions[a.id] = a
	h.clock.advance(now)
	return a.id, []Event{{Time: now, Kind: EventAuctionOpen, Subject: auctionSubject(a.id), To: auctionRunning, Auction: a.id, Market: h.cfg.Market, Account: p.Owner,
		Price: a.reserve, Lot: p.Lot, Tab: p.Tab}}, nil
}

func (h *BatchHouse) get(now time.Time, id uint64) (*batchAuction, error) {
	return lookup(&h.clock, h.auctions, now, id)
}

// Bid submits a sealed bid before the close: quantity > 0 (LotScale
// places), limit > 0 (PriceScale places) and ≥ the reserve (ErrBidTooLow).
// It returns the bid's sequence number.
//
// Bid has no idempotency key: two equal sealed bids from one bidder are two
// bids. A host that may repeat an input uses BidKeyed.
func (h *BatchHouse) Bid(now time.Time, id uint64, bidder string, quantity, limit decimal.Decimal) (uint64, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	return h.bid(now, id, bidder, quantity, limit)
}

// BidKeyed is Bid with an idempotency key (see KickParams.Key and
// KeyWindow): a repeat returns the first sequence number and events (or
// error) and places nothing; the key with another input is ErrKeyReused.
// The key is the host's, not derived from the bid, because a bidder may
// rightly place two equal sealed bids.
func (h *BatchHouse) BidKeyed(now time.Time, key string, id uint64, bidder string, quantity, limit decimal.Decimal) (uint64, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	r, err := once(&h.keys, h.clock.last, h.isLive, now, key, "bid",
		[]any{id, bidder, quantity, limit},
		func() (placed, error) {
			seq, ev, err := h.bid(now, id, bidder, quantity, limit)
			return placed{seq, ev}, err
		},
		func(placed) uint64 { return id })
	return r.Seq, r.Events, err
}

func (h *BatchHouse) bid(now time.Time, id uint64, bidder string, quantity, limit decimal.Decimal) (uint64, []Event, error) {
	a, err := h.get(now, id)
	if err != nil {
		return 0, nil, err
	}
	if !now.Before(a.close) {
		return 0, nil, fmt.Errorf("%w: auction %d closed at %s", ErrAuctionEnded, id, a.close)
	}
	if bidder == "" {
		return 0, nil, fmt.Errorf("%w: bidder is required", ErrInvalidInput)
	}
	if err := positive(ErrInvalidInput, "quantity", quantity); err != nil {
		return 0, nil, err
	}
	if err := onGrid(ErrInvalidInput, "quantity", quantity, h.cfg.LotScale); err != nil {
		return 0, nil, err
	}
	if err := positive(ErrInvalidInput, "limit", limit); err != nil {
		return 0, nil, err
	}
	if err := onGrid(ErrInvalidInput, "limit", limit, h.cfg.PriceScale); err != nil {
		return 0, nil, err
	}
	if limit.LessThan(a.reserve) {
		return 0, nil, fmt.Errorf("%w: limit %s below reserve %s", ErrBidTooLow, limit, a.reserve)
	}
	if err := num.Check(quantity.Mul(limit)); err != nil { // what the bid may pay must stay a supported amount
		return 0, nil, fmt.Errorf("%w: quantity × limit: %w", ErrInvalidInput, err)
	}
	b := BatchBid{Seq: uint64(len(a.bids)) + 1, Bidder: bidder, Quantity: canon(quantity), Limit: canon(limit)}
	a.bids = append(a.bids, b)
	h.clock.advance(now)
	return b.Seq, []Event{{Time: now, Kind: EventBid, Subject: auctionSubject(id), Auction: id, Market: h.cfg.Market, Account: a.owner,
		Keeper: bidder, Price: limit, Lot: quantity}}, nil
}

// BatchResult reports a clearing. Refusal is RefusalNoBid (nothing
// changed) when no bid was placed: call Reopen.
type BatchResult struct {
	Refusal       Refusal         // set (and nothing changed) when the call could not happen now
	ClearingPrice decimal.Decimal // the uniform price every fill pays
	Fills         []Fill          // every bid, in submission order
	Settlement    *Settlement     // set when the auction finished
	Events        []Event         // state changes, in order
}

// clearBids computes the uniform-price clearing of bids for lot (pure; see
// BatchHouse). It returns the clearing price and the fills in the order of
// bids. With no bids the price is zero. The lot and quantities must be
// positive with at most lotScale places and limits positive; otherwise the
// error wraps ErrInvalidInput.
func clearBids(lot decimal.Decimal, bids []BatchBid, lotScale int32) (decimal.Decimal, []Fill, error) {
	if lotScale < 0 || lotScale > defaultScale {
		return decimal.Zero, nil, fmt.Errorf("%w: lot scale %d outside 0..%d", ErrInvalidInput, lotScale, defaultScale)
	}
	if err := positive(ErrInvalidInput, "lot", lot); err != nil {
		return decimal.Zero, nil, err
	}
	if err := onGrid(ErrInvalidInput, "lot", lot, lotScale); err != nil {
		return decimal.Zero, nil, err
	}
	for _, b := range bids {
		if err := positive(ErrInvalidInput, fmt.Sprintf("bid %d quantity", b.Seq), b.Quantity); err != nil {
			return decimal.Zero, nil, err
		}
		if err := onGrid(ErrInvalidInput, fmt.Sprintf("bid %d quantity", b.Seq), b.Quantity, lotScale); err != nil {
			return decimal.Zero, nil, err
		}
		if err := positive(ErrInvalidInput, fmt.Sprintf("bid %d limit", b.Seq), b.Limit); err != nil {
			return decimal.Zero, nil, err
		}
	}
	fills := make([]Fill, len(bids))
	order := make([]int, len(bids))
	for i := range bids {
		fills[i] = Fill{BatchBid: bids[i], Filled: decimal.Zero, Paid: decimal.Zero}
		order[i] = i
	}
	if len(bids) == 0 {
		return decimal.Zero, fills, nil
	}
	sort.SliceStable(order, func(x, y int) bool { return bids[order[x]].Limit.GreaterThan(bids[order[y]].Limit) })
	cum := decimal.Zero
	price := bids[order[len(order)-1]].Limit // demand short of the lot: everyone fills
	for _, i := range order {
		cum = cum.Add(bids[i].Quantity)
		if cum.GreaterThanOrEqual(lot) {
			price = bids[i].Limit
			break
		}
	}
	above := decimal.Zero
	var margin []int
	for _, i := range order {
		switch bids[i].Limit.Cmp(price) {
		case 1:
			fills[i].Filled = bids[i].Quantity
			above = above.Add(bids[i].Quantity)
		case 0:
			margin = append(margin, i)
		}
	}
	sort.Ints(margin) // submission order: largest-remainder ties go to the earlier bid
	rest := lot.Sub(above)
	weights := make([]decimal.Decimal, len(margin))
	atPrice := decimal.Zero
	for k, i := range margin {
		weights[k] = bids[i].Quantity
		atPrice = atPrice.Add(bids[i].Quantity)
	}
	if atPrice.LessThanOrEqual(rest) {
		for _, i := range margin {
			fills[i].Filled = bids[i].Quantity
		}
	} else {
		shares, err := num.ProRata(rest, weights, lotScale)
		if err != nil {
			return decimal.Zero, nil, fmt.Errorf("%w: pro rata: %w", ErrInvalidInput, err)
		}
		for k, i := range margin {
			fills[i].Filled = shares[k]
		}
	}
	for i := range fills {
		fills[i].Paid = fills[i].Filled.Mul(price)
	}
	return price, fills, nil
}

// Clear settles an auction at or after its close.
func (h *BatchHouse) Clear(now time.Time, id uint64) (BatchResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	a, err := h.get(now, id)
	if err != nil {
		return BatchResult{}, err
	}
	if now.Before(a.close) {
		return BatchResult{}, fmt.Errorf("%w: auction %d closes at %s", ErrAuctionNotEnded, id, a.close)
	}
	if len(a.bids) == 0 {
		return BatchResult{Refusal: RefusalNoBid}, nil
	}
	price, fills, err := clearBids(a.lot, a.bids, h.cfg.LotScale)
	if err != nil {
		return BatchResult{}, err
	}
	sold, proceeds := decimal.Zero, decimal.Zero
	for _, f := range fills {
		sold = sold.Add(f.Filled)
		proceeds = proceeds.Add(f.Paid)
	}
	recovered := decimalMin(proceeds, a.tab)
	s := Settlement{Type: AuctionBatch, Auction: id, Market: h.cfg.Market, Owner: a.owner, Lot: a.lot, Tab: a.tab,
		CollateralSold: sold, CollateralReturned: a.lot.Sub(sold), CollateralYanked: decimal.Zero,
		DebtRecovered: recovered, Penalty: penaltyRecovered(recovered, a.tab, a.penalty), KeeperRewards: decimal.Zero,
		Shortfall: a.tab.Sub(recovered), DebtYanked: decimal.Zero, Surplus: proceeds.Sub(recovered)}
	delete(h.auctions, id)
	h.clock.advance(now)
	return BatchResult{ClearingPrice: price, Fills: fills, Settlement: &s, Events: []Event{
		{Time: now, Kind: EventClear, Subject: auctionSubject(id), Auction: id, Market: h.cfg.Market, Account: a.owner, Price: price, Lot: sold, Tab: recovered},
		{Time: now, Kind: EventSettle, Subject: auctionSubject(id), From: auctionRunning, To: auctionSettled, Auction: id, Market: h.cfg.Market, Account: a.owner, Settlement: &s},
	}}, nil
}

// ClearKeyed is Clear with an idempotency key (see KickParams.Key and
// KeyWindow): a repeat returns the first result — the clearing and its
// settlement, the no-bid refusal or the error — and clears nothing again,
// so a host retrying a clear whose answer it lost still gets the fills to
// deliver (a plain Clear repeated finds the auction gone); the key with
// another auction is ErrKeyReused.
func (h *BatchHouse) ClearKeyed(now time.Time, key string, id uint64) (BatchResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	return once(&h.keys, h.clock.last, h.isLive, now, key, "clear", []any{id},
		func() (BatchResult, error) { return h.Clear(now, id) }, func(BatchResult) uint64 { return id })
}

// Reopen restarts a closed auction that drew no bid, with the reserve
// re-priced from price and a new close.
func (h *BatchHouse) Reopen(now time.Time, id uint64, price decimal.Decimal, closeAt time.Time) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now, closeAt = now.UTC(), closeAt.UTC()
	a, err := h.get(now, id)
	if err != nil {
		return nil, err
	}
	if err := positive(ErrInvalidInput, "price", price); err != nil {
		return nil, err
	}
	if now.Before(a.close) {
		return nil, fmt.Errorf("%w: auction %d closes at %s", ErrAuctionNotEnded, id, a.close)
	}
	if len(a.bids) > 0 {
		return nil, fmt.Errorf("%w: auction %d has bids: clear it", ErrInvalidInput, id)
	}
	if !closeAt.After(now) {
		return nil, fmt.Errorf("%w: close %s not after now", ErrInvalidInput, closeAt)
	}
	a.reserve = priceUp(price, h.cfg.ReserveRatio, h.cfg.PriceScale)
	a.close = closeAt
	h.clock.advance(now)
	return []Event{{Time: now, Kind: EventRestart, Subject: auctionSubject(id), Auction: id, Market: h.cfg.Market, Account: a.owner,
		Price: a.reserve, Lot: a.lot, Tab: a.tab}}, nil
}

// Active returns the IDs of open auctions in ascending order.
func (h *BatchHouse) Active() []uint64 { return sortedIDs(h.auctions) }
