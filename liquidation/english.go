package liquidation

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// EnglishSettings configures an EnglishHouse.
type EnglishSettings struct {
	// Market labels auctions and events; optional.
	Market string
	// ReserveRatio sets the reserve price, reserve = ceil(oracle × ratio,
	// PriceScale), fixed at kick and at each restart. The first forward bid
	// must be at least min(tab, lot × reserve), so no auction settles for
	// less — the zero-bid protection Maker's Flipper lacked on 12 March
	// 2020. Required, > 0 (e.g. 0.9).
	ReserveRatio decimal.Decimal
	// MinIncrement: each forward bid must be at least the current bid ×
	// (1 + MinIncrement), or exactly the tab (Flipper beg − 1; Kava
	// IncrementDebt). Default (zero) 0.05.
	MinIncrement decimal.Decimal
	// MinDecrement: each reverse bid must offer at most the current lot ×
	// (1 − MinDecrement) (Flipper dent; Kava IncrementCollateral). Default
	// (zero) 0.05. Must be < 1.
	MinDecrement decimal.Decimal
	// BidDuration: each bid moves the end to min(now + BidDuration, max
	// end) (Flipper ttl; Kava BidDuration). Default (zero) 3 hours.
	BidDuration time.Duration
	// MaxDuration: the max end is kick (or restart) + MaxDuration (Flipper
	// tau; Kava MaxAuctionDuration). Default (zero) 2 days.
	MaxDuration time.Duration
	// PriceScale is the number of places of the reserve price (rounded up).
	// Default (zero) 18.
	PriceScale int32
	// LotScale is the number of places of lots. Default (zero) 18.
	LotScale int32
}

func (s EnglishSettings) validate() (EnglishSettings, error) {
	c := s
	one := decimal.NewFromInt(1)
	if err := positive(ErrInvalidSettings, "reserve ratio", s.ReserveRatio); err != nil {
		return c, err
	}
	if c.MinIncrement.IsZero() {
		c.MinIncrement = decimal.RequireFromString("0.05")
	}
	if c.MinDecrement.IsZero() {
		c.MinDecrement = decimal.RequireFromString("0.05")
	}
	if err := positive(ErrInvalidSettings, "min increment", c.MinIncrement); err != nil {
		return c, err
	}
	if err := positive(ErrInvalidSettings, "min decrement", c.MinDecrement); err != nil {
		return c, err
	}
	if !c.MinDecrement.LessThan(one) {
		return c, fmt.Errorf("%w: min decrement %s must be < 1", ErrInvalidSettings, c.MinDecrement)
	}
	if c.BidDuration == 0 {
		c.BidDuration = 3 * time.Hour
	}
	if c.MaxDuration == 0 {
		c.MaxDuration = 48 * time.Hour
	}
	if c.BidDuration < 0 || c.MaxDuration < 0 || c.BidDuration > c.MaxDuration {
		return c, fmt.Errorf("%w: need 0 < bid duration %s ≤ max duration %s", ErrInvalidSettings, c.BidDuration, c.MaxDuration)
	}
	var err error
	if c.PriceScale, err = scaleOr(s.PriceScale, "price scale"); err != nil {
		return c, err
	}
	if c.LotScale, err = scaleOr(s.LotScale, "lot scale"); err != nil {
		return c, err
	}
	return c, nil
}

// EnglishHouse runs two-phase English auctions (Maker Flipper, dss
// flip.sol; Kava x/auction collateral auctions). In the forward phase
// bidders raise the debt they will pay for the whole lot until it covers
// the tab; then, in the reverse phase, they lower the collateral they will
// accept for the full tab, the rest going back to the owner. Each bid moves
// the end to min(now + BidDuration, max end); after the end the auction
// settles to the last bidder, or, with no bid, restarts with a fresh
// reserve instead of selling for nothing.
//
// Auction IDs are uint64 from 1. Not safe for concurrent use.
type EnglishHouse struct {
	cfg      EnglishSettings
	kicks    uint64
	clock    clock
	auctions map[uint64]*englishAuction
	keys     keyBook // idempotency keys (see KeyWindow)
}

func (h *EnglishHouse) isLive(id uint64) bool { _, ok := h.auctions[id]; return ok }

// opened is the outcome of an English Kick or a batch Open, as remembered
// under an idempotency key.
type opened struct {
	ID     uint64
	Events []Event
}

type englishAuction struct {
	id      uint64
	owner   string
	tab     decimal.Decimal
	lot0    decimal.Decimal
	lot     decimal.Decimal
	penalty decimal.Decimal
	bid     decimal.Decimal
	bidder  string
	reserve decimal.Decimal // price per unit of collateral
	end     time.Time
	maxEnd  time.Time
}

// NewEnglishHouse validates s and returns an empty house.
func NewEnglishHouse(s EnglishSettings) (*EnglishHouse, error) {
	cfg, err := s.validate()
	if err != nil {
		return nil, err
	}
	return &EnglishHouse{cfg: cfg, auctions: map[uint64]*englishAuction{}}, nil
}

// AuctionParams starts an English or batch auction.
type AuctionParams struct {
	Tab     decimal.Decimal // debt to raise, penalty included (> 0)
	Lot     decimal.Decimal // collateral for sale (> 0)
	Owner   string          // receives collateral not sold (required)
	Price   decimal.Decimal // oracle price of one unit of collateral (> 0), for the reserve
	Penalty decimal.Decimal // part of Tab that is penalty, for the Settlement
	// Key is the idempotency key (optional; see KickParams.Key and
	// KeyWindow): a repeat returns the first ID and events and opens
	// nothing.
	Key string
}

// EnglishStatus is a running English auction.
type EnglishStatus struct {
	ID      uint64          `json:"id"`      // auction ID
	Owner   string          `json:"owner"`   // receives collateral not sold
	Tab     decimal.Decimal `json:"tab"`     // debt to raise
	Lot     decimal.Decimal `json:"lot"`     // collateral the current bid buys
	Bid     decimal.Decimal `json:"bid"`     // current forward bid (0: none yet)
	Bidder  string          `json:"bidder"`  // current high bidder
	Reserve decimal.Decimal `json:"reserve"` // reserve price per unit
	Reverse bool            `json:"reverse"` // bid covers the tab: reverse phase
	End     time.Time       `json:"end"`     // bids accepted while now < End
	MaxEnd  time.Time       `json:"max_end"` // End never moves past it
	// MinBid is the smallest acceptable forward bid (forward phase).
	MinBid decimal.Decimal `json:"min_bid"`
	// MaxLot is the largest acceptable reverse-bid lot (reverse phase).
	MaxLot decimal.Decimal `json:"max_lot"`
}

// Kick starts an auction with reserve = ceil(Price × ReserveRatio) and end
// = max end = now + MaxDuration.
//
// With p.Key a repeat returns the first outcome and opens nothing.
func (h *EnglishHouse) Kick(now time.Time, p AuctionParams) (uint64, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	r, err := once(&h.keys, h.clock.last, h.isLive, now, p.Key, "open",
		[]any{p.Tab, p.Lot, p.Owner, p.Price, p.Penalty},
		func() (opened, error) { id, ev, err := h.kick(now, p); return opened{id, ev}, err },
		func(r opened) uint64 { return r.ID })
	return r.ID, r.Events, err
}

func (h *EnglishHouse) kick(now time.Time, p AuctionParams) (uint64, []Event, error) {
	if err := h.clock.check(now); err != nil {
		return 0, nil, err
	}
	if err := checkAuctionInput(p.Tab, p.Lot, p.Price, p.Penalty, p.Owner, h.cfg.LotScale); err != nil {
		return 0, nil, err
	}
	reserve := priceUp(p.Price, h.cfg.ReserveRatio, h.cfg.PriceScale)
	h.kicks++
	a := &englishAuction{id: h.kicks, owner: p.Owner, tab: canon(p.Tab), lot0: canon(p.Lot), lot: canon(p.Lot), penalty: canon(p.Penalty),
		bid: decimal.Zero, reserve: reserve, end: now.Add(h.cfg.MaxDuration), maxEnd: now.Add(h.cfg.MaxDuration)}
	h.auctions[a.id] = a
	h.clock.advance(now)
	return a.id, []Event{{Time: now, Kind: EventAuctionOpen, Subject: auctionSubject(a.id), To: auctionRunning, Auction: a.id, Market: h.cfg.Market, Account: p.Owner,
		Price: reserve, Lot: p.Lot, Tab: p.Tab}}, nil
}

func (h *EnglishHouse) get(now time.Time, id uint64) (*englishAuction, error) {
	return lookup(&h.clock, h.auctions, now, id)
}

// biddable returns a running auction that still takes bids at now (now
// before its end) from a named bidder.
func (h *EnglishHouse) biddable(now time.Time, id uint64, bidder string) (*englishAuction, error) {
	a, err := h.get(now, id)
	if err != nil {
		return nil, err
	}
	if !now.Before(a.end) {
		return nil, fmt.Errorf("%w: auction %d ended at %s", ErrAuctionEnded, id, a.end)
	}
	if bidder == "" {
		return nil, fmt.Errorf("%w: bidder is required", ErrInvalidInput)
	}
	return a, nil
}

// minBid is the smallest acceptable forward bid: min(tab, lot × reserve)
// for the first bid, then min(tab, bid × (1 + MinIncrement)).
func (h *EnglishHouse) minBid(a *englishAuction) decimal.Decimal {
	if a.bid.IsZero() {
		return decimalMin(a.tab, a.lot.Mul(a.reserve))
	}
	return decimalMin(a.tab, a.bid.Mul(decimal.NewFromInt(1).Add(h.cfg.MinIncrement)))
}

func decimalMin(a, b decimal.Decimal) decimal.Decimal {
	if a.LessThan(b) {
		return a
	}
	return b
}

// maxLot is the largest acceptable reverse-bid lot: lot × (1 − MinDecrement).
func (h *EnglishHouse) maxLot(a *englishAuction) decimal.Decimal {
	return a.lot.Mul(decimal.NewFromInt(1).Sub(h.cfg.MinDecrement)).RoundFloor(h.cfg.LotScale)
}

// Status returns the auction's state and the next acceptable bids.
func (h *EnglishHouse) Status(now time.Time, id uint64) (EnglishStatus, error) {
	a, err := h.get(now, id)
	if err != nil {
		return EnglishStatus{}, err
	}
	return EnglishStatus{ID: id, Owner: a.owner, Tab: a.tab, Lot: a.lot, Bid: a.bid, Bidder: a.bidder,
		Reserve: a.reserve, Reverse: a.bid.Equal(a.tab), End: a.end, MaxEnd: a.maxEnd,
		MinBid: h.minBid(a), MaxLot: h.maxLot(a)}, nil
}

// Active returns the IDs of running auctions in ascending order.
func (h *EnglishHouse) Active() []uint64 { return sortedIDs(h.auctions) }

// Bid places a forward bid: the bidder will pay amount (≤ tab) for the
// whole lot (Flipper tend). It must be at least the current bid × (1 +
// MinIncrement) or exactly the tab, and the first bid at least min(tab,
// lot × reserve); otherwise ErrBidTooLow. Bids are accepted while now <
// end. A bid of the whole tab opens the reverse phase with the lot cut to
// floor(tab / reserve, LotScale) when that is smaller (the rest returns to
// the owner at settlement): unlike Flipper, the reserve also holds in the
// reverse phase, so debt recovered ≥ collateral sold × reserve always.
//
// A bid is idempotent by its content, with no key to pass: the key is
// derived from (auction, bidder, amount), because a bid must strictly beat
// the current one, so the same bid can never rightly apply twice. A
// repeat of a bid that applied returns its events and changes nothing (a
// bid refused with an error is not remembered).
func (h *EnglishHouse) Bid(now time.Time, id uint64, bidder string, amount decimal.Decimal) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	return derivedOnce(&h.keys, h.clock.last, h.isLive, now, "bid", id, []any{id, bidder, amount},
		func() ([]Event, error) { return h.bid(now, id, bidder, amount) })
}

func (h *EnglishHouse) bid(now time.Time, id uint64, bidder string, amount decimal.Decimal) ([]Event, error) {
	a, err := h.biddable(now, id, bidder)
	if err != nil {
		return nil, err
	}
	if err := positive(ErrInvalidInput, "bid", amount); err != nil {
		return nil, err
	}
	if a.bid.Equal(a.tab) {
		return nil, fmt.Errorf("%w: auction %d is in the reverse phase: bid on the lot", ErrInvalidInput, id)
	}
	if amount.GreaterThan(a.tab) {
		return nil, fmt.Errorf("%w: bid %s above tab %s", ErrInvalidInput, amount, a.tab)
	}
	if least := h.minBid(a); amount.LessThan(least) || !amount.GreaterThan(a.bid) {
		return nil, fmt.Errorf("%w: bid %s, minimum %s", ErrBidTooLow, amount, least)
	}
	a.bid, a.bidder = canon(amount), bidder
	from, to := "", ""
	if amount.Equal(a.tab) {
		a.lot = h.lotAtReserve(a)
		from, to = phaseForward, phaseReverse
	}
	a.end = earliest(now.Add(h.cfg.BidDuration), a.maxEnd)
	h.clock.advance(now)
	return []Event{{Time: now, Kind: EventBid, Subject: auctionSubject(id), From: from, To: to, Auction: id, Market: h.cfg.Market, Account: a.owner, Keeper: bidder,
		Lot: a.lot, Tab: a.tab, Amount: amount}}, nil
}

// lotAtReserve is the lot a bid of the whole tab buys at most:
// min(lot, floor(tab / reserve, LotScale)), and at least one LotScale unit.
// The rest of the lot goes back to the owner, so the reverse phase starts
// at the reserve price and the winner never pays less than the reserve per
// unit: a lone bidder bidding the tab does not win the whole lot cheaply.
func (h *EnglishHouse) lotAtReserve(a *englishAuction) decimal.Decimal {
	most := divFloor(a.tab, a.reserve, h.cfg.LotScale)
	if most.Sign() <= 0 {
		most = decimal.New(1, -h.cfg.LotScale)
	}
	return decimalMin(a.lot, most)
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// BidLot places a reverse bid once the bid covers the tab: the bidder will
// take only lot collateral for the full tab (Flipper dent). lot must be at
// most the current lot × (1 − MinDecrement), rounded down to LotScale, and
// positive; otherwise ErrBidTooLow.
//
// Like Bid, idempotent by content: the key is derived from (auction,
// bidder, lot), as a lot must strictly fall.
func (h *EnglishHouse) BidLot(now time.Time, id uint64, bidder string, lot decimal.Decimal) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	return derivedOnce(&h.keys, h.clock.last, h.isLive, now, "bid-lot", id, []any{id, bidder, lot},
		func() ([]Event, error) { return h.bidLot(now, id, bidder, lot) })
}

func (h *EnglishHouse) bidLot(now time.Time, id uint64, bidder string, lot decimal.Decimal) ([]Event, error) {
	a, err := h.biddable(now, id, bidder)
	if err != nil {
		return nil, err
	}
	if err := positive(ErrInvalidInput, "lot", lot); err != nil {
		return nil, err
	}
	if err := onGrid(ErrInvalidInput, "lot", lot, h.cfg.LotScale); err != nil {
		return nil, err
	}
	if !a.bid.Equal(a.tab) {
		return nil, fmt.Errorf("%w: auction %d is in the forward phase: bid the debt first", ErrInvalidInput, id)
	}
	if most := h.maxLot(a); lot.GreaterThan(most) || !lot.LessThan(a.lot) {
		return nil, fmt.Errorf("%w: lot %s, at most %s", ErrBidTooLow, lot, most)
	}
	a.lot, a.bidder = canon(lot), bidder
	a.end = earliest(now.Add(h.cfg.BidDuration), a.maxEnd)
	h.clock.advance(now)
	return []Event{{Time: now, Kind: EventBidLot, Subject: auctionSubject(id), Auction: id, Market: h.cfg.Market, Account: a.owner, Keeper: bidder,
		Lot: lot, Tab: a.tab, Amount: a.bid}}, nil
}

// EnglishSettleResult reports a settle. Refusal is RefusalNoBid when the
// auction ended with no bid: call Restart.
type EnglishSettleResult struct {
	Refusal    Refusal     // set (and nothing changed) when the call could not happen now
	Winner     string      // last bidder, who pays the bid and receives the lot
	Settlement *Settlement // set when the auction finished
	Events     []Event     // state changes, in order
}

// RefusalNoBid: the English auction ended with no acceptable bid and must
// be restarted, never sold for nothing.
const RefusalNoBid Refusal = "no-bid"

// Settle closes an auction at or after its end (Flipper deal): the winner
// pays the bid for the lot; collateral given up in the reverse phase goes
// back to the owner; tab − bid is the shortfall.
func (h *EnglishHouse) Settle(now time.Time, id uint64) (EnglishSettleResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	a, err := h.get(now, id)
	if err != nil {
		return EnglishSettleResult{}, err
	}
	if now.Before(a.end) {
		return EnglishSettleResult{}, fmt.Errorf("%w: auction %d ends at %s", ErrAuctionNotEnded, id, a.end)
	}
	if a.bid.IsZero() {
		return EnglishSettleResult{Refusal: RefusalNoBid}, nil
	}
	s := Settlement{Type: AuctionEnglish, Auction: id, Market: h.cfg.Market, Owner: a.owner, Lot: a.lot0, Tab: a.tab,
		CollateralSold: a.lot, CollateralReturned: a.lot0.Sub(a.lot), CollateralYanked: decimal.Zero,
		DebtRecovered: a.bid, Penalty: penaltyRecovered(a.bid, a.tab, a.penalty), KeeperRewards: decimal.Zero,
		Shortfall: a.tab.Sub(a.bid), DebtYanked: decimal.Zero, Surplus: decimal.Zero}
	delete(h.auctions, id)
	h.clock.advance(now)
	return EnglishSettleResult{Winner: a.bidder, Settlement: &s, Events: []Event{{Time: now, Kind: EventSettle, Subject: auctionSubject(id), From: auctionRunning, To: auctionSettled,
		Auction: id, Market: h.cfg.Market, Account: a.owner, Keeper: a.bidder, Lot: a.lot, Tab: a.bid, Settlement: &s}}}, nil
}

// SettleKeyed is Settle with an idempotency key (see KickParams.Key and
// KeyWindow): a repeat returns the first result — the settlement, the
// no-bid refusal or the error — and settles nothing again, so a host
// retrying a settle whose answer it lost still gets the settlement to pay
// out (a plain Settle repeated finds the auction gone); the key with
// another auction is ErrKeyReused.
func (h *EnglishHouse) SettleKeyed(now time.Time, key string, id uint64) (EnglishSettleResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	return once(&h.keys, h.clock.last, h.isLive, now, key, "settle", []any{id},
		func() (EnglishSettleResult, error) { return h.Settle(now, id) }, func(EnglishSettleResult) uint64 { return id })
}

// Restart re-opens an auction that ended with no bid (Flipper tick): the
// reserve is re-priced from the current oracle price and the end and max
// end move to now + MaxDuration.
func (h *EnglishHouse) Restart(now time.Time, id uint64, price decimal.Decimal) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	a, err := h.get(now, id)
	if err != nil {
		return nil, err
	}
	if err := positive(ErrInvalidInput, "price", price); err != nil {
		return nil, err
	}
	if now.Before(a.end) {
		return nil, fmt.Errorf("%w: auction %d ends at %s", ErrAuctionNotEnded, id, a.end)
	}
	if !a.bid.IsZero() {
		return nil, fmt.Errorf("%w: auction %d has a bid: settle it", ErrInvalidInput, id)
	}
	a.reserve = priceUp(price, h.cfg.ReserveRatio, h.cfg.PriceScale)
	a.end = now.Add(h.cfg.MaxDuration)
	a.maxEnd = a.end
	h.clock.advance(now)
	return []Event{{Time: now, Kind: EventRestart, Subject: auctionSubject(id), Auction: id, Market: h.cfg.Market, Account: a.owner,
		Price: a.reserve, Lot: a.lot, Tab: a.tab}}, nil
}

// EnglishYankResult reports a cancelled English auction: the current
// bidder's bid is refunded and the collateral goes to the caller.
type EnglishYankResult struct {
	Settlement Settlement      // closing record, Yanked set
	Bidder     string          // current high bidder, if any
	Refund     decimal.Decimal // the bid to return to Bidder
	Events     []Event         // state changes, in order
}

// Yank cancels a running auction (Flipper yank, for emergency shutdown).
func (h *EnglishHouse) Yank(now time.Time, id uint64) (EnglishYankResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	a, err := h.get(now, id)
	if err != nil {
		return EnglishYankResult{}, err
	}
	s := Settlement{Type: AuctionEnglish, Auction: id, Market: h.cfg.Market, Owner: a.owner, Lot: a.lot0, Tab: a.tab,
		CollateralSold: decimal.Zero, CollateralReturned: a.lot0.Sub(a.lot), CollateralYanked: a.lot,
		DebtRecovered: decimal.Zero, Penalty: decimal.Zero, KeeperRewards: decimal.Zero, Shortfall: decimal.Zero,
		DebtYanked: a.tab, Surplus: decimal.Zero, Yanked: true}
	delete(h.auctions, id)
	h.clock.advance(now)
	return EnglishYankResult{Settlement: s, Bidder: a.bidder, Refund: a.bid, Events: []Event{{Time: now, Kind: EventYank, Subject: auctionSubject(id), From: auctionRunning, To: auctionYanked,
		Auction: id, Market: h.cfg.Market, Account: a.owner, Keeper: a.bidder, Lot: a.lot, Tab: a.tab, Amount: a.bid, Settlement: &s}}}, nil
}

// CheckInvariants verifies every running auction: 0 ≤ bid ≤ tab, 0 < lot
// ≤ initial lot, the lot shrinks only in the reverse phase, a bid is at
// least min(tab, initial lot × reserve), in the reverse phase the lot is at
// most tab / reserve, end ≤ max end.
func (h *EnglishHouse) CheckInvariants() error {
	for _, id := range h.Active() {
		a := h.auctions[id]
		switch {
		case a.bid.Sign() < 0 || a.bid.GreaterThan(a.tab):
			return fmt.Errorf("%w: auction %d bid %s outside [0, %s]", ErrInvariant, id, a.bid, a.tab)
		case a.lot.Sign() <= 0 || a.lot.GreaterThan(a.lot0):
			return fmt.Errorf("%w: auction %d lot %s outside (0, %s]", ErrInvariant, id, a.lot, a.lot0)
		case a.lot.LessThan(a.lot0) && !a.bid.Equal(a.tab):
			return fmt.Errorf("%w: auction %d lot fell before the bid covered the tab", ErrInvariant, id)
		case a.bid.Sign() > 0 && a.bid.LessThan(decimalMin(a.tab, a.lot0.Mul(a.reserve))):
			return fmt.Errorf("%w: auction %d bid %s below reserve", ErrInvariant, id, a.bid)
		case a.end.After(a.maxEnd):
			return fmt.Errorf("%w: auction %d end after max end", ErrInvariant, id)
		case a.bid.Equal(a.tab) && a.lot.GreaterThan(h.lotAtReserve(a)):
			return fmt.Errorf("%w: auction %d lot %s above the tab at the reserve price", ErrInvariant, id, a.lot)
		case a.bid.Sign() > 0 && a.bidder == "":
			return fmt.Errorf("%w: auction %d bid without bidder", ErrInvariant, id)
		}
	}
	return nil
}
