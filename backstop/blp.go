package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Provider is a backstop liquidity provider (FTX's BLPs, Hyperliquid's
// HLP liquidator vault) with the notional it has committed to take over.
type Provider struct {
	ID string `json:"id"` // unique provider ID; its journal account is "blp:ID"
	// Capacity is the committed notional (size × price, in money), ≥ 0.
	Capacity decimal.Decimal `json:"capacity"`
}

// PoolSettings configure a BackstopPool.
type PoolSettings struct {
	// LayerID names the pool's waterfall layers (BackstopPool.Layer,
	// SharedLayer); empty means "blp". Give two pools in one waterfall
	// different IDs.
	LayerID string
	// Providers, IDs non-empty and unique, capacities ≥ 0. At least one.
	Providers []Provider
	// Unit is the smallest money amount; zero means 0.00000001.
	Unit decimal.Decimal
	// SizeUnit is the smallest position size (lot), a power of ten; zero
	// means 0.00000001.
	SizeUnit decimal.Decimal
	// ByCommitment shares takeovers pro rata to each provider's committed
	// capacity instead of its remaining capacity; either way no provider
	// takes more than it has left (water-filled, proRataCapped).
	//
	// False (the default) weights by remaining capacity because that is the
	// published rule of the venue that ran BLPs: "Position is closed against
	// BLPs in proportion to remaining capacity" (FTX, "Liquidations",
	// help.ftx.com/hc/en-us/articles/360027937831). It also keeps every
	// provider's utilisation equal — each takes the same fraction of what it
	// has left — so all providers run out together and no one is capped
	// while others still have room. True weights by the pledge itself
	// (capacity as committed, "pro rata to capacity" read literally, as
	// some BLP/HLP agreements are written): a provider
	// already drawn by an earlier takeover then gets a share it may no
	// longer hold, and the excess is re-shared among the others.
	ByCommitment bool
}

type provider struct {
	spec      Provider
	remaining decimal.Decimal
}

// BackstopPool is a set of backstop liquidity providers that take over a
// bankrupt position at a stated price, in proportion to their remaining
// capacity ("Position is closed against BLPs in proportion to remaining
// capacity", FTX, "Liquidations") or, with ByCommitment, to their committed
// capacity, none beyond what it has left (water-filled, proRataCapped). Not safe for concurrent use.
type BackstopPool struct {
	scale, sizeScale int32
	byCommitment     bool
	layerID          string
	order            []string
	providers        map[string]*provider
	// takeovers made by TakeOver, by Takeover.ID (the idempotency key).
	takeovers []TakenOver
	byID      map[string]int
}

// TakenOver is one takeover a BackstopPool has made through TakeOver, as
// it remembers it: a repeated TakeOver of the same ID returns Result.
type TakenOver struct {
	Takeover Takeover       `json:"takeover"` // as asked
	Result   TakeoverResult `json:"result"`   // as returned
}

// NewBackstopPool validates the settings and returns a pool at full capacity.
func NewBackstopPool(s PoolSettings) (*BackstopPool, error) {
	scale, sizeScale, err := unitScales(s.Unit, s.SizeUnit)
	if err != nil {
		return nil, err
	}
	if len(s.Providers) == 0 {
		return nil, fmt.Errorf("%w: no providers", ErrInvalidSettings)
	}
	layerID := s.LayerID
	if layerID == "" {
		layerID = "blp"
	}
	p := &BackstopPool{scale: scale, sizeScale: sizeScale, byCommitment: s.ByCommitment, layerID: layerID, providers: map[string]*provider{},
		byID: map[string]int{}}
	for i, pr := range s.Providers {
		if badID(pr.ID) {
			return nil, fmt.Errorf("%w: provider %d has an empty or non-UTF-8 ID", ErrInvalidSettings, i)
		}
		if _, dup := p.providers[pr.ID]; dup {
			return nil, fmt.Errorf("%w: provider %q twice", ErrDuplicateID, pr.ID)
		}
		if err := checkAmount(pr.Capacity, scale, "capacity"); err != nil {
			return nil, wrap(ErrInvalidSettings, err, "provider %q", pr.ID)
		}
		p.providers[pr.ID] = &provider{spec: pr, remaining: pr.Capacity}
		p.order = append(p.order, pr.ID)
	}
	return p, nil
}

// Remaining returns each provider's remaining capacity, in settings order.
func (p *BackstopPool) Remaining() []Provider {
	out := make([]Provider, len(p.order))
	for i, id := range p.order {
		out[i] = Provider{ID: id, Capacity: p.providers[id].remaining}
	}
	return out
}

// Replenish restores every provider's remaining capacity to its committed
// capacity (FTX reset BLP capacity per minute and per hour) and returns
// its EventReplenish.
func (p *BackstopPool) Replenish(now time.Time) []Event {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	for _, id := range p.order {
		p.providers[id].remaining = p.providers[id].spec.Capacity
	}
	return []Event{{Time: now, Kind: EventReplenish, Subject: p.layerID}}
}

// Takeover is a bankrupt position to hand to the providers.
type Takeover struct {
	ID      string          `json:"id"`      // names the takeover in events
	Account string          `json:"account"` // the bankrupt account, non-empty
	Size    decimal.Decimal `json:"size"`    // signed, ≠ 0: the providers take on this side
	Price   decimal.Decimal `json:"price"`   // > 0: the stated takeover price
}

// Assignment is the size one provider took over.
type Assignment struct {
	Provider string          `json:"provider"` // the provider's ID
	Size     decimal.Decimal `json:"size"`     // signed, same side as the takeover
	Notional decimal.Decimal `json:"notional"` // |size| × price, rounded up: capacity used
}

// TakeoverResult is the outcome of TakeOver.
type TakeoverResult struct {
	Assignments []Assignment    `json:"assignments"` // providers with a non-zero share, settings order
	Taken       decimal.Decimal `json:"taken"`       // Σ |size| taken
	Unfilled    decimal.Decimal `json:"unfilled"`    // |size| − Taken: left for the next layer
	Events      []Event         `json:"events"`      // an EventTakeover per assignment
}

func (p *BackstopPool) checkTakeover(t Takeover) error {
	if badID(t.Account) {
		return fmt.Errorf("%w: takeover with an empty or non-UTF-8 account", ErrInvalidInput)
	}
	if err := num.Check(t.Size); err != nil { // never print an out-of-range value: formatting it can hang
		return wrap(ErrInvalidInput, err, "takeover size")
	}
	if t.Size.Sign() == 0 {
		return fmt.Errorf("%w: takeover size %s", ErrInvalidInput, t.Size)
	}
	if !t.Size.Equal(t.Size.Truncate(p.sizeScale)) {
		return fmt.Errorf("%w: takeover size %s finer than the lot", ErrInvalidInput, t.Size)
	}
	if err := num.CheckPositive(t.Price); err != nil {
		return wrap(ErrInvalidInput, err, "takeover price")
	}
	return nil
}

// sizeCaps returns each provider's size cap floor(remaining / price).
func (p *BackstopPool) sizeCaps(price decimal.Decimal) (weights, caps []decimal.Decimal, total decimal.Decimal) {
	weights = make([]decimal.Decimal, len(p.order))
	caps = make([]decimal.Decimal, len(p.order))
	total = decimal.Zero
	for i, id := range p.order {
		pr := p.providers[id]
		weights[i] = pr.remaining
		if p.byCommitment {
			weights[i] = pr.spec.Capacity
		}
		caps[i] = num.DivFloor(pr.remaining, price, p.sizeScale)
		total = total.Add(caps[i])
	}
	return weights, caps, total
}

// TakeOver assigns as much of the position as the providers can hold, pro
// rata to remaining capacity (committed capacity with ByCommitment), each
// within the size its remaining capacity holds at t.Price (⌊remaining /
// price⌋ to the lot; notional used rounds up); the rest is Unfilled. Errors (ErrInvalidInput, nothing changes): empty account, zero
// or too-fine size, price ≤ 0, an empty or non-UTF-8 ID, a zero time. The
// result carries an EventTakeover per assignment.
//
// t.ID is an idempotency key: a takeover of an ID already taken over with
// the same account, size and price returns the first result unchanged and
// assigns nothing; the same ID with other content is ErrDuplicateID. The
// pool remembers one TakeoverResult per ID (in its Snapshot too), so a
// long-lived pool grows by one record per takeover. (A BLPLayer's draws are
// keyed by the claim the waterfall covers instead.)
func (p *BackstopPool) TakeOver(now time.Time, t Takeover) (TakeoverResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if badID(t.ID) {
		return TakeoverResult{}, fmt.Errorf("%w: takeover with an empty or non-UTF-8 ID (the ID is its idempotency key)", ErrInvalidInput)
	}
	if err := p.checkTakeover(t); err != nil {
		return TakeoverResult{}, err
	}
	if err := checkNow(now); err != nil {
		return TakeoverResult{}, err
	}
	if k, seen := p.byID[t.ID]; seen {
		rec := p.takeovers[k]
		if rec.Takeover.Account != t.Account || !rec.Takeover.Size.Equal(t.Size) || !rec.Takeover.Price.Equal(t.Price) {
			return TakeoverResult{}, fmt.Errorf("%w: takeover %q was made of %s of %q at %s; refused with other content under the same ID",
				ErrDuplicateID, t.ID, rec.Takeover.Size, rec.Takeover.Account, rec.Takeover.Price)
		}
		return rec.Result.clone(), nil
	}
	_, _, room := p.sizeCaps(t.Price)
	res, err := p.assign(now, t, num.MinOf(t.Size.Abs(), room))
	if err != nil {
		return res, err
	}
	p.byID[t.ID] = len(p.takeovers)
	p.takeovers = append(p.takeovers, TakenOver{Takeover: t, Result: res.clone()})
	return res, nil
}

func (r TakeoverResult) clone() TakeoverResult {
	r.Assignments = append([]Assignment(nil), r.Assignments...)
	r.Events = append([]Event(nil), r.Events...)
	return r
}

// assign takes over size q (≤ room) of t.
func (p *BackstopPool) assign(now time.Time, t Takeover, q decimal.Decimal) (TakeoverResult, error) {
	weights, caps, _ := p.sizeCaps(t.Price)
	shares, err := proRataCapped(q, weights, caps, p.sizeScale)
	if err != nil {
		return TakeoverResult{}, err
	}
	// Notional used rounds up; a share never needs more than the provider
	// has left (shareᵢ ≤ ⌊remainingᵢ / price⌋). Checked for all before any
	// changes, never clamped: a breach is a bug to report, not to hide.
	notionals := make([]decimal.Decimal, len(shares))
	for i, id := range p.order {
		notionals[i] = num.MulRound(shares[i], t.Price, p.scale, num.Ceil)
		if notionals[i].Cmp(p.providers[id].remaining) > 0 {
			return TakeoverResult{}, fmt.Errorf("%w: provider %q assigned %s of notional with %s left", ErrInvariant, id, notionals[i], p.providers[id].remaining)
		}
	}
	res := TakeoverResult{Taken: q, Unfilled: t.Size.Abs().Sub(q)}
	for i, id := range p.order {
		if shares[i].Sign() == 0 {
			continue
		}
		notional := notionals[i]
		pr := p.providers[id]
		pr.remaining = pr.remaining.Sub(notional)
		size := shares[i]
		if t.Size.Sign() < 0 {
			size = size.Neg()
		}
		res.Assignments = append(res.Assignments, Assignment{Provider: id, Size: size, Notional: notional})
		res.Events = append(res.Events, Event{Time: now, Kind: EventTakeover, Subject: p.layerID, Account: id, Amount: shares[i], Claim: t.ID,
			Reason: fmt.Sprintf("%s of %s at %s", size, t.Account, t.Price)})
	}
	return res, nil
}

// CheckInvariants proves no provider's remaining capacity is negative or
// above its committed capacity.
func (p *BackstopPool) CheckInvariants() error {
	for _, id := range p.order {
		pr := p.providers[id]
		if pr.remaining.Sign() < 0 || pr.remaining.Cmp(pr.spec.Capacity) > 0 {
			return fmt.Errorf("%w: provider %q remaining %s of capacity %s", ErrInvariant, id, pr.remaining, pr.spec.Capacity)
		}
	}
	return nil
}

// PoolSnapshot is the JSON-serialisable state of a BackstopPool.
type PoolSnapshot struct {
	Remaining []Provider  `json:"remaining"` // each provider's remaining capacity, settings order
	Takeovers []TakenOver `json:"takeovers"` // every TakeOver made, in order (its ID is its idempotency key)
}

// Snapshot returns each provider's remaining capacity and the takeovers
// made.
func (p *BackstopPool) Snapshot() PoolSnapshot {
	s := PoolSnapshot{Remaining: p.Remaining()}
	for _, r := range p.takeovers {
		s.Takeovers = append(s.Takeovers, TakenOver{Takeover: r.Takeover, Result: r.Result.clone()})
	}
	return s
}

// RestoreBackstopPool rebuilds a pool from its settings and a snapshot;
// each provider must appear once with 0 ≤ remaining ≤ capacity.
func RestoreBackstopPool(s PoolSettings, snap PoolSnapshot) (*BackstopPool, error) {
	p, err := NewBackstopPool(s)
	if err != nil {
		return nil, err
	}
	if len(snap.Remaining) != len(p.order) {
		return nil, fmt.Errorf("%w: %d providers, settings declare %d", ErrBadSnapshot, len(snap.Remaining), len(p.order))
	}
	seen := map[string]bool{}
	for _, r := range snap.Remaining {
		pr, ok := p.providers[r.ID]
		if !ok || seen[r.ID] {
			return nil, fmt.Errorf("%w: provider %q unknown or repeated", ErrBadSnapshot, r.ID)
		}
		seen[r.ID] = true
		if err := checkAmount(r.Capacity, p.scale, "remaining"); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "provider %q", r.ID)
		}
		pr.remaining = r.Capacity
	}
	for i, r := range snap.Takeovers {
		if err := p.checkTakenOver(r); err != nil {
			return nil, wrap(ErrBadSnapshot, err, "takeover %d", i)
		}
		p.byID[r.Takeover.ID] = len(p.takeovers)
		p.takeovers = append(p.takeovers, TakenOver{Takeover: r.Takeover, Result: r.Result.clone()})
	}
	if err := p.CheckInvariants(); err != nil {
		return nil, wrap(ErrBadSnapshot, err, "")
	}
	return p, nil
}

// checkTakenOver validates one remembered takeover of a snapshot: an ID
// given once, a valid takeover, assignments of declared providers on its
// side summing to Taken, Taken + Unfilled = |size|.
func (p *BackstopPool) checkTakenOver(r TakenOver) error {
	t, res := r.Takeover, r.Result
	if badID(t.ID) {
		return fmt.Errorf("%w: empty or non-UTF-8 ID", ErrBadSnapshot)
	}
	if _, dup := p.byID[t.ID]; dup {
		return fmt.Errorf("%w: takeover %q twice", ErrBadSnapshot, t.ID)
	}
	if err := p.checkTakeover(t); err != nil {
		return err
	}
	ds := []decimal.Decimal{res.Taken, res.Unfilled}
	for _, a := range res.Assignments {
		ds = append(ds, a.Size, a.Notional)
	}
	for _, d := range ds { // before any is formatted or added
		if err := num.Check(d); err != nil {
			return fmt.Errorf("%w: takeover %q: %w", ErrBadSnapshot, t.ID, err)
		}
	}
	taken := decimal.Zero
	for _, a := range res.Assignments {
		if _, ok := p.providers[a.Provider]; !ok || a.Size.Sign() != t.Size.Sign() || a.Notional.Sign() < 0 {
			return fmt.Errorf("%w: takeover %q: assignment to %q of another side or provider", ErrBadSnapshot, t.ID, a.Provider)
		}
		taken = taken.Add(a.Size.Abs())
	}
	if !taken.Equal(res.Taken) || res.Unfilled.Sign() < 0 || !res.Taken.Add(res.Unfilled).Equal(t.Size.Abs()) {
		return fmt.Errorf("%w: takeover %q: assignments, taken and unfilled do not add up", ErrBadSnapshot, t.ID)
	}
	return nil
}
