package liquidation

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// StopLevel is the Dutch house's circuit breaker, Maker Clipper `stopped`:
// each level disables one more operation.
type StopLevel int

// String names the level: "none", "no-kick", "no-redo", "no-takes".
func (l StopLevel) String() string {
	switch l {
	case StopNone:
		return "none"
	case StopNoKick:
		return "no-kick"
	case StopNoRedo:
		return "no-redo"
	case StopNoTakes:
		return "no-takes"
	}
	return "level-" + strconv.Itoa(int(l))
}

// Stop levels (dss clip.sol `isStopped(n)` allows an operation while
// stopped < n).
const (
	StopNone    StopLevel = 0 // everything allowed
	StopNoKick  StopLevel = 1 // no new auctions
	StopNoRedo  StopLevel = 2 // no new auctions or resets
	StopNoTakes StopLevel = 3 // nothing: no kick, redo or take (Yank still allowed)
)

// DutchSettings configures a DutchHouse (one per collateral market, as one
// Clipper per ilk). Required fields have no default and are rejected when
// zero.
type DutchSettings struct {
	// Market labels the auctions and events; optional.
	Market string
	// Curve gives the falling price (required): LinearDecrease,
	// StairstepExponentialDecrease, ExponentialDecrease or the host's own.
	Curve Curve
	// Buf multiplies the oracle price into the starting price,
	// top = price × buf rounded up to PriceScale (Clipper `buf`, e.g. 1.2).
	// Required, > 0.
	Buf decimal.Decimal
	// Tail is the age after which an auction needs a reset (strictly
	// greater; Clipper `tail`). Required, > 0.
	Tail time.Duration
	// Cusp is the fraction of top below which an auction needs a reset
	// (price/top < cusp, strict; Clipper `cusp`). Required, 0 < cusp < 1.
	Cusp decimal.Decimal
	// Chop is the liquidation penalty factor (Dog `chop`, e.g. 1.13).
	// Default (zero) 1: no penalty. Must be ≥ 1.
	Chop decimal.Decimal
	// Dust is the smallest debt a vault may hold (Vat `dust`). Default 0.
	// Chost = Dust × Chop is the smallest tab a partial take may leave.
	Dust decimal.Decimal
	// Tip is the flat keeper reward on kick and redo (Clipper `tip`).
	// Default 0.
	Tip decimal.Decimal
	// Chip is the keeper reward proportional to the tab (Clipper `chip`,
	// e.g. 0.001). Default 0. When Tip or Chip is set, New requires
	// Dust × (Chop − 1) > Tip + Chip × Dust, so liquidating a minimum-size
	// vault earns more penalty than it pays in rewards (MakerDAO
	// Liquidations 2.0 parameter guidance, MIP45).
	Chip decimal.Decimal
	// PriceScale is the number of places of auction prices (curve prices
	// are rounded up to it, in the venue's favour). Default (zero) 18, at
	// most 27 (RAY); PriceScale + LotScale must not exceed 36 because a
	// payment is lot × price, exact.
	PriceScale int32
	// LotScale is the number of places of collateral amounts; a partial
	// slice is rounded down to it. Default (zero) 18.
	LotScale int32
	// RewardScale is the number of places of keeper rewards, rounded down.
	// Default (zero) 18.
	RewardScale int32
}

type dutchConfig struct {
	DutchSettings
	chost decimal.Decimal
}

func (s DutchSettings) validate() (dutchConfig, error) {
	c := dutchConfig{DutchSettings: s}
	if isNilValue(s.Curve) { // a typed nil (*LinearDecrease)(nil) would panic on the first price
		return c, fmt.Errorf("%w: curve is required (nil)", ErrInvalidSettings)
	}
	if err := positive(ErrInvalidSettings, "buf", s.Buf); err != nil {
		return c, err
	}
	if s.Tail <= 0 {
		return c, fmt.Errorf("%w: tail must be > 0, got %s", ErrInvalidSettings, s.Tail)
	}
	if err := num.Check(s.Cusp); err != nil { // never print an out-of-range value: formatting it can hang
		return c, fmt.Errorf("%w: cusp: %w", ErrInvalidSettings, err)
	}
	if s.Cusp.Sign() <= 0 || s.Cusp.GreaterThanOrEqual(decimal.NewFromInt(1)) {
		return c, fmt.Errorf("%w: cusp %s must be in (0, 1)", ErrInvalidSettings, s.Cusp)
	}
	if s.Chop.IsZero() {
		c.Chop = decimal.NewFromInt(1)
	}
	if err := num.Check(c.Chop); err != nil {
		return c, fmt.Errorf("%w: chop: %w", ErrInvalidSettings, err)
	}
	if c.Chop.LessThan(decimal.NewFromInt(1)) {
		return c, fmt.Errorf("%w: chop %s must be ≥ 1", ErrInvalidSettings, s.Chop)
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"dust", s.Dust}, {"tip", s.Tip}, {"chip", s.Chip}} {
		if err := nonNegative(ErrInvalidSettings, f.name, f.v); err != nil {
			return c, err
		}
	}
	var err error
	if c.PriceScale, err = scaleUpTo(s.PriceScale, "price scale", rayPlaces); err != nil {
		return c, err
	}
	if c.LotScale, err = scaleOr(s.LotScale, "lot scale"); err != nil {
		return c, err
	}
	if c.PriceScale+c.LotScale > num.MaxScale {
		return c, fmt.Errorf("%w: price scale %d + lot scale %d exceeds %d places (a payment is lot × price)",
			ErrInvalidSettings, c.PriceScale, c.LotScale, num.MaxScale)
	}
	if c.RewardScale, err = scaleOr(s.RewardScale, "reward scale"); err != nil {
		return c, err
	}
	if s.Tip.Sign() > 0 || s.Chip.Sign() > 0 {
		penalty := s.Dust.Mul(c.Chop.Sub(decimal.NewFromInt(1)))
		reward := s.Tip.Add(s.Chip.Mul(s.Dust))
		if !penalty.GreaterThan(reward) {
			return c, fmt.Errorf("%w: dust × (chop − 1) = %s must exceed tip + chip × dust = %s", ErrInvalidSettings, penalty, reward)
		}
	}
	c.chost = s.Dust.Mul(c.Chop)
	return c, nil
}

// DutchHouse runs falling-price auctions with MakerDAO Clipper semantics
// (dss clip.sol): Kick starts an auction at top = oracle × buf, the price
// falls along the Curve, keepers Take at the current price, Redo resets an
// auction that is too old or too cheap, Yank cancels.
//
// Auction IDs are uint64, counting from 1 (Clipper `kicks`). Every method
// returns its events; a bad input returns an error and changes nothing.
// A DutchHouse is not safe for concurrent use: the host serialises calls.
type DutchHouse struct {
	cfg      dutchConfig
	kicks    uint64
	stop     StopLevel
	clock    clock
	auctions map[uint64]*dutchAuction
	keys     keyBook // idempotency keys (see KeyWindow)
}

// isLive reports whether auction id is running (its keys are remembered).
func (h *DutchHouse) isLive(id uint64) bool { _, ok := h.auctions[id]; return ok }

type dutchAuction struct {
	id        uint64
	owner     string
	tab, lot  decimal.Decimal // remaining
	tab0      decimal.Decimal
	lot0      decimal.Decimal
	penalty   decimal.Decimal
	top       decimal.Decimal
	tic       time.Time // start or last reset
	sold      decimal.Decimal
	recovered decimal.Decimal
	rewards   decimal.Decimal
}

// NewDutchHouse validates s and returns an empty house.
func NewDutchHouse(s DutchSettings) (*DutchHouse, error) {
	cfg, err := s.validate()
	if err != nil {
		return nil, err
	}
	return &DutchHouse{cfg: cfg, auctions: map[uint64]*dutchAuction{}}, nil
}

// Chost returns Dust × Chop, the smallest tab a partial take may leave
// (Clipper `chost`, set by `upchost` as wmul(dust, chop)). The product is
// exact here (no rounding), computed once in NewDutchHouse.
func (h *DutchHouse) Chost() decimal.Decimal { return h.cfg.chost }

// Stop returns the current stop level.
func (h *DutchHouse) Stop() StopLevel { return h.stop }

// KickParams starts a Dutch auction.
type KickParams struct {
	Tab     decimal.Decimal // debt to raise, penalty included (> 0)
	Lot     decimal.Decimal // collateral for sale (> 0, at most LotScale places)
	Owner   string          // receives collateral left over (required)
	Keeper  string          // receives the kick incentive (optional)
	Price   decimal.Decimal // current oracle price of one unit of collateral (> 0)
	Penalty decimal.Decimal // part of Tab that is penalty (0 ≤ Penalty ≤ Tab), for the Settlement
	// Key is the idempotency key (optional; see KeyWindow): a call with a
	// key already used for the same parameters returns the first outcome
	// (result, refusal or error) and changes nothing; with other
	// parameters it is ErrKeyReused. The key is the host's, not derived:
	// two identical kicks for two different liquidations are legitimate
	// (same owner, tab, lot and price), so only the host knows which
	// input a repeat is. A host replaying its log uses the log entry's
	// sequence number or ID.
	Key string
}

// KickResult reports a started auction.
type KickResult struct {
	ID     uint64          // auction ID
	Top    decimal.Decimal // starting price
	Reward decimal.Decimal // tip + chip × tab rounded down to RewardScale (Clipper kick's coin), paid by the venue to Keeper
	Events []Event         // state changes, in order
}

func (h *DutchHouse) top(price decimal.Decimal) decimal.Decimal {
	return priceUp(price, h.cfg.Buf, h.cfg.PriceScale)
}

func (h *DutchHouse) reward(tab decimal.Decimal) decimal.Decimal {
	if h.cfg.Tip.IsZero() && h.cfg.Chip.IsZero() {
		return decimal.Zero
	}
	return h.cfg.Tip.Add(h.cfg.Chip.Mul(tab)).RoundFloor(h.cfg.RewardScale)
}

// Kick starts an auction (Clipper kick): top = ceil(Price × Buf,
// PriceScale), keeper reward = floor(tip + chip × tab, RewardScale).
//
// With a Key the kick is idempotent: a repeat returns the first result.
func (h *DutchHouse) Kick(now time.Time, p KickParams) (KickResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if p.Key == "" { // no key: nothing to digest or remember (no allocation on the hot path)
		return h.kick(now, p)
	}
	return once(&h.keys, h.clock.last, h.isLive, now, p.Key, "kick",
		[]any{p.Tab, p.Lot, p.Owner, p.Keeper, p.Price, p.Penalty},
		func() (KickResult, error) { return h.kick(now, p) },
		func(r KickResult) uint64 { return r.ID })
}

func (h *DutchHouse) kick(now time.Time, p KickParams) (KickResult, error) {
	if err := h.clock.check(now); err != nil {
		return KickResult{}, err
	}
	if h.stop >= StopNoKick {
		return KickResult{}, fmt.Errorf("%w: kick disabled at level %d", ErrStopped, h.stop)
	}
	if err := checkAuctionInput(p.Tab, p.Lot, p.Price, p.Penalty, p.Owner, h.cfg.LotScale); err != nil {
		return KickResult{}, err
	}
	top := h.top(p.Price)
	if top.Sign() <= 0 || num.Check(top) != nil {
		return KickResult{}, fmt.Errorf("%w: top price (price × buf) zero or out of range", ErrInvalidInput)
	}
	reward := h.reward(p.Tab)
	h.kicks++
	a := &dutchAuction{
		id: h.kicks, owner: p.Owner, tab: canon(p.Tab), lot: canon(p.Lot), tab0: canon(p.Tab), lot0: canon(p.Lot),
		penalty: canon(p.Penalty), top: top, tic: now, sold: decimal.Zero, recovered: decimal.Zero, rewards: reward,
	}
	h.auctions[a.id] = a
	h.clock.advance(now)
	ev := Event{Time: now, Kind: EventKick, Subject: auctionSubject(a.id), To: auctionRunning, Auction: a.id, Market: h.cfg.Market, Account: p.Owner,
		Keeper: p.Keeper, Price: top, Lot: p.Lot, Tab: p.Tab, Amount: reward}
	return KickResult{ID: a.id, Top: top, Reward: reward, Events: []Event{ev}}, nil
}

func checkAuctionInput(tab, lot, price, penalty decimal.Decimal, owner string, lotScale int32) error {
	if err := positive(ErrInvalidInput, "tab", tab); err != nil {
		return err
	}
	if err := positive(ErrInvalidInput, "lot", lot); err != nil {
		return err
	}
	if err := onGrid(ErrInvalidInput, "lot", lot, lotScale); err != nil {
		return err
	}
	if err := positive(ErrInvalidInput, "price", price); err != nil {
		return err
	}
	if err := nonNegative(ErrInvalidInput, "penalty", penalty); err != nil {
		return err
	}
	if penalty.GreaterThan(tab) {
		return fmt.Errorf("%w: penalty %s exceeds tab %s", ErrInvalidInput, penalty, tab)
	}
	if owner == "" {
		return fmt.Errorf("%w: owner is required", ErrInvalidInput)
	}
	return nil
}

// DutchStatus is a running auction seen at a time (Clipper getStatus).
type DutchStatus struct {
	ID        uint64          `json:"id"`         // auction ID
	Owner     string          `json:"owner"`      // receives collateral left over
	NeedsRedo bool            `json:"needs_redo"` // age > Tail or price < top × Cusp: Take refuses, Redo allowed
	Price     decimal.Decimal `json:"price"`      // current price, rounded up to PriceScale
	Top       decimal.Decimal `json:"top"`        // starting price of the current round
	Tab       decimal.Decimal `json:"tab"`        // debt still to raise
	Lot       decimal.Decimal `json:"lot"`        // collateral still for sale
	Started   time.Time       `json:"started"`    // kick or last redo
	Age       time.Duration   `json:"age"`        // now − Started
}

// status computes the price and redo flag (Clipper status):
// done = age > tail || price < top × cusp, both strict.
func (h *DutchHouse) status(a *dutchAuction, now time.Time) (price decimal.Decimal, done bool) {
	age := now.Sub(a.tic)
	price = clampPrice(h.cfg.Curve.Price(a.top, age), a.top).RoundCeil(h.cfg.PriceScale)
	done = age > h.cfg.Tail || price.LessThan(a.top.Mul(h.cfg.Cusp))
	return price, done
}

// clampPrice holds a curve's answer to [0, top], so a host Curve that
// breaks its promises (a negative, absurd or rising price) can neither make
// a keeper pay a negative amount nor charge above the starting price.
func clampPrice(p, top decimal.Decimal) decimal.Decimal {
	if p.Sign() <= 0 {
		return decimal.Zero
	}
	if num.Check(p) != nil { // absurd exponent: compare by magnitude only
		if int64(p.NumDigits())+int64(p.Exponent()) <= 0 {
			return decimal.Zero // below 1 with more than 36 places
		}
		return top
	}
	if p.GreaterThan(top) {
		return top
	}
	return p
}

// Status returns the auction's current price and whether it needs a redo.
// It changes nothing.
func (h *DutchHouse) Status(now time.Time, id uint64) (DutchStatus, error) {
	a, err := lookup(&h.clock, h.auctions, now, id)
	if err != nil {
		return DutchStatus{}, err
	}
	price, done := h.status(a, now)
	return DutchStatus{ID: id, Owner: a.owner, NeedsRedo: done, Price: price, Top: a.top,
		Tab: a.tab, Lot: a.lot, Started: a.tic, Age: now.Sub(a.tic)}, nil
}

// Active returns the IDs of running auctions in ascending order.
func (h *DutchHouse) Active() []uint64 { return sortedIDs(h.auctions) }

// RedoParams resets an auction.
type RedoParams struct {
	ID     uint64          // auction ID
	Keeper string          // receives the redo incentive
	Price  decimal.Decimal // current oracle price (> 0)
	Key    string          // idempotency key (optional; see KickParams.Key and KeyWindow)
}

// RedoResult reports a reset; Refusal is set (and nothing changed) when the
// auction does not need one.
type RedoResult struct {
	Refusal Refusal         // set (and nothing changed) when the call could not happen now
	Top     decimal.Decimal // new starting price, ceil(Price × Buf)
	Reward  decimal.Decimal // keeper reward (zero for a dusty auction)
	Events  []Event         // state changes, in order
}

// Redo resets an auction that needs it (Clipper redo): the clock restarts
// at now and top = ceil(Price × Buf). The keeper earns tip + chip × tab
// unless the auction is dusty (tab < chost or lot × Price < chost).
// With a Key a repeat returns the first outcome (see KickParams.Key).
func (h *DutchHouse) Redo(now time.Time, p RedoParams) (RedoResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if p.Key == "" {
		return h.redo(now, p)
	}
	return once(&h.keys, h.clock.last, h.isLive, now, p.Key, "redo",
		[]any{p.ID, p.Keeper, p.Price},
		func() (RedoResult, error) { return h.redo(now, p) },
		func(RedoResult) uint64 { return p.ID })
}

func (h *DutchHouse) redo(now time.Time, p RedoParams) (RedoResult, error) {
	if err := h.clock.check(now); err != nil {
		return RedoResult{}, err
	}
	if h.stop >= StopNoRedo {
		return RedoResult{}, fmt.Errorf("%w: redo disabled at level %d", ErrStopped, h.stop)
	}
	a, err := lookup(&h.clock, h.auctions, now, p.ID)
	if err != nil {
		return RedoResult{}, err
	}
	if err := positive(ErrInvalidInput, "price", p.Price); err != nil {
		return RedoResult{}, err
	}
	if _, done := h.status(a, now); !done {
		return RedoResult{Refusal: RefusalNoRedoNeeded}, nil
	}
	top := h.top(p.Price)
	if top.Sign() <= 0 || num.Check(top) != nil {
		return RedoResult{}, fmt.Errorf("%w: top price (price × buf) zero or out of range", ErrInvalidInput)
	}
	reward := decimal.Zero
	if a.tab.GreaterThanOrEqual(h.cfg.chost) && a.lot.Mul(p.Price).GreaterThanOrEqual(h.cfg.chost) {
		reward = h.reward(a.tab)
	}
	a.top, a.tic = top, now
	a.rewards = a.rewards.Add(reward)
	h.clock.advance(now)
	ev := Event{Time: now, Kind: EventRedo, Subject: auctionSubject(a.id), Auction: a.id, Market: h.cfg.Market, Account: a.owner,
		Keeper: p.Keeper, Price: top, Lot: a.lot, Tab: a.tab, Amount: reward}
	return RedoResult{Top: top, Reward: reward, Events: []Event{ev}}, nil
}

// YankResult reports a cancelled auction.
type YankResult struct {
	Settlement Settlement // closing record, Yanked set
	// Released is the tab to remove from the engine's debt under auction
	// (Dog digs).
	Released decimal.Decimal
	Events   []Event // state changes, in order
}

// Yank cancels a running auction (Clipper yank, for emergency shutdown):
// the remaining lot goes to the caller and the remaining tab is released.
// Allowed at every stop level.
func (h *DutchHouse) Yank(now time.Time, id uint64) (YankResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	a, err := lookup(&h.clock, h.auctions, now, id)
	if err != nil {
		return YankResult{}, err
	}
	s := h.settlement(a)
	s.CollateralYanked, s.DebtYanked, s.Yanked = a.lot, a.tab, true
	delete(h.auctions, id)
	h.clock.advance(now)
	ev := Event{Time: now, Kind: EventYank, Subject: auctionSubject(id), From: auctionRunning, To: auctionYanked, Auction: id, Market: h.cfg.Market, Account: a.owner,
		Lot: a.lot, Tab: a.tab, Amount: a.tab, Settlement: &s}
	return YankResult{Settlement: s, Released: a.tab, Events: []Event{ev}}, nil
}

// SetStop sets the stop switch level (Clipper file "stopped").
func (h *DutchHouse) SetStop(now time.Time, level StopLevel) (Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := h.clock.check(now); err != nil {
		return Event{}, err
	}
	if level < StopNone || level > StopNoTakes {
		return Event{}, fmt.Errorf("%w: stop level %d outside 0..3", ErrInvalidInput, level)
	}
	from := h.stop
	h.stop = level
	h.clock.advance(now)
	return Event{Time: now, Kind: EventStop, Subject: h.cfg.Market, From: from.String(), To: level.String(), Market: h.cfg.Market}, nil
}

// settlement returns the record of a with nothing yet returned or short.
func (h *DutchHouse) settlement(a *dutchAuction) Settlement {
	return Settlement{
		Type: AuctionDutch, Auction: a.id, Market: h.cfg.Market, Owner: a.owner,
		Lot: a.lot0, Tab: a.tab0, CollateralSold: a.sold, CollateralReturned: decimal.Zero,
		CollateralYanked: decimal.Zero, DebtRecovered: a.recovered,
		Penalty: penaltyRecovered(a.recovered, a.tab0, a.penalty), KeeperRewards: a.rewards,
		Shortfall: decimal.Zero, DebtYanked: decimal.Zero, Surplus: decimal.Zero,
	}
}

// CheckInvariants verifies every running auction: positive tab and lot,
// sold + lot = initial lot, recovered + tab = initial tab, and, once any
// take happened, tab ≥ chost (no take leaves 0 < tab < chost).
func (h *DutchHouse) CheckInvariants() error {
	for _, id := range h.Active() {
		a := h.auctions[id]
		if a.tab.Sign() <= 0 || a.lot.Sign() <= 0 {
			return fmt.Errorf("%w: auction %d: tab %s lot %s must be positive", ErrInvariant, id, a.tab, a.lot)
		}
		if !a.sold.Add(a.lot).Equal(a.lot0) {
			return fmt.Errorf("%w: auction %d: sold %s + lot %s ≠ %s", ErrInvariant, id, a.sold, a.lot, a.lot0)
		}
		if !a.recovered.Add(a.tab).Equal(a.tab0) {
			return fmt.Errorf("%w: auction %d: recovered %s + tab %s ≠ %s", ErrInvariant, id, a.recovered, a.tab, a.tab0)
		}
		if a.recovered.Sign() > 0 && a.tab.LessThan(h.cfg.chost) {
			return fmt.Errorf("%w: auction %d: tab %s below chost %s after a take", ErrInvariant, id, a.tab, h.cfg.chost)
		}
		if id > h.kicks {
			return fmt.Errorf("%w: auction %d beyond kicks %d", ErrInvariant, id, h.kicks)
		}
	}
	return nil
}
