package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Layer returns a waterfall layer that hands the bankrupt position t to the
// pool. The providers take each unit at t.Price while it is worth mark, so
// each unit moves
//
//	gap = (t.Price − mark) × sign(t.Size)
//
// of loss onto them; the layer's capacity is gap × the size they can still
// hold (floored to the unit), zero when gap ≤ 0. Absorbing X takes over
// q = ⌈X / gap⌉ (to the lot) and charges X to the providers pro rata to the
// size each took (exact). As q rounds up to the lot, the providers take
// over q × gap ≥ X of loss; the layer books X and the rest (under one
// lot × gap) stays with the venue, in its favour. Movements come from
// "blp:PROVIDER"; the assignments are in BLPLayer.Assignments. The layer's
// ID is PoolSettings.LayerID ("blp" by default).
func (p *BackstopPool) Layer(t Takeover, mark decimal.Decimal) (*BLPLayer, error) {
	return p.SharedLayer(t, mark, nil)
}

// SharedLayer is Layer with the position's size tracked in shared, which
// a later ADLLayer (ADLSettings.Shared) uses too, so the two never hand
// over the same size twice. Nil shared means the layer tracks |t.Size|
// alone.
func (p *BackstopPool) SharedLayer(t Takeover, mark decimal.Decimal, shared *SharedPosition) (*BLPLayer, error) {
	if err := p.checkTakeover(t); err != nil {
		return nil, err
	}
	if err := num.CheckPositive(mark); err != nil {
		return nil, wrap(ErrInvalidInput, err, "mark")
	}
	gap := t.Price.Sub(mark)
	if t.Size.Sign() < 0 {
		gap = gap.Neg()
	}
	if shared == nil {
		shared = &SharedPosition{left: t.Size.Abs()}
	} else if shared.left.Cmp(t.Size.Abs()) > 0 {
		return nil, fmt.Errorf("%w: shared position %s larger than the takeover %s", ErrInvalidInput, shared.left, t.Size.Abs())
	}
	return &BLPLayer{pool: p, t: t, gap: gap, left: shared}, nil
}

// BLPLayer is the waterfall layer of a BackstopPool for one takeover. Build
// it with BackstopPool.Layer (or SharedLayer), snapshot it with Snapshot and
// rebuild it with BackstopPool.RestoreBLPLayer. It draws on its pool, so it is
// not safe for concurrent use: the host serialises calls to the pool and its
// layers.
type BLPLayer struct {
	pool        *BackstopPool
	t           Takeover
	gap         decimal.Decimal
	left        *SharedPosition
	assignments []Assignment
}

// ID is the pool's PoolSettings.LayerID ("blp" by default).
func (l *BLPLayer) ID() string { return l.pool.layerID }

// assignmentsCopy returns every assignment made so far.
func (l *BLPLayer) assignmentsCopy() []Assignment { return append([]Assignment(nil), l.assignments...) }

func (l *BLPLayer) holdable() decimal.Decimal {
	_, _, room := l.pool.sizeCaps(l.t.Price)
	return num.MinOf(room, l.left.left)
}

// Capacity is gap × holdable size, floored to the money unit.
func (l *BLPLayer) Capacity() decimal.Decimal {
	if l.gap.Sign() <= 0 {
		return decimal.Zero
	}
	return num.MulRound(l.gap, l.holdable(), l.pool.scale, num.Floor)
}

// Absorb takes over enough of the position to absorb amount.
// It returns an EventTakeover per provider assigned.
func (l *BLPLayer) Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := checkPositive(amount, l.pool.scale, "amount"); err != nil {
		return nil, nil, err
	}
	if err := checkAbsorb(now, to); err != nil {
		return nil, nil, err
	}
	if amount.Cmp(l.Capacity()) > 0 {
		return nil, nil, fmt.Errorf("%w: %s > %s", ErrOverCapacity, amount, l.Capacity())
	}
	q := num.MinOf(num.DivCeil(amount, l.gap, l.pool.sizeScale), l.holdable())
	res, err := l.pool.assign(now, l.t, q)
	if err != nil {
		return nil, nil, err
	}
	ws := make([]decimal.Decimal, len(res.Assignments))
	for i, a := range res.Assignments {
		ws[i] = a.Size.Abs()
	}
	charges, err := proRataExact(amount, ws, l.pool.scale)
	if err != nil {
		return nil, nil, err
	}
	ms := make([]Movement, 0, len(charges))
	for i, a := range res.Assignments {
		if charges[i].Sign() > 0 {
			ms = append(ms, Movement{From: "blp:" + a.Provider, To: to, Amount: charges[i],
				Reason: "backstop takeover at " + l.t.Price.String()})
		}
	}
	l.assignments = append(l.assignments, res.Assignments...)
	l.left.left = l.left.left.Sub(q)
	return ms, res.Events, nil
}
